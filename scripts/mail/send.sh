#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Mail out/series/v$N/ (made by scripts/mail/series.sh) with git send-email:
# each posting (a folder K-NAME) is one thread, to the To: and Cc: that
# series.sh wrote into each of its mails.
#
#   scripts/mail/send.sh [git send-email options]    dry run of every posting:
#                                               prints what would be sent,
#                                               sends nothing
#   POSTING=name scripts/mail/send.sh                dry run of one posting
#   SEND=yes POSTING=name scripts/mail/send.sh       sends that posting for real
#
#   SEND=yes RESEND=yes POSTING=name ...        send a posting again (after
#                                               make series, which gives its
#                                               mails new Message-IDs)
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
#   - out/series/v$N/status says checkpatch passed and the cover letters are
#     finished, for the commit pageref is at now, and the mails are the ones
#     series.sh wrote (SHA256SUMS);
#   - out/check-passed (written by a passing `make check`) names that commit;
#   - and, to send for real: one posting is named, the postings it depends
#     on were sent, and patches/postings/postings.conf names nobody without
#     a checked address ("unaddressed").
set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/../lib.sh"

BRANCH=${BRANCH:-pageref}
SEND=${SEND:-no}
POSTING=${POSTING:-}
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
	die "a cover letter or note of $REL is not finished ($(field cover))." \
		"make series says which; fill it in (patches/cover-letter.tmpl, patches/postings/), then: make series"
(cd "$DIR" && sha256sum --quiet --strict -c SHA256SUMS >/dev/null 2>&1) ||
	die "the mails or recipients in $REL changed after make series wrote them." \
		"Change the commits in linux/ or the templates in patches/ instead, then: make series"

[ -f "$MARKER" ] ||
	die "no record of a passing make check (${MARKER#"$ROOT"/} is missing)." \
		"Run: make check  (it writes that file when everything passed)"
checked=$(awk 'NR == 1 { print $1 }' "$MARKER")
[ "$checked" = "$commit" ] ||
	die "make check last passed for ${checked:-an unknown commit}, not for $BRANCH at $commit." \
		"Run: make check"

# The postings, in order: "K NAME PATCHES DEPS" (DEPS comma-separated).
mapfile -t postings < <(sed -n 's/^posting=//p' "$DIR/status")
[ ${#postings[@]} -gt 0 ] || die "$REL/status lists no posting." "Run: make series"
names=()
for p in "${postings[@]}"; do
	read -r _ name _ _ <<<"$p"
	names+=("$name")
done
# sent NAME: the Message-ID the posting was last sent with (of this commit
# or an earlier one: make series names that Message-ID in the cover letters
# of the postings that depend on it).
sent() { sed -n "s/^sent=[^ ]* [0-9a-f]* $1 //p" "$DIR/status" | tail -n 1; }
if [ "$SEND" = yes ] && [ -z "$POSTING" ]; then
	state=()
	for name in "${names[@]}"; do
		if [ -n "$(sent "$name")" ]; then state+=("$name (sent)"); else state+=("$name"); fi
	done
	die "make send SEND=yes sends one posting at a time: name it with POSTING=." \
		"In order: ${state[*]}" \
		"e.g.: make send SEND=yes POSTING=${names[0]}"
fi
if [ -n "$POSTING" ]; then
	found=
	for p in "${postings[@]}"; do
		read -r _ name _ _ <<<"$p"
		[ "$name" = "$POSTING" ] && found=$p
	done
	[ -n "$found" ] || die "POSTING=$POSTING is none of the postings of $REL: ${names[*]}."
	postings=("$found")
fi
if [ "$SEND" = yes ]; then
	unaddressed=$(cat "$DIR"/*/unaddressed 2>/dev/null)
	[ -z "$unaddressed" ] ||
		die "patches/postings/postings.conf names people the mails should reach, without a checked address:" \
			"$unaddressed" \
			"Add each address from their own postings (lore.kernel.org), or remove the line, then: make series"
	for v in sendemail.toCmd sendemail.ccCmd sendemail.headerCmd; do
		[ -z "$(user_git -C "$LINUX" config --get "$v" || true)" ] ||
			die "your git config sets $v, which would change the recipients make series worked out." \
				"Unset it for this send: git config --global --unset $v"
	done
fi

for p in "${postings[@]}"; do
	read -r k name np deps <<<"$p"
	pdir=$DIR/$k-$name
	mapfile -t mails < <(find "$pdir" -maxdepth 1 -name "v$version-[0-9][0-9][0-9][0-9]-*.patch" | sort)
	[ ${#mails[@]} -gt 0 ] || die "posting $name has no mails in ${pdir#"$ROOT"/}." "Run: make series"
	msgid=$(sed -n 's/^Message-ID: //Ip' "${mails[0]}" | head -n 1)
	to=$(sed -n 's/^To: //p' "${mails[0]}" | head -n 1 | sed 's/,$//')
	# The recipients are the To: and Cc: of each mail (series.sh; lib.sh,
	# SENDEMAIL_POSTING_OPTS).
	# (--to: the posting's first To:, already in every mail's headers, so
	# that git send-email does not ask for one.)
	args=("${SENDEMAIL_POSTING_OPTS[@]}" "--from=$SENDER" "--to=$to")
	[ -n "${SMTP_SERVER:-}" ] && args+=("--smtp-server=$SMTP_SERVER")
	[ -n "${SMTP_PORT:-}" ] && args+=("--smtp-server-port=$SMTP_PORT")
	case "$SEND" in
	yes)
		if [ -n "$(sent "$name")" ]; then
			[ "${RESEND:-no}" = yes ] ||
				die "posting $name was already sent, as $(sent "$name")." \
					"To post it again anyway: make series, then make send SEND=yes RESEND=yes POSTING=$name"
			[ "$(sent "$name")" != "$msgid" ] ||
				die "posting $name would go out again with the Message-ID it was sent with ($msgid)." \
					"Run make series first: it gives its mails new ones."
		fi
		for d in ${deps//,/ }; do
			[ -n "$(sent "$d")" ] ||
				die "posting $name applies on top of $d, which was not sent yet (its cover letter names $d's Message-ID)." \
					"Send it first: make send SEND=yes POSTING=$d"
		done
		log "SENDING posting $name of v$version (${#mails[@]} mails, $np patches) with your sendemail config"
		;;
	*)
		args+=(--dry-run --confirm=never)
		log "dry run of posting $name of v$version (${#mails[@]} mails, $np patches): nothing is sent"
		;;
	esac
	# Run from linux/ (read only) so that its sendemail.* config applies as
	# well as your global one (server, port, encryption, user).
	(cd "$LINUX" && user_git send-email "${args[@]}" "$@" "${mails[@]}")
	if [ "$SEND" = yes ]; then
		log "sent posting $name of v$version of $BRANCH ($commit), thread $msgid."
		printf 'sent=%s %s %s %s\nsent-id=%s %s\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$commit" "$name" "$msgid" \
			"$name" "$msgid" >>"$DIR/status"
	fi
done
if [ "$SEND" != yes ]; then
	log "dry run done; nothing was sent. To send for real, one posting at a time, in order: make send SEND=yes POSTING=<name>"
fi
