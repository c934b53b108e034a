#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Prove that the series survives being mailed, without leaving this machine:
# mail it with git send-email through a local SMTP sink (scripts/smtp-sink.py,
# 127.0.0.1 on a free port), git am what arrived onto the pinned base, and
# require the same tree, authors and messages as base..pageref. Also apply
# patches/series with quilt onto a plain export of the base, and mail a
# throwaway commit full of UTF-8 through the same path.
#
#   scripts/roundtrip.sh          run every case; the last line is
#                                 "N passed, N failed"; exit 1 on any failure
#   KEEP=1 scripts/roundtrip.sh   keep out/roundtrip-am, out/roundtrip-quilt
#                                 and the mboxes (out/roundtrip-mail) to look at
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
#
# linux/'s working tree, branches and config are never touched: the am cases
# run in a sparse worktree of it at out/roundtrip-am, on a detached HEAD,
# removed at exit (the commits made there stay unreferenced in linux/.git
# until git gc).
set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"

BRANCH=${BRANCH:-pageref}
KEEP=${KEEP:-0}
QUILT_EXPORT=${QUILT_EXPORT:-touched}
case "$QUILT_EXPORT" in touched | full) ;; *) die "QUILT_EXPORT=$QUILT_EXPORT: say touched (the default) or full." ;; esac
WT=$OUTDIR/roundtrip-am
QT=$OUTDIR/roundtrip-quilt
MAILDIR=$OUTDIR/roundtrip-mail
SENDER="Roundtrip Sender <sender@sink.localhost>"
SINK_RCPT=sink@sink.localhost
PY=$ROOT/.venv/bin/python

need quilt "Run: scripts/setup.sh (Debian package quilt)"
[ -x "$(git --exec-path)/git-send-email" ] ||
	die "git send-email is not installed." "Run: scripts/setup.sh (Debian package git-email)"
"$PY" -c 'import aiosmtpd' >/dev/null 2>&1 ||
	die "aiosmtpd is not installed in .venv (the SMTP sink needs it)." "Run: scripts/setup.sh"
git -C "$LINUX" rev-parse --verify -q base >/dev/null 2>&1 ||
	die "no materialised tree in $LINUX." "Run: make linux"
git -C "$LINUX" rev-parse --verify -q "$BRANCH^{commit}" >/dev/null ||
	die "linux/ has no branch $BRANCH." "Run: make linux"
BASE=$(git -C "$LINUX" rev-parse base)
HEAD_COMMIT=$(git -C "$LINUX" rev-parse "$BRANCH^{commit}")

# One run at a time: the worktree and the export have fixed names.
mkdir -p "$OUTDIR"
exec 9>"$OUTDIR/roundtrip.lock"
flock -n 9 || die "another scripts/roundtrip.sh is running (it holds $OUTDIR/roundtrip.lock)." \
	"Wait for it to finish."

# git send-email and git am run without the user's global config (no
# sendemail.*, am.* or hooks of theirs), with a fixed identity.
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
	rm -rf "$WT"
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
		log "KEEP=1: left ${WT#"$ROOT"/}, ${QT#"$ROOT"/} and ${MAILDIR#"$ROOT"/}"
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
	"$PY" "$ROOT/scripts/smtp-sink.py" --mbox "$tmp/sink.mbox" --port-file "$tmp/port" \
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
version=$(tr -d ' \t\n' <"$ROOT/patches/VERSION" 2>/dev/null || echo 1)
# Everything below tests this one commit and this copy of patches/, even if
# linux/ or patches/ change while it runs.
BRANCH=$HEAD_COMMIT "$ROOT/scripts/series.sh" --mails "$tmp/series" 2>&1 | sed 's/^/  /' >&2
cp -r "$ROOT/patches" "$tmp/quilt-patches"
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
positive_case "series-by-mail: ${#mails[@]} mails sent and received, git am" \
	"$MAILDIR/series.mbox" "$HEAD_COMMIT" "${mails[@]}"

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
		got=$(python3 "$ROOT/scripts/mail-notes.py" "$m")
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

	A throwaway commit of scripts/roundtrip.sh: non-ASCII in the author,
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
	where=$(python3 "$ROOT/scripts/mangle-mail.py" wrap "$m")
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
reencoded=$(python3 "$ROOT/scripts/mangle-mail.py" latin1 "$tmp/latin1.patch")
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
