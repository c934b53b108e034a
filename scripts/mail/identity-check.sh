#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# The project's steps must not depend on whoever runs them: materialise (git
# am, the changelog notes) and export (the mails, the cover letter's From:)
# give the same linux/ and the same patches/ for a user with no git identity
# at all, and for a user with their own identity and a git configuration that
# would change what git am and format-patch do. Only the sender's step
# (scripts/mail/series.sh) reads the user's identity, on purpose.
#
#   scripts/mail/identity-check.sh      (make check-identity; in make check)
#
# Each case runs in a fresh HOME, with the variables through which a git
# configuration or identity could come in from this shell removed, on a
# sparse clone of linux/ (the same git am of every patch, written quickly):
#   no-identity     HOME is an empty folder: materialise and export --check
#                   pass; series.sh refuses to write mails, saying how to set
#                   an identity
#   own-identity    HOME has a .gitconfig with the user's own name and address
#                   and settings that change git am and format-patch
#                   (format.signOff, a subject prefix, diff.noprefix,
#                   commit.gpgSign, a hooks path whose hooks fail):
#                   materialise and export --check pass; series.sh writes
#                   the mails From: that user, signed off by them
set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/../lib.sh"

git -C "$LINUX" rev-parse --verify -q base >/dev/null 2>&1 ||
	die "no materialised tree in $LINUX." "Run: make linux"
git -C "$LINUX" rev-parse --verify -q pageref >/dev/null ||
	die "linux/ has no branch pageref." "Run: make linux"

USER_NAME="Test User"
USER_EMAIL=test.user@pageref-identity-check.org

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# A clean environment for one case: HOME=$1, none of this shell's git
# variables (the ones lib.sh set, or any the caller had), no XDG config.
as_user() {
	local home=$1
	shift
	env -u GIT_CONFIG_GLOBAL -u GIT_CONFIG_NOSYSTEM -u GIT_CONFIG_COUNT \
		-u GIT_COMMITTER_NAME -u GIT_COMMITTER_EMAIL -u GIT_AUTHOR_NAME -u GIT_AUTHOR_EMAIL \
		-u EMAIL -u XDG_CONFIG_HOME -u SENDER_NAME -u SENDER_EMAIL -u PAGEREF_GIT_HERMETIC \
		-u OUTDIR -u LINUX -u _t0 \
		HOME="$home" "$@"
}

failures=0
pass() { log "identity-check: ok: $*"; }
fail() {
	warn "identity-check: FAILED: $*"
	failures=$((failures + 1))
}

# materialise_and_export CASE HOME: a sparse clone of linux/ with the series
# applied from patches/, then export --check against patches/.
materialise_and_export() {
	local name=$1 home=$2 lx=$tmp/$1-linux
	if as_user "$home" LINUX="$lx" OUTDIR="$tmp/$name-out" LINUX_SRC="$LINUX" LINUX_BASE_REF=base \
		LINUX_SPARSE=1 "$ROOT/scripts/pipeline/materialise.sh" >"$tmp/$name-materialise.log" 2>&1; then
		pass "$name: materialise applied patches/series"
	else
		sed 's/^/    /' "$tmp/$name-materialise.log" >&2
		fail "$name: materialise failed (above)"
		return
	fi
	if as_user "$home" LINUX="$lx" OUTDIR="$tmp/$name-out" \
		"$ROOT/scripts/mail/export.sh" --check >"$tmp/$name-export.log" 2>&1; then
		pass "$name: export --check: the mails it writes are patches/'s"
	else
		sed 's/^/    /' "$tmp/$name-export.log" >&2
		fail "$name: export --check disagrees with patches/ (above)"
	fi
}

# 1. No identity at all.
mkdir -p "$tmp/empty-home"
materialise_and_export no-identity "$tmp/empty-home"
rc=0
as_user "$tmp/empty-home" LINUX="$tmp/no-identity-linux" OUTDIR="$tmp/no-identity-out" \
	"$ROOT/scripts/mail/series.sh" --mails "$tmp/no-identity-mails" >"$tmp/no-identity-series.log" 2>&1 || rc=$?
