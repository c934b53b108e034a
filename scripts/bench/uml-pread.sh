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
# shellcheck source=scripts/bench/bench-lib.sh
. "$(dirname "$0")/bench-lib.sh"

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
	initramfs_list pread_scale
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

uml_ab_boots "$ROOT/scripts/bench/uml-pread-run.sh" -pread "the pread run's checks" "$A" "$B" "$D"

cmd="REPS=$REPS NCPUS=$NCPUS BENCH_SECONDS=$BENCH_SECONDS${BENCH_THREADS:+ BENCH_THREADS=$BENCH_THREADS} make bench-uml-pread"
ab_report "the benchmark report" "UML pread run (make bench-uml-pread)" \
	"$OUTDIR/uml/src-base" "$OUTDIR/uml/src-series" "$MEM" "$BENCH_SECONDS" "$cmd" \
	"per boot: out/build/uml-<variant>-pread/linux $(sed 's/^[^ ]* //' "$RESULT_DIR/base-1/command")"
