#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Entry point of the benchmark bundle (scripts/bench/uml-bundle.sh, make
# bench-bundle): runs on any x86_64 Linux machine, without build tools.
#
#   1. checks the bundle against its MANIFEST (sha256sum);
#   2. a correctness run of the series' CONFIG_DEBUG_VM=y UML kernel: every
#      test point ok, no kernel warning;
#   3. the A/B run: the base's and the series' UML kernels booted
#      alternately, REPS times each, with NCPUS virtual CPUs (default: all
#      of this machine's, at most 64), the benchmark per thread count;
#   3b. the same for pread_scale (many threads pread()ing one tmpfs page)
#      on the pread kernels, whose initramfs holds a user space;
#   4. the host model benchmark (criterion), 1..all CPUs;
#   5. the tables: uml-report.md and host-report.md in the results folder
#      (the UML table needs python3; without it the raw `# BENCH` lines of
#      each boot are in the results folder and the run says so).
#
#   ./run.sh
#   REPS=n NCPUS=n BENCH_SECONDS=s BENCH_THREADS=1,2,4   as for make bench-uml
#   UML_PIN=1                      pin each UML vCPU thread to a host CPU
#                                  (needs taskset), as for make bench-uml
#   HOST_ARGS="--sample-size 10"   passed to the criterion benchmark (default
#                                  "--sample-size 21", as make model-bench)
#   SKIP_HOST=1                    no host model benchmark
#   SKIP_PREAD=1                   no pread run (step 3b: the UML kernels
#                                  with an initramfs user space of make
#                                  bench-uml-pread, PREAD_REPS boots each,
#                                  default REPS; tables: pread-report.md)
#   OUT=dir                        results folder (default: ./results-<stamp>)
#
# Send back the results folder (or at least its *.md, runs.txt, load.txt).
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
OUT=${OUT:-$PWD/results-$(date -u +%Y%m%dT%H%M%SZ)}
ncpu=$(nproc)
NCPUS=${NCPUS:-$((ncpu > 64 ? 64 : ncpu))}
REPS=${REPS:-5}
BENCH_SECONDS=${BENCH_SECONDS:-3}
MEM=${MEM:-512M}
export NCPUS REPS BENCH_SECONDS MEM

die() {
	printf 'run.sh: ERROR: %s\n' "$1" >&2
	shift
	local line
	for line in "$@"; do printf '        %s\n' "$line" >&2; done
	exit 1
}

mkdir -p "$OUT"
echo "== 1. checksums"
(cd "$HERE" && sed -n '/^[0-9a-f]\{64\}  /p' MANIFEST | sha256sum --quiet -c -) ||
	die "the bundle does not match its MANIFEST: copy it again." "Expected checksums: $HERE/MANIFEST"
cp "$HERE/MANIFEST" "$OUT/"
{
	echo "machine: $(uname -srm), $ncpu CPUs online"
	grep -m1 '^model name' /proc/cpuinfo || true
} >"$OUT/machine.txt"
cat "$OUT/machine.txt"

echo "== 2. correctness: uml-series-debug (CONFIG_DEBUG_VM=y), $NCPUS CPUs"
REPS=1 BENCH_SECONDS=1 "$HERE/uml-bench-run.sh" "$OUT/debug" \
	series-debug "$HERE/kernels/uml-series-debug" ||
	die "the series' DEBUG_VM kernel failed (see $OUT/debug)."

echo "== 3. A/B: $REPS boots each, $NCPUS CPUs, ${BENCH_SECONDS}s a cell"
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
"$HERE/uml-bench-run.sh" "$OUT" base "$HERE/kernels/uml-base" series "$HERE/kernels/uml-series" ||
	die "a benchmark boot failed: its figures are not used (see $OUT/runs.txt)."

PREAD_REPS=${PREAD_REPS:-$REPS}
if [ "${SKIP_PREAD:-0}" != 1 ] && [ -x "$HERE/kernels/uml-base-pread" ]; then
	echo "== 3b. pread A/B: correctness (CONFIG_DEBUG_VM=y), then $PREAD_REPS boots each"
	REPS=1 BENCH_SECONDS=1 "$HERE/uml-pread-run.sh" "$OUT/pread/debug" \
		series-debug "$HERE/kernels/uml-series-pread-debug" ||
		die "the series' DEBUG_VM pread kernel failed (see $OUT/pread/debug)."
	pread_load=$(cut -d' ' -f1-3 /proc/loadavg)
	REPS=$PREAD_REPS "$HERE/uml-pread-run.sh" "$OUT/pread" \
		base "$HERE/kernels/uml-base-pread" series "$HERE/kernels/uml-series-pread" ||
		die "a pread boot failed: its figures are not used (see $OUT/pread/runs.txt)."
fi

if [ "${SKIP_HOST:-0}" != 1 ]; then
	echo "== 4. host model benchmark (criterion)"
	read -r -a host_args <<<"${HOST_ARGS:---sample-size 21}"
	CRITERION_HOME=$OUT/criterion PAGEREF_BENCH_SUMMARY=$OUT/host-report.md \
		"$HERE/host/pageref-bench" --bench "${host_args[@]}" >"$OUT/host-criterion.log" 2>&1 ||
		die "the host benchmark failed." "See $OUT/host-criterion.log"
fi

echo "== 5. tables"
if command -v python3 >/dev/null; then
	a=()
	b=()
	for i in $(seq 1 "$REPS"); do
		a+=("$OUT/base-$i")
		b+=("$OUT/series-$i")
	done
	python3 "$HERE/bench-report.py" --title "UML benchmark run (bundle $(basename "$HERE"))" \
		--a-label base --b-label series --a "${a[@]}" --b "${b[@]}" \
		--memory "$MEM" --seconds "$BENCH_SECONDS" --load-before "$load_before" \
		--command "REPS=$REPS NCPUS=$NCPUS BENCH_SECONDS=$BENCH_SECONDS${BENCH_THREADS:+ BENCH_THREADS=$BENCH_THREADS} ./run.sh" \
		>"$OUT/uml-report.md" || die "the report found problems: see $OUT/uml-report.md"
	cat "$OUT/uml-report.md"
	if [ -f "$OUT/pread/runs.txt" ]; then
		a=()
		b=()
		for i in $(seq 1 "$PREAD_REPS"); do
			a+=("$OUT/pread/base-$i")
			b+=("$OUT/pread/series-$i")
		done
		python3 "$HERE/bench-report.py" --title "UML pread run (bundle $(basename "$HERE"))" \
			--a-label base --b-label series --a "${a[@]}" --b "${b[@]}" \
			--memory "$MEM" --seconds "$BENCH_SECONDS" --load-before "$pread_load" \
			--command "REPS=$REPS PREAD_REPS=$PREAD_REPS NCPUS=$NCPUS BENCH_SECONDS=$BENCH_SECONDS${BENCH_THREADS:+ BENCH_THREADS=$BENCH_THREADS} ./run.sh" \
			>"$OUT/pread-report.md" || die "the pread report found problems: see $OUT/pread-report.md"
		cat "$OUT/pread-report.md"
	fi
else
	echo "python3 is not installed: no table. The raw lines are in $OUT/*/guest-pageref_bench.ktap:"
	grep -H '^# BENCH' "$OUT"/*/guest-pageref_bench.ktap
fi
[ ! -f "$OUT/host-report.md" ] || cat "$OUT/host-report.md"
echo "results: $OUT"
