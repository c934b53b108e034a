#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# A/B guest benchmarks: build the baseline (A) and the patched kernel (B),
# boot each BENCH_REPS times, alternating A, B, A, B, ..., every boot running
# the benchmark programs of out/selftests/bench (pread scalability, free-path
# cost, GUP/futex get+put, and the folio_try_get() + folio_put() fast path in
# a kernel module), check that every boot passed, and aggregate the
# `# BENCH` lines into a Markdown table (scripts/bench/bench-report.py): median and
# min..max per side, ratio B/A. The report is kept under out/bench/<stamp>/
# and appended to Documentation/benchmarks.md.
#
# The kernels are the bench builds (scripts/bench/bench-build.sh): the test config
# plus config/bench.config (loadable modules), in out/build/bench-<variant>,
# with the fast-path module built against each in out/kmod/<variant>; the
# kernels of make check (out/build/pageref, out/build/baseline) are not used.
#
#   scripts/bench/bench.sh                       (make bench) the real A/B run
#   BENCH_REPS=n                           boots per side (default 3)
#   BENCH_SECONDS=s                        seconds per benchmark cell (default 3)
#   BENCH_A=variant BENCH_B=variant        the two kernels (default baseline, pageref);
#                                          out/build/bench-<variant>, baseline from out/linux-baseline
#   BENCH_BUILD=0                          skip the kernel builds, boot what is in out/build
#                                          (the module is still built against each)
#   BENCH_PROGS=glob                       run only the benchmark programs matching it
#                                          (e.g. tryget_put); default all
#   BENCH_DOC=file                         where the report is appended (default
#                                          Documentation/benchmarks.md; empty: nowhere)
#   CPUS=n MEMORY=2G                       guest size (default: host CPUs, 2G)
#   BENCH_ROUNDS, BENCH_FREE_MB, BENCH_THREADS, BENCH_MAX_THREADS
#                                          passed to the guest programs (see their headers)
#   PROG_TIMEOUT, BOOT_TIMEOUT             as for boot.sh; the defaults here grow with CPUS
#
# With BENCH_A = BENCH_B (the same kernel on both sides) the run is a
# pipeline self-test: every ratio should be about 1.00. Its report is
# labelled so and never appended to BENCH_DOC, only kept under out/bench/.
set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/../lib.sh"

A=${BENCH_A:-baseline}
B=${BENCH_B:-pageref}
REPS=${BENCH_REPS:-3}
SECONDS_PER_CELL=${BENCH_SECONDS:-3}
DOC=${BENCH_DOC-$ROOT/Documentation/benchmarks.md}
CPUS=${CPUS:-$(nproc)}
MEMORY=${MEMORY:-2G}
# No HugeTLB reservation on the benchmark boots (boot.sh's default reserves 1 GB).
BOOT_APPEND=${BOOT_APPEND:-panic=-1 oops=panic}
export CPUS MEMORY BOOT_APPEND

[[ $REPS =~ ^[1-9][0-9]*$ ]] || die "BENCH_REPS must be a positive integer, not '$REPS'."
[[ $SECONDS_PER_CELL =~ ^[1-9][0-9]*$ ]] || die "BENCH_SECONDS must be a positive integer."
self_test=0
[ "$A" != "$B" ] || self_test=1

# The tree each variant is built from: the baseline has its own worktree.
# Its bench kernel is out/build/bench-<variant>, its module out/kmod/<variant>.
tree_of() {
	if [ "$1" = baseline ]; then
		echo "$OUTDIR/linux-baseline"
	else
		echo "$LINUX"
	fi
}

# A run folder per boot; with the same kernel on both sides, the side too.
run_of() {
	local side=$1 variant=$2 rep=$3
	if [ "$self_test" = 1 ]; then
		echo "$OUTDIR/run/bench-$variant-$side$rep"
	else
		echo "$OUTDIR/run/bench-$variant-$rep"
	fi
}

