#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# The generated code of the speculative-get fast path, with and without the
# series, with CONFIG_DEBUG_VM off: compiles mm/filemap.o from the base
# (out/linux-baseline) and from the series (linux/) with the lean config
# minus DEBUG_VM/DEBUG_PAGE_REF/RUST, and disassembles filemap_get_entry(),
# whose RCU walk takes folio_try_get() and drops with folio_put().
# Writes out/codegen/{base,series}.s and prints both.
#
#   scripts/bench/codegen.sh [function] [object]
set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/../lib.sh"

FUNC=${1:-filemap_get_entry}
OBJ=${2:-mm/filemap.o}
OUT=$OUTDIR/codegen
mkdir -p "$OUT" "$OUTDIR/logs"
[ -d "$OUTDIR/linux-baseline" ] || "$ROOT/scripts/pipeline/baseline.sh" worktree
frag=$OUT/nodebug.config
{
	grep -v -E '^CONFIG_(DEBUG_VM|DEBUG_PAGE_REF|RUST|RUST_KERNEL_DOCTESTS|PAGE_REF_KUNIT_TEST|PROVE_LOCKING)=' "$ROOT/config/lean.config"
	printf '# CONFIG_DEBUG_VM is not set\n# CONFIG_DEBUG_PAGE_REF is not set\n# CONFIG_RUST is not set\n'
} >"$frag"

for side in base series; do
	src=$LINUX
	[ "$side" = base ] && src=$OUTDIR/linux-baseline
	b=$OUTDIR/build/codegen-$side
	mkdir -p "$b"
	k=(make -C "$src" O="$b" LLVM="$LLVM_SUFFIX" CC="ccache clang$LLVM_SUFFIX" -j"$(nproc)")
	if [ ! -f "$b/.config" ]; then
		"${k[@]}" tinyconfig >"$OUTDIR/logs/codegen-$side.log" 2>&1
		(cd "$b" && "$src/scripts/kconfig/merge_config.sh" -m -O "$b" .config "$frag") \
			>>"$OUTDIR/logs/codegen-$side.log" 2>&1
		"${k[@]}" olddefconfig >>"$OUTDIR/logs/codegen-$side.log" 2>&1
	fi
	grep -q '^CONFIG_DEBUG_VM=y' "$b/.config" && die "$b has CONFIG_DEBUG_VM=y."
	log "compiling $OBJ from the $side tree"
	"${k[@]}" "$OBJ" >>"$OUTDIR/logs/codegen-$side.log" 2>&1 ||
		die "building $OBJ ($side) failed." "See $OUTDIR/logs/codegen-$side.log"
	"llvm-objdump$LLVM_SUFFIX" -d -r --no-show-raw-insn --disassemble-symbols="$FUNC" "$b/$OBJ" |
		sed -n "/<$FUNC>:/,\$p" >"$OUT/$side.s"
	[ -s "$OUT/$side.s" ] || die "no $FUNC in $b/$OBJ."
done
for side in base series; do
	printf '\n=== %s: %s() in %s, CONFIG_DEBUG_VM off: %s instructions, %s locked\n' "$side" "$FUNC" "$OBJ" \
		"$(grep -E '^\s+[0-9a-f]+:' "$OUT/$side.s" | grep -vc 'R_X86')" "$(grep -c 'lock' "$OUT/$side.s" || true)"
	cat "$OUT/$side.s"
done
