#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Make the mails that go upstream, check them, and work out who gets them.
#
#   scripts/mail/series.sh               write out/series/v$N/ ($N from patches/VERSION):
#                                   [PATCH vN m/n] mails of base..pageref with
#                                   --notes and --base, the cover letter from
#                                   patches/cover-letter.tmpl, checkpatch.log,
#                                   to.txt, cc.txt, SHA256SUMS and status
#   scripts/mail/series.sh --mails DIR   only write the mails into DIR (used by
#                                   scripts/mail/roundtrip.sh); no checks
#
#   RESULTS_FILE=path               text that replaces @RESULTS@ in the template
#   BRANCH=name                     mail base..name instead of base..pageref
#   SENDER_NAME=, SENDER_EMAIL=     the sender (default: git config user.name,
#                                   user.email); a placeholder, reserved or
#                                   local domain or no-reply address is refused
#   TESTED_BASE=repo[:rev]          the tree the series was tested on, when
#                                   linux/ is your clone: the cover letter says
#                                   whether the touched files are identical
#
# The mails are From: the sender, and each patch ends with the sender's
# Signed-off-by: (the placeholder sign-off of the commits in linux/ is
# dropped; nobody else's is added). base-commit: is linux/'s base only when
# it is a commit of your kernel clone (make linux LINUX_SRC=<clone>); on
# Debian's tree there is none, and the cover letter says what it was tested on.
#
# checkpatch.pl --strict must report no ERROR, WARNING or CHECK on any patch
# (the cover letter is not checkpatched), and the cover letter must have no
# placeholder left; otherwise the mails are still written, for reading, the
# status says why they may not be sent, and the exit status is 1.
# scripts/mail/send.sh sends only what status says is clean, for the commit that
# pageref is at.
set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/../lib.sh"

BRANCH=${BRANCH:-pageref}
TEMPLATE=$ROOT/patches/cover-letter.tmpl
VERSION_FILE=${VERSION_FILE:-$ROOT/patches/VERSION}
# The series is MM's: Andrew Morton merges it through mm.git, and linux-mm is
# the list it is reviewed on. Everyone else get_maintainer.pl names is Cc'd.
TO=("Andrew Morton <akpm@linux-foundation.org>" "linux-mm@kvack.org")

git -C "$LINUX" rev-parse --verify -q base >/dev/null 2>&1 ||
	die "no materialised tree in $LINUX." "Run: make linux"
# Resolved once: everything below is made from this commit, even if the
# branch moves meanwhile.
commit=$(git -C "$LINUX" rev-parse --verify -q "$BRANCH^{commit}") ||
	die "linux/ has no branch $BRANCH." "Run: make linux"

# The mails go out from you, signed off by you: refuse a placeholder first.
sender_identity

version=$(tr -d ' \t\n' <"$VERSION_FILE" 2>/dev/null) ||
	die "no $VERSION_FILE." "Create it with the series' version number, e.g.: echo 6 >patches/VERSION"
[[ "$version" =~ ^[1-9][0-9]*$ ]] ||
	die "$VERSION_FILE says '$version', not a version number." "Put the series' version in it, e.g.: echo 6 >patches/VERSION"

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

# base_paragraph FILE: write the cover letter's "Base" section to FILE.
base_paragraph() {
	local f=$1 touched differ=() p
	mapfile -t touched < <(git -C "$LINUX" diff --name-only "$base_sha" "$commit")
	{
		printf 'Base\n====\n\n'
		case "$kind" in
		upstream*)
			echo "The base-commit: below is ${kind#upstream } ($(git -C "$LINUX" log -1 --format='%h, "%s"' "$base_sha"))."
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
				tested_state="identical (${#touched[@]} files)"
				echo "The ${#touched[@]} files the series touches are identical (git blob ids) in this base and in the tree it was tested on, $tested_words."
			else
				tested_state="differs (${#differ[@]} of ${#touched[@]} files)"
				echo "Of the ${#touched[@]} files the series touches, ${#differ[@]} differ (git blob ids) between this base and the tree it was first tested on, $tested_words; the series was built, booted and tested on this base as well:"
				printf '\n'
				printf '  %s\n' "${differ[@]}"
			fi
		fi
	} >"$f.raw"
	fold -s -w 72 "$f.raw" | sed 's/ *$//' >"$f"
}

