#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Prove that the series survives being mailed, without leaving this machine:
# mail it with git send-email through a local SMTP sink (scripts/mail/smtp-sink.py,
# 127.0.0.1 on a free port), git am what arrived onto the pinned base, and
# require the same tree, authors and messages as base..pageref. Also apply
# patches/series with quilt onto a plain export of the base, and mail a
# throwaway commit full of UTF-8 through the same path.
#
#   scripts/mail/roundtrip.sh          run every case; the last line is
#                                 "N passed, N failed"; exit 1 on any failure
#   KEEP=1 scripts/mail/roundtrip.sh   keep out/roundtrip-am, out/roundtrip-quilt,
#                                 out/roundtrip-up (the stand-in's linux/) and
#                                 the mboxes (out/roundtrip-mail) to look at
#   QUILT_EXPORT=full ...         export all of base for the quilt case, not
#                                 only the files the series touches (slower:
#                                 writing and deleting 90k files, minutes)
#
# The cases:
#   series-by-mail   the v$N mails (cover letter included) -> sink -> git am
#   notes-by-mail    the per-patch changelogs under "---" come back as sent
#   quilt            quilt push -a of patches/ on git archive of base (of
#                    the files the series touches; QUILT_EXPORT=full: all)
#   utf8-by-mail     a commit with a UTF-8 author, subject, trailers and
#                    file content, and a line with trailing whitespace
#   mangled-wrap     negative: one added line wrapped as a mailer would;
#                    must be rejected, with git am named as the reason
#   mangled-latin1   negative: the UTF-8 commit's "é" re-encoded as Latin-1
#                    in the diff; must be rejected, the differing file named
#   identity-in-mails  every mail that came back is From: the sender
#                    (SENDER_NAME/SENDER_EMAIL, set for the run), every patch's
#                    last Signed-off-by: is the sender's, none a placeholder's
#   identity-refused   the project's placeholder, reserved domains, a no-reply
#                    and an unset identity are refused by series.sh (--mails
#                    and full) and send.sh, with the way to set a real one
#   base-commit      Debian's tree: no base-commit:, the cover letter says
#                    what was tested, send.sh refuses; an upstream base:
#                    base-commit: is linux/'s base
#   b4-am            b4 am (offline) of the mbox that came back, then git am:
#                    pageref's tree
#   standin-base-commit  linux/ made from a stand-in for a user's clone (history,
#                    tag v$VERSION at the pinned base's tree): base-commit: is
#                    the tag's commit, the touched files compared (identical)
#   b4-send-reflect  there, b4 prep --enroll of the commits series.sh mailed,
#                    the template as cover letter, b4 send --reflect to the
#                    sink: the sender, base-commit:, and b4 am gives pageref
#   rebase-conflict  make rebase onto a branch that moves a line patch 1
#                    changes: stops naming the patch and the file, linux/ as it was
#   rebase-clean     make rebase onto a branch that changes an untouched file:
#                    passes, range-diff written, base and pageref moved
#
# linux/'s working tree, branches and config are never touched: the am cases
# run in a sparse worktree of it at out/roundtrip-am, on a detached HEAD,
# removed at exit (the commits made there stay unreferenced in linux/.git
# until git gc).
set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/../lib.sh"

BRANCH=${BRANCH:-pageref}
KEEP=${KEEP:-0}
QUILT_EXPORT=${QUILT_EXPORT:-touched}
case "$QUILT_EXPORT" in touched | full) ;; *) die "QUILT_EXPORT=$QUILT_EXPORT: say touched (the default) or full." ;; esac
WT=$OUTDIR/roundtrip-am
QT=$OUTDIR/roundtrip-quilt
MAILDIR=$OUTDIR/roundtrip-mail
# The series' sender for this run only: an identity identity.py accepts (the
# mails go nowhere but the sink). Its From: and sign-off must be on every mail.
export SENDER_NAME="Roundtrip Sender" SENDER_EMAIL=sender@pageref-roundtrip.org
SENDER="$SENDER_NAME <$SENDER_EMAIL>"
# The project's placeholder: the neutral author of the commits in patches/.
PLACEHOLDER_NAME="Seed a8b481f8 maintainers"
PLACEHOLDER_EMAIL=maintainers@users.noreply.b-seed-a8b481f8.example
SINK_RCPT=sink@sink.localhost
PY=$ROOT/.venv/bin/python

need quilt "Run: scripts/pipeline/setup.sh (Debian package quilt)"
[ -x "$(git --exec-path)/git-send-email" ] ||
	die "git send-email is not installed." "Run: scripts/pipeline/setup.sh (Debian package git-email)"
"$PY" -c 'import aiosmtpd' >/dev/null 2>&1 ||
	die "aiosmtpd is not installed in .venv (the SMTP sink needs it)." "Run: scripts/pipeline/setup.sh"
git -C "$LINUX" rev-parse --verify -q base >/dev/null 2>&1 ||
	die "no materialised tree in $LINUX." "Run: make linux"
git -C "$LINUX" rev-parse --verify -q "$BRANCH^{commit}" >/dev/null ||
	die "linux/ has no branch $BRANCH." "Run: make linux"
BASE=$(git -C "$LINUX" rev-parse base)
HEAD_COMMIT=$(git -C "$LINUX" rev-parse "$BRANCH^{commit}")

# One run at a time: the worktree and the export have fixed names.
mkdir -p "$OUTDIR"
exec 9>"$OUTDIR/roundtrip.lock"
flock -n 9 || die "another scripts/mail/roundtrip.sh is running (it holds $OUTDIR/roundtrip.lock)." \
	"Wait for it to finish."

# git send-email and git am run without the user's global config (no
# sendemail.*, am.* or hooks of theirs; scripts/lib.sh already sets that for
# every script, hermetic says it where it matters), with a fixed identity.
export GIT_AUTHOR_NAME="Roundtrip Sender" GIT_AUTHOR_EMAIL=sender@sink.localhost
export GIT_COMMITTER_NAME="Roundtrip Sender" GIT_COMMITTER_EMAIL=sender@sink.localhost
hermetic() { GIT_CONFIG_GLOBAL=/dev/null GIT_CONFIG_NOSYSTEM=1 "$@"; }
# The worktree is a sparse checkout (only the files the series or the UTF-8
# case touch are written; the index has the whole tree, so commits and tree
# hashes are whole). core.sparseCheckout is passed on each command, not
# configured, so that linux/.git/config stays as it is.
wt() { hermetic git -C "$WT" -c core.hooksPath=/dev/null -c core.sparseCheckout=true "$@"; }
UTF8_FILES=(Documentation/mm/index.rst Documentation/mm/roundtrip-utf8.txt)

