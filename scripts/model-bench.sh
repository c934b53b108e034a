#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Host benchmark of the page refcount schemes (rust-bindings/pageref-model,
# std atomics, pinned threads): get+put on one shared page for 1..N threads
# (N = the CPUs this process may use) and the uncontended final put.
# Prints a Markdown report and keeps a copy under out/model-bench/.
#
#   scripts/model-bench.sh               full run (11 reps, ~100 ms each)
#   scripts/model-bench.sh --quick       smoke run (3 reps, ~20 ms each)
#   scripts/model-bench.sh --reps 21 --threads 1,2,4
#
# Any arguments go to the pageref-bench binary. CARGO_BUILD_JOBS (default 1)
# limits the build's parallelism. BENCH_RT_PRIO=N runs the benchmark under
# SCHED_FIFO priority N (chrt; needs root or CAP_SYS_NICE), so that other
# work on a busy machine does not time-slice the pinned threads; the
# kernel's RT throttling still leaves other tasks 5% of each CPU.
set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"

need cargo "Run scripts/setup.sh (or install Rust with rustup)."

CRATE_DIR=$ROOT/rust-bindings
RESULT_DIR=$OUTDIR/model-bench
mkdir -p "$RESULT_DIR"
report=$RESULT_DIR/host-bench-$(date -u +%Y%m%dT%H%M%SZ).md

log "building pageref-bench (release)"
(cd "$CRATE_DIR" && cargo build --release --locked -j "${CARGO_BUILD_JOBS:-1}" \
	-p pageref-model --bin pageref-bench) >&2
bin=$CRATE_DIR/target/release/pageref-bench
run=("$bin")
sched=SCHED_OTHER
if [ -n "${BENCH_RT_PRIO:-}" ]; then
	need chrt "Install util-linux."
	run=(chrt -f "$BENCH_RT_PRIO" "$bin")
	sched="SCHED_FIFO priority $BENCH_RT_PRIO"
fi
cmd="scripts/model-bench.sh"
[ $# -eq 0 ] || cmd+=" $*"
[ -z "${BENCH_RT_PRIO:-}" ] || cmd="BENCH_RT_PRIO=$BENCH_RT_PRIO $cmd"

cpu_model=$(lscpu 2>/dev/null | sed -n 's/^Model name:[[:space:]]*//p' | head -n 1)
[ -n "$cpu_model" ] || cpu_model=$(sed -n 's/^model name[[:space:]]*:[[:space:]]*//p' /proc/cpuinfo | head -n 1)
load_before=$(cut -d' ' -f1-3 /proc/loadavg)

log "running pageref-bench $*"
{
	printf '## Host benchmark run\n\n'
	printf -- '- date: %s\n' "$(date -u '+%Y-%m-%d %H:%M:%S UTC')"
	printf -- '- machine: %s, %s CPUs online (%s), kernel %s\n' \
		"${cpu_model:-unknown CPU}" "$(nproc --all)" "$(uname -m)" "$(uname -r)"
	printf -- '- load average before the run: %s\n' "$load_before"
	printf -- '- toolchain: %s\n' "$(rustc --version)"
	printf -- '- scheduling: %s\n' "$sched"
	printf -- "- command: \`%s\`\n\n" "$cmd"
	"${run[@]}" "$@"
	printf '\n- load average after the run: %s\n' "$(cut -d' ' -f1-3 /proc/loadavg)"
} | tee "$report"
log "report written to $report"