# Write the mails of base..$BRANCH into $1: vN-0000-cover-letter.patch (when
# there is more than one patch) and vN-000m-*.patch, from $SENDER: each
# commit as mailed is the commit in linux/ with the placeholder's sign-off
# dropped, the sender's added last, and the sender as author where the
# author is the placeholder (identity.py). Those commits are written into
# linux/'s object store (unreferenced; git gc drops them) by a throwaway
# repository that holds their notes, so that linux/'s refs stay as they are.
# Sets mail_head to the last of them.
make_mails() {
	local out=$1 n
	n=$(git -C "$LINUX" rev-list --count "base..$commit")
	[ "$n" -gt 0 ] || die "base..$BRANCH holds no commit: there is nothing to mail."
	local cover=()
	[ "$n" -gt 1 ] && cover=(--cover-letter)
	mkdir -p "$out"
	local mrepo objects
	mrepo=$(mktemp -d)
	objects=$(git -C "$LINUX" rev-parse --path-format=absolute --git-path objects)
	git init -q --bare "$mrepo/m.git"
	mg() { GIT_DIR="$mrepo/m.git" GIT_OBJECT_DIRECTORY="$objects" git "$@"; }
	local c parent=$base_sha an ae ad cd msg note new
	while read -r c; do
		an=$(git -C "$LINUX" show -s --format=%an "$c")
		ae=$(git -C "$LINUX" show -s --format=%ae "$c")
		ad=$(git -C "$LINUX" show -s --format=%ad --date=raw "$c")
		cd=$(git -C "$LINUX" show -s --format=%cd --date=raw "$c")
		if ! python3 "$ROOT/scripts/mail/identity.py" check "$an" "$ae" >/dev/null; then
			an=$SENDER_NAME
			ae=$SENDER_EMAIL
		fi
		msg=$(git -C "$LINUX" cat-file commit "$c" | sed '1,/^$/d' |
			python3 "$ROOT/scripts/mail/identity.py" message "$SENDER_NAME" "$SENDER_EMAIL" | base64 -w0)
		new=$(printf '%s' "$msg" | base64 -d |
			GIT_AUTHOR_NAME=$an GIT_AUTHOR_EMAIL=$ae GIT_AUTHOR_DATE=$ad \
				GIT_COMMITTER_NAME=$SENDER_NAME GIT_COMMITTER_EMAIL=$SENDER_EMAIL GIT_COMMITTER_DATE=$cd \
				mg commit-tree "$c^{tree}" -p "$parent")
		note=$(git -C "$LINUX" notes list "$c" 2>/dev/null || true)
		[ -z "$note" ] || GIT_COMMITTER_NAME=$SENDER_NAME GIT_COMMITTER_EMAIL=$SENDER_EMAIL \
			mg notes add -f -C "$note" "$new" 2>/dev/null
		parent=$new
	done < <(git -C "$LINUX" rev-list --reverse "base..$commit")
	mail_head=$parent
	local base_opt=(--no-base)
	case "$kind" in upstream*) base_opt=(--base="$base_sha") ;; esac
	# The cover letter's From: is the committer's; the patches' is --from.
	GIT_COMMITTER_NAME=$SENDER_NAME GIT_COMMITTER_EMAIL=$SENDER_EMAIL \
		mg -c core.abbrev=12 format-patch -q -v "$version" --notes "${base_opt[@]}" --from="$SENDER" \
		"${cover[@]}" -o "$out" "$base_sha..$mail_head" >/dev/null
	base_paragraph "$mrepo/base.txt"
	local cl
	cl=$(find "$out" -maxdepth 1 -name "v$version-0000-cover-letter.patch")
	if [ -z "$cl" ]; then
		rm -rf "$mrepo"
		return
	fi
	[ -f "$TEMPLATE" ] || die "no cover letter template: $TEMPLATE"
	if [ -n "${RESULTS_FILE:-}" ] && [ ! -f "$RESULTS_FILE" ]; then
		die "RESULTS_FILE=$RESULTS_FILE does not exist."
	fi
	# Same substitution as export.sh: the template's first line is the
	# subject, the rest the body. @RESULTS@ comes from RESULTS_FILE; @BASE@
	# is the generated "Base" section (appended when the template has none).
	python3 - "$cl" "$TEMPLATE" "${RESULTS_FILE:-}" "$mrepo/base.txt" <<-'PY'
		import sys
		mail, tmpl, results = sys.argv[1], open(sys.argv[2], encoding="utf-8").read(), sys.argv[3]
		base = open(sys.argv[4], encoding="utf-8").read().strip("\n")
		subject, _, body = tmpl.partition("\n")
		if results:
		    body = body.replace("@RESULTS@", open(results, encoding="utf-8").read().strip("\n"))
		if "@BASE@" in body:
		    body = body.replace("@BASE@", base)
		else:
		    body = body.rstrip("\n") + "\n\n" + base + "\n"
		text = open(mail, encoding="utf-8").read()
		text = text.replace("*** SUBJECT HERE ***", subject.strip())
		text = text.replace("*** BLURB HERE ***", body.strip("\n"))
		open(mail, "w", encoding="utf-8").write(text)
	PY
	rm -rf "$mrepo"
}