tmp=$(mktemp -d)
sink_pid=
export_pid=
# Deleting the 90k-file export is most of the clean-up; the worktree goes meanwhile.
remove_trees() {
	rm -rf "$QT" &
	local rm_pid=$!
	if git -C "$LINUX" worktree list --porcelain | grep -qxF "worktree $WT"; then
		git -C "$LINUX" worktree remove --force "$WT" 2>/dev/null || true
	fi
	rm -rf "$WT" "$OUTDIR/roundtrip-up" "$OUTDIR/roundtrip-standin"
	wait "$rm_pid" || true
}
stop() {
	[ -n "$1" ] || return 0
	kill "$1" 2>/dev/null || true
	wait "$1" 2>/dev/null || true
}
# Idempotent: run before the summary (so that it is the last thing printed)
# and again by the EXIT trap, for a run that stops early.
tidy() {
	stop "$sink_pid"
	sink_pid=
	stop "$export_pid"
	export_pid=
	[ -d "$tmp" ] || return 0
	if [ "$KEEP" = 1 ]; then
		log "KEEP=1: left ${WT#"$ROOT"/}, ${QT#"$ROOT"/}, ${OUTDIR#"$ROOT"/}/roundtrip-up (and -standin) and ${MAILDIR#"$ROOT"/}"
	else
		remove_trees
		rm -rf "$MAILDIR"
	fi
	rm -rf "$tmp"
}
cleanup() {
	local rc=$?
	tidy
	exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

pass=0
fail=0
results=()
ok() {
	pass=$((pass + 1))
	results+=("PASS  $1")
	log "PASS  $1"
}
bad() {
	fail=$((fail + 1))
	results+=("FAIL  $1")
	log "FAIL  $1"
}

# ---------------------------------------------------------------- the sink
start_sink() {
	"$PY" "$ROOT/scripts/mail/smtp-sink.py" --mbox "$tmp/sink.mbox" --port-file "$tmp/port" \
		2>"$tmp/sink.log" 9>&- &
	sink_pid=$!
	local i
	for i in $(seq 100); do
		[ -s "$tmp/port" ] && break
		kill -0 "$sink_pid" 2>/dev/null || break
		sleep 0.1
	done
	[ -s "$tmp/port" ] || die "the SMTP sink did not start:" "$(cat "$tmp/sink.log")"
	PORT=$(cat "$tmp/port")
	log "SMTP sink on 127.0.0.1:$PORT (pid $sink_pid)"
}

# mail_to_sink OUT-MBOX MAIL...: send the mails with git send-email to the
# sink, and move what it received to OUT-MBOX.
mail_to_sink() {
	local out=$1
	shift
	rm -f "$tmp/sink.mbox"
	if ! (cd "$tmp" && hermetic git send-email --no-format-patch \
		--smtp-server=127.0.0.1 --smtp-server-port="$PORT" --smtp-encryption=none \
		--confirm=never --suppress-cc=all --to="$SINK_RCPT" --from="$SENDER" \
		--8bit-encoding=UTF-8 --quiet "$@") >"$tmp/send.log" 2>&1 </dev/null; then
		echo "git send-email to the sink failed:"
		sed 's/^/    /' "$tmp/send.log"
		return 1
	fi
	local got
	got=$(grep -c '^From ' "$tmp/sink.mbox" 2>/dev/null || true)
	if [ "${got:-0}" -ne $# ]; then
		echo "git send-email sent $# mails, the sink received ${got:-0}."
		return 1
	fi
	mv "$tmp/sink.mbox" "$out"
}

# ---------------------------------------------------------------- checks
# apply_and_compare MBOX EXPECTED: git am MBOX onto base in the worktree and
# compare with base..EXPECTED: the tree, then each commit's author and
# message (subject, body, trailers). Prints why on failure, returns 1.
apply_and_compare() {
	local mbox=$1 want=$2
	wt checkout -q -f --detach "$BASE"
	wt clean -fdq
	if ! wt am -q --patch-format=mboxrd --empty=drop --no-3way "$mbox" >"$tmp/am.log" 2>&1; then
		local at
		at=$(sed -n 's/^Patch failed at [0-9]* //p' "$tmp/am.log" | head -n 1)
		echo "git am rejected the mails that came back from the SMTP sink${at:+ (at \"$at\")}"
		grep -E '^(error|fatal|warning):' "$tmp/am.log" | head -n 5 | sed 's/^/    /'
		wt am --abort >/dev/null 2>&1 || true
		return 1
	fi
	local got_tree want_tree
	got_tree=$(wt rev-parse 'HEAD^{tree}')
	want_tree=$(wt rev-parse "$want^{tree}")
	if [ "$got_tree" != "$want_tree" ]; then
		echo "git am applied every mail, but the tree differs from ${want:0:12}'s (files below)"
		wt diff --stat=100 "$want" HEAD | sed 's/^/    /'
		return 1
	fi
	local fmt='%an <%ae>%n%B%n--'
	if ! diff -u <(wt log --reverse --format="$fmt" "$BASE..$want") \
		<(wt log --reverse --format="$fmt" "$BASE..HEAD") >"$tmp/log.diff"; then
		echo "same tree, but the commits' authors or messages differ (- sent, + received, below)"
		head -n 30 "$tmp/log.diff" | sed 's/^/    /'
		return 1
	fi
	echo "tree ${got_tree:0:12} and $(wt rev-list --count "$BASE..HEAD") commit(s) identical"
}

# expect_fail NAME PATTERN OUTPUT-FILE RC: a negative case passes when the
# check failed and said why in words matching PATTERN.
expect_fail() {
	local name=$1 pattern=$2 out=$3 rc=$4
	if [ "$rc" -eq 0 ]; then
		bad "$name: a mangled mail was accepted: the round trip cannot see mangling"
		sed 's/^/        /' "$out" >&2
	elif ! grep -qE "$pattern" "$out"; then
		bad "$name: rejected, but the report does not say why (expected /$pattern/):"
		sed 's/^/        /' "$out" >&2
	else
		ok "$name: rejected as it must be: $(head -n 1 "$out")"
		sed -n '2,4p' "$out" | sed 's/^/        /' >&2
	fi
}

# ---------------------------------------------------------------- setup
remove_trees
rm -rf "$MAILDIR"
mkdir -p "$MAILDIR"
start_sink
# Everything below tests this one commit and this copy of patches/ (its
# VERSION too: series.sh and send.sh read VERSION_FILE), even if linux/ or
# patches/ change while it runs.
cp -r "$ROOT/patches" "$tmp/quilt-patches"
export VERSION_FILE=$tmp/quilt-patches/VERSION
version=$(tr -d ' \t\n' <"$VERSION_FILE" 2>/dev/null || echo 1)
# The commits as mailed: the same trees, the sender's sign-off (series.sh).
MAIL_HEAD=$(BRANCH=$HEAD_COMMIT "$ROOT/scripts/mail/series.sh" --mails "$tmp/series" 2>"$tmp/series.log") || {
	sed 's/^/  /' "$tmp/series.log" >&2
	die "scripts/mail/series.sh --mails failed (above)."
}
sed 's/^/  /' "$tmp/series.log" >&2
mapfile -t mails < <(find "$tmp/series" -maxdepth 1 -name '*.patch' | sort)
n=$(git -C "$LINUX" rev-list --count "$BASE..$HEAD_COMMIT")
log "mailing v$version of base..$BRANCH (${HEAD_COMMIT:0:12}): ${#mails[@]} mails for $n commits"

# The files the series touches: the sparse worktree's and the quilt export's.
mapfile -t touched < <(git -C "$LINUX" diff --name-only "$BASE" "$HEAD_COMMIT")
mapfile -t touched_in_base < <(GIT_LITERAL_PATHSPECS=1 git -C "$LINUX" ls-tree -r --name-only "$BASE" -- "${touched[@]}")
# The plain export for the quilt case (git archive, no git metadata).
mkdir -p "$QT"
if [ "$QUILT_EXPORT" = full ]; then
	# Unpacks meanwhile, in the background: it is mostly I/O.
	tar -x -C "$QT" -f - < <(git -C "$LINUX" archive --format=tar "$BASE") 9>&- &
	export_pid=$!
	log "exporting all of base into ${QT#"$ROOT"/} (git archive, in the background; a minute or more)"
elif [ ${#touched_in_base[@]} -gt 0 ]; then
	GIT_LITERAL_PATHSPECS=1 git -C "$LINUX" archive --format=tar "$BASE" -- "${touched_in_base[@]}" |
		tar -x -C "$QT" -f -
	log "exported the ${#touched_in_base[@]} files of base that the series touches into ${QT#"$ROOT"/} (git archive)"
fi
# -f: a run killed outright may have left the worktree registered.
git -C "$LINUX" worktree add -f -q --no-checkout --detach "$WT" "$BASE"
sparse=$(git -C "$WT" rev-parse --path-format=absolute --git-path info/sparse-checkout)
mkdir -p "$(dirname "$sparse")"
printf '/%s\n' "${touched[@]}" "${UTF8_FILES[@]}" >"$sparse"
wt read-tree -mu HEAD
log "worktree of base at ${WT#"$ROOT"/}: sparse, $(grep -c . "$sparse") file(s) checked out"

# ---------------------------------------------------------------- cases
# 1. The series, as series.sh makes it, through SMTP and back.
# A case that must round-trip: mail $4... to the sink as mbox $2, git am it,
# and compare with commit $3; $1 is the label printed before the result.
positive_case() {
	local label=$1 mbox=$2 commit=$3
	shift 3
	if mail_to_sink "$mbox" "$@" >"$tmp/out" 2>&1 &&
		apply_and_compare "$mbox" "$commit" >>"$tmp/out" 2>&1; then
		ok "$label: $(tail -n 1 "$tmp/out")"
	else
		bad "${label%%:*}: $(head -n 1 "$tmp/out")"
		sed '1d' "$tmp/out" | sed 's/^/        /' >&2
	fi
}
if [ "$(git -C "$LINUX" rev-parse "$MAIL_HEAD^{tree}")" != "$(git -C "$LINUX" rev-parse "$HEAD_COMMIT^{tree}")" ]; then
	bad "series-by-mail: the commits series.sh mailed (${MAIL_HEAD:0:12}) do not have $BRANCH's tree"
else
	positive_case "series-by-mail: ${#mails[@]} mails sent and received, git am" \
		"$MAILDIR/series.mbox" "$MAIL_HEAD" "${mails[@]}"
fi

# 2. The changelogs under "---" (git notes) come back as sent.
if [ -f "$MAILDIR/series.mbox" ]; then
	mkdir -p "$tmp/split"
	git mailsplit --mboxrd -o"$tmp/split" "$MAILDIR/series.mbox" >/dev/null
	mapfile -t commits < <(git -C "$LINUX" rev-list --reverse "$BASE..$HEAD_COMMIT")
	bad_notes=()
	i=0
	for c in "${commits[@]}"; do
		i=$((i + 1))
		# The mails arrive in order; the cover letter (if any) comes first.
		m=$(printf '%s/%04d' "$tmp/split" $((i + ${#mails[@]} - n)))
		want=$(git -C "$LINUX" notes show "$c" 2>/dev/null || true)
		got=$(python3 "$ROOT/scripts/mail/mail-notes.py" "$m")
		[ "$want" = "$got" ] || bad_notes+=("$i/$n")
	done
	if [ ${#bad_notes[@]} -eq 0 ]; then
		ok "notes-by-mail: the changelogs of all $n patches came back as sent"
	else
		bad "notes-by-mail: the changelog under --- differs for patch(es) ${bad_notes[*]}"
	fi
else
	bad "notes-by-mail: nothing came back from the sink (see series-by-mail)"
fi

# 3. A commit with UTF-8 everywhere, through the same path.
wt checkout -q -f --detach "$BASE"
printf '\n.. Zoë checks that café, naïve and Grüße survive the mail (UTF-8).\n' \
	>>"$WT/${UTF8_FILES[0]}"
printf '%s\n' 'Ünïcödé round trip: é ü ñ ø ß — “quotes” ✓ 日本語' \
	'a line with a trailing space: ' \
	$'a line with\ta tab' >"$WT/${UTF8_FILES[1]}"
wt add "${UTF8_FILES[@]}"
GIT_AUTHOR_NAME="Zoë Ünicode" GIT_AUTHOR_EMAIL=zoe@sink.localhost \
	wt commit -q -F - <<-'MSG'
	Documentation/mm: round-trip check with café and Zoë

	A throwaway commit of scripts/mail/roundtrip.sh: non-ASCII in the author,
	the subject, this body (Grüße, naïve), the trailers and the diff.

	Reviewed-by: José Núñez <jose@sink.localhost>
	Signed-off-by: Zoë Ünicode <zoe@sink.localhost>
MSG
UTF8_COMMIT=$(wt rev-parse HEAD)
wt format-patch -q -o "$tmp/utf8" -1 "$UTF8_COMMIT"
utf8_mail=$(find "$tmp/utf8" -name '*.patch' | head -n 1)
positive_case "utf8-by-mail: UTF-8 author, subject, body, trailers and content, trailing space and tab" \
	"$MAILDIR/utf8.mbox" "$UTF8_COMMIT" "$utf8_mail"

# 4. Negative: a mailer wrapped one long added line of a real patch.
mkdir -p "$tmp/wrapped"
cp "${mails[@]}" "$tmp/wrapped/"
wrapped=
for m in "$tmp"/wrapped/*.patch; do
	where=$(python3 "$ROOT/scripts/mail/mangle-mail.py" wrap "$m")
	if [ -n "$where" ]; then
		wrapped="$(basename "$m") line $where"
		break
	fi
done
if [ -z "$wrapped" ]; then
	bad "mangled-wrap: could not craft the case: no added line longer than 72 columns in the series"
else
	log "mangled-wrap: wrapped $wrapped at column <= 72"
	rc=0
	{ mail_to_sink "$MAILDIR/wrapped.mbox" "$tmp"/wrapped/*.patch &&
		apply_and_compare "$MAILDIR/wrapped.mbox" "$HEAD_COMMIT"; } >"$tmp/out" 2>&1 || rc=$?
	expect_fail "mangled-wrap ($wrapped)" '^git am rejected' "$tmp/out" "$rc"
fi

# 5. Negative: the UTF-8 commit's diff re-encoded to Latin-1 on the way, while
#    the mail still says charset=UTF-8.
cp "$utf8_mail" "$tmp/latin1.patch"
reencoded=$(python3 "$ROOT/scripts/mail/mangle-mail.py" latin1 "$tmp/latin1.patch")
if [ -z "$reencoded" ]; then
	bad "mangled-latin1: could not craft the case: no 'é' in the UTF-8 commit's diff"
else
	rc=0
	{ mail_to_sink "$MAILDIR/latin1.mbox" "$tmp/latin1.patch" &&
		apply_and_compare "$MAILDIR/latin1.mbox" "$UTF8_COMMIT"; } >"$tmp/out" 2>&1 || rc=$?
	expect_fail "mangled-latin1 (line $reencoded)" '^git am rejected|tree differs' "$tmp/out" "$rc"
fi

# 6. quilt push -a of patches/ on a plain export of the base (no git). The
#    export holds the files of base that the series touches (QUILT_EXPORT=full:
#    all of base); that is as strict: a patch touching any other file finds
#    no file there and fails, a file it creates is found below.
qgit() { GIT_DIR="$LINUX/.git" GIT_WORK_TREE="$QT" GIT_INDEX_FILE="$tmp/quilt.index" git "$@"; }
quilt_case() {
	local rc=0
	if [ -n "$export_pid" ]; then
		wait "$export_pid" || rc=$?
		export_pid=
	fi
	if [ "$rc" -ne 0 ]; then
		bad "quilt: git archive of base into ${QT#"$ROOT"/} failed (exit status $rc)"
		return
	fi
	# An index of base, refreshed against the export (this hashes what was
	# exported), so that after quilt only the files it touched are hashed.
	qgit read-tree "$BASE"
	(cd "$QT" && qgit update-index -q --refresh >/dev/null) || true
	if [ "$QUILT_EXPORT" = full ]; then
		rc=0
		(cd "$QT" && qgit diff-files --quiet) || rc=1
	else
		rc=0
		(cd "$QT" && GIT_LITERAL_PATHSPECS=1 qgit diff-files --quiet -- "${touched_in_base[@]}") || rc=1
	fi
	if [ "$rc" -ne 0 ]; then
		bad "quilt: the git archive of base in ${QT#"$ROOT"/} does not match base's tree (disk full?)"
		return
	fi
	if ! (cd "$QT" && QUILT_PATCHES="$tmp/quilt-patches" QUILT_PC=.pc \
		quilt --quiltrc=- push -a -q --fuzz=0) >"$tmp/quilt.log" 2>&1; then
		bad "quilt: quilt push -a --fuzz=0 of patches/series failed on base (log below)"
		tail -n 8 "$tmp/quilt.log" | sed 's/^/        /' >&2
		echo "        If linux/ changed since the last export: make export (make check-export shows it)." >&2
		return
	fi
	if [ "$QUILT_EXPORT" = full ]; then
		(cd "$QT" && qgit add -A -f -- . ':(exclude).pc')
	else
		(cd "$QT" && qgit update-index --add --remove -- "${touched[@]}")
		local stray
		stray=$(cd "$QT" && { qgit ls-files -o | grep -v '^\.pc/' || true; })
		if [ -n "$stray" ]; then
			bad "quilt: quilt push -a of patches/ creates files that $BRANCH does not have (below)"
			printf '%s\n' "$stray" | head -n 10 | sed 's/^/        /' >&2
			return
		fi
	fi
	local qtree
	qtree=$(qgit write-tree)
	if [ "$qtree" = "$(git -C "$LINUX" rev-parse "$HEAD_COMMIT^{tree}")" ]; then
		ok "quilt: quilt push -a of $(grep -c . "$tmp/quilt-patches/series") patches on git archive of base ($QUILT_EXPORT) gives $BRANCH's tree ${qtree:0:12}"
	else
		bad "quilt: quilt push -a of patches/ gives a tree that differs from $BRANCH's (files below)"
		git -C "$LINUX" diff --stat=100 "$HEAD_COMMIT" "$qtree" | sed 's/^/        /' >&2
		echo "        If linux/ changed since the last export: make export (make check-export shows it)." >&2
	fi
}
quilt_case

# 7. The sender: every mail that came back is From: the sender, and every
#    patch ends with the sender's sign-off (none of the placeholder's).
if [ -f "$MAILDIR/series.mbox" ]; then
	if python3 "$ROOT/scripts/mail/check-mails.py" identity "$SENDER" "$MAILDIR/series.mbox" >"$tmp/out" 2>&1; then
		ok "identity-in-mails: $(tail -n 1 "$tmp/out"): each From: and last Signed-off-by: is $SENDER"
	else
		bad "identity-in-mails: $(tail -n 1 "$tmp/out") (below)"
		head -n 10 "$tmp/out" | sed 's/^/        /' >&2
	fi
else
	bad "identity-in-mails: nothing came back from the sink (see series-by-mail)"
fi

# 8. A placeholder identity is refused by series.sh (--mails and the full
#    run) and send.sh, with the way to set a real one; through git config
#    (the way a user has it) and through SENDER_NAME/SENDER_EMAIL.
identity_refused_case() {
	local tried=0 refused=0 problems=() id name email how rc
	local cfg=(GIT_CONFIG_COUNT=2 GIT_CONFIG_KEY_0=user.name GIT_CONFIG_KEY_1=user.email)
	for id in "$PLACEHOLDER_NAME|$PLACEHOLDER_EMAIL|config|series.sh --mails" \
		"$PLACEHOLDER_NAME|$PLACEHOLDER_EMAIL|config|series.sh" \
		"$PLACEHOLDER_NAME|$PLACEHOLDER_EMAIL|config|send.sh" \
		"Jane Doe|jane@kernel.example|env|series.sh --mails" \
		"Jane Doe|jane@localhost|env|series.sh --mails" \
		"Jane Doe|12345+jane@users.noreply.github.com|env|series.sh --mails" \
		"||config|series.sh --mails"; do
		IFS='|' read -r name email how cmd <<<"$id"
		tried=$((tried + 1))
		local envs=(-u SENDER_NAME -u SENDER_EMAIL "OUTDIR=$tmp/refused-out" "BRANCH=$HEAD_COMMIT")
		if [ "$how" = config ]; then
			envs+=("${cfg[@]}" "GIT_CONFIG_VALUE_0=$name" "GIT_CONFIG_VALUE_1=$email")
		else
			envs+=("SENDER_NAME=$name" "SENDER_EMAIL=$email")
		fi
		local args=()
		[ "$cmd" = "series.sh --mails" ] && args=(--mails "$tmp/refused-mails")
		rc=0
		env "${envs[@]}" "$ROOT/scripts/mail/${cmd%% *}" "${args[@]}" >"$tmp/out" 2>&1 </dev/null || rc=$?
		if [ "$rc" -ne 0 ] && grep -q 'git config --global user.email' "$tmp/out" &&
			grep -q 'SENDER_EMAIL=' "$tmp/out" && [ ! -e "$tmp/refused-mails" ]; then
			refused=$((refused + 1))
		else
			problems+=("$cmd, $how \"$name <$email>\": exit $rc, $(grep -m1 -E 'ERROR|passed|wrote' "$tmp/out" || head -n 1 "$tmp/out")")
		fi
		rm -rf "$tmp/refused-mails" "$tmp/refused-out"
	done
	if [ ${#problems[@]} -eq 0 ]; then
		ok "identity-refused: $refused of $tried placeholder, reserved-domain, no-reply or unset identities refused with the way to set one"
	else
		bad "identity-refused: $refused of $tried refused; not as expected:"
		printf '        %s\n' "${problems[@]}" >&2
	fi
}
identity_refused_case

# 9. base-commit: only for a real upstream base. On Debian's tree none, the
#    cover letter says what it was tested on, and send.sh refuses the series.
base_commit_case() {
	local kind bc cover
	kind=$(base_kind "$LINUX")
	bc=$(python3 "$ROOT/scripts/mail/check-mails.py" base-commit "${mails[@]}")
	cover=$(find "$tmp/series" -name '*-0000-cover-letter.patch' | head -n 1)
	case "$kind" in
	upstream*)
		if [ "$bc" = "$BASE" ]; then
			ok "base-commit: ${bc:0:12}, linux/'s base (${kind#upstream })"
		else
			bad "base-commit: '${bc:-none}' in the mails, but linux/'s base is $BASE (${kind#upstream })"
		fi
		return
		;;
	esac
	if [ -n "$bc" ]; then
		bad "base-commit: the mails name $bc, a commit of $kind's tree that exists nowhere upstream"
		return
	fi
	if [ -n "$cover" ] && ! grep -q "^Tested on Debian's $(pin DEB_PACKAGE)" "$cover"; then
		bad "base-commit: none (right), but the cover letter does not say it was tested on Debian's tree"
		return
	fi
	# send.sh, on a series series.sh would have made here (status as it writes it).
	local d=$tmp/send-out/series/v$version rc=0
	mkdir -p "$d"
	cp "${mails[@]}" "$d/"
	printf '%s\n' linux-mm@kvack.org >"$d/to.txt"
	: >"$d/cc.txt"
	printf 'version=%s\ncommit=%s\nbase-kind=%s\nsender=%s\ncheckpatch=passed\ncover=complete\n' \
		"$version" "$HEAD_COMMIT" "$kind" "$SENDER" >"$d/status"
	(cd "$d" && sha256sum -- *.patch to.txt cc.txt >SHA256SUMS)
	echo "$HEAD_COMMIT" >"$tmp/send-out/check-passed"
	OUTDIR=$tmp/send-out BRANCH=$HEAD_COMMIT "$ROOT/scripts/mail/send.sh" >"$tmp/out" 2>&1 </dev/null || rc=$?
	if [ "$rc" -ne 0 ] && grep -q 'no upstream commit' "$tmp/out" && grep -q 'LINUX_SRC=' "$tmp/out"; then
		ok "base-commit: none on $kind's tree, the cover letter says what it was tested on, send.sh refuses it"
	else
		bad "base-commit: send.sh did not refuse a series made on $kind's tree (exit $rc, below)"
		head -n 5 "$tmp/out" | sed 's/^/        /' >&2
	fi
}
base_commit_case

# 10. b4: what a maintainer who uses b4 gets from the mbox that came back,
#     offline: b4 am, then git am of its .mbx, gives pageref's tree.
B4=$ROOT/.venv/bin/b4
# b4 with the sender's identity, the sink as SMTP server, nothing of $HOME.
b4env() {
	GIT_AUTHOR_NAME=$SENDER_NAME GIT_AUTHOR_EMAIL=$SENDER_EMAIL \
		GIT_COMMITTER_NAME=$SENDER_NAME GIT_COMMITTER_EMAIL=$SENDER_EMAIL \
		HOME=$tmp/b4home XDG_CACHE_HOME=$tmp/b4home/cache XDG_DATA_HOME=$tmp/b4home/data \
		XDG_CONFIG_HOME=$tmp/b4home/config GIT_CONFIG_GLOBAL=/dev/null GIT_CONFIG_NOSYSTEM=1 \
		GIT_CONFIG_COUNT=5 GIT_CONFIG_KEY_0=user.name GIT_CONFIG_VALUE_0="$SENDER_NAME" \
		GIT_CONFIG_KEY_1=user.email GIT_CONFIG_VALUE_1="$SENDER_EMAIL" \
		GIT_CONFIG_KEY_2=sendemail.smtpServer GIT_CONFIG_VALUE_2=127.0.0.1 \
		GIT_CONFIG_KEY_3=sendemail.smtpServerPort GIT_CONFIG_VALUE_3="$PORT" \
		GIT_CONFIG_KEY_4=b4.attestation-policy GIT_CONFIG_VALUE_4=off "$@"
}
# b4_am MBOX: b4 am (offline) of MBOX, then git am of its .mbx onto base in
# the worktree; prints why on failure, returns 1.
b4_am() {
	local mbox=$1 out=$tmp/b4-$RANDOM mbx
	mkdir -p "$tmp/b4home"
	if ! b4env "$B4" --offline-mode --no-interactive am -m "$mbox" -o "$out" >"$tmp/b4.log" 2>&1 </dev/null; then
		echo "b4 am of ${mbox##*/} failed (below)"
		tail -n 8 "$tmp/b4.log" | sed 's/^/    /'
		return 1
	fi
	mbx=$(find "$out" -name '*.mbx' | head -n 1)
	wt checkout -q -f --detach "$BASE"
	wt clean -fdq
	if [ -z "$mbx" ] || ! wt am -q --no-3way "$mbx" >"$tmp/am.log" 2>&1; then
		echo "git am of b4's ${mbx##*/} failed on base (below)"
		tail -n 5 "$tmp/am.log" | sed 's/^/    /'
		wt am --abort >/dev/null 2>&1 || true
		return 1
	fi
	local got want
	got=$(wt rev-parse 'HEAD^{tree}')
	want=$(git -C "$LINUX" rev-parse "$HEAD_COMMIT^{tree}")
	if [ "$got" != "$want" ] || [ "$(wt rev-list --count "$BASE..HEAD")" != "$n" ]; then
		echo "b4's mbox gives tree ${got:0:12} in $(wt rev-list --count "$BASE..HEAD") commits, not $BRANCH's ${want:0:12} in $n"
		return 1
	fi
	echo "$n commits, $BRANCH's tree ${got:0:12}"
}
b4_case() {
	if [ ! -x "$B4" ]; then
		bad "b4-am: b4 is not installed in .venv (run: scripts/pipeline/setup.sh)"
		return
	fi
	if [ ! -f "$MAILDIR/series.mbox" ]; then
		bad "b4-am: nothing came back from the sink (see series-by-mail)"
		return
	fi
	if b4_am "$MAILDIR/series.mbox" >"$tmp/out" 2>&1; then
		ok "b4-am: b4 $("$B4" --version 2>/dev/null) am (offline) of the mbox, then git am: $(tail -n 1 "$tmp/out")"
	else
		bad "b4-am: $(head -n 1 "$tmp/out")"
		sed '1d' "$tmp/out" | sed 's/^/        /' >&2
	fi
}
b4_case

# 11-13. A real base, and a rebase, on a stand-in for a user's kernel clone
#    (no upstream tree can be fetched here): a repository with history whose
#    tip, tagged v$VERSION, has the pinned base's tree; a branch mm-clean
#    that changes a file the series does not touch, and mm-conflict, which
#    moves a line that the first patch changes. Its objects are linux/'s
#    (alternates); linux/ materialised from it (sparse) is out/roundtrip-up.
UP=$OUTDIR/roundtrip-up
UPOUT=$tmp/up-out
standin() {
	local S=$OUTDIR/roundtrip-standin sidx=$tmp/standin.index rc_tree rc rel tree first f line
	local version_tag
	version_tag=v$(pin VERSION)
	hermetic git init -q -b master "$S"
	git -C "$LINUX" rev-parse --path-format=absolute --git-path objects >"$S/.git/objects/info/alternates"
	sg() { hermetic git -C "$S" "$@"; }
	sidx_git() { GIT_INDEX_FILE=$sidx sg "$@"; }
	# tree_with BASE-TREE PATH < CONTENT: the tree with PATH's content replaced.
	tree_with() {
		local b
		b=$(sg hash-object -w --stdin)
		sidx_git read-tree "$1"
		sidx_git update-index --cacheinfo "100644,$b,$2"
		sidx_git write-tree
	}
	tree=$(git -C "$LINUX" rev-parse "$BASE^{tree}")
	rc_tree=$(git -C "$LINUX" show "$BASE:Makefile" | sed 's/^EXTRAVERSION =.*/EXTRAVERSION = -rc7/' | tree_with "$tree" Makefile)
	rc=$(sg commit-tree "$rc_tree" -m "Linux $(pin VERSION)-rc7")
	rel=$(sg commit-tree "$tree" -p "$rc" -m "Linux $(pin VERSION)")
	sg update-ref refs/heads/master "$rel"
	sg tag -a -m "Linux $(pin VERSION)" "$version_tag" "$rel"
	# mm-clean: README, which the series does not touch.
	{ git -C "$LINUX" show "$BASE:README"; echo "A line that mm-clean adds."; } | tree_with "$tree" README >"$tmp/t"
	sg update-ref refs/heads/mm-clean "$(sg commit-tree "$(cat "$tmp/t")" -p "$rel" -m "README: a change the series does not touch")"
	# mm-conflict: the first line that the first patch removes or changes,
	# moved to the top of its file.
	first=$(grep -v '^#' "$tmp/quilt-patches/series" | grep -m1 .)
	read -r f line < <(python3 - "$tmp/quilt-patches/$first" <<-'PY'
		import re, sys
		f, old = None, 0
		for l in open(sys.argv[1], encoding="utf-8", errors="replace"):
		    m = re.match(r"^--- a/(.*)$", l)
		    if m:
		        f = m.group(1).rstrip("\n")
		        continue
		    m = re.match(r"^@@ -(\d+)", l)
		    if m:
		        old = int(m.group(1))
		        continue
		    if f and old:
		        if l.startswith("-"):
		            print(f, old)
		            break
		        if l.startswith(" "):
		            old += 1
		PY
	)
	[ -n "$line" ] || return 1
	git -C "$LINUX" show "$BASE:$f" | python3 -c '
import sys
n = int(sys.argv[1]) - 1
lines = sys.stdin.buffer.read().split(b"\n")
moved = lines.pop(n)
sys.stdout.buffer.write(b"\n".join([moved] + lines))' "$line" | tree_with "$tree" "$f" >"$tmp/t"
	sg update-ref refs/heads/mm-conflict "$(sg commit-tree "$(cat "$tmp/t")" -p "$rel" -m "$f: move line $line to the top")"
	STANDIN=$S STANDIN_REL=$rel STANDIN_TAG=$version_tag CONFLICT_FILE=$f CONFLICT_LINE=$line
	STANDIN_PATCH=$first
}
upg() { git -C "$UP" "$@"; }
# What must not change when a rebase fails: every ref, HEAD, the index and
# the working tree (porcelain status), the worktrees, the config.
snapshot() {
	{
		upg for-each-ref --format='%(refname) %(objectname)'
		upg rev-parse HEAD
		upg symbolic-ref -q HEAD || true
		upg status --porcelain
		upg worktree list --porcelain
		upg config --list --local
	} 2>&1
}
b4_send_case() {
	local mail_head=$1 editor=$tmp/b4-cover-editor got bc b4v
	if [ ! -x "$B4" ]; then
		bad "b4-send-reflect: b4 is not installed in .venv (run: scripts/pipeline/setup.sh)"
		return
	fi
	b4v=$("$B4" --version 2>/dev/null)
	# b4's cover letter is "subject, blank line, body"; the template's body
	# follows its subject line directly.
	printf '#!/bin/sh\n{ head -n 1 "%s"; echo; tail -n +2 "%s"; } >"%s"\n' \
		"$tmp/quilt-patches/cover-letter.tmpl" "$tmp/quilt-patches/cover-letter.tmpl" "\$1" >"$editor"
	chmod +x "$editor"
	rm -f "$tmp/sink.mbox"
	if ! (
		cd "$UP"
		git branch -f pageref-b4 "$mail_head"
		git checkout -q pageref-b4
		b4env "$B4" --offline-mode prep --enroll base
		b4env EDITOR="$editor" "$B4" --offline-mode prep --edit-cover
		b4env "$B4" --offline-mode prep --force-revision "$version"
		# Enter past the pre-flight notice (b4 prep --check runs checkpatch
		# without make series' setup; make series is the check that counts).
		printf '\n\n\n' | b4env "$B4" send --reflect --no-sign --to linux-mm@kvack.org
	) >"$tmp/b4send.log" 2>&1; then
		bad "b4-send-reflect: b4 prep or b4 send --reflect failed (below)"
		tail -n 8 "$tmp/b4send.log" | sed 's/^/        /' >&2
		upg checkout -q pageref 2>/dev/null || true
		return
	fi
	upg checkout -q pageref
	got=$(grep -c '^From ' "$tmp/sink.mbox" 2>/dev/null || true)
	mv "$tmp/sink.mbox" "$MAILDIR/b4-reflect.mbox" 2>/dev/null || true
	bc=$(python3 "$ROOT/scripts/mail/check-mails.py" base-commit "$MAILDIR/b4-reflect.mbox" 2>/dev/null || true)
	if [ "${got:-0}" -ne $((n + 1)) ]; then
		bad "b4-send-reflect: b4 send --reflect delivered ${got:-0} mails to the sink, not $((n + 1))"
		tail -n 5 "$tmp/b4send.log" | sed 's/^/        /' >&2
	elif ! python3 "$ROOT/scripts/mail/check-mails.py" identity "$SENDER" "$MAILDIR/b4-reflect.mbox" >"$tmp/out" 2>&1; then
		bad "b4-send-reflect: $(tail -n 1 "$tmp/out") (below)"
		head -n 5 "$tmp/out" | sed 's/^/        /' >&2
	elif [ "$bc" != "$STANDIN_REL" ]; then
		bad "b4-send-reflect: base-commit: is '${bc:-none}', not the stand-in's $STANDIN_TAG"
	elif ! b4_am "$MAILDIR/b4-reflect.mbox" >"$tmp/out" 2>&1; then
		bad "b4-send-reflect: $(head -n 1 "$tmp/out")"
		sed '1d' "$tmp/out" | sed 's/^/        /' >&2
	else
		ok "b4-send-reflect: b4 $b4v prep --enroll base of the mailed commits, send --reflect: $got mails, the sender's From: and sign-off, base-commit: ${bc:0:12}; b4 am of it: $(tail -n 1 "$tmp/out")"
	fi
}
standin_cases() {
	rm -rf "$UP" "$OUTDIR/roundtrip-standin"
	if ! standin >"$tmp/out" 2>&1; then
		bad "standin: could not build the stand-in clone (below)"
		sed 's/^/        /' "$tmp/out" >&2
		return
	fi
	log "stand-in clone: $STANDIN_TAG = ${STANDIN_REL:0:12} with history; mm-clean; mm-conflict moves line $CONFLICT_LINE of $CONFLICT_FILE"
	if ! hermetic env OUTDIR="$UPOUT" LINUX="$UP" LINUX_SRC="$STANDIN" LINUX_BASE_REF="$STANDIN_TAG" \
		LINUX_SPARSE=1 PATCHES_DIR="$tmp/quilt-patches" "$ROOT/scripts/pipeline/materialise.sh" >"$tmp/out" 2>&1; then
		bad "standin-base-commit: make linux from the stand-in clone failed (below)"
		tail -n 8 "$tmp/out" | sed 's/^/        /' >&2
		return
	fi
	# 11. The mails made there name the stand-in's commit as base-commit:, and
	#     say that the touched files are those of the tree tested here.
	local bc cover rc tested=$LINUX:$BASE up_mail_head
	rc=0
	up_mail_head=$(LINUX=$UP OUTDIR=$UPOUT TESTED_BASE=$tested "$ROOT/scripts/mail/series.sh" --mails "$tmp/up-mails" \
		2>"$tmp/out") || rc=$?
	bc=$(python3 "$ROOT/scripts/mail/check-mails.py" base-commit "$tmp"/up-mails/*.patch 2>/dev/null || true)
	cover=$(find "$tmp/up-mails" -name '*-0000-cover-letter.patch' | head -n 1)
	if [ "$rc" -ne 0 ]; then
		bad "standin-base-commit: series.sh --mails failed in the stand-in's linux/ (below)"
		tail -n 5 "$tmp/out" | sed 's/^/        /' >&2
	elif [ "$(upg rev-parse 'pageref^{tree}')" != "$(git -C "$LINUX" rev-parse "$HEAD_COMMIT^{tree}")" ]; then
		bad "standin-base-commit: patches/ on the stand-in's $STANDIN_TAG does not give $BRANCH's tree (make export?)"
	elif [ "$bc" != "$STANDIN_REL" ]; then
		bad "standin-base-commit: base-commit: is '${bc:-none}', not the stand-in's $STANDIN_TAG ($STANDIN_REL)"
	elif ! grep -q 'are identical (git blob ids)' "$cover"; then
		bad "standin-base-commit: the cover letter does not say that the touched files are identical to the tested tree's"
	elif ! python3 "$ROOT/scripts/mail/check-mails.py" identity "$SENDER" "$tmp"/up-mails/*.patch >"$tmp/out" 2>&1; then
		bad "standin-base-commit: the sender is not on every mail: $(tail -n 1 "$tmp/out")"
	else
		ok "standin-base-commit: linux/ cloned from the stand-in at $STANDIN_TAG; base-commit: ${bc:0:12} is its commit; the touched files are identical to the tested tree's"
	fi

	# b4's own path, as Documentation/submitting.md gives it: enroll the
	#     commits as mailed, cover letter from the template, b4 send --reflect
	#     through the sink; what comes back carries the sender and the base,
	#     and b4 am of it gives pageref's tree.
	[ "$rc" -eq 0 ] && b4_send_case "$up_mail_head"

	# 12. Rebase onto mm-conflict: stops, names the patch and the file, and
	#     leaves linux/ as it was.
	local before after
	before=$(snapshot)
	rc=0
	hermetic env OUTDIR="$UPOUT" LINUX="$UP" "$ROOT/scripts/mail/rebase.sh" mm-conflict >"$tmp/out" 2>&1 || rc=$?
	after=$(snapshot)
	local subj
	subj=$(sed -n 's/^Subject: \[PATCH[^]]*\] //p' "$tmp/quilt-patches/$STANDIN_PATCH" | head -n 1)
	if [ "$rc" -eq 0 ]; then
		bad "rebase-conflict: the rebase onto mm-conflict succeeded, but mm-conflict moves a line that patch 1 changes"
	elif ! grep -q "CONFLICT: patch 1/$n \"${subj:0:20}" "$tmp/out" || ! grep -qF "conflict in $CONFLICT_FILE" "$tmp/out"; then
		bad "rebase-conflict: it failed, but does not name patch 1/$n and $CONFLICT_FILE (below)"
		sed 's/^/        /' "$tmp/out" | head -n 12 >&2
	elif [ "$before" != "$after" ]; then
		bad "rebase-conflict: the failed rebase changed linux/ (refs, HEAD, status, worktrees or config; diff below)"
		diff <(printf '%s\n' "$before") <(printf '%s\n' "$after") | head -n 10 | sed 's/^/        /' >&2
	else
		ok "rebase-conflict: onto mm-conflict it stops at patch 1/$n, conflict in $CONFLICT_FILE; linux/ unchanged"
	fi

	# 13. Rebase onto mm-clean: passes, writes the range-diff, moves base and
	#     pageref, keeps the notes and the old branch.
	local old_head old_notes new_head rd
	old_head=$(upg rev-parse pageref)
	old_notes=$(upg notes list | wc -l)
	rc=0
	hermetic env OUTDIR="$UPOUT" LINUX="$UP" "$ROOT/scripts/mail/rebase.sh" mm-clean >"$tmp/out" 2>&1 || rc=$?
	new_head=$(upg rev-parse pageref)
	rd=$UPOUT/rebase/range-diff.txt
	if [ "$rc" -ne 0 ]; then
		bad "rebase-clean: the rebase onto mm-clean failed (below)"
		tail -n 8 "$tmp/out" | sed 's/^/        /' >&2
	elif [ "$(upg rev-parse base)" != "$(git -C "$STANDIN" rev-parse mm-clean)" ]; then
		bad "rebase-clean: base is not mm-clean after the rebase"
	elif [ "$(upg diff --name-only "$old_head" "$new_head")" != README ]; then
		bad "rebase-clean: the rebased series differs from the old one by more than mm-clean's README"
	elif [ "$(grep -cE '^ *[0-9]+: +[0-9a-f]+ = +[0-9]+: +[0-9a-f]+ ' "$rd" 2>/dev/null || echo 0)" != "$n" ]; then
		bad "rebase-clean: ${rd#"$ROOT"/} does not show the $n patches as unchanged (head below)"
		head -n 12 "$rd" | sed "s/^/        /" >&2
	elif [ "$(upg notes list | wc -l)" -ne $((old_notes * 2)) ]; then
		bad "rebase-clean: the changelog notes did not follow the patches"
	elif ! upg rev-parse -q --verify "refs/heads/pageref-before-rebase-$(sed -n 's/.*pageref-before-rebase-\([0-9-]*\).*/\1/p' "$tmp/out" | head -n 1)" >/dev/null; then
		bad "rebase-clean: the old series was not kept as pageref-before-rebase-*"
	else
		ok "rebase-clean: onto mm-clean, $n patches re-applied, range-diff ($(grep -c . "$rd") lines) shows each unchanged, notes and old branch kept"
	fi
}
standin_cases

# ---------------------------------------------------------------- summary
log "removing the worktree and the export"
tidy
log "done"
echo
echo "Round trip of base..$BRANCH (${HEAD_COMMIT:0:12}), v$version, through a local SMTP sink:"
printf '  %s\n' "${results[@]}"
[ "$fail" -eq 0 ] || echo "Failures mean a mail would not reach a maintainer as it left here; see above."
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
