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

RUNNER=uml-bench-run
# shellcheck source=scripts/bench/uml-run-common.sh
. "$(dirname "$0")/uml-run-common.sh"

uml_run_setup 5 "Build them with make bench-uml (scripts/bench/uml-build.sh)." "$@"

cells=$(thread_cells)
# Up to 11 cases per thread count (pageref_bench.c: the base runs 5), each
# its seconds, with room for a slow host.
TIMEOUT=${BOOT_TIMEOUT:-$((11 * cells * SECS * 3 + 120))}
PIN=${UML_PIN:-0}
[ "$PIN" = 0 ] || command -v taskset >/dev/null || die "UML_PIN=1 needs taskset (util-linux)."

uml_runs_begin
for i in $(seq 1 "$REPS"); do
	for side in "${!LABELS[@]}"; do
		label=${LABELS[$side]}
		run=$OUT/$label-$i
		mkdir -p "$run"
		args=(mem="$MEM" seccomp=on ncpus="$NCPUS" pageref_bench.seconds="$SECS")
		[ -z "${BENCH_THREADS:-}" ] || args+=(pageref_bench.threads="$BENCH_THREADS")
		uml_boot "$run" "${KERNELS[$side]}" "${args[@]}"
		sed -n 's/^.*pageref_bench: //p' "$run/console.log" | grep -v '^halting$' \
			>"$run/guest-pageref_bench.ktap" || true
		plan=$(sed -n 's/^1\.\.\([0-9]*\)$/\1/p' "$run/guest-pageref_bench.ktap" | head -n 1)
		oks=$(grep -c '^ok ' "$run/guest-pageref_bench.ktap" || true)
		verdict=$(uml_exit_verdict)
		if [ "$verdict" != ok ]; then
			:
		elif [ -z "$plan" ]; then
			verdict="no KTAP plan: the benchmark did not report (see console.log)"
		elif grep -q '^not ok ' "$run/guest-pageref_bench.ktap"; then
			verdict="a test point failed: $(grep -m1 '^not ok ' "$run/guest-pageref_bench.ktap")"
		elif [ "$oks" -ne "$plan" ]; then
			verdict="KTAP stream ended early: $oks of $plan test points"
		else
			verdict=$(uml_kernel_warning "$run/console.log") || verdict=ok
		fi
		uml_record "$label" "$i" "$verdict"
	done
done
uml_runs_end
