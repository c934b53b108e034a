#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# The generated code of the Rust folio wrappers' hot paths, with and without
# CONFIG_RUST_DEBUG_ASSERTIONS: disassembles two cases of the
# rust_kernel_folio KUnit suite, get_and_put (clones and drops of an
# ARef<Folio>) and try_get_live (Folio::try_get(), revalidate(), drop), as
# kunit.py's wrappers hold them, from rust/kernel.o of the patched kernel
# (out/build/pageref, assertions on) and of a copy of its configuration with
# the assertions off (out/build/codegen-rust), and the ARef<Folio> clone and
# drop they call where those are not inlined. Writes
# out/codegen/rust-{on,off}.s and prints both.
#
#   scripts/bench/codegen-rust.sh          (make codegen-rust)
set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/../lib.sh"

ON=$OUTDIR/build/pageref
OFF=$OUTDIR/build/codegen-rust
OUT=$OUTDIR/codegen
# name=regex of the mangled symbol; the ARef<Folio> ones exist only where
# rustc did not inline them (with debug assertions on).
PROBES=(
	'get_and_put=5tests30kunit_rust_wrapper_get_and_put$'
	'try_get_live=5tests31kunit_rust_wrapper_try_get_live$'
	'ARef<Folio>::clone=ARefNtNtNtB9_2mm5folio5FolioE.*5Clone5clone'
	'ARef<Folio>::drop=ARefNtNtNtB9_2mm5folio5FolioE.*4Drop4drop'
)
mkdir -p "$OUT" "$OFF" "$OUTDIR/logs"

[ -f "$ON/rust/kernel.o" ] || die "no $ON/rust/kernel.o." "Run: make build"
for opt in RUST_DEBUG_ASSERTIONS RUST_FOLIO_KUNIT_TEST; do
	grep -q "^CONFIG_$opt=y" "$ON/.config" || die "$ON is not built with CONFIG_$opt=y." \
		"Check config/lean.config, then: make build"
done

k=(make -C "$LINUX" O="$OFF" LLVM="$LLVM_SUFFIX" CC="ccache clang$LLVM_SUFFIX" -j"$(nproc)")
cp "$ON/.config" "$OFF/.config"
"$LINUX/scripts/config" --file "$OFF/.config" -d RUST_DEBUG_ASSERTIONS
"${k[@]}" olddefconfig >"$OUTDIR/logs/codegen-rust.log" 2>&1
grep -q '^CONFIG_RUST_DEBUG_ASSERTIONS=y' "$OFF/.config" && die "could not turn RUST_DEBUG_ASSERTIONS off in $OFF."
with_progress "Building rust/kernel.o without debug assertions" "$OUTDIR/logs/codegen-rust.log" \
	"${k[@]}" rust/kernel.o

for side in on off; do
	obj=$ON/rust/kernel.o
	[ "$side" = off ] && obj=$OFF/rust/kernel.o
	syms=$("llvm-nm$LLVM_SUFFIX" "$obj")
	# Each probe's mangled name, looked up once; the listings show the
	# readable names, in the headers and in the call targets.
	declare -A sym_of=()
	rename=()
	for p in "${PROBES[@]}"; do
		sym=$(awk -v re="${p#*=}" '$3 ~ re {print $3; exit}' <<<"$syms")
		sym_of[${p%%=*}]=$sym
		[ -n "$sym" ] && rename+=(-e "s/$sym/${p%%=*}/g")
	done
	: >"$OUT/rust-$side.s"
	for p in "${PROBES[@]}"; do
		name=${p%%=*}
		sym=${sym_of[$name]}
		if [ -z "$sym" ]; then
			case $name in
			ARef*) continue ;; # inlined
			*) die "no symbol for $name in $obj." ;;
			esac
		fi
		"llvm-objdump$LLVM_SUFFIX" -d -r --no-show-raw-insn --disassemble-symbols="$sym" "$obj" |
			sed -n "/<$sym>:/,\$p" | sed "${rename[@]}" >>"$OUT/rust-$side.s"
		echo >>"$OUT/rust-$side.s"
	done
done
for side in on off; do
	printf '\n=== CONFIG_RUST_DEBUG_ASSERTIONS %s (out/codegen/rust-%s.s)\n' "$side" "$side"
	# Per listing: instructions, and the calls of the C helpers and traps
	# that the assertions add (folio_ref_count, ud2) next to the get/put ones.
	awk '/^[0-9a-f]+ </ { name = $2 }
		/^[[:space:]]+[0-9a-f]+:/ && !/R_X86/ { n[name]++ }
		/R_X86_64_PLT32[[:space:]]+rust_helper_folio_(get|put|try_get|ref_count|ref_is_frozen)/ {
			h = $3; sub(/-0x4$/, "", h); c[name " " h]++ }
		/ud2/ { u[name]++ }
		END { for (f in n) printf "%s %d instructions, %d ud2\n", f, n[f], u[f]
		      for (k in c) printf "  %s: %d calls\n", k, c[k] }' "$OUT/rust-$side.s" | sort
	cat "$OUT/rust-$side.s"
done
