#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Move the series onto another upstream commit (mm-new, mm-unstable, a newer
# tag) in linux/ made from your kernel clone (make linux LINUX_SRC=<clone>).
#
#   scripts/mail/rebase.sh REF        make rebase UPSTREAM=REF
#
# REF is looked up in linux/, then fetched from its origin (your clone): a
# tag, a branch or a remote-tracking branch of yours (akpm/mm-new), or a
# commit id. The series is re-applied on it patch by patch with git am -3 in
# a throwaway worktree (out/rebase-wt). On success:
#   - linux/: tag base and branch pageref move to REF and the re-applied
#     series, the old ones stay as base-before-rebase-DATE and
#     pageref-before-rebase-DATE, the changelog notes follow each patch,
#     git config pageref.base says "upstream REF";
#   - out/rebase/range-diff-DATE.txt (and range-diff.txt, the latest):
#     git range-diff of the old series against the new, for the changelog.
# On a conflict it names the patch and each conflicting file, and leaves
# linux/ as it was (refs, notes, working tree). Then: make export (patches/
# follow), make check (builds and boots the new base).
set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/../lib.sh"

if [ $# -ne 1 ] || [ -z "$1" ]; then
	die "usage: scripts/mail/rebase.sh REF (make rebase UPSTREAM=REF)" \
		"REF: mm-new, mm-unstable, a tag or a commit of your kernel clone."
fi
UPSTREAM=$1
BRANCH=pageref
WT=$OUTDIR/rebase-wt
RDIR=$OUTDIR/rebase

git -C "$LINUX" rev-parse --verify -q base >/dev/null 2>&1 ||
	die "no materialised tree in $LINUX." "Run: make linux"
kind=$(base_kind "$LINUX")
case "$kind" in
upstream*) ;;
*)
	die "linux/ is made from $kind's tree, which has no upstream history to rebase onto." \
		"Materialise it from your kernel clone first (Documentation/submitting.md, \"A real base\"):" \
		"    mv linux linux.debian" \
		"    LINUX_SRC=~/src/linux LINUX_BASE_REF=v$(pin VERSION) make linux" \
		"then: make rebase UPSTREAM=$UPSTREAM"
	;;
esac
old_base=$(git -C "$LINUX" rev-parse base)
old_head=$(git -C "$LINUX" rev-parse --verify -q "$BRANCH^{commit}") ||
	die "linux/ has no branch $BRANCH." "Run: make linux"
[ -z "$(git -C "$LINUX" status --porcelain --untracked-files=no)" ] ||
	die "$LINUX has uncommitted changes; refusing to rebase." "Commit them (then make export), or stash them."
# The changelog notes must not be lost: same as make linux.
[ "$(git -C "$LINUX" rev-list --count "$old_base..$old_head")" -gt 0 ] ||
	die "base..$BRANCH holds no commit: there is nothing to rebase."

