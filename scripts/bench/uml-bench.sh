#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# make bench-uml: the in-kernel A/B benchmark on this machine's real CPUs.
# Builds UML kernels of the base and of the series with the fast-path
# benchmark built in (scripts/bench/uml-build.sh), checks the series' kernel once
# with CONFIG_DEBUG_VM=y (a correctness run: every test point ok, no kernel
# warning), then boots the two numbers kernels alternately
# (scripts/bench/uml-bench-run.sh) and turns the `# BENCH` lines into the A/B
# table of scripts/bench/bench-report.py: median and min..max per side, and B/A
# as the median of the per-pair ratios with its 95% bootstrap interval. The
# report is kept in out/uml-bench/<stamp>/ and appended to
# Documentation/benchmarks.md.
#
# Each boot runs, per thread count (one kthread per virtual CPU):
# folio_try_get() + folio_put() on one shared folio and on a folio per
# thread, the final folio_put() of freshly allocated folios,
# page_frag_free() of frags of one page_frag_cache, get_page() +
# __free_pages() on one page, and (the series only) the generic put's
# shapes a, b and c on a shared and on a private page.
#
#   scripts/bench/uml-bench.sh          (make bench-uml)
#   REPS=n                        boots per kernel (default 5)
#   NCPUS=n                       virtual CPUs per boot (default 2 = this machine)
#   BENCH_SECONDS=s               seconds per cell (default 3)
#   BENCH_THREADS="1,2"           thread counts (default 1..NCPUS, the module's rule)
#   UML_BUILD=0                   use the kernels already in out/build/uml-*
#   UML_PIN=1                     pin each UML vCPU thread to a host CPU
#                                 (scripts/bench/uml-bench-run.sh)
#   BENCH_DOC=file                where the report is appended (default
#                                 Documentation/benchmarks.md; empty: nowhere)
#
# The numbers are only as quiet as the machine: the host's load average is
# recorded before and after, and the run warns when it starts above 0.5.
set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/../lib.sh"

REPS=${REPS:-5}
NCPUS=${NCPUS:-$(nproc)}
BENCH_SECONDS=${BENCH_SECONDS:-3}
DOC=${BENCH_DOC-$ROOT/Documentation/benchmarks.md}
MEM=${MEM:-512M}
export REPS NCPUS BENCH_SECONDS MEM

if [ "${UML_BUILD:-1}" != 0 ]; then
	"$ROOT/scripts/bench/uml-build.sh" base
	"$ROOT/scripts/bench/uml-build.sh" series
	UML_DEBUG_VM=1 "$ROOT/scripts/bench/uml-build.sh" series
fi
A=$OUTDIR/build/uml-base/linux
B=$OUTDIR/build/uml-series/linux
for k in "$A" "$B" "$OUTDIR/build/uml-series-debug/linux"; do
	[ -x "$k" ] || die "no UML kernel at $k." "Run without UML_BUILD=0 (scripts/bench/uml-build.sh)."
done

stamp=$(date -u +%Y%m%dT%H%M%SZ)
RESULT_DIR=$OUTDIR/uml-bench/$stamp
mkdir -p "$RESULT_DIR"

# 1. Correctness: the series with CONFIG_DEBUG_VM=y, one boot, one second a cell.
log "correctness run: uml-series-debug (CONFIG_DEBUG_VM=y), $NCPUS CPUs"
REPS=1 BENCH_SECONDS=1 "$ROOT/scripts/bench/uml-bench-run.sh" "$RESULT_DIR/debug" \
	series-debug "$OUTDIR/build/uml-series-debug/linux" >/dev/null ||
	die "the series' DEBUG_VM kernel failed the benchmark's checks." "See $RESULT_DIR/debug/runs.txt"
sed 's/^/        /' "$RESULT_DIR/debug/runs.txt" >&2

# 2. Numbers, alternating.
load=$(cut -d' ' -f1 /proc/loadavg)
if awk -v l="$load" 'BEGIN { exit !(l > 0.5) }'; then
	warn "the host's load average is $load: other work will show up in the numbers."
fi
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
log "A/B: $REPS boots each of uml-base and uml-series, $NCPUS CPUs, ${BENCH_SECONDS}s a cell"
"$ROOT/scripts/bench/uml-bench-run.sh" "$RESULT_DIR" base "$A" series "$B" ||
	die "a benchmark boot failed: its figures are not used." "See $RESULT_DIR/runs.txt"

# 3. Report.
cmd="REPS=$REPS NCPUS=$NCPUS BENCH_SECONDS=$BENCH_SECONDS${BENCH_THREADS:+ BENCH_THREADS=$BENCH_THREADS}${UML_PIN:+ UML_PIN=$UML_PIN} make bench-uml"
runs_a=()
runs_b=()
for i in $(seq 1 "$REPS"); do
	runs_a+=("$RESULT_DIR/base-$i")
	runs_b+=("$RESULT_DIR/series-$i")
done
report=$RESULT_DIR/report.md
rc=0
python3 "$ROOT/scripts/bench/bench-report.py" --title "UML benchmark run (make bench-uml)" \
	--a-label base --b-label series --a "${runs_a[@]}" --b "${runs_b[@]}" \
	--a-kernel "$(git -C "$OUTDIR/uml/src-base" describe --always --tags)" \
	--b-kernel "$(git -C "$OUTDIR/uml/src-series" describe --always --tags)" \
	--memory "$MEM" --seconds "$BENCH_SECONDS" --load-before "$load_before" \
	--command "$cmd" \
	--command "per boot: out/build/uml-<variant>/linux $(sed 's/^[^ ]* //' "$RESULT_DIR/base-1/command")" \
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
