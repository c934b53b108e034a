#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Compile every C file the series touches with W=1 and fail on any warning.
# The lean boot config leaves most of them out (fsdax, memory-failure,
# virtio-mem, test_hmm, kexec handover, p2pdma), so this uses allyesconfig
# (without Rust, LTO and sanitizers, which do not change these warnings)
# in out/build/w1, and builds only those objects: a few minutes, not a
# whole allyesconfig kernel.
set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/../lib.sh"

B=$OUTDIR/build/w1
git -C "$LINUX" rev-parse --verify -q pageref >/dev/null || die "no branch pageref in linux/." "Run: make linux"
# rust/helpers/*.c are not objects of their own: rust/helpers/helpers.c
# includes them, and it is built only with CONFIG_RUST, which this config
# leaves out; make rust-lint and make build compile them.
mapfile -t objs < <(git -C "$LINUX" diff --name-only --diff-filter=AM base..pageref -- '*.c' |
	grep -v '^rust/' | sed 's/\.c$/.o/')
[ ${#objs[@]} -gt 0 ] || die "the series touches no C file."
mkdir -p "$B" "$OUTDIR/logs"
KMAKE=(make -C "$LINUX" O="$B" LLVM="$LLVM_SUFFIX" CC="ccache clang$LLVM_SUFFIX" -j"$(nproc)")
if [ ! -f "$B/.config" ]; then
	log "Configuring allyesconfig (without Rust, LTO, sanitizers) in $B"
	"${KMAKE[@]}" allyesconfig >"$OUTDIR/logs/w1-config.log" 2>&1
	"$LINUX/scripts/config" --file "$B/.config" --disable RUST --disable WERROR --disable KCOV \
		--disable GCOV_KERNEL --disable KASAN --disable UBSAN --disable LTO_CLANG_THIN \
		--disable LTO_CLANG_FULL --enable LTO_NONE
	"${KMAKE[@]}" olddefconfig >>"$OUTDIR/logs/w1-config.log" 2>&1
fi
log "W=1 build of ${#objs[@]} objects the series touches"
"${KMAKE[@]}" W=1 "${objs[@]}" >"$OUTDIR/logs/w1.log" 2>&1 ||
	{ tail -n 30 "$OUTDIR/logs/w1.log" >&2; die "the W=1 build failed." "See $OUTDIR/logs/w1.log"; }
if grep -E 'warning:|error:' "$OUTDIR/logs/w1.log" >&2; then
	die "W=1 warnings in files the series touches (above)."
fi
log "W=1: ${#objs[@]} objects, no warnings: ${objs[*]}"
