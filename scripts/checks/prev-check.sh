#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Show that the tests added for a fix fail on the previous version of the
# series: apply the previous version's patches (from this repository's
# history) to the base in out/linux-prev, add the new test cases to it as a
# patch, build it (out/build/prev) and boot it once per case, so that a case
# that crashes the kernel does not hide the others. Prints one line per case
# and exits 0 only if every case failed on the previous version.
#
#   scripts/checks/prev-check.sh
#   PREV=<rev>        a commit of this repository whose patches/ is the
#                     previous version (default: selftests/prev/PREV)
#   TESTS=<patch>     the new test cases, applying on that version
#                     (default: selftests/prev/new-tests.patch)
#   CASES="..."       what to run, each kunit:<suite>.<case> or
#                     guest:<program> (default: selftests/prev/CASES)
#   The previous version is built with config/lean.config and
#   selftests/prev/prev.config (its options that the lean config lacks).
#   PREV_TREE=dir PREV_VARIANT=name
#                     where the tree and the build go (default:
#                     out/linux-prev, out/build/prev); a tree that already
#                     holds exactly that version and tests is kept, so that
#                     its build stays incremental
set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/../lib.sh"

DIR=$ROOT/selftests/prev
PREV=${PREV:-$(sed -n 's/^[[:space:]]*\([0-9a-f]\{7,40\}\).*/\1/p' "$DIR/PREV" | head -n1)}
TESTS=${TESTS:-$DIR/new-tests.patch}
CASES=${CASES:-$(grep -v '^#' "$DIR/CASES" | tr '\n' ' ')}
TREE=${PREV_TREE:-$OUTDIR/linux-prev}
VARIANT=${PREV_VARIANT:-prev}

[ -n "$PREV" ] || die "no previous version given." "Set PREV=<commit> or write it into $DIR/PREV."
git -C "$ROOT" rev-parse -q --verify "$PREV^{commit}" >/dev/null ||
	die "$PREV is not a commit of this repository." "Use a commit whose patches/ is the previous version (git log -- patches/VERSION)."
[ -f "$TESTS" ] || die "no test patch $TESTS." "Write the new cases as a patch that applies on the previous version."
git -C "$LINUX" rev-parse -q --verify base >/dev/null || die "no materialised tree in $LINUX." "Run: make linux"

prev_version=$(git -C "$ROOT" show "$PREV:patches/VERSION")
log "Previous version: v$prev_version (patches/ at $(git -C "$ROOT" rev-parse --short "$PREV"))"
# The tree (files, not commits) that a worktree holds, uncommitted edits included.
tree_of() {
	local idx
	idx=$(mktemp)
	GIT_INDEX_FILE=$idx git -C "$1" read-tree HEAD
	GIT_INDEX_FILE=$idx git -C "$1" add -A
	GIT_INDEX_FILE=$idx git -C "$1" write-tree
	rm -f "$idx"
}

new=$TREE.new
rm -rf "$new"
git -C "$LINUX" worktree prune
git -C "$LINUX" worktree add -q --detach "$new" base
while read -r p; do
	[ -n "$p" ] || continue
	git -C "$ROOT" show "$PREV:patches/$p" >"$OUTDIR/prev-patch.mbox"
	git -C "$new" -c user.name=prev-check -c user.email=prev-check@localhost am -q \
		"$OUTDIR/prev-patch.mbox" ||
		die "patch $p of v$prev_version does not apply to the base." "See: git -C $new am --show-current-patch"
done < <(git -C "$ROOT" show "$PREV:patches/series")
git -C "$new" apply --index "$TESTS" ||
	die "$TESTS does not apply to v$prev_version." "Regenerate it against that version."
if [ -d "$TREE" ] && [ "$(tree_of "$TREE")" = "$(tree_of "$new")" ]; then
	log "$TREE already holds v$prev_version and the new tests: kept"
	git -C "$LINUX" worktree remove --force "$new"
