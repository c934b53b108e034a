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
# shellcheck source=scripts/bench/bench-lib.sh
. "$(dirname "$0")/bench-lib.sh"

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
# 2. Numbers, alternating.
uml_ab_boots "$ROOT/scripts/bench/uml-bench-run.sh" "" "the benchmark's checks" "$A" "$B" \
	"$OUTDIR/build/uml-series-debug/linux"

# 3. Report.
cmd="REPS=$REPS NCPUS=$NCPUS BENCH_SECONDS=$BENCH_SECONDS${BENCH_THREADS:+ BENCH_THREADS=$BENCH_THREADS}${UML_PIN:+ UML_PIN=$UML_PIN} make bench-uml"
ab_report "the benchmark report" "UML benchmark run (make bench-uml)" \
	"$OUTDIR/uml/src-base" "$OUTDIR/uml/src-series" "$MEM" "$BENCH_SECONDS" "$cmd" \
	"per boot: out/build/uml-<variant>/linux $(sed 's/^[^ ]* //' "$RESULT_DIR/base-1/command")"
