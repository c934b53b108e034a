#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Mail out/series/v$N/ (made by scripts/mail/series.sh) with git send-email, to
# the recipients in its to.txt and cc.txt.
#
#   scripts/mail/send.sh [git send-email options]    dry run: prints what would be
#                                               sent, sends nothing
#   SEND=yes scripts/mail/send.sh [options]          sends for real
#
#   SEND=yes RESEND=yes ...                     send again what was already sent
#   SMTP_SERVER=host SMTP_PORT=n                override the SMTP server of your
#                                               sendemail.* config (otherwise
#                                               it is used as it is)
#
# Extra arguments go to git send-email, e.g. --in-reply-to=<message-id>.
#
# It refuses, before anything is sent, unless
#   - your identity (git config user.name/user.email, or SENDER_NAME and
#     SENDER_EMAIL) is a real one, and the one the mails were made from;
#   - the series was made on a real upstream base (linux/ materialised from
#     your kernel clone: LINUX_SRC=<clone> LINUX_BASE_REF=<ref> make linux),
#     not on Debian's tree, which no maintainer or bot can find;
#   - out/series/v$N/status says checkpatch passed and the cover letter is
#     finished, for the commit pageref is at now, and the mails are the ones
#     series.sh wrote (SHA256SUMS);
#   - out/check-passed (written by a passing `make check`) names that commit.
set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/../lib.sh"

BRANCH=${BRANCH:-pageref}
SEND=${SEND:-no}
VERSION_FILE=${VERSION_FILE:-$ROOT/patches/VERSION}
MARKER=$OUTDIR/check-passed
case "$SEND" in
yes | no | '') ;;
*) die "SEND=$SEND: only SEND=yes sends; leave SEND unset for a dry run." ;;
esac

# Your identity, before anything else: the mails are From: you.
sender_identity

[ -x "$(git --exec-path)/git-send-email" ] ||
	die "git send-email is not installed." "Run: scripts/pipeline/setup.sh (Debian package git-email)"
version=$(tr -d ' \t\n' <"$VERSION_FILE" 2>/dev/null) || die "no $VERSION_FILE." "Run: make series"
DIR=$OUTDIR/series/v$version
REL=${DIR#"$ROOT"/}
[ -f "$DIR/status" ] || die "no series in $REL (no status file)." "Run: make series"
commit=$(git -C "$LINUX" rev-parse --verify -q "$BRANCH^{commit}") ||
	die "linux/ has no branch $BRANCH." "Run: make linux"

field() { sed -n "s/^$1=//p" "$DIR/status" | head -n 1; }
[ "$(field sender)" = "$SENDER" ] ||
	die "the mails in $REL are from \"$(field sender)\", but you send as \"$SENDER\"." \
		"Run: make series (the mails carry the sender's From: and Signed-off-by:)"
case "$(field base-kind)" in
upstream*) ;;
*)
	die "$REL was made on $(field base-kind)'s tree, which is no upstream commit: it has no base-commit:, and" \
		"b4, patchwork and the build robots could not find its base. Materialise linux/ from your" \
		"own kernel clone at the upstream base, check it there, and make the series again:" \
		"    mv linux linux.debian    # keep it: series.sh compares the touched files with it" \
		"    LINUX_SRC=~/src/linux LINUX_BASE_REF=v$(pin VERSION) make linux" \
		"    make check && make series && make send" \
		"(Documentation/submitting.md, \"A real base\")"
	;;
esac
made_from=$(field commit)
[ "$made_from" = "$commit" ] ||
	die "$REL was made from ${made_from:-an unknown commit}, but $BRANCH is now at $commit." \
		"Run: make series (then make check, if it has not passed for this commit)"
[ "$(field checkpatch)" = passed ] ||
	die "checkpatch --strict did not pass on $REL (status: checkpatch=$(field checkpatch))." \
		"Read $REL/checkpatch.log, fix the commits in linux/, then: make export && make series"
[ "$(field cover)" = complete ] ||
	die "the cover letter of $REL is not finished ($(field cover))." \
		"Fill it in patches/cover-letter.tmpl (or RESULTS_FILE= for @RESULTS@), then: make series"
(cd "$DIR" && sha256sum --quiet --strict -c SHA256SUMS >/dev/null 2>&1) ||
	die "the mails or recipients in $REL changed after make series wrote them." \
		"Change the commits in linux/ or patches/cover-letter.tmpl instead, then: make series"

[ -f "$MARKER" ] ||
	die "no record of a passing make check (${MARKER#"$ROOT"/} is missing)." \
		"Run: make check  (it writes that file when everything passed)"
checked=$(awk 'NR == 1 { print $1 }' "$MARKER")
[ "$checked" = "$commit" ] ||
	die "make check last passed for ${checked:-an unknown commit}, not for $BRANCH at $commit." \
		"Run: make check"

mapfile -t to < <(grep -v '^[[:space:]]*\(#\|$\)' "$DIR/to.txt")
mapfile -t cc < <(grep -v '^[[:space:]]*\(#\|$\)' "$DIR/cc.txt")
[ ${#to[@]} -gt 0 ] || die "$REL/to.txt is empty." "Run: make series"
mapfile -t mails < <(find "$DIR" -maxdepth 1 -name "v$version-[0-9][0-9][0-9][0-9]-*.patch" | sort)
[ ${#mails[@]} -gt 0 ] || die "$REL has no mails." "Run: make series"

args=(--no-format-patch --8bit-encoding=UTF-8 "--from=$SENDER")
for a in "${to[@]}"; do args+=("--to=$a"); done
for a in "${cc[@]}"; do args+=("--cc=$a"); done
[ -n "${SMTP_SERVER:-}" ] && args+=("--smtp-server=$SMTP_SERVER")
[ -n "${SMTP_PORT:-}" ] && args+=("--smtp-server-port=$SMTP_PORT")

case "$SEND" in
yes)
	if grep -q "^sent=.* $commit\$" "$DIR/status"; then
		[ "${RESEND:-no}" = yes ] ||
			die "v$version of $commit was already sent, on $(sed -n 's/^sent=\([^ ]*\) .*/\1/p' "$DIR/status" | tail -n 1)." \
				"To post it again anyway: make send SEND=yes RESEND=yes"
	fi
	log "SENDING v$version (${#mails[@]} mails, ${#to[@]} To, ${#cc[@]} Cc) with your sendemail config"
	;;
*)
	args+=(--dry-run --confirm=never)
	log "dry run of v$version (${#mails[@]} mails, ${#to[@]} To, ${#cc[@]} Cc): nothing is sent"
	;;
esac

# Run from linux/ (read only) so that its sendemail.* config and hooks apply
# as well as your global ones.
(cd "$LINUX" && user_git send-email "${args[@]}" "$@" "${mails[@]}")

if [ "$SEND" = yes ]; then
	log "sent v$version of $BRANCH ($commit)."
	printf 'sent=%s %s\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$commit" >>"$DIR/status"
else
	log "dry run done; nothing was sent. To send for real: make send SEND=yes"
fi
