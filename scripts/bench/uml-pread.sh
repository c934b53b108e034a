#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# make bench-uml-pread: the series' headline workload, many threads pread()ing
# one cached file (selftests/bench/pread_scale.c), on this machine's real
# cores: UML kernels of the base and of the series, booted alternately.
#
# The kernels (scripts/bench/uml-build.sh with UML_EXTRA_CONFIG=
# config/uml-pread.config, out/build/uml-<variant>-pread) carry a built-in
# initramfs (UML_INITRAMFS) holding two static programs: selftests/uml/init.c
# as /init and pread_scale as /bin/pread_scale. init mounts a tmpfs on /tmp,
# runs the program and writes each of its lines to /dev/kmsg with the
# prefix "pageref_user: pread_scale: " (whole lines, in order with the
# kernel's messages), then powers off, which ends the UML process. The file
# pread_scale reads is a one-page tmpfs file: every read goes
# shmem_file_read_iter() -> shmem_get_folio() -> filemap_get_entry(), which
# takes the speculative reference (folio_try_get()), and drops it after the
# copy; all threads hit one struct page. The program, the file and the
# page cache are the guest's; the atomics are the host's, on its own cores.
#
# Steps: the static programs (make -C selftests static), the three kernels
# (base, series, and the series with CONFIG_DEBUG_VM=y for a correctness
# boot), one correctness boot, then REPS boots of each numbers kernel
# alternating A, B (scripts/bench/uml-pread-run.sh), then the report of
# scripts/bench/bench-report.py (per-pair B/A, median, bootstrap interval),
# kept in out/uml-pread/<stamp>/ and appended to Documentation/benchmarks.md.
#
#   scripts/bench/uml-pread.sh      (make bench-uml-pread)
#   REPS=n            boots per kernel (default 8)
#   NCPUS=n           virtual CPUs per boot (default: nproc, at most 64)
#   BENCH_SECONDS=s   seconds per thread count (default 3)
#   BENCH_THREADS=1,2 thread counts (default: pread_scale's rule, 1..NCPUS)
#   UML_BUILD=0       use the kernels already built
#   BUILD_ONLY=1      build the programs and kernels, boot nothing
#   BENCH_DOC=file    where the report is appended (default
#                     Documentation/benchmarks.md; empty: nowhere)
set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/../lib.sh"

REPS=${REPS:-8}
ncpu=$(nproc)
NCPUS=${NCPUS:-$((ncpu > 64 ? 64 : ncpu))}
BENCH_SECONDS=${BENCH_SECONDS:-3}
DOC=${BENCH_DOC-$ROOT/Documentation/benchmarks.md}
MEM=${MEM:-512M}
export REPS NCPUS BENCH_SECONDS MEM
FRAG=$ROOT/config/uml-pread.config
WORK=$OUTDIR/uml-pread
STATIC=$OUTDIR/selftests/static
LIST=$WORK/initramfs.list

if [ "${UML_BUILD:-1}" != 0 ]; then
	log "static programs: init, pread_scale ($STATIC)"
	make -s -C "$ROOT/selftests" LINUX="$LINUX" OUT="$OUTDIR/selftests" \
		"$STATIC/init" "$STATIC/pread_scale"
	mkdir -p "$WORK"
	# gen_init_cpio's list format (linux/usr/gen_init_cpio.c): device nodes
	# need no root on the host, and the kernel rebuilds the archive when a
	# listed file changes.
	cat >"$LIST.new" <<EOF