if [ "${1:-}" = --mails ]; then
	[ $# -eq 2 ] || die "usage: scripts/mail/series.sh --mails DIR"
	make_mails "$2"
	# The commit the mails were made of (the sender's sign-off on each).
	printf '%s\n' "$mail_head"
	exit 0
fi
[ $# -eq 0 ] || die "unknown argument $1" "Usage: scripts/mail/series.sh [--mails DIR]"

need perl "Run: scripts/pipeline/setup.sh"
CHECKPATCH=$LINUX/scripts/checkpatch.pl
GET_MAINTAINER=$LINUX/scripts/get_maintainer.pl
{ [ -x "$CHECKPATCH" ] && [ -x "$GET_MAINTAINER" ]; } ||
	die "linux/ has no scripts/checkpatch.pl or scripts/get_maintainer.pl." "Run: make linux"

DEST=$OUTDIR/series/v$version
# send.sh records each real send in status; keep that record across a remake.
sent=$(grep -h '^sent=' "$DEST/status" 2>/dev/null || true)
rm -rf "$DEST"
make_mails "$DEST"
mapfile -t mails < <(cd "$DEST" && find . -maxdepth 1 -name "v$version-[0-9][0-9][0-9][0-9]-*.patch" | sed 's|^\./||' | sort)
patches=()
for m in "${mails[@]}"; do
	[ "$m" = "v$version-0000-cover-letter.patch" ] || patches+=("$m")
done
log "wrote ${#mails[@]} mail(s) of base..$BRANCH (${commit:0:12}) to ${DEST#"$ROOT"/}"

# A cover letter with a placeholder left in it must not go out.
cover_state=complete
if [ -f "$DEST/v$version-0000-cover-letter.patch" ]; then
	left=$(grep -oE '\*\*\* [A-Z ]+ HERE \*\*\*|@[A-Z][A-Z0-9_]*@' "$DEST/v$version-0000-cover-letter.patch" |
		sort -u | paste -sd ' ' || true)
	if [ -n "$left" ]; then
		cover_state="placeholders left: $left"
		warn "the cover letter still has: $left"
		case "$left" in *@RESULTS@*)
			warn "  set RESULTS_FILE= to the text for @RESULTS@, or edit patches/cover-letter.tmpl" ;;
		esac
	fi
fi

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

# get_maintainer.pl reads MAINTAINERS as the series leaves it (the series
# may add entries); --no-git: only MAINTAINERS, never the history.
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
git -C "$LINUX" show "$commit:MAINTAINERS" >"$tmp/MAINTAINERS"
patch_paths=()
for p in "${patches[@]}"; do patch_paths+=("$DEST/$p"); done
(cd "$LINUX" && "$GET_MAINTAINER" --mpath "$tmp/MAINTAINERS" --no-git --no-git-fallback \
	"${patch_paths[@]}") >"$DEST/get_maintainer.txt" 2>"$tmp/gm.err" ||
	die "get_maintainer.pl failed:" "$(cat "$tmp/gm.err")"
# "Name <addr> (role)" or "list@host (role)": keep the address part.
sed -E 's/^(.*<[^<>]+>|[^ <>]+) \(.*\)$/\1/' "$DEST/get_maintainer.txt" >"$tmp/all"
addr() { sed -E 's/.*<([^<>]+)>.*/\1/' | tr '[:upper:]' '[:lower:]'; }
printf '%s\n' "${TO[@]}" >"$DEST/to.txt"
: >"$DEST/cc.txt"
while IFS= read -r who; do
	[ -n "$who" ] || continue
	if ! grep -qxF "$(printf '%s\n' "$who" | addr)" <(addr <"$DEST/to.txt"); then
		printf '%s\n' "$who" >>"$DEST/cc.txt"
	fi
done <"$tmp/all"
while IFS= read -r who; do
	grep -qxF "$(printf '%s\n' "$who" | addr)" <(addr <"$tmp/all") ||
		warn "get_maintainer.pl does not name $who for these patches; check that To: is right."
done <"$DEST/to.txt"

(cd "$DEST" && sha256sum -- *.patch to.txt cc.txt >SHA256SUMS)
cat >"$DEST/status" <<-EOF
	# Written by scripts/mail/series.sh; scripts/mail/send.sh reads it. Do not edit.
	version=$version
	branch=$BRANCH
	commit=$commit
	base=$(git -C "$LINUX" rev-parse base)
	base-kind=$kind
	tested-base=$tested_state
	sender=$SENDER
	mailed=$mail_head
	mails=${#mails[@]}
	checkpatch=$cp_state
	spdx-licence-check=$spdx
	cover=$cover_state
	made=$(date -u +%Y-%m-%dT%H:%M:%SZ)
EOF
[ -z "$sent" ] || printf '%s\n' "$sent" >>"$DEST/status"

echo
echo "Series v$version of $BRANCH ($commit), in ${DEST#"$ROOT"/}:"
for m in "${mails[@]}"; do
	# The Subject: header, unfolded.
	python3 -c 'import email, sys; from email import policy
m = email.message_from_binary_file(open(sys.argv[1], "rb"), policy=policy.default)
print("  " + " ".join(str(m["subject"]).split()))' "$DEST/$m"
done
echo
echo "To:"
sed 's/^/  /' "$DEST/to.txt"
echo "Cc ($(grep -c . "$DEST/cc.txt" || true)):"
sed 's/^/  /' "$DEST/cc.txt"
echo
echo "checkpatch --strict: $cp_state (log: ${cplog#"$ROOT"/}); cover letter: $cover_state"

if [ "$cp_state" != passed ]; then
	die "checkpatch --strict found problems in the series; it may not be sent." \
		"Read ${cplog#"$ROOT"/}, fix the commits in linux/, then: make export && make series"
fi
if [ "$cover_state" != complete ]; then
	die "the cover letter is not finished ($cover_state); the series may not be sent." \
		"Fill it in patches/cover-letter.tmpl (or set RESULTS_FILE= for @RESULTS@), then: make series"
fi
log "series v$version is ready. Dry run: make send.  For real: make send SEND=yes"
