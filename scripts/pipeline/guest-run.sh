#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Runs INSIDE the guest (virtme-ng --exec), as root, over the host's root
# filesystem. Runs every guest test program built into out/selftests/bin and
# leaves its KTAP, stderr and exit code in the writable run folder $1, then
# the kernel log. The host judges the results (scripts/pipeline/results.py); this
# script only runs things, so it never stops early on a failing program.
set -uo pipefail

RUN=$1
BIN=$2
PROG_TIMEOUT=${3:-600}
FILTER=${4:-}
# PROG_TIMEOUTS="name=seconds ...": a longer (or shorter) limit for some
# programs (make check-wide's mm_selftests bounds each category itself).
PROG_TIMEOUTS=${PROG_TIMEOUTS:-}

echo "guest: $(uname -r), $(nproc) CPUs, $(awk '/MemTotal/ {print $2 " kB"}' /proc/meminfo)"
mountpoint -q /tmp || mount -t tmpfs tmpfs /tmp
for prog in "$BIN"/*; do
	[ -x "$prog" ] || continue
	name=$(basename "$prog")
	# shellcheck disable=SC2053 # FILTER is a glob on purpose
	[ -n "$FILTER" ] && [[ $name != $FILTER ]] && continue
	limit=$PROG_TIMEOUT
	for t in $PROG_TIMEOUTS; do
		[ "${t%%=*}" = "$name" ] && limit=${t#*=}
	done
	echo "guest: running $name (timeout ${limit}s)"
	start=$(date +%s.%N)
	timeout -k 10 "$limit" "$prog" >"$RUN/guest-$name.ktap" 2>"$RUN/guest-$name.err"
	echo $? >"$RUN/guest-$name.rc"
	echo "$start $(date +%s.%N)" >"$RUN/guest-$name.time"
done
# make check-wide's profiled kernels: copy the gcov counters out of debugfs
# (scripts/wide/wide-coverage.py reads them on the host).
if [ -n "${GCOV_OUT:-}" ]; then
	mountpoint -q /sys/kernel/debug || mount -t debugfs none /sys/kernel/debug
	if [ -d /sys/kernel/debug/gcov ]; then
		(cd /sys/kernel/debug/gcov && find . -name '*.gcda') | while read -r f; do
			mkdir -p "$GCOV_OUT/$(dirname "$f")"
			cat "/sys/kernel/debug/gcov/$f" >"$GCOV_OUT/$f"
		done
	fi
	echo "guest: $(find "$GCOV_OUT" -name '*.gcda' 2>/dev/null | wc -l) gcov data files in $GCOV_OUT"
fi
dmesg >"$RUN/dmesg.txt"
echo ok >"$RUN/guest.done"