# The command line that reproduces this run, for the report.
cmd=""
for var in BENCH_A BENCH_B BENCH_REPS BENCH_SECONDS BENCH_BUILD BENCH_PROGS BENCH_ROUNDS \
	BENCH_FREE_MB BENCH_THREADS BENCH_MAX_THREADS CPUS MEMORY; do
	[ -z "${!var:-}" ] || cmd+="$var=${!var} "
done
cmd+="scripts/bench/bench.sh"

# How many thread counts the programs measure in a CPUS-vCPU guest (the rule
# of selftests/bench/bench.h), for the time limits: boot.sh's defaults
# (120 s a program, 300 s a boot under KVM) are too short on a big machine.
nthreads=0
if [ -n "${BENCH_THREADS:-}" ]; then
	nthreads=$(tr ',' ' ' <<<"$BENCH_THREADS" | wc -w)
else
	last=0
	for ((t = 1; t <= CPUS; t = t < 8 ? t + 1 : t * 2)); do
		nthreads=$((nthreads + 1))
		last=$t
	done
	[ "$last" = "$CPUS" ] || nthreads=$((nthreads + 1))
fi
# Per boot: pread_scale 1 cell, gup_shared 2 and tryget_put 2 cells per
# thread count, and free_path, which is not time-bound (a minute allowed for it).
bench_s=$((5 * nthreads * SECONDS_PER_CELL + 60))
export PROG_TIMEOUT=${PROG_TIMEOUT:-$((600 + 2 * bench_s))}
export BOOT_TIMEOUT=${BOOT_TIMEOUT:-$((900 + 2 * bench_s))}

stamp=$(date -u +%Y%m%dT%H%M%SZ)
RESULT_DIR=$OUTDIR/bench/$stamp
mkdir -p "$RESULT_DIR"

# 1. Kernels and benchmark programs.
variants=("$A")
[ "$self_test" = 1 ] || variants+=("$B")
if [ "${BENCH_BUILD:-1}" != 0 ]; then
	for v in "${variants[@]}"; do
		"$ROOT/scripts/bench/bench-build.sh" "$v"
	done
else
	log "BENCH_BUILD=0: booting the kernels already in $OUTDIR/build/bench-*"
	for v in "${variants[@]}"; do
		[ -f "$OUTDIR/build/bench-$v/arch/x86/boot/bzImage" ] ||
			die "no kernel in $OUTDIR/build/bench-$v." "Build it (scripts/bench/bench-build.sh $v) or drop BENCH_BUILD=0."
		"$ROOT/scripts/bench/bench-build.sh" --module "$v"
	done
fi
log "Building the benchmark programs (out/selftests/bench)"
make -s -C "$ROOT/selftests" bench LINUX="$LINUX" OUT="$OUTDIR/selftests"

# What a benchmark boot must show: config/expected-suites without the guest
# test programs (they live in out/selftests/bin and do not run here), plus
# every benchmark program. boot.sh judges against the full list, so each boot
# is judged again with this one (scripts/pipeline/results.py, same checks otherwise).
# The programs this run expects (BENCH_PROGS, a glob, picks some; the guest
# runs the same selection: boot.sh's GUEST_FILTER).
progs=()
while IFS= read -r prog; do
	# shellcheck disable=SC2053 # BENCH_PROGS is a glob on purpose
	[[ -z ${BENCH_PROGS:-} || $prog == ${BENCH_PROGS:-} ]] && progs+=("$prog")
