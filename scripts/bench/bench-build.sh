#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Build a kernel for `make bench` and the fast-path benchmark module against
# it. The bench kernels are the test config (config/lean.config) plus
# config/bench.config (loadable modules), each in its own build folder, so
# that the kernels of make check (out/build/pageref, out/build/baseline)
# stay as they are:
#
#   variant baseline   tree out/linux-baseline (scripts/pipeline/baseline.sh worktree)
#                      -> out/build/bench-baseline
#   any other variant  tree linux/ -> out/build/bench-<variant>
#
# Then selftests/kmod/pageref_bench is built against that build folder into
# out/kmod/<variant>/pageref_bench.ko (Kbuild's MO=, so the source folder
# stays clean and each kernel has its own module).
#
#   scripts/bench/bench-build.sh <variant>            kernel (incremental) and module
#   scripts/bench/bench-build.sh --module <variant>   only the module (kernel must exist)
#   JOBS=n                                      parallel jobs (default: nproc; scripts/pipeline/build.sh)
#
set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/../lib.sh"

module_only=0
if [ "${1:-}" = --module ]; then
	module_only=1
	shift
fi
[ $# -eq 1 ] || die "usage: scripts/bench/bench-build.sh [--module] <variant>"
VARIANT=$1
BUILD=$OUTDIR/build/bench-$VARIANT
KMOD_SRC=$ROOT/selftests/kmod/pageref_bench
KMOD_OUT=$OUTDIR/kmod/$VARIANT

if [ "$VARIANT" = baseline ]; then
	[ "$module_only" = 1 ] || "$ROOT/scripts/pipeline/baseline.sh" worktree
	TREE=$OUTDIR/linux-baseline
else
	TREE=$LINUX
fi
[ -f "$TREE/Makefile" ] || die "no kernel tree in $TREE." "Run: make linux (and scripts/pipeline/baseline.sh worktree)"
mkdir -p "$BUILD" "$OUTDIR/logs"

if [ "$module_only" = 0 ]; then
	# modules: Module.symvers and modules.order, which the external module
	# build and virtme-ng (its .virtme_mods) need.
	LINUX=$TREE EXTRA_CONFIG=$ROOT/config/bench.config BUILD_TARGETS="bzImage modules" \
		"$ROOT/scripts/pipeline/build.sh" "bench-$VARIANT"
fi

[ -f "$BUILD/Module.symvers" ] || die "no $BUILD/Module.symvers: the bench kernel is not built." \
	"Run: scripts/bench/bench-build.sh $VARIANT"
grep -q '^CONFIG_MODULES=y' "$BUILD/.config" || die "$BUILD was not built with config/bench.config."
mkdir -p "$KMOD_OUT"
make -C "$BUILD" M="$KMOD_SRC" MO="$KMOD_OUT" LLVM="$LLVM_SUFFIX" CC="ccache clang$LLVM_SUFFIX" \
	W=1 modules >"$OUTDIR/logs/kmod-$VARIANT.log" 2>&1 ||
	{
		tail -n 30 "$OUTDIR/logs/kmod-$VARIANT.log" >&2
		die "the pageref_bench module did not build against bench-$VARIANT." \
			"See $OUTDIR/logs/kmod-$VARIANT.log"
	}
if grep -E 'warning:|WARNING:' "$OUTDIR/logs/kmod-$VARIANT.log" >&2; then
	die "the pageref_bench module built with warnings (above)." "See $OUTDIR/logs/kmod-$VARIANT.log"
fi
log "module: $KMOD_OUT/pageref_bench.ko"
