#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Boot two UML kernels that run user space from their built-in initramfs
# (scripts/bench/uml-pread.sh: selftests/uml/init.c as init, static
# benchmark programs in /bin) alternately, A, B, A, B, ..., and keep what
# each boot printed. Standalone: needs bash, coreutils and timeout only,
# so that the bundle of scripts/bench/uml-bundle.sh runs it on a machine
# without build tools.
#
#   uml-pread-run.sh OUT A_LABEL A_LINUX B_LABEL B_LINUX
#   uml-pread-run.sh OUT LABEL LINUX          one kernel (a correctness run)
#
#   REPS=n          boots per kernel (default 8)
#   NCPUS=n         virtual CPUs of each boot (default 2; UML's limit is 64)
#   BENCH_SECONDS=s seconds per thread count (default 3)
#   BENCH_THREADS   thread counts, e.g. "1,2" (default: the programs' rule,
#                   1..8, then powers of two, then NCPUS)
#   MEM=size        UML memory (default 512M)
#   BENCH_PROCS=0|1 readers as processes (1, default) or threads (0): UML
#                   runs the user code of one mm's threads one at a time
#                   (its per-mm "turnstile"), so only processes read at the
#                   same time (selftests/bench/pread_scale.c)
#   BOOT_TIMEOUT=s  per boot (default: from the number of thread counts)
#
# Each boot's folder OUT/<label>-<i> holds console.log (everything the UML
# process wrote), guest-<program>.ktap per program (init writes each line
# of a program to /dev/kmsg as "pageref_user: <program>: <line>"; the prefix
# is removed here) and boot.status ("rc elapsed uml NCPUS cpu_seconds", as
# uml-bench-run.sh). OUT/runs.txt lists the boots with their verdicts.
# Exit status 0 only when every boot ran init to its end, every program
# exited 0 with a complete KTAP report, every test point ok (a skip is a
# failure here: a benchmark that did not run is no figure), and the console
# holds no kernel warning.
set -euo pipefail

RUNNER=uml-pread-run
# shellcheck source=scripts/bench/uml-run-common.sh
. "$(dirname "$0")/uml-run-common.sh"

uml_run_setup 8 "Build them with make bench-uml-pread (scripts/bench/uml-pread.sh)." "$@"

# The thread counts of pread_scale.c are those of thread_cells.
cells=$(thread_cells)
TIMEOUT=${BOOT_TIMEOUT:-$((cells * SECS * 3 + 120))}
PIN=0

uml_runs_begin
for i in $(seq 1 "$REPS"); do
	for side in "${!LABELS[@]}"; do
		label=${LABELS[$side]}
		run=$OUT/$label-$i
		rm -rf "$run"
		mkdir -p "$run"
		# NAME=value words the kernel does not know reach init as its
		# environment; printk.devkmsg=on keeps /dev/kmsg from dropping lines.
		args=(mem="$MEM" seccomp=on ncpus="$NCPUS" printk.devkmsg=on BENCH_SECONDS="$SECS"
			BENCH_PROCS="${BENCH_PROCS:-1}")
		[ -z "${BENCH_THREADS:-}" ] || args+=(BENCH_THREADS="$BENCH_THREADS")
		uml_boot "$run" "${KERNELS[$side]}" "${args[@]}"
		# One KTAP file per program, prefix removed.
		progs=$(sed -n 's/^.*pageref_user: \([A-Za-z0-9_.-]*\): .*$/\1/p' "$run/console.log" |
			grep -vx init | sort -u || true)
		for p in $progs; do
			sed -n "s/^.*pageref_user: $p: //p" "$run/console.log" >"$run/guest-$p.ktap"
		done
		verdict=$(uml_exit_verdict)
		if [ "$verdict" != ok ]; then
			:
		elif ! grep -q 'pageref_user: init: done' "$run/console.log"; then
			verdict="init did not finish (see console.log)"
		elif [ -z "$progs" ]; then
			verdict="no program printed anything (see console.log)"
		elif grep -q 'pageref_user: init: .* exit=[^0]' "$run/console.log"; then
			verdict="a program failed: $(grep -m1 -o 'pageref_user: init: .* exit=[^0].*' "$run/console.log")"
		else
			verdict=$(uml_kernel_warning "$run/console.log") || verdict=ok
		fi
		for p in $progs; do
			[ "$verdict" = ok ] || break
			k=$run/guest-$p.ktap
			plan=$(sed -n 's/^1\.\.\([0-9]*\)$/\1/p' "$k" | head -n 1)
			oks=$(grep -c '^ok ' "$k" || true)
			if [ -z "$plan" ]; then
				verdict="$p: no KTAP plan"
			elif grep -q '^not ok ' "$k"; then
				verdict="$p: a test point failed: $(grep -m1 '^not ok ' "$k")"
			elif grep -qi '^ok .*# SKIP' "$k"; then
				verdict="$p: a test point was skipped: $(grep -m1 -i '^ok .*# SKIP' "$k")"
			elif [ "$oks" -ne "$plan" ]; then
				verdict="$p: KTAP stream ended early: $oks of $plan test points"
			fi
		done
		uml_record "$label" "$i" "$verdict"
	done
done
uml_runs_end