dir /dev 0755 0 0
nod /dev/console 0600 0 0 c 5 1
nod /dev/kmsg 0600 0 0 c 1 11
nod /dev/null 0666 0 0 c 1 3
dir /proc 0755 0 0
dir /sys 0755 0 0
dir /tmp 1777 0 0
dir /bin 0755 0 0
file /init $STATIC/init 0755 0 0
file /bin/pread_scale $STATIC/pread_scale 0755 0 0
EOF
	if cmp -s "$LIST.new" "$LIST"; then rm "$LIST.new"; else mv "$LIST.new" "$LIST"; fi
	for v in base series; do
		UML_EXTRA_CONFIG=$FRAG UML_INITRAMFS=$LIST "$ROOT/scripts/bench/uml-build.sh" "$v"
	done
	UML_DEBUG_VM=1 UML_EXTRA_CONFIG=$FRAG UML_INITRAMFS=$LIST "$ROOT/scripts/bench/uml-build.sh" series
fi
if [ "${BUILD_ONLY:-0}" = 1 ]; then
	log "BUILD_ONLY=1: kernels built, nothing booted"
	exit 0
fi
A=$OUTDIR/build/uml-base-pread/linux
B=$OUTDIR/build/uml-series-pread/linux
D=$OUTDIR/build/uml-series-pread-debug/linux
for k in "$A" "$B" "$D"; do
	[ -x "$k" ] || die "no UML kernel at $k." "Run without UML_BUILD=0."
done

stamp=$(date -u +%Y%m%dT%H%M%SZ)
RESULT_DIR=$WORK/$stamp
mkdir -p "$RESULT_DIR"

log "correctness run: uml-series-pread-debug (CONFIG_DEBUG_VM=y), $NCPUS CPUs"
REPS=1 BENCH_SECONDS=1 "$ROOT/scripts/bench/uml-pread-run.sh" "$RESULT_DIR/debug" \
	series-debug "$D" >/dev/null ||
	die "the series' DEBUG_VM kernel failed the pread run's checks." "See $RESULT_DIR/debug/runs.txt"
sed 's/^/        /' "$RESULT_DIR/debug/runs.txt" >&2

load=$(cut -d' ' -f1 /proc/loadavg)
if awk -v l="$load" 'BEGIN { exit !(l > 0.5) }'; then
	warn "the host's load average is $load: other work will show up in the numbers."
fi
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
log "A/B: $REPS boots each of uml-base-pread and uml-series-pread, $NCPUS CPUs, ${BENCH_SECONDS}s a cell"
"$ROOT/scripts/bench/uml-pread-run.sh" "$RESULT_DIR" base "$A" series "$B" ||
	die "a benchmark boot failed: its figures are not used." "See $RESULT_DIR/runs.txt"

cmd="REPS=$REPS NCPUS=$NCPUS BENCH_SECONDS=$BENCH_SECONDS${BENCH_THREADS:+ BENCH_THREADS=$BENCH_THREADS} make bench-uml-pread"
runs_a=()
runs_b=()
for i in $(seq 1 "$REPS"); do
	runs_a+=("$RESULT_DIR/base-$i")
	runs_b+=("$RESULT_DIR/series-$i")
done
report=$RESULT_DIR/report.md
rc=0
python3 "$ROOT/scripts/bench/bench-report.py" --title "UML pread run (make bench-uml-pread)" \
	--a-label base --b-label series --a "${runs_a[@]}" --b "${runs_b[@]}" \
	--a-kernel "$(git -C "$OUTDIR/uml/src-base" describe --always --tags)" \
	--b-kernel "$(git -C "$OUTDIR/uml/src-series" describe --always --tags)" \
	--memory "$MEM" --seconds "$BENCH_SECONDS" --load-before "$load_before" \
	--command "$cmd" \
	--command "per boot: out/build/uml-<variant>-pread/linux $(sed 's/^[^ ]* //' "$RESULT_DIR/base-1/command")" \
	>"$report" || rc=$?
cat "$report"
[ "$rc" = 0 ] || die "the benchmark report found problems (the PROBLEM lines above); not recorded." \
	"Report: $report"
if [ -n "$DOC" ]; then
	printf '\n' >>"$DOC"
	cat "$report" >>"$DOC"
	log "Report appended to $DOC (copy: $report)"
else
	log "BENCH_DOC is empty: report kept in $report only"
fi
