#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Builds the series with KUnit as a module beside the built-in Rust kernel
# crate: a small kernel of its own (config/kunit-module.config on
# tinyconfig), vmlinux and the modules. The kernel crate is always built in, so whatever it calls in
# KUnit must be compiled only with CONFIG_KUNIT=y; a call compiled under
# plain cfg(CONFIG_KUNIT), which Kconfig also sets for m, leaves vmlinux
# with undefined references to kunit.ko's functions, and the link fails.
#
#   scripts/checks/kunit-module.sh [variant]   build folder under out/build
#                                              (default: kunit-module)
set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/../lib.sh"

VARIANT=${1:-kunit-module}
BUILD=$OUTDIR/build/$VARIANT

if ! BASE_CONFIG=$ROOT/config/kunit-module.config BUILD_TARGETS="vmlinux modules" \
	"$ROOT/scripts/pipeline/build.sh" "$VARIANT"; then
	undefined=$(grep -E "undefined (symbol|reference)" "$OUTDIR/logs/build-$VARIANT.log" 2>/dev/null | sort -u | head -5 || true)
	[ -z "$undefined" ] || die "the kernel does not link with CONFIG_KUNIT=m and CONFIG_RUST=y:" \
		"$undefined" \
		"Built-in code (the kernel crate) calls KUnit functions that live in kunit.ko:" \
		"gate them on CONFIG_KUNIT=\"y\" (as #[kunit_tests] is), not on CONFIG_KUNIT."
	die "the CONFIG_KUNIT=m build failed." "See $OUTDIR/logs/build-$VARIANT.log"
fi
for want in CONFIG_KUNIT=m CONFIG_RUST=y CONFIG_MODULES=y; do
	grep -qxF "$want" "$BUILD/.config" || die "$BUILD/.config lacks $want: the build did not test what it should." \
		"Check config/kunit-module.config against config/lean.config."
done
[ -f "$BUILD/lib/kunit/kunit.ko" ] || die "no lib/kunit/kunit.ko in $BUILD: KUnit was not built as a module."
log "kunit-module: vmlinux links with CONFIG_KUNIT=m and CONFIG_RUST=y; kunit.ko built"
