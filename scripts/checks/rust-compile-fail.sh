#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Compile-fail tests of the Rust folio API: each file in
# selftests/rust/compile-fail/ is code that the type system must refuse. The
# kernel's doctest runner cannot check `compile_fail` examples (it turns every
# doctest into a KUnit case that must compile), so this runs rustc itself,
# with the flags Kbuild used for samples/rust/rust_folio.o, against the
# `kernel` crate of a built tree.
#
# A case marks the one line that must fail, with the error code:
#     let folio: &Folio = &**frozen; //~ ERROR E0614
# and, on the line before, a replacement that must compile:
#     //~ OK: let folio: *const Folio = frozen.as_ptr().cast();
# The case passes only if rustc refuses the file with that code at that line
# and accepts the control (the file with the replacement), so a case broken
# for another reason (a typo, a renamed function) fails instead of passing.
#
#   scripts/checks/rust-compile-fail.sh [variant]   variant: the build folder under
#                                            out/build (default: pageref)
#   FLAGS_FROM=variant                       where the rustc flags come from
#                                            (default: pageref, which has the
#                                            sample); the crates are variant's
set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/../lib.sh"

VARIANT=${1:-pageref}
BUILD=$OUTDIR/build/$VARIANT
CMDFILE=$OUTDIR/build/${FLAGS_FROM:-pageref}/samples/rust/.rust_folio.o.cmd
CASES=$ROOT/selftests/rust/compile-fail

[ -f "$BUILD/rust/libkernel.rmeta" ] || die "no Rust kernel crate in $BUILD." "Run: make build"
[ -f "$CMDFILE" ] || die "no Kbuild command for samples/rust/rust_folio.o ($CMDFILE)." \
	"Run: make build (config/lean.config builds the sample in)"

# The sample's rustc command, split as the shell would (xargs honours the
# quotes Kbuild writes), minus what names the sample's own files.
cmd=$(sed -n 's/^savedcmd_[^ ]* := //p' "$CMDFILE")
[ -n "$cmd" ] || die "cannot read the rustc command from $CMDFILE."
mapfile -d '' words < <(xargs printf '%s\0' <<<"$cmd")
rustc=()
skip=0
for w in "${words[@]}"; do
	# Kbuild may chain more commands after the compiler's (objtool, ...).
	[[ $w == \;* ]] && break
	if [ $skip -eq 1 ]; then
		skip=0
		continue
	fi
	case "$w" in
	OBJTREE=* | RUST_MODFILE=* | --emit=* | *.rs) ;;
	--out-dir | --crate-type) skip=1 ;;
	*) rustc+=("$w") ;;
	esac
done
# After make rust-lint (CLIPPY=1), Kbuild's compiler is clippy-driver: rustc
# with clippy's lints on top, the same flags and the same error codes.
case "$(basename "${rustc[0]:-}")" in
*rustc* | clippy-driver) ;;
*) die "unexpected command in $CMDFILE: ${words[*]:0:3} ..." ;;
esac

TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

# Compiles one file to metadata only; rustc's messages go to $2.
compile() { # file messages
	(cd "$BUILD" && RUSTC_BOOTSTRAP=1 OBJTREE=$BUILD "${rustc[@]}" --crate-type rlib --crate-name compile_fail_case \
		--emit=metadata -o "$TMP/lib.rmeta" "$1") >"$2" 2>&1
}

pass=0
fail=0
mapfile -t files < <(find "$CASES" -name '*.rs' | sort)
[ ${#files[@]} -gt 0 ] || die "no cases in $CASES."
echo "KTAP version 1"
echo "1..${#files[@]}"
i=0
for f in "${files[@]}"; do
	i=$((i + 1))
	name=$(basename "$f" .rs)
	line=$(grep -n '//~ ERROR E[0-9]\{4\}$' "$f" | cut -d: -f1)
	ok_line=$(grep -n '^[[:space:]]*//~ OK: ' "$f" | cut -d: -f1)
	why=
	if [ "$(wc -w <<<"$line")" != 1 ] || [ "$(wc -w <<<"$ok_line")" != 1 ] || [ "$ok_line" != $((line - 1)) ]; then
		why="malformed case: one '//~ ERROR Ennnn' line, preceded by one '//~ OK: ' line"
	else
		code=$(sed -n "${line}s/.*\/\/~ ERROR \(E[0-9]*\)$/\1/p" "$f")
		sed "${line}d" "$f" | sed "${ok_line}s|^\([[:space:]]*\)//~ OK: |\1|" >"$TMP/control.rs"
		if ! compile "$f" "$TMP/case.txt"; then
			# The first error must be the expected one, where the case says.
			first=$(grep -m1 -A1 '^error' "$TMP/case.txt" || true)
			if grep -q "^error\[$code\]" <<<"$first" && grep -q "$(basename "$f"):$line:" <<<"$first"; then
				if compile "$TMP/control.rs" "$TMP/control.txt"; then
					pass=$((pass + 1))
					echo "ok $i $name # refused with $code at line $line; the control compiles"
					continue
				fi
				why="the control (line $line replaced by the OK line) does not compile either: $(grep -m1 '^error' "$TMP/control.txt")"
				sed 's/^/# /' "$TMP/control.txt" | head -n 20
			else
				why="refused, but not with $code at line $line: ${first%%$'\n'*}"
				sed 's/^/# /' "$TMP/case.txt" | head -n 20
			fi
		else
			why="compiles: the type system does not refuse what the case says it must"
		fi
	fi
	fail=$((fail + 1))
	echo "not ok $i $name # $why"
done
echo "# compile-fail ($VARIANT): $pass passed, $fail failed"
[ $fail -eq 0 ]
