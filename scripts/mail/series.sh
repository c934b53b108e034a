#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Make the mails that go upstream, check them, and work out who gets them.
# The series goes out as several postings, one thread each, routed by
# patches/postings/postings.conf (Documentation/submitting.md, "Routing").
#
#   scripts/mail/series.sh               write out/series/v$N/ ($N from patches/VERSION):
#                                   a folder per posting (K-NAME/) with its
#                                   [PREFIX vN m/n] mails, To: and Cc: per
#                                   mail, its cover letter or note; then
#                                   checkpatch.log, SHA256SUMS and status
#   scripts/mail/series.sh --mails DIR   only write the postings' folders into DIR
#                                   (used by scripts/mail/roundtrip.sh); no
#                                   checkpatch. Prints the commit of all
#                                   postings applied in order.
#
#   RESULTS_FILE=path               text that replaces @RESULTS@ in the templates
#   BRANCH=name                     mail base..name instead of base..pageref
#   PATCHES_DIR=dir                 patches/ to read VERSION, the cover letter
#                                   template and postings/ from
#   SENDER_NAME=, SENDER_EMAIL=     the sender (default: git config user.name,
#                                   user.email); a placeholder, reserved or
#                                   local domain or no-reply address is refused
#   TESTED_BASE=repo[:rev]          the tree the series was tested on, when
#                                   linux/ is your clone: the cover letter says
#                                   whether the touched files are identical
#   GM_TREE=dir                     the kernel tree get_maintainer.pl runs in
#                                   (default: linux/; MAINTAINERS is always
#                                   the one the series leaves)
#
# Each posting's commits are re-created on the base plus the postings it
# depends on (in the order of postings.conf), so that its mails apply there;
# all postings applied in order must give the tree of base..pageref, or
# nothing is written. The mails are From: the sender, and each patch ends
# with the Assisted-by: trailer of postings.conf and the sender's
# Signed-off-by: (the placeholder sign-off of the commits in linux/ is
# dropped; nobody else's is added). base-commit: (and prerequisite-patch-id:
# for the postings a posting depends on) only when linux/'s base is a
# commit of your kernel clone (make linux LINUX_SRC=<clone>); on Debian's
# tree there is none, and the cover letter says what it was tested on.
#
# checkpatch.pl --strict must report no ERROR, WARNING or CHECK on any patch
# (the cover letters are not checkpatched), and no cover letter or note may
# have a placeholder or another series' patch numbers left; otherwise the
# mails are still written, for reading, the status says why they may not be
# sent, and the exit status is 1. scripts/mail/send.sh sends only what status
# says is clean, for the commit that pageref is at.
set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/../lib.sh"

BRANCH=${BRANCH:-pageref}
PATCHES_DIR=${PATCHES_DIR:-$ROOT/patches}
VERSION_FILE=${VERSION_FILE:-$PATCHES_DIR/VERSION}
CONF=$PATCHES_DIR/postings/postings.conf
POSTINGS_PY=$ROOT/scripts/mail/postings.py
GM_TREE=${GM_TREE:-$LINUX}

git -C "$LINUX" rev-parse --verify -q base >/dev/null 2>&1 ||
	die "no materialised tree in $LINUX." "Run: make linux"
# Resolved once: everything below is made from this commit, even if the
# branch moves meanwhile.
commit=$(git -C "$LINUX" rev-parse --verify -q "$BRANCH^{commit}") ||
	die "linux/ has no branch $BRANCH." "Run: make linux"
[ -f "$CONF" ] || die "no $CONF: it says which posting each patch goes to." \
	"Restore it from git (git checkout patches/postings), or see Documentation/submitting.md, \"Routing\""

# The mails go out from you, signed off by you: refuse a placeholder first.
sender_identity

version=$(tr -d ' \t\n' <"$VERSION_FILE" 2>/dev/null) ||
	die "no $VERSION_FILE." "Create it with the series' version number, e.g.: echo 6 >patches/VERSION"
