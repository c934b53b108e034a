#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# make bench-bundle: pack what the real-CPU benchmarks need into one
# tarball that runs on another x86_64 Linux machine with no package
# registry and no build tools (bash, coreutils and a seccomp-capable kernel;
# python3 only for the Markdown tables):
#
#   kernels/uml-base, kernels/uml-series   the UML numbers kernels (static
#                                          binaries, benchmark built in)
#   kernels/uml-series-debug               the series with CONFIG_DEBUG_VM=y
#   kernels/uml-{base,series}-pread        the pread kernels of make
#                                          bench-uml-pread (an initramfs user
#                                          space: init + pread_scale, static)
#   kernels/uml-series-pread-debug         the same with CONFIG_DEBUG_VM=y
#   host/pageref-bench                     the host model benchmark (criterion;
#                                          linked against the system's glibc)
#   run.sh                                 the entry point (see its header)
#   uml-bench-run.sh, bench-report.py      the runner and the report of make bench-uml
#   uml-pread-run.sh                       the runner of make bench-uml-pread
#   uml-run-common.sh                      what the two runners share (sourced)
#   MANIFEST                               the commits, configs and checksums
#
# Output: out/bundle/pageref-bench-<stamp>.tar.gz. Builds the UML kernels
# (scripts/bench/uml-build.sh) and the host benchmark (cargo bench --no-run) first
# unless BUNDLE_BUILD=0.
set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/../lib.sh"

if [ "${BUNDLE_BUILD:-1}" != 0 ]; then
	"$ROOT/scripts/bench/uml-build.sh" base
	"$ROOT/scripts/bench/uml-build.sh" series
	UML_DEBUG_VM=1 "$ROOT/scripts/bench/uml-build.sh" series
	BUILD_ONLY=1 "$ROOT/scripts/bench/uml-pread.sh"
fi
log "building the host benchmark (cargo bench --no-run, release)"
hostbin=$(host_bench_bin)

stamp=$(date -u +%Y%m%dT%H%M%SZ)
name=pageref-bench-$stamp
stage=$OUTDIR/bundle/$name
rm -rf "$stage"
mkdir -p "$stage/kernels" "$stage/host"
for v in base series series-debug base-pread series-pread series-pread-debug; do
	k=$OUTDIR/build/uml-$v/linux
	[ -x "$k" ] || die "no UML kernel at $k." "Run without BUNDLE_BUILD=0."
	file -b "$k" | grep -q 'statically linked' ||
		die "$k is not statically linked: it would need this machine's libraries." \
			"config/uml-bench.config sets CONFIG_STATIC_LINK=y; rebuild (scripts/bench/uml-build.sh)."
	cp "$k" "$stage/kernels/uml-$v"
done
cp "$hostbin" "$stage/host/pageref-bench"
cp "$ROOT/scripts/bench/uml-bench-run.sh" "$ROOT/scripts/bench/uml-pread-run.sh" "$ROOT/scripts/bench/uml-run-common.sh" "$ROOT/scripts/bench/bench-report.py" "$ROOT/selftests/uml/run.sh" "$stage/"
{
	echo "pageref real-CPU benchmark bundle, made $(date -u '+%Y-%m-%d %H:%M:%S UTC') on $(uname -n)"
	echo "project commit: $(git -C "$ROOT" describe --always --dirty)"
	for v in base series series-debug base-pread series-pread series-pread-debug; do
		b=$OUTDIR/build/uml-$v
		echo "uml-$v: linux commit $(cat "$b/.source-commit" 2>/dev/null || echo '?')" \
			"($(grep -c '=y' "$b/.config") options =y; DEBUG_VM: $(grep -q '^CONFIG_DEBUG_VM=y' "$b/.config" && echo on || echo off))"
	done
	echo "host/pageref-bench: rust-bindings/pageref-model, $(rustc --version)"
	echo
	(cd "$stage" && find . -type f ! -name MANIFEST -printf '%P\n' | sort | xargs sha256sum)
} >"$stage/MANIFEST"
tar -C "$OUTDIR/bundle" -czf "$OUTDIR/bundle/$name.tar.gz" "$name"
rm -rf "$stage"
log "bundle: $OUTDIR/bundle/$name.tar.gz ($(du -h "$OUTDIR/bundle/$name.tar.gz" | cut -f1))"
log "on the other machine: tar xzf $name.tar.gz && $name/run.sh  (see the header of run.sh)"