else
	if [ -e "$TREE" ]; then
		git -C "$LINUX" worktree remove --force "$TREE" 2>/dev/null || rm -rf "$TREE"
	fi
	git -C "$LINUX" worktree move "$new" "$TREE"
fi
log "v$prev_version and the new tests are in $TREE"

# Options of the previous version that the lean config (written for this
# version) does not name: selftests/prev/prev.config.
LINUX=$TREE EXTRA_CONFIG=$DIR/prev.config "$ROOT/scripts/pipeline/build.sh" "$VARIANT"
make -s -C "$ROOT/selftests" LINUX="$LINUX" OUT="$OUTDIR/selftests"

mkdir -p "$OUTDIR/run"
failed_all=1
crash_re='Oops|kernel BUG|BUG:|Kernel panic'
summary=()
n=0
for c in $CASES; do
	n=$((n + 1))
	run=$OUTDIR/run/prev-$n
	case "$c" in
	kunit:*) glob=${c#kunit:}; filter='__none__' ;;
	guest:*) glob='__none__'; filter=${c#guest:} ;;
	*) die "case '$c' is neither kunit:<suite>.<case> nor guest:<program>." ;;
	esac
	log "Case $n: $c"
	RUN=$run GUEST_FILTER=$filter BOOT_APPEND_EXTRA="kunit.filter_glob=$glob" \
		"$ROOT/scripts/pipeline/boot.sh" "$VARIANT" >"$run.log" 2>&1 || true
	console=$run/console.log
	verdict="passes on v$prev_version (the test does not tell the versions apart)"
	if grep -qE "$crash_re" "$console" 2>/dev/null; then
		# What crashed, and in which task (the first "Comm:" after it).
		crash=$(grep -m1 -oE 'kernel BUG at [^ ]+|BUG: [^,]+|Oops[^,]*' "$console" || true)
		comm=$(awk -v re="$crash_re" '$0 ~ re { f = 1 }
			f && match($0, /Comm: [^ ]+/) { print substr($0, RSTART + 6, RLENGTH - 6); exit }' "$console")
		verdict="FAILS on v$prev_version: the kernel crashed (${crash:-no crash line}${comm:+, in task $comm})"
	elif [ "${c%%:*}" = kunit ] && grep -qE "ok [0-9]+ ${glob#*.}\b.*# SKIP" "$console"; then
		verdict="skipped on v$prev_version, which shows nothing:$(grep -m1 -oE "ok [0-9]+ ${glob#*.}\b.*# SKIP.*" "$console" | sed 's/.*# SKIP//')"
	elif [ "${c%%:*}" = kunit ] && grep -qE "not ok [0-9]+ ${glob#*.}\b" "$console"; then
		verdict="FAILS on v$prev_version: $(grep -m1 -oE "not ok [0-9]+ ${glob#*.}" "$console")"
	elif [ "${c%%:*}" = guest ] && { [ "$(cat "$run/guest-$filter.rc" 2>/dev/null || echo none)" != 0 ] ||
		grep -qE 'WARNING:|Bad page state' "$console"; }; then
		verdict="FAILS on v$prev_version: rc $(cat "$run/guest-$filter.rc" 2>/dev/null || echo none), $(grep -cE 'WARNING:|Bad page state' "$console" || true) warning(s)"
		verdict+="; $(grep -m1 -oE 'not ok [0-9]+ [a-z_]+' "$run/guest-$filter.ktap" 2>/dev/null || true)"
	elif [ "${c%%:*}" = kunit ] && ! grep -qE "ok [0-9]+ ${glob#*.}\b" "$console"; then
		verdict="did not run on v$prev_version (see $console)"
	fi
	case "$verdict" in FAILS*) ;; *) failed_all=0 ;; esac
	summary+=("$(printf '%-62s %s' "$c" "$verdict")")
done

echo
printf '%s\n' "${summary[@]}"
[ "$failed_all" = 1 ] || die "not every new test fails on v$prev_version (above)."
log "every new test fails on v$prev_version"
