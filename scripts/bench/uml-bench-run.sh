#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Boot two UML benchmark kernels (scripts/bench/uml-build.sh) alternately, A, B,
# A, B, ..., and keep what each boot printed. Standalone: needs bash,
# coreutils and timeout only, so that the bundle of scripts/bench/uml-bundle.sh
# runs it on a machine without build tools.
#
#   uml-bench-run.sh OUT A_LABEL A_LINUX B_LABEL B_LINUX
#   uml-bench-run.sh OUT LABEL LINUX          one kernel (a correctness run)
#
#   REPS=n          boots per kernel (default 5)
#   NCPUS=n         virtual CPUs of each boot (default 2; UML's limit is 64)
#   BENCH_SECONDS=s seconds per cell (default 3)
#   BENCH_THREADS   thread counts, e.g. "1,2" (default: the module's rule,
#                   1..8, then powers of two, then NCPUS)
#   MEM=size        UML memory (default 512M)
#   BOOT_TIMEOUT=s  per boot (default: from the number of cells)
#   UML_PIN=1       pin the UML process's threads, one per host CPU, in the
#                   order they were created (thread i to host CPU i mod the
#                   host's CPUs): UML's virtual CPU i is its thread i (the
#                   main thread is CPU 0), and UML has no option of its own
#                   for it. Needs taskset (util-linux). Default 0.
#
# Each boot's folder OUT/<label>-<i> holds console.log (everything the UML
# process wrote), guest-pageref_bench.ktap (the benchmark's KTAP report:
# the console lines with the "pageref_bench: " prefix, prefix removed) and
# boot.status ("rc elapsed uml NCPUS cpu_seconds"; cpu_seconds is the host
# CPU time of the UML process, user + system, so cpu_seconds / elapsed
# above 1 shows its virtual CPUs ran at the same time). OUT/runs.txt lists
# the boots in order with their verdicts; OUT/load.txt the host's load
# average before and after. Exit status 0 only when every boot printed a
# complete KTAP report with every test point ok and no kernel warning.
set -euo pipefail

die() {
	printf 'uml-bench-run: ERROR: %s\n' "$1" >&2
	shift
	local line
	for line in "$@"; do printf '        %s\n' "$line" >&2; done
	exit 1
}

