#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Host benchmark of the page refcount schemes (rust-bindings/pageref-model,
# std atomics, pinned threads, measured by criterion): get+put on one shared
# page for 1..N threads (N = the CPUs this process may use) and the
# uncontended final put. Prints a Markdown report (ns per operation: median
# and min..max of criterion's samples, ratio to mainline) and keeps a copy
# under out/model-bench/, with criterion's log and data next to it.
#
#   scripts/bench/model-bench.sh                 full run (per cell: 1 s warm-up,
#                                          5 s measurement, 100 samples)
#   scripts/bench/model-bench.sh --quick         smoke run (0.2 s, 0.5 s, 10 samples)
#   scripts/bench/model-bench.sh --reps 21 --time 3 --threads 1,2,4
#   scripts/bench/model-bench.sh -- '2 threads'  anything after -- goes to criterion
#
# --reps N: criterion samples per cell (at least 10); --time S: measurement
# seconds per cell; --threads LIST: thread counts (PAGEREF_BENCH_THREADS).
# CARGO_BUILD_JOBS (default 1) limits the build's parallelism.
# BENCH_RT_PRIO=N runs the benchmark under SCHED_FIFO priority N (chrt;
# needs root or CAP_SYS_NICE), so that other work on a busy machine does not
# time-slice the pinned threads; the kernel's RT throttling still leaves
# other tasks 5% of each CPU.
set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/../lib.sh"

usage() {
	die "usage: scripts/bench/model-bench.sh [--quick] [--reps N] [--time SECONDS] [--threads 1,2,..] [-- CRITERION-ARGS]"
}

cmd="scripts/bench/model-bench.sh"
[ $# -eq 0 ] || cmd+=" $*"
[ -z "${BENCH_RT_PRIO:-}" ] || cmd="BENCH_RT_PRIO=$BENCH_RT_PRIO $cmd"

crit=()
threads=
while [ $# -gt 0 ]; do
	case $1 in
	--quick)
		crit+=(--warm-up-time 0.2 --measurement-time 0.5 --sample-size 10 --nresamples 10000)
		shift
		;;
	--reps)
		[[ $# -ge 2 && $2 =~ ^[1-9][0-9]*$ && $2 -ge 10 ]] ||
			die "--reps wants a number of samples, at least 10 (criterion's minimum)."
		crit+=(--sample-size "$2")
		shift 2
		;;
	--time)
		[[ $# -ge 2 && $2 =~ ^[0-9]+(\.[0-9]+)?$ ]] || die "--time wants seconds, e.g. 5 or 0.5."
		crit+=(--measurement-time "$2")
		shift 2
		;;
	--threads)
		[[ $# -ge 2 && $2 =~ ^[1-9][0-9]*(,[1-9][0-9]*)*$ ]] || die "--threads wants a list such as 1,2,4."
		threads=$2
		shift 2
		;;
	--)
		shift
		crit+=("$@")
		break
		;;
	*) usage ;;
	esac
done

need cargo "Run scripts/pipeline/setup.sh (or install Rust with rustup)."

CRATE_DIR=$ROOT/rust-bindings
RESULT_DIR=$OUTDIR/model-bench
mkdir -p "$RESULT_DIR"
stem=$RESULT_DIR/host-bench-$(date -u +%Y%m%dT%H%M%SZ)
report=$stem.md

log "building the pageref-bench benchmark (release)"
bin=$(host_bench_bin)
run=("$bin")
sched=SCHED_OTHER
if [ -n "${BENCH_RT_PRIO:-}" ]; then
	need chrt "Install util-linux."
	run=(chrt -f "$BENCH_RT_PRIO" "$bin")
	sched="SCHED_FIFO priority $BENCH_RT_PRIO"
fi

criterion=$(sed -n '/^name = "criterion"$/{n;s/^version = "\(.*\)"$/\1/p;}' "$CRATE_DIR/Cargo.lock")
cpu_model=$(lscpu 2>/dev/null | sed -n 's/^Model name:[[:space:]]*//p' | head -n 1)
[ -n "$cpu_model" ] || cpu_model=$(sed -n 's/^model name[[:space:]]*:[[:space:]]*//p' /proc/cpuinfo | head -n 1)
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
date=$(date -u '+%Y-%m-%d %H:%M:%S UTC')
summary=$stem.summary.md

log "running pageref-bench ${crit[*]} (criterion output: $stem.log)"
# Criterion's own report (with its confidence intervals) goes to the log
# and to stderr; the summary tables to $summary.
CRITERION_HOME=$stem.criterion PAGEREF_BENCH_SUMMARY=$summary \
	PAGEREF_BENCH_THREADS=$threads "${run[@]}" --bench "${crit[@]}" | tee "$stem.log" >&2
[ -s "$summary" ] || die "the benchmark measured nothing (filtered out?)." "Criterion's output: $stem.log"

{
	printf '## Host benchmark run\n\n'
	printf -- '- date: %s\n' "$date"
	printf -- '- machine: %s, %s CPUs online (%s), kernel %s\n' \
		"${cpu_model:-unknown CPU}" "$(nproc --all)" "$(uname -m)" "$(uname -r)"
	printf -- '- load average before the run: %s, after: %s\n' \
		"$load_before" "$(cut -d' ' -f1-3 /proc/loadavg)"
	printf -- '- toolchain: %s; criterion %s\n' "$(rustc --version)" "${criterion:-?}"
	printf -- '- scheduling: %s\n' "$sched"
	printf -- "- command: \`%s\`\n\n" "$cmd"
	cat "$summary"
} | tee "$report"
rm -f "$summary"
log "report written to $report (criterion's log and data: $stem.log, $stem.criterion/)"
