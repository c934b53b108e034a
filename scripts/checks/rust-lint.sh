#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# The Rust bar of the series, on the patched tree and its build
# (out/build/pageref, configured by scripts/pipeline/build.sh):
#   1. make rustfmtcheck
#   2. clippy: the kernel crate (where the series' Rust code lives) and the
#      doc tests are recompiled with CLIPPY=1; any warning fails
#   3. make rustdoc; any warning fails
# The kernel's clippy flags include undocumented_unsafe_blocks (a // SAFETY:
# comment on every unsafe block and impl) and clippy's default
# missing_safety_doc (a # Safety section on every public unsafe fn), so
# step 2 checks those too, doc tests included.
# Logs: out/logs/rust-{clippy,rustdoc}.log.
#
#   scripts/checks/rust-lint.sh             (make rust-lint)
#   RUST_LINT_BUILD=dir              another configured build of $LINUX
set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/../lib.sh"

B=${RUST_LINT_BUILD:-$OUTDIR/build/pageref}
[ -f "$B/.config" ] || die "no configured build in $B." "Run: make build"
need "clang$LLVM_SUFFIX" "Run: scripts/pipeline/setup.sh"
k=(make -C "$LINUX" O="$B" LLVM="$LLVM_SUFFIX" CC="ccache clang$LLVM_SUFFIX" -j"$(nproc)")
fail=0

log "rustfmtcheck"
if ! "${k[@]}" -s rustfmtcheck >"$OUTDIR/logs/rust-fmt.log" 2>&1; then
	cat "$OUTDIR/logs/rust-fmt.log" >&2
	log "FAILED: rustfmtcheck (fix with: make -C linux O=$B LLVM=$LLVM_SUFFIX rustfmt)"
	fail=1
fi

# Only a recompiled crate is linted: drop the kernel crate's object so that
# it and everything built on it go through clippy-driver again.
rm -f "$B/rust/kernel.o" "$B/rust/doctests_kernel_generated.o"
with_progress "clippy (CLIPPY=1) on the kernel crate and its doc tests" \
	"$OUTDIR/logs/rust-clippy.log" "${k[@]}" CLIPPY=1 bzImage
if ! grep -q 'CLIPPY L rust/kernel.o' "$OUTDIR/logs/rust-clippy.log"; then
	log "FAILED: clippy did not run on rust/kernel.o (see $OUTDIR/logs/rust-clippy.log)"
	fail=1
elif grep -qE '^(warning|error)(\[|:)' "$OUTDIR/logs/rust-clippy.log"; then
	grep -E -A12 '^(warning|error)(\[|:)' "$OUTDIR/logs/rust-clippy.log" >&2
	log "FAILED: clippy warnings (full log: $OUTDIR/logs/rust-clippy.log)"
	fail=1
fi

with_progress "rustdoc" "$OUTDIR/logs/rust-rustdoc.log" "${k[@]}" rustdoc
if grep -qE '^(warning|error)(\[|:)' "$OUTDIR/logs/rust-rustdoc.log"; then
	grep -E -A12 '^(warning|error)(\[|:)' "$OUTDIR/logs/rust-rustdoc.log" >&2
	log "FAILED: rustdoc warnings (full log: $OUTDIR/logs/rust-rustdoc.log)"
	fail=1
fi

[ $fail -eq 0 ] || die "the Rust checks failed (above)."
log "Rust checks passed: rustfmt, clippy (SAFETY comments included), rustdoc"