[[ "$version" =~ ^[1-9][0-9]*$ ]] ||
	die "$VERSION_FILE says '$version', not a version number." "Put the series' version in it, e.g.: echo 6 >patches/VERSION"
assisted_by=$(sed -n 's/^assisted-by *= *//p' "$CONF" | head -n 1)
[ -n "$assisted_by" ] ||
	die "$CONF has no assisted-by = in [series]." \
		"The kernel asks for an Assisted-by: trailer on patches a tool helped to write" \
		"(Documentation/process/coding-assistants.rst); say there what was used."

# The base, in words, for the cover letter; and whether the files the series
# touches are the same in the tree it was tested on (TESTED_BASE).
#   upstream base:  base-commit: is linux/'s base, a commit of your clone.
#   Debian's tree:  no base-commit: (that commit exists nowhere upstream);
#                   send.sh refuses to send it.
# TESTED_BASE=<repo>[:<rev>] names the tree the series was tested on, when
# linux/ is your clone (default: Debian's tree at linux.debian/ or linux/ of
# the project, at base, when LINUX is not that tree). Its blob ids of the touched
# files are compared with base's.
kind=$(base_kind "$LINUX")
base_sha=$(git -C "$LINUX" rev-parse base)
tested_state=none
tested_repo=
tested_rev=
if [ -n "${TESTED_BASE:-}" ]; then
	tested_repo=${TESTED_BASE%%:*}
	tested_rev=base
	[ "$tested_repo" = "$TESTED_BASE" ] || tested_rev=${TESTED_BASE#*:}
else
	for r in "$ROOT/linux.debian" "$ROOT/linux"; do
		if [ -d "$r" ] && [ "$(cd "$r" && pwd -P)" != "$(cd "$LINUX" && pwd -P)" ] &&
			[ "$(base_kind "$r")" = debian ] && git -C "$r" rev-parse -q --verify base >/dev/null; then
			tested_repo=$r
			tested_rev=base
			break
		fi
	done
fi
[ -z "$tested_repo" ] || git -C "$tested_repo" rev-parse -q --verify "$tested_rev^{commit}" >/dev/null ||
	die "TESTED_BASE: $tested_repo has no commit $tested_rev."

# base_paragraph FILE FROM TO DEPS: write the "Base" section of the posting
# FROM..TO (its own commits) to FILE; DEPS: the postings it applies on top of.
base_paragraph() {
	local f=$1 from=$2 to=$3 deps=$4 touched differ=() p
	mapfile -t touched < <(git -C "$LINUX" diff --name-only "$from" "$to")
	{
		printf 'Base\n====\n\n'
		case "$kind" in
		upstream*)
			echo "The base-commit: below is ${kind#upstream } ($(git -C "$LINUX" log -1 --format='%h, "%s"' "$base_sha"))."
			[ -z "$deps" ] || echo "The prerequisite-patch-id: lines are the patches of the postings this one applies on top of ($deps)."
			;;
		tarball*)
			echo "Tested on ${kind#tarball }, unpacked without git history: it is no upstream commit, so no base-commit: is given."
			;;
		*)
			echo "Tested on $(debian_base_words), unpacked without git history: that tree is no upstream commit, so no base-commit: is given."
			;;
		esac
		case "$kind" in upstream*) ;; *) tested_repo= ;; esac
		if [ -n "$tested_repo" ]; then
			for p in "${touched[@]}"; do
				[ "$(git -C "$tested_repo" ls-tree "$tested_rev" -- "$p")" = "$(git -C "$LINUX" ls-tree "$base_sha" -- "$p")" ] ||
					differ+=("$p")
			done
			local tested_words="$tested_rev of ${tested_repo##*/}"
			[ "$(base_kind "$tested_repo")" = debian ] && tested_words=$(debian_base_words)
			echo
			if [ ${#differ[@]} -eq 0 ]; then
				tested_state="identical"
				echo "The ${#touched[@]} files these patches touch are identical (git blob ids) in this base and in the tree it was tested on, $tested_words."
			else
				tested_state="differs"
				echo "Of the ${#touched[@]} files these patches touch, ${#differ[@]} differ (git blob ids) between this base and the tree it was first tested on, $tested_words; the series was built, booted and tested on this base as well:"
				printf '\n'
				printf '  %s\n' "${differ[@]}"
			fi
		fi
	} >"$f.raw"
	fold -s -w 72 "$f.raw" | sed 's/ *$//' >"$f"
}