done < <(find "$OUTDIR/selftests/bench" -maxdepth 1 -type f -executable -printf '%f\n' | sort)
[ ${#progs[@]} -gt 0 ] ||
	die "BENCH_PROGS='${BENCH_PROGS:-}' matches no benchmark program in $OUTDIR/selftests/bench."
expect=$RESULT_DIR/expected-suites
{
	tests=$(find "$ROOT/selftests/c" -name '*.c' -printf '%f\n' | sed 's/\.c$//' | paste -sd'|')
	if [ -n "$tests" ]; then
		grep -vE "^[[:space:]]*($tests)([[:space:]]|#|$)" "$ROOT/config/expected-suites" || true
	else
		cat "$ROOT/config/expected-suites"
	fi
	printf '%s\n' "${progs[@]}"
} >"$expect"

guest_env="BENCH_SECONDS=$SECONDS_PER_CELL"
for var in BENCH_ROUNDS BENCH_FREE_MB BENCH_THREADS BENCH_MAX_THREADS; do
	[ -z "${!var:-}" ] || guest_env+=" $var=${!var}"
done

# 2. Boots, alternating A and B.
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
runs_a=()
runs_b=()
for rep in $(seq 1 "$REPS"); do
	for side in A B; do
		if [ "$side" = A ]; then v=$A; else v=$B; fi
		run=$(run_of "$side" "$v" "$rep")
		bootlog=$RESULT_DIR/boot-$(basename "$run").log
		log "Boot $rep/$REPS of $side ($v): $run"
		RUN=$run GUEST_BIN=$OUTDIR/selftests/bench GUEST_FILTER=${BENCH_PROGS:-} \
			GUEST_ENV="$guest_env PAGEREF_BENCH_KO=$OUTDIR/kmod/$v/pageref_bench.ko" \
			LINUX=$(tree_of "$v") "$ROOT/scripts/pipeline/boot.sh" "bench-$v" >"$bootlog" 2>&1 || true
		if ! python3 "$ROOT/scripts/pipeline/results.py" --linux "$(tree_of "$v")" --run "$run" \
			--expect "$expect" --config "$OUTDIR/build/bench-$v/.config" --variant "$v" \
			>"$bootlog.judged" 2>&1; then
			tail -n 25 "$bootlog" "$bootlog.judged" >&2
			die "boot $rep of $side ($v) did not pass: its figures are not used." \
				"Boot log: $bootlog" "Run folder: $run"
		fi
		grep -E '^(variant|[0-9]+ passed)' "$bootlog.judged" | sed 's/^/        /' >&2 || true
		if [ "$side" = A ]; then runs_a+=("$run"); else runs_b+=("$run"); fi
	done
done

# 3. Report.
filter_txt=""
[ -z "${BENCH_PROGS:-}" ] || filter_txt=" GUEST_FILTER='$BENCH_PROGS'"
kernel_of() {
	local tree
	tree=$(tree_of "$1")
	git -C "$tree" describe --always --tags 2>/dev/null || echo "?"
}
report_args=(--a-label "$A" --b-label "$B" --a "${runs_a[@]}" --b "${runs_b[@]}"
	--a-kernel "$(kernel_of "$A")" --b-kernel "$(kernel_of "$B")"
	--memory "$MEMORY" --seconds "$SECONDS_PER_CELL" --load-before "$load_before"
	--command "$cmd"
	--command "per boot: RUN=out/run/$(basename "$(run_of '<side>' '<variant>' '<rep>')") GUEST_BIN=out/selftests/bench$filter_txt GUEST_ENV='$guest_env PAGEREF_BENCH_KO=out/kmod/<variant>/pageref_bench.ko' CPUS=$CPUS MEMORY=$MEMORY scripts/pipeline/boot.sh bench-<variant>")
[ "$self_test" = 0 ] || report_args+=(--self-test)
report=$RESULT_DIR/report.md
rc=0
python3 "$ROOT/scripts/bench/bench-report.py" "${report_args[@]}" >"$report" || rc=$?
cat "$report"
[ "$rc" = 0 ] || die "the benchmark report found problems (the PROBLEM lines above); not recorded." \
	"Report: $report"
if [ "$self_test" = 1 ]; then
	log "Pipeline self-test (A = B = $A): report kept in $report only"
elif [ -n "$DOC" ]; then
	printf '\n' >>"$DOC"
	cat "$report" >>"$DOC"
	log "Report appended to $DOC (copy: $report)"
else
	log "BENCH_DOC is empty: report kept in $report only"
fi