# One run at a time; the worktree has a fixed name.
mkdir -p "$OUTDIR" "$RDIR"
exec 9>"$OUTDIR/rebase.lock"
flock -n 9 || die "another scripts/mail/rebase.sh is running (it holds $OUTDIR/rebase.lock)."
tmp=$(mktemp -d)
remove_wt() {
	if git -C "$LINUX" worktree list --porcelain | grep -qxF "worktree $WT"; then
		git -C "$LINUX" worktree remove --force "$WT" 2>/dev/null || true
	fi
	rm -rf "$WT"
}
cleanup() {
	local rc=$?
	remove_wt
	# The ref an upstream fetch went into: base is tagged after a success.
	git -C "$LINUX" update-ref -d refs/pageref/upstream 2>/dev/null || true
	rm -rf "$tmp"
	exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# REF: in linux/, else fetched from origin (your clone) by its full name there.
new_base=$(git -C "$LINUX" rev-parse --verify -q "$UPSTREAM^{commit}" 2>/dev/null || true)
if [ -z "$new_base" ]; then
	origin=$(git -C "$LINUX" remote get-url origin 2>/dev/null) ||
		die "linux/ has no $UPSTREAM and no origin to fetch it from."
	full=$(git -C "$origin" rev-parse --symbolic-full-name "$UPSTREAM" 2>/dev/null || true)
	case "$full" in
	refs/*)
		log "fetching $full from $origin"
		git -C "$LINUX" fetch -q origin "+$full:refs/pageref/upstream" ||
			die "could not fetch $full from $origin."
		new_base=$(git -C "$LINUX" rev-parse --verify -q "refs/pageref/upstream^{commit}")
		;;
	*)
		die "neither linux/ nor your clone ($origin) has $UPSTREAM." \
			"Fetch it into your clone first, e.g.: git -C $origin fetch akpm mm-new" \
			"(git://git.kernel.org/pub/scm/linux/kernel/git/akpm/mm.git), then: make rebase UPSTREAM=akpm/mm-new"
		;;
	esac
fi
log "rebasing $(git -C "$LINUX" rev-list --count "$old_base..$old_head") patches from ${old_base:0:12} onto $UPSTREAM (${new_base:0:12})"

# The throwaway worktree, detached at the new base; sparse like linux/ when
# linux/ is (tests), otherwise a full checkout.
remove_wt
git -C "$LINUX" worktree add -f -q --no-checkout --detach "$WT" "$new_base"
wtgit=(git -C "$WT" -c core.hooksPath=/dev/null)
if [ "$(git -C "$LINUX" config --bool core.sparseCheckout || true)" = true ]; then
	sp=$(git -C "$WT" rev-parse --path-format=absolute --git-path info/sparse-checkout)
	mkdir -p "$(dirname "$sp")"
	cp "$(git -C "$LINUX" rev-parse --path-format=absolute --git-path info/sparse-checkout)" "$sp"
	wtgit+=(-c core.sparseCheckout=true)
fi
log "checking out $UPSTREAM in ${WT#"$ROOT"/}"
"${wtgit[@]}" read-tree -mu HEAD

# The series as mails (as make export writes them), applied one by one.
# (Your format.* config must not change them: no sign-off, notes or base added.)
git -C "$LINUX" -c core.abbrev=12 -c format.signOff=false -c format.useAutoBase=false -c format.notes=false \
	format-patch -q --zero-commit --no-signature --no-cover-letter \
	-o "$tmp/mails" "$old_base..$old_head" >/dev/null
mapfile -t mails < <(find "$tmp/mails" -name '*.patch' | sort)
mapfile -t olds < <(git -C "$LINUX" rev-list --reverse "$old_base..$old_head")
n=${#mails[@]}
news=()
i=0
for m in "${mails[@]}"; do
	i=$((i + 1))
	subject=$(git -C "$LINUX" show -s --format=%s "${olds[$((i - 1))]}")
	if ! "${wtgit[@]}" am -q -3 --keep-cr "$m" >"$tmp/am.log" 2>&1; then
		mapfile -t conflicts < <("${wtgit[@]}" diff --name-only --diff-filter=U)
		echo >&2
		if [ ${#conflicts[@]} -gt 0 ]; then
			echo "CONFLICT: patch $i/$n \"$subject\" does not apply on $UPSTREAM (git am -3):" >&2
			printf '    conflict in %s\n' "${conflicts[@]}" >&2
		else
			echo "FAILED: patch $i/$n \"$subject\" does not apply on $UPSTREAM (git am -3):" >&2
			grep -E '^(error|fatal|Patch is empty)' "$tmp/am.log" | head -n 8 | sed 's/^/    /' >&2
		fi
		[ "$i" -lt "$n" ] && echo "    (patches $((i + 1))-$n were not tried)" >&2
		"${wtgit[@]}" am --abort >/dev/null 2>&1 || true
		die "rebase onto $UPSTREAM stopped at patch $i/$n; linux/ is unchanged." \
			"Resolve it by hand in a worktree (git -C linux worktree add ../rebase $UPSTREAM;" \
			"git am -3 the patches there), or rebase onto another ref."
	fi
	news+=("$("${wtgit[@]}" rev-parse HEAD)")
	log "  $i/$n applied: $subject"
done
new_head=${news[$((n - 1))]}

# The range-diff, for the changelog of the next version.
stamp=$(date -u +%Y%m%d-%H%M%S)
rd=$RDIR/range-diff-$stamp.txt
{
	echo "# git range-diff ${old_base:0:12}..${old_head:0:12} ${new_base:0:12}..${new_head:0:12}"
	echo "# the series on $(git -C "$LINUX" log -1 --format='%h ("%s")' "$old_base") against it on $UPSTREAM ($(git -C "$LINUX" log -1 --format='%h ("%s")' "$new_base"))"
	git -C "$LINUX" range-diff --no-color --no-notes "$old_base..$old_head" "$new_base..$new_head"
} >"$rd"
cp "$rd" "$RDIR/range-diff.txt"
remove_wt

# Only now is linux/ changed: refs, notes, then the checked-out branch.
git -C "$LINUX" tag -f "base-before-rebase-$stamp" "$old_base" >/dev/null
git -C "$LINUX" branch -f "$BRANCH-before-rebase-$stamp" "$old_head"
for k in "${!olds[@]}"; do
	if git -C "$LINUX" notes list "${olds[$k]}" >/dev/null 2>&1; then
		git -C "$LINUX" notes copy -f "${olds[$k]}" "${news[$k]}" 2>/dev/null
	fi
done
git -C "$LINUX" tag -f base "$new_base" >/dev/null
git -C "$LINUX" config pageref.base "upstream $UPSTREAM"
if [ "$(git -C "$LINUX" symbolic-ref -q --short HEAD || true)" = "$BRANCH" ]; then
	git -C "$LINUX" checkout -q -B "$BRANCH" "$new_head"
else
	git -C "$LINUX" branch -f "$BRANCH" "$new_head"
fi
log "rebased $n patches onto $UPSTREAM: $BRANCH is ${new_head:0:12}, base ${new_base:0:12}"
log "old series kept as $BRANCH-before-rebase-$stamp (base: base-before-rebase-$stamp)"
log "range-diff: ${rd#"$ROOT"/}"
echo "Next: make export (patches/ follow linux/), make check (builds and boots the new base),"
echo "      and the changelog in the notes and the cover letter (see the range-diff)."
if [ -d "$OUTDIR/linux-baseline" ]; then
	echo "      The A/B baseline is at the old base: git -C $LINUX worktree remove --force $OUTDIR/linux-baseline"
	echo "      before make baseline or make bench."
fi