# Write the postings of base..$BRANCH into $1, a folder K-NAME per posting
# (K its place in postings.conf): vN-0000-cover-letter.patch when it has
# more than one patch, vN-000m-*.patch, manifest (mail, commit in linux/,
# commit as mailed) and recipients; $1/plan and $1/postings list them.
# Each commit as mailed is the commit in linux/ with the placeholder's
# sign-off dropped, the Assisted-by: trailer and the sender's sign-off
# added, and the sender as author where the author is the placeholder
# (identity.py), re-created (git apply --cached) on the base plus the
# postings it depends on. Those commits are written into linux/'s object
# store (unreferenced; git gc drops them) by a throwaway repository that
# holds their notes, so that linux/'s refs stay as they are. Sets mail_head
# to the commit of all postings applied in order.
make_mails() {
	local out=$1 n
	n=$(git -C "$LINUX" rev-list --count "base..$commit")
	[ "$n" -gt 0 ] || die "base..$BRANCH holds no commit: there is nothing to mail."
	mkdir -p "$out"
	mrepo=$(mktemp -d)
	local objects
	objects=$(git -C "$LINUX" rev-parse --path-format=absolute --git-path objects)
	git init -q --bare "$mrepo/m.git"
	mg() { GIT_DIR="$mrepo/m.git" GIT_OBJECT_DIRECTORY="$objects" git "$@"; }
	local c
	while read -r c; do
		printf '%s\t%s\t%s\n' "$c" "$(git -C "$LINUX" show -s --format=%s "$c")" \
			"$(git -C "$LINUX" diff-tree --no-commit-id --name-only -r "$c" | paste -sd ' ')"
	done < <(git -C "$LINUX" rev-list --reverse "base..$commit") >"$mrepo/commits"
	python3 "$POSTINGS_PY" plan "$CONF" "$mrepo/commits" >"$out/plan" ||
		die "the series cannot be routed into postings (above); nothing was written to ${out#"$ROOT"/}."
	local -a names=()
	local -A commits_of=() prefix_of=() deps_of=() dir_of=()
	local kind_ name pfx deps
	while IFS=$'\t' read -r kind_ name pfx deps _; do
		case "$kind_" in
		posting)
			names+=("$name")
			prefix_of[$name]=$pfx
			deps_of[$name]=${deps#-}
			;;
		commit) commits_of[$name]="${commits_of[$name]:-} $pfx" ;;
		esac
	done <"$out/plan"

	# The message of each commit as mailed, and its author and dates: the
	# sender as author where the author is the placeholder.
	mkdir -p "$mrepo/msg" "$mrepo/meta" "$mrepo/idx"
	local an ae ad cd
	while read -r c; do
		git -C "$LINUX" cat-file commit "$c" | sed '1,/^$/d' |
			python3 "$ROOT/scripts/mail/identity.py" message "$SENDER_NAME" "$SENDER_EMAIL" "$assisted_by" \
				>"$mrepo/msg/$c"
		IFS=$'\t' read -r an ae ad cd < <(git -C "$LINUX" show -s --format=$'%an\t%ae\t%ad\t%cd' --date=raw "$c")
		if ! python3 "$ROOT/scripts/mail/identity.py" check "$an" "$ae" >/dev/null; then
			an=$SENDER_NAME
			ae=$SENDER_EMAIL
		fi
		printf '%s\n' "$an" "$ae" "$ad" "$cd" >"$mrepo/meta/$c"
	done < <(cut -f1 "$mrepo/commits")

	# on_top PARENT COMMIT...: the commits re-created on PARENT, as mailed;
	# prints the last. The index of each commit it makes is kept
	# ($mrepo/idx/COMMIT), so that a chain that goes on from there does not
	# read the whole tree again.
	on_top() {
		local parent=$1 c an ae ad cd tree note
		shift
		if [ -f "$mrepo/idx/$parent" ]; then
			cp "$mrepo/idx/$parent" "$mrepo/index"
		else
			GIT_INDEX_FILE=$mrepo/index mg read-tree "$parent"
		fi
		for c in "$@"; do
			if ! git -C "$LINUX" diff-tree -p --binary --full-index "$c^" "$c" |
				GIT_INDEX_FILE=$mrepo/index mg apply --cached --allow-empty 2>"$mrepo/apply.err"; then
				die "\"$(git -C "$LINUX" show -s --format=%s "$c")\" does not apply without the patches" \
					"that postings.conf sends in other postings it does not depend on:" \
					"$(head -n 3 "$mrepo/apply.err")" \
					"Add the posting that holds what it needs to its depends =, or route it there."
			fi
			tree=$(GIT_INDEX_FILE=$mrepo/index mg write-tree)
			{ read -r an && read -r ae && read -r ad && read -r cd; } <"$mrepo/meta/$c"
			parent=$(GIT_AUTHOR_NAME=$an GIT_AUTHOR_EMAIL=$ae GIT_AUTHOR_DATE=$ad \
				GIT_COMMITTER_NAME=$SENDER_NAME GIT_COMMITTER_EMAIL=$SENDER_EMAIL GIT_COMMITTER_DATE=$cd \
				mg commit-tree "$tree" -p "$parent" <"$mrepo/msg/$c")
			note=$(git -C "$LINUX" notes list "$c" 2>/dev/null || true)
			[ -z "$note" ] || GIT_COMMITTER_NAME=$SENDER_NAME GIT_COMMITTER_EMAIL=$SENDER_EMAIL \
				mg notes add -f -C "$note" "$parent" 2>/dev/null
		done
		cp "$mrepo/index" "$mrepo/idx/$parent"
		printf '%s\n' "$parent"
	}
	# chain NAME...: base plus those postings' commits, in that order
	# (memoised: a prefix is built once); sets CHAIN.
	local -A chains=()
	chain() {
		local key="" head=$base_sha p
		for p in "$@"; do
			key="$key $p"
			if [ -z "${chains[$key]:-}" ]; then
				# shellcheck disable=SC2086 # the commits, one word each
				chains[$key]=$(on_top "$head" ${commits_of[$p]})
			fi
			head=${chains[$key]}
		done
		CHAIN=$head
	}

	local k=0 dir from to cover base_opt stamp
	stamp=$(date -u +%Y%m%d%H%M%S).$$
	: >"$out/postings"
	for name in "${names[@]}"; do
		k=$((k + 1))
		dir=$out/$k-$name
		dir_of[$name]=$dir
		mkdir -p "$dir"
		# shellcheck disable=SC2086 # the names, one word each
		chain ${deps_of[$name]}
		from=$CHAIN
		# shellcheck disable=SC2086
		chain ${deps_of[$name]} "$name"
		to=$CHAIN
		cover=()
		[ "$(git -C "$LINUX" rev-list --count "$from..$to")" -gt 1 ] && cover=(--cover-letter)
		base_opt=(--no-base)
		case "$kind" in upstream*) base_opt=(--base="$base_sha") ;; esac
		# The cover letter's From: is the committer's; the patches' is --from.
		GIT_COMMITTER_NAME=$SENDER_NAME GIT_COMMITTER_EMAIL=$SENDER_EMAIL \
			mg -c core.abbrev=12 format-patch -q -v "$version" --subject-prefix="${prefix_of[$name]}" \
			--notes "${base_opt[@]}" --from="$SENDER" "${cover[@]}" -o "$dir" "$from..$to" >/dev/null
		# shellcheck disable=SC2086 # the commits, one word each
		paste <(cd "$dir" && find . -maxdepth 1 -name "v$version-[0-9]*.patch" ! -name '*-0000-cover-letter.patch' |
			sed 's|^\./||' | sort) <(printf '%s\n' ${commits_of[$name]}) \
			<(git -C "$LINUX" rev-list --reverse "$from..$to") >"$dir/manifest"
		python3 "$POSTINGS_PY" message-ids "$dir" "$name" "$version" "${SENDER_EMAIL#*@}" "$stamp"
		base_paragraph "$dir/.base" "$from" "$to" "${deps_of[$name]}"
		printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$k" "$name" "${prefix_of[$name]}" \
			"$(git -C "$LINUX" rev-list --count "$from..$to")" "$from" "$to" "${deps_of[$name]}" >>"$out/postings"
	done
	chain "${names[@]}"
	mail_head=$CHAIN
	if [ "$(git -C "$LINUX" rev-parse "$mail_head^{tree}")" != "$(git -C "$LINUX" rev-parse "$commit^{tree}")" ]; then
		die "the postings applied in the order of postings.conf do not give $BRANCH's tree:" \
			"$(git -C "$LINUX" diff --stat "$commit" "$mail_head" | tail -n 5)" \
			"A patch depends on the order of the series in a way the routing loses."
	fi

	# Recipients: get_maintainer.pl on each patch (postings.py gm-input:
	# subject, trailers and diff), MAINTAINERS as the series leaves it;
	# cached by input, so that the round trip's second run costs nothing.
	local gm=$GM_TREE/scripts/get_maintainer.pl
	[ -x "$gm" ] || die "no $gm (GM_TREE=$GM_TREE is no full kernel tree)." "Run: make linux"
	mkdir -p "$mrepo/gm" "$OUTDIR/cache/get_maintainer"
	git -C "$LINUX" show "$commit:MAINTAINERS" >"$mrepo/MAINTAINERS"
	local key_base m
	key_base=$(cat "$mrepo/MAINTAINERS" "$gm" | sha256sum | cut -c1-64)
	for name in "${names[@]}"; do
		dir=${dir_of[$name]}
		while IFS=$'\t' read -r m _; do
			printf '%s\t%s\n' "$dir/$m" "$mrepo/gm/$name-$m"
		done <"$dir/manifest"
	done >"$mrepo/gm.in"
	python3 "$POSTINGS_PY" gm-input "$mrepo/gm.in"
	while IFS=$'\t' read -r m in; do
		printf '%s\t%s\t%s\n' "$in" "$m.gm" \
			"$(printf '%s\n' "$key_base" | cat - "$in" | sha256sum | cut -c1-64)"
	done <"$mrepo/gm.in" >"$mrepo/gm.list"
	export GM_CACHE=$OUTDIR/cache/get_maintainer GM_MAINTAINERS=$mrepo/MAINTAINERS GM_SCRIPT=$gm GM_TREE
	# shellcheck disable=SC2016 # expanded by the inner shell
	if ! xargs -a "$mrepo/gm.list" -d '\n' -P "$(nproc)" -n 1 bash -c '
		IFS=$'"'"'\t'"'"' read -r in out key <<<"$1"
		if [ ! -s "$GM_CACHE/$key" ]; then
			(cd "$GM_TREE" && ./scripts/get_maintainer.pl --mpath "$GM_MAINTAINERS" --no-git --no-git-fallback "$in") \
				>"$GM_CACHE/$key.tmp" 2>"$in.err" || { cat "$in.err" >&2; exit 1; }
			mv "$GM_CACHE/$key.tmp" "$GM_CACHE/$key"
		fi
		cp "$GM_CACHE/$key" "$out"' _; then
		die "get_maintainer.pl failed (above)."
	fi
	for name in "${names[@]}"; do
		dir=${dir_of[$name]}
		mkdir -p "$mrepo/gmout/$name"
		mv "$dir"/*.gm "$mrepo/gmout/$name/"
		python3 "$POSTINGS_PY" address "$CONF" "$name" "$dir" "$mrepo/gmout/$name" "$version" ||
			die "the recipients of posting $name could not be worked out (above)."
		cat "$mrepo/gmout/$name"/*.gm >"$dir/get_maintainer.txt"
	done

	# The cover letters (and notes of single patches), now that every
	# posting has its Message-IDs: @ROUTING@ names the others.
	if [ -n "${RESULTS_FILE:-}" ] && [ ! -f "$RESULTS_FILE" ]; then
		die "RESULTS_FILE=$RESULTS_FILE does not exist."
	fi
	local state
	for name in "${names[@]}"; do
		dir=${dir_of[$name]}
		python3 "$POSTINGS_PY" routing "$CONF" "$out/plan" "$out" "$name" "$version" "${SENT_IDS:--}" >"$dir/.routing"
		state=$(python3 "$POSTINGS_PY" fill "$dir" "$name" "$CONF" "$version" "$dir/.base" \
			"${RESULTS_FILE:--}" "$dir/.routing")
		printf '%s\t%s\n' "$name" "$state" >>"$out/covers"
		rm -f "$dir/.base" "$dir/.routing"
	done
	rm -rf "$mrepo"
}

if [ "${1:-}" = --mails ]; then
	[ $# -eq 2 ] || die "usage: scripts/mail/series.sh --mails DIR"
	make_mails "$2"
	# The commit of every posting applied in order (the sender's sign-off on each).
	printf '%s\n' "$mail_head"
	exit 0
fi
[ $# -eq 0 ] || die "unknown argument $1" "Usage: scripts/mail/series.sh [--mails DIR]"

need perl "Run: scripts/pipeline/setup.sh"
CHECKPATCH=$LINUX/scripts/checkpatch.pl
[ -x "$CHECKPATCH" ] || die "linux/ has no scripts/checkpatch.pl." "Run: make linux"

DEST=$OUTDIR/series/v$version
# send.sh records each real send in status; keep that record across a
# remake, and name the sent Message-IDs in the cover letters that refer to
# those postings.
sent=$(grep -h '^sent=' "$DEST/status" 2>/dev/null || true)
SENT_IDS=$(mktemp)
trap 'rm -f "$SENT_IDS"' EXIT
grep -h '^sent-id=' "$DEST/status" 2>/dev/null | sed 's/^sent-id=//' >"$SENT_IDS" || true
rm -rf "$DEST"
make_mails "$DEST"
mapfile -t mails < <(cd "$DEST" && find . -mindepth 2 -maxdepth 2 -name "v$version-[0-9][0-9][0-9][0-9]-*.patch" | sed 's|^\./||' | sort -V)
patches=()
for m in "${mails[@]}"; do
	case "$m" in */v"$version"-0000-cover-letter.patch) ;; *) patches+=("$m") ;; esac