[ $# -eq 5 ] || [ $# -eq 3 ] || die "expected 3 or 5 arguments, got $#." \
	"Usage: uml-bench-run.sh OUT A_LABEL A_LINUX [B_LABEL B_LINUX]"
OUT=$1
shift
LABELS=()
KERNELS=()
while [ $# -gt 0 ]; do
	LABELS+=("$1")
	KERNELS+=("$2")
	shift 2
done
REPS=${REPS:-5}
NCPUS=${NCPUS:-2}
SECS=${BENCH_SECONDS:-3}
MEM=${MEM:-512M}
for v in REPS NCPUS SECS; do
	[[ ${!v} =~ ^[1-9][0-9]*$ ]] || die "$v must be a positive integer, not '${!v}'."
done
[ "$NCPUS" -le 64 ] || die "NCPUS=$NCPUS: UML has at most 64 virtual CPUs (NR_CPUS=64)."
for k in "${KERNELS[@]}"; do
	[ -x "$k" ] || die "no UML kernel at $k." "Build them with make bench-uml (scripts/bench/uml-build.sh)."
done
[ "${LABELS[0]}" != "${LABELS[-1]}" ] || [ ${#LABELS[@]} -eq 1 ] ||
	die "the two labels are the same ('${LABELS[0]}')."
command -v timeout >/dev/null || die "timeout (coreutils) is not installed."

# The module's thread-count rule, for the timeout: 1..8, then powers of two, then NCPUS.
cells=0
if [ -n "${BENCH_THREADS:-}" ]; then
	IFS=', ' read -r -a list <<<"$BENCH_THREADS"
	cells=${#list[@]}
else
	t=1
	last=0
	while [ "$t" -le "$NCPUS" ]; do
		cells=$((cells + 1))
		last=$t
		if [ "$t" -lt 8 ]; then t=$((t + 1)); else t=$((t * 2)); fi
	done
	[ "$last" -eq "$NCPUS" ] || cells=$((cells + 1))
fi
# Up to 11 cases per thread count (pageref_bench.c: the base runs 5), each
# its seconds, with room for a slow host.
TIMEOUT=${BOOT_TIMEOUT:-$((11 * cells * SECS * 3 + 120))}
PIN=${UML_PIN:-0}
[ "$PIN" = 0 ] || command -v taskset >/dev/null || die "UML_PIN=1 needs taskset (util-linux)."

# Pin the threads of the UML process started by timeout(1) (pid $1), one per
# host CPU, once it has NCPUS of them; a line per thread in $2.
pin_vcpus() {
	local tpid=$1 log=$2 upid='' hosts tid i=0 try
	local -a tids=()
	hosts=$(nproc)
	for try in $(seq 1 300); do
		upid=$(awk '{ print $1 }' "/proc/$tpid/task/$tpid/children" 2>/dev/null || true)
		if [ -n "$upid" ] && [ -d "/proc/$upid/task" ]; then
			mapfile -t tids < <(find "/proc/$upid/task" -mindepth 1 -maxdepth 1 -printf '%f\n' 2>/dev/null | sort -n)
			[ "${#tids[@]}" -lt "$NCPUS" ] || break
		fi
		sleep 0.1
	done
	if [ "${#tids[@]}" -lt "$NCPUS" ]; then
		echo "not pinned: found ${#tids[@]} of $NCPUS threads after $try tries" >"$log"
		return 0
	fi
	: >"$log"
	for tid in "${tids[@]}"; do
		taskset -pc $((i % hosts)) "$tid" >>"$log" 2>&1 || echo "thread $tid: taskset failed" >>"$log"
		i=$((i + 1))
	done
}

mkdir -p "$OUT"
: >"$OUT/runs.txt"
echo "before: $(cut -d' ' -f1-3 /proc/loadavg)" >"$OUT/load.txt"
fail=0
for i in $(seq 1 "$REPS"); do
	for side in "${!LABELS[@]}"; do
		label=${LABELS[$side]}
		run=$OUT/$label-$i
		mkdir -p "$run"
		args=(mem="$MEM" seccomp=on ncpus="$NCPUS" pageref_bench.seconds="$SECS")
		[ -z "${BENCH_THREADS:-}" ] || args+=(pageref_bench.threads="$BENCH_THREADS")
		printf '%s\n' "${KERNELS[$side]} ${args[*]}" >"$run/command"
		start=$(date +%s.%N)
		rc=0
		# bash's time keyword: the UML process's host CPU time (all its threads).
		TIMEFORMAT='%U %S'
		if [ "$PIN" = 0 ]; then
			{ time timeout "$TIMEOUT" "${KERNELS[$side]}" "${args[@]}" \
				</dev/null >"$run/console.log" 2>&1 || rc=$?; } 2>"$run/cpu-time"
		else
			{ time {
				timeout "$TIMEOUT" "${KERNELS[$side]}" "${args[@]}" \
					</dev/null >"$run/console.log" 2>&1 &
				tpid=$!
				pin_vcpus "$tpid" "$run/pin.txt" &
				ppid=$!
				wait "$tpid" || rc=$?
				wait "$ppid" || true
			}; } 2>"$run/cpu-time"
		fi
		elapsed=$(echo "$start $(date +%s.%N)" | awk '{printf "%.1f", $2 - $1}')
		cpu=$(awk '{printf "%.1f", $1 + $2}' "$run/cpu-time")
		sed -n 's/^.*pageref_bench: //p' "$run/console.log" | grep -v '^halting$' \
			>"$run/guest-pageref_bench.ktap" || true
		echo "$rc $elapsed uml $NCPUS $cpu" >"$run/boot.status"
		plan=$(sed -n 's/^1\.\.\([0-9]*\)$/\1/p' "$run/guest-pageref_bench.ktap" | head -n 1)
		oks=$(grep -c '^ok ' "$run/guest-pageref_bench.ktap" || true)
		verdict=ok
		if [ "$rc" -eq 124 ]; then
			verdict="timed out after ${TIMEOUT}s"
		elif [ "$rc" -ne 0 ]; then
			verdict="UML exited with $rc"
		elif [ -z "$plan" ]; then
			verdict="no KTAP plan: the benchmark did not report (see console.log)"
		elif grep -q '^not ok ' "$run/guest-pageref_bench.ktap"; then
			verdict="a test point failed: $(grep -m1 '^not ok ' "$run/guest-pageref_bench.ktap")"
		elif [ "$oks" -ne "$plan" ]; then
			verdict="KTAP stream ended early: $oks of $plan test points"
		elif grep -qE 'WARNING:|BUG:|Kernel panic|Oops' "$run/console.log"; then
			verdict="kernel warning: $(grep -m1 -E 'WARNING:|BUG:|Kernel panic|Oops' "$run/console.log")"
		fi
		[ "$verdict" = ok ] || fail=1
		printf '%s %s: %s (%ss, %s CPU-s)\n' "$label" "$i" "$verdict" "$elapsed" "$cpu" |
			tee -a "$OUT/runs.txt"
	done
done
echo "after: $(cut -d' ' -f1-3 /proc/loadavg)" >>"$OUT/load.txt"
[ $fail -eq 0 ] || die "some boots failed (above; each boot's console.log is in $OUT)."