if [ "$rc" -ne 0 ] && grep -q 'git config --global user.email' "$tmp/no-identity-series.log" &&
	[ ! -e "$tmp/no-identity-mails" ]; then
	pass "no-identity: series.sh refuses to write mails and says how to set an identity"
else
	sed 's/^/    /' "$tmp/no-identity-series.log" >&2
	fail "no-identity: series.sh exited $rc without the expected refusal (above)"
fi

# 2. The user's own identity, and settings that would change the mails.
home=$tmp/user-home
mkdir -p "$home/hooks"
for h in applypatch-msg pre-applypatch post-applypatch pre-commit commit-msg post-checkout; do
	printf '#!/bin/sh\necho "the user'\''s %s hook ran" >&2\nexit 1\n' "$h" >"$home/hooks/$h"
	chmod +x "$home/hooks/$h"
done
cat >"$home/.gitconfig" <<EOF
[user]
	name = $USER_NAME
	email = $USER_EMAIL
[format]
	signOff = true
	subjectPrefix = RFC PATCH
	numbered = false
	coverLetter = true
[diff]
	noprefix = true
[commit]
	gpgSign = true
[core]
	hooksPath = $home/hooks
	abbrev = 7
EOF
materialise_and_export own-identity "$home"

# series_as NAME HOME [VAR=value...]: series.sh --mails as the user of the
# own-identity tree, with HOME and any further variables given; every mail
# must be From: the user and every patch signed off by the user last.
# get_maintainer.pl runs in linux/ (GM_TREE): the clone is a sparse checkout.
series_as() {
	local name=$1 h=$2 rc=0 m n=0 bad=()
	shift 2
	as_user "$h" LINUX="$tmp/own-identity-linux" OUTDIR="$tmp/$name-out" GM_TREE="$LINUX" "$@" \
		"$ROOT/scripts/mail/series.sh" --mails "$tmp/$name-mails" >"$tmp/$name-series.log" 2>&1 || rc=$?
	if [ "$rc" -ne 0 ]; then
		sed 's/^/    /' "$tmp/$name-series.log" >&2
		fail "$name: series.sh --mails failed (above)"
		return
	fi
	local want="From: $USER_NAME <$USER_EMAIL>" sob="Signed-off-by: $USER_NAME <$USER_EMAIL>"
	for m in "$tmp/$name-mails"/*/*.patch; do
		n=$((n + 1))
		grep -qxF "$want" "$m" || bad+=("$(basename "$m"): no \"$want\"")
		case "$m" in *0000-cover-letter.patch) continue ;; esac
		[ "$(grep -E '^Signed-off-by: ' "$m" | tail -n 1)" = "$sob" ] ||
			bad+=("$(basename "$m"): the last Signed-off-by: is not the user's")
	done
	if [ "$n" -gt 1 ] && [ ${#bad[@]} -eq 0 ]; then
		pass "$name: series.sh wrote $n mails From: $USER_NAME, each patch signed off by that user"
	else
		printf '    %s\n' "${bad[@]}" "($n mails)" >&2
		fail "$name: the mails series.sh wrote are not from the user (above)"
	fi
}
series_as own-identity "$home"

# 3. The same configuration named by GIT_CONFIG_GLOBAL, with HOME empty and
#    the other git variables unset: user_git gives env both kinds of
#    argument (-u NAME and NAME=value).
series_as config-global "$tmp/empty-home" GIT_CONFIG_GLOBAL="$home/.gitconfig"

[ "$failures" -eq 0 ] ||
	die "identity-check: $failures case(s) failed: a step depends on who runs it." \
		"Every git command of the scripts must run through scripts/lib.sh (no user configuration," \
		"the tooling's committer); only series.sh and send.sh read the user's, through user_git."
log "identity-check: materialise, export and the sender's identity are independent of the user running them"