done
log "wrote ${#mails[@]} mail(s) of base..$BRANCH (${commit:0:12}) in $(grep -c . "$DEST/postings") postings to ${DEST#"$ROOT"/}"

# A cover letter or note with a placeholder or another series' patch
# numbers left must not go out.
cover_state=complete
while IFS=$'\t' read -r name state; do
	if [ "$state" != complete ]; then
		cover_state="not finished"
		warn "posting $name: the cover letter (or note) has $state"
		case "$state" in *@RESULTS@*)
			warn "  set RESULTS_FILE= to the text for @RESULTS@, or edit the template" ;;
		esac
	fi
done <"$DEST/covers"

# checkpatch.pl --strict: any ERROR, WARNING or CHECK fails. It runs from
# linux/ (read only) so that it finds its data files and the git history
# for commit references.
spdx=ran
if ! python3 -c 'import ply, git' >/dev/null 2>&1; then
	# checkpatch then skips the check silently (with a traceback on stderr).
	spdx="skipped (python3 lacks ply and GitPython)"
	warn "checkpatch's SPDX licence check is skipped: python3 ($(command -v python3)) lacks ply and GitPython."
	warn "  To run it: $ROOT/.venv/bin/pip install ply GitPython"
fi
checkpatch_opts "$LINUX"
cp_state=passed
cplog=$DEST/checkpatch.log
: >"$cplog"
for p in "${patches[@]}"; do
	set +e
	out=$(cd "$LINUX" && "$CHECKPATCH" "${CHECKPATCH_OPTS[@]}" --color=never "$DEST/$p" 2>&1)
	rc=$?
	set -e
	printf '%s\n' "$out" >>"$cplog"
	total=$(printf '%s\n' "$out" | grep -E '^total: ' | tail -n 1 || true)
	if [ "$rc" -ne 0 ] || ! printf '%s\n' "$total" | grep -qE '^total: 0 errors, 0 warnings, 0 checks'; then
		cp_state=failed
		warn "checkpatch: $p: ${total:-no summary (exit status $rc)}"
		printf '%s\n' "$out" | grep -E '^(ERROR|WARNING|CHECK):' | head -n 10 | sed 's/^/        /' >&2
	fi
