#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# linux/ is where the series is edited; patches/ is what goes upstream.
#
#   scripts/mail/export.sh           regenerate patches/ (mails, series, cover
#                               letter) from base..pageref in linux/
#   scripts/mail/export.sh --check   fail, showing the difference, when patches/
#                               and linux/ disagree (run by make check)
#
# The mails are written with --zero-commit, 12-digit index hashes (git picks
# a length from the repository size otherwise), without a signature, without
# the user's git configuration (scripts/lib.sh) and with the cover letter From:
# the series' author, so that they depend only on the commits' content, author
# and message, never on the machine, the person or the moment they were
# exported.
set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/../lib.sh"

MODE=${1:-export}
BRANCH=${BRANCH:-pageref}
PATCHES=$ROOT/patches
TEMPLATE=$PATCHES/cover-letter.tmpl

git -C "$LINUX" rev-parse --verify -q base >/dev/null 2>&1 ||
	die "no materialised tree in $LINUX." "Run: make linux"
git -C "$LINUX" rev-parse --verify -q "$BRANCH" >/dev/null ||
	die "linux/ has no branch $BRANCH." "Run: make linux"

# Write the mails for base..$BRANCH into $1.
generate() {
	local out=$1 n
	n=$(git -C "$LINUX" rev-list --count "base..$BRANCH")
	: >"$out/series"
	[ "$n" -eq 0 ] && return
	local cover=()
	[ "$n" -gt 1 ] && cover=(--cover-letter)
	# base-commit: only for a real upstream base (linux/ made from your
	# clone); Debian's base commit exists nowhere upstream.
	local base_opt=(--no-base)
	case "$(base_kind "$LINUX")" in upstream*) base_opt=(--base=base) ;; esac
	# The cover letter's From: is format-patch's committer: make it the
	# series' author (the author of its last commit), not whoever exports.
	local an ae
	an=$(git -C "$LINUX" log -1 --format=%an "$BRANCH")
	ae=$(git -C "$LINUX" log -1 --format=%ae "$BRANCH")
	GIT_COMMITTER_NAME=$an GIT_COMMITTER_EMAIL=$ae \
		git -C "$LINUX" -c core.abbrev=12 format-patch -q --zero-commit --no-signature --notes "${base_opt[@]}" \
		"${cover[@]}" -o "$out" "base..$BRANCH" >/dev/null
	if [ -f "$out/0000-cover-letter.patch" ]; then
		[ -f "$TEMPLATE" ] || die "no cover letter template: $TEMPLATE"
		python3 - "$out/0000-cover-letter.patch" "$TEMPLATE" <<-'PY'
			import sys
			mail, tmpl = sys.argv[1], open(sys.argv[2]).read()
			subject, _, body = tmpl.partition("\n")
			text = open(mail).read()
			text = text.replace("*** SUBJECT HERE ***", subject.strip())
			text = text.replace("*** BLURB HERE ***", body.strip("\n"))
			open(mail, "w").write(text)
		PY
	fi
	(cd "$out" && find . -maxdepth 1 -name '[0-9][0-9][0-9][0-9]-*.patch' ! -name '0000-cover-letter.patch' |
		sed 's|^\./||' | sort >series)
}

# The cover letter's Date: is the moment of export; base-commit differs for a
# user's own clone, and is absent on Debian's tree (with the blank lines
# before it). None of that is content.
normalise() {
	sed -e '/^Date: /d' -e '/^base-commit: /d' "$1" | sed -e ':a' -e '/^\n*$/{$d;N;ba' -e '}'
}

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
generate "$tmp"

if [ "$MODE" = --check ]; then
	status=0
	mapfile -t names < <(for f in "$tmp"/* "$PATCHES"/*; do basename "$f"; done | sort -u)
	for b in "${names[@]}"; do
		case "$b" in series | *.patch) ;; *) continue ;; esac
		if [ ! -f "$tmp/$b" ]; then
			echo "only in patches/: $b" >&2
			status=1
		elif [ ! -f "$PATCHES/$b" ]; then
			echo "only in linux/ (not exported): $b" >&2
			status=1
		elif ! diff -u <(normalise "$PATCHES/$b") <(normalise "$tmp/$b") >"$tmp.diff"; then
			echo "differs: patches/$b (- patches/, + linux/):" >&2
			head -n 40 "$tmp.diff" >&2
			status=1
		fi
	done
	rm -f "$tmp.diff"
	[ $status -eq 0 ] ||
		die "patches/ and linux/ (base..$BRANCH) disagree." \
			"If linux/ is newer: make export.  If patches/ is newer: make reapply."
	log "patches/ agrees with linux/ ($(grep -c . "$PATCHES/series" || true) patches)"
	exit 0
fi

[ "$MODE" = export ] || die "unknown argument $MODE" "Usage: scripts/mail/export.sh [--check]"
find "$PATCHES" -maxdepth 1 -name '[0-9][0-9][0-9][0-9]-*.patch' -delete
cp "$tmp"/*.patch "$PATCHES"/ 2>/dev/null || true
cp "$tmp/series" "$PATCHES/series"
log "exported $(grep -c . "$PATCHES/series" || true) patch(es) from linux/ ($BRANCH) to patches/"