done
if [ "$cp_state" = passed ]; then
	log "checkpatch --strict: ${#patches[@]} patch(es) clean"
fi

unaddressed=$(cat "$DEST"/*/unaddressed)
(cd "$DEST" && sha256sum -- */*.patch */recipients >SHA256SUMS)
{
	cat <<-EOF
		# Written by scripts/mail/series.sh; scripts/mail/send.sh reads it. Do not edit.
		version=$version
		branch=$BRANCH
		commit=$commit
		base=$(git -C "$LINUX" rev-parse base)
		base-kind=$kind
		tested-base=$tested_state
		sender=$SENDER
		assisted-by=$assisted_by
		mailed=$mail_head
		mails=${#mails[@]}
		checkpatch=$cp_state
		spdx-licence-check=$spdx
		cover=$cover_state
		unaddressed=$(printf '%s' "$unaddressed" | grep -c . || true)
		made=$(date -u +%Y-%m-%dT%H:%M:%SZ)
	EOF
	while IFS=$'\t' read -r k name _ np _ _ deps; do
		printf 'posting=%s %s %s %s\n' "$k" "$name" "$np" "${deps// /,}"
	done <"$DEST/postings"
} >"$DEST/status"
[ -z "$sent" ] || printf '%s\n' "$sent" >>"$DEST/status"
sed 's/^/sent-id=/' "$SENT_IDS" >>"$DEST/status"

echo
echo "Series v$version of $BRANCH ($commit), in ${DEST#"$ROOT"/}: $(grep -c . "$DEST/postings") postings"
while IFS=$'\t' read -r k name _ np _ _ deps; do
	dir=$DEST/$k-$name
	echo
	echo "$k. $name: $np patch(es)${deps:+, applies on top of: $deps}"
	for m in $(cd "$dir" && find . -maxdepth 1 -name '*.patch' | sed 's|^\./||' | sort); do
		printf '   %-70s %3s To, %3s Cc\n' "$(python3 -c 'import email, sys; from email import policy
m = email.message_from_binary_file(open(sys.argv[1], "rb"), policy=policy.default)
print(" ".join(str(m["subject"]).split())[:70])' "$dir/$m")" \
			"$(awk -F'\t' -v m="$m" '$1 == m && $2 == "to"' "$dir/recipients" | wc -l)" \
			"$(awk -F'\t' -v m="$m" '$1 == m && $2 == "cc"' "$dir/recipients" | wc -l)"
	done
done <"$DEST/postings"
echo
if [ -n "$unaddressed" ]; then
	warn "postings.conf names people without a checked address (make send SEND=yes refuses until each has one):"
	printf '%s\n' "$unaddressed" | sed 's/^/        /' >&2
fi
echo "checkpatch --strict: $cp_state (log: ${cplog#"$ROOT"/}); cover letters: $cover_state"

if [ "$cp_state" != passed ]; then
	die "checkpatch --strict found problems in the series; it may not be sent." \
		"Read ${cplog#"$ROOT"/}, fix the commits in linux/, then: make export && make series"
fi
if [ "$cover_state" != complete ]; then
	die "a cover letter or note is not finished (above); the series may not be sent." \
		"Fill it in (patches/cover-letter.tmpl, patches/postings/*; RESULTS_FILE= for @RESULTS@), then: make series"
fi
log "series v$version is ready. Dry run: make send.  Then, one posting at a time, in order: make send SEND=yes POSTING=<name>"
