#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Prove that the series survives being mailed, without leaving this machine:
# mail each of its postings (patches/postings/postings.conf) as
# scripts/mail/send.sh does, with git send-email through a local SMTP sink
# (scripts/mail/smtp-sink.py, 127.0.0.1 on a free port), git am what arrived
# with whitespace errors fatal onto the pinned base plus the postings it
# depends on, and require the same tree, authors and messages as the commits
# series.sh mailed, the recipients series.sh addressed, subjects that carry
# the version, and b4 am -v N of each. Also apply patches/series with quilt
# onto a plain export of the base, and mail a throwaway commit full of UTF-8
# through the same path.
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
#   posting-by-mail  (one per posting) its mails -> sink with send.sh's
#                    options -> git am --whitespace=error-all onto base plus
#                    the postings it depends on (as they came back): the
#                    commits series.sh mailed; each mail went to exactly the
#                    To: and Cc: series.sh wrote (headers and envelope)
#   all-postings     every posting as it came back, in the order of
#                    postings.conf, onto base: pageref's tree, all its patches
#   versioned-subjects  each posting's subjects are [PREFIX vN m/n] (or
#                    [PREFIX vN] for one patch), numbered 0 or 1 to n
#   routing-refused  negative: a commit that postings.conf sends nowhere, and
#                    a posting that gets no commit, stop series.sh, named
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
#   b4-am            (one per posting) b4 am -v N (offline) of the mbox that
#                    came back, then git am: the posting's tree; b4 am -v N-1
#                    finds no such revision
#   standin-base-commit  linux/ made from a stand-in for a user's clone (history,
#                    tag v$VERSION at the pinned base's tree): base-commit: is
#                    the tag's commit on every mail, a prerequisite-patch-id:
#                    for each patch a posting applies on top of, the touched
#                    files compared (identical)
#   b4-send-reflect  there, for each posting: b4 prep --enroll of the commits
#                    series.sh mailed onto what it depends on, its template as
#                    cover letter, its subject prefix, b4 send --reflect to the
#                    sink: the sender, base-commit:, and b4 am gives its tree
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
		--envelopes "$tmp/sink.env" 2>"$tmp/sink.log" 9>&- &
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
	rm -f "$tmp/sink.mbox" "$tmp/sink.env"
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

# mail_posting NAME: send the mails of posting NAME to the sink as send.sh
# does (SENDEMAIL_POSTING_OPTS: to the To: and Cc: in each mail, nothing
# else) and move what it received to $MAILDIR/NAME.mbox, the envelopes to
# $MAILDIR/NAME.env.
mail_posting() {
	local name=$1 to pm
	mapfile -t pm < <(find "${P_DIR[$name]}" -maxdepth 1 -name '*.patch' | sort)
	to=$(sed -n 's/^To: //p' "${pm[0]}" | head -n 1 | sed 's/,$//')
	rm -f "$tmp/sink.mbox" "$tmp/sink.env"
	if ! (cd "$tmp" && hermetic git send-email "${SENDEMAIL_POSTING_OPTS[@]}" \
		--smtp-server=127.0.0.1 --smtp-server-port="$PORT" --smtp-encryption=none \
		--confirm=never --from="$SENDER" --to="$to" --quiet "${pm[@]}") >"$tmp/send.log" 2>&1 </dev/null; then
		echo "git send-email of posting $name to the sink failed:"
		sed 's/^/    /' "$tmp/send.log"
		return 1
	fi
	local got
	got=$(grep -c '^From ' "$tmp/sink.mbox" 2>/dev/null || true)
	if [ "${got:-0}" -ne ${#pm[@]} ]; then
		echo "git send-email sent ${#pm[@]} mails of posting $name, the sink received ${got:-0}."
		return 1
	fi
	mv "$tmp/sink.mbox" "$MAILDIR/$name.mbox"
	mv "$tmp/sink.env" "$MAILDIR/$name.env"
}

# ---------------------------------------------------------------- checks
# am_mbox MBOX [WHITESPACE]: git am MBOX on top of the worktree's HEAD, with
# --whitespace=WHITESPACE (default error-all: what a maintainer's tree
# refuses, this refuses). Prints why on failure, returns 1.
am_mbox() {
	local mbox=$1 ws=${2:-error-all}
	if ! wt am -q --patch-format=mboxrd --empty=drop --no-3way --whitespace="$ws" "$mbox" >"$tmp/am.log" 2>&1; then
		local at
		at=$(sed -n 's/^Patch failed at [0-9]* //p' "$tmp/am.log" | head -n 1)
		echo "git am --whitespace=$ws rejected the mails of ${mbox##*/} that came back from the SMTP sink${at:+ (at \"$at\")}"
		grep -E '^(error|fatal|warning):|^[^ ]*:[0-9]+: ' "$tmp/am.log" | head -n 5 | sed 's/^/    /'
		wt am --abort >/dev/null 2>&1 || true
		return 1
	fi
}
# am_postings NAME...: the worktree at base, then those postings' mboxes as
# they came back, in that order.
am_postings() {
	local name
	wt checkout -q -f --detach "$BASE"
	wt clean -fdq
	for name in "$@"; do
		[ -f "$MAILDIR/$name.mbox" ] || {
			echo "posting $name did not come back from the sink (see posting-by-mail $name)"
			return 1
		}
		am_mbox "$MAILDIR/$name.mbox" || return 1
	done
}
# compare_range FROM WANT: the worktree's HEAD has WANT's tree, and its last
# commits have the authors and messages (subject, body, trailers) of
# FROM..WANT. Prints why on failure, returns 1.
compare_range() {
	local from=$1 want=$2 k got_tree want_tree
	k=$(wt rev-list --count "$from..$want")
	got_tree=$(wt rev-parse 'HEAD^{tree}')
	want_tree=$(wt rev-parse "$want^{tree}")
	if [ "$got_tree" != "$want_tree" ]; then
		echo "git am applied every mail, but the tree differs from ${want:0:12}'s (files below)"
		wt diff --stat=100 "$want" HEAD | sed 's/^/    /'
		return 1
	fi
	local fmt='%an <%ae>%n%B%n--'
	if ! diff -u <(wt log --reverse --format="$fmt" "$from..$want") \
		<(wt log --reverse --format="$fmt" -n "$k" HEAD) >"$tmp/log.diff"; then
		echo "same tree, but the commits' authors or messages differ (- sent, + received, below)"
		head -n 30 "$tmp/log.diff" | sed 's/^/    /'
		return 1
	fi
	echo "tree ${got_tree:0:12} and $k commit(s) identical"
}
# apply_and_compare MBOX EXPECTED [WHITESPACE]: git am MBOX onto base in the
# worktree and compare with base..EXPECTED.
apply_and_compare() {
	wt checkout -q -f --detach "$BASE"
	wt clean -fdq
	am_mbox "$1" "${3:-error-all}" && compare_range "$BASE" "$2"
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
export VERSION_FILE=$tmp/quilt-patches/VERSION PATCHES_DIR=$tmp/quilt-patches
version=$(tr -d ' \t\n' <"$VERSION_FILE" 2>/dev/null || echo 1)
# The commits as mailed, posting by posting: the sender's sign-off, each
# posting's commits re-created on the base plus those it depends on
# (series.sh). MAIL_HEAD: all postings applied in order.
MAIL_HEAD=$(BRANCH=$HEAD_COMMIT "$ROOT/scripts/mail/series.sh" --mails "$tmp/series" 2>"$tmp/series.log") || {
	sed 's/^/  /' "$tmp/series.log" >&2
	die "scripts/mail/series.sh --mails failed (above)."
}
sed 's/^/  /' "$tmp/series.log" >&2
mapfile -t mails < <(find "$tmp/series" -mindepth 2 -maxdepth 2 -name '*.patch' | sort -V)
n=$(git -C "$LINUX" rev-list --count "$BASE..$HEAD_COMMIT")
# The postings, in order: P_NAMES; folder, subject prefix, number of
# patches, the commit they apply on (base plus the postings they depend
# on), their last commit as mailed, those postings.
P_NAMES=()
declare -A P_DIR=() P_PREFIX=() P_N=() P_FROM=() P_TO=() P_DEPS=()
while IFS=$'\t' read -r k name prefix np from to deps; do
	P_NAMES+=("$name")
	P_DIR[$name]=$tmp/series/$k-$name
	P_PREFIX[$name]=$prefix
	P_N[$name]=$np
	P_FROM[$name]=$from
	P_TO[$name]=$to
	P_DEPS[$name]=$deps
done <"$tmp/series/postings"
log "mailing v$version of base..$BRANCH (${HEAD_COMMIT:0:12}): ${#mails[@]} mails for $n commits in ${#P_NAMES[@]} postings (${P_NAMES[*]})"

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
# A case that must round-trip: mail $4... to the sink as mbox $2, git am it
# (--whitespace=$5, default error-all), and compare with commit $3; $1 is
# the label printed before the result.
positive_case() {
	local label=$1 mbox=$2 commit=$3 ws=$4
	shift 4
	if mail_to_sink "$mbox" "$@" >"$tmp/out" 2>&1 &&
		apply_and_compare "$mbox" "$commit" "$ws" >>"$tmp/out" 2>&1; then
		ok "$label: $(tail -n 1 "$tmp/out")"
	else
		bad "${label%%:*}: $(head -n 1 "$tmp/out")"
		sed '1d' "$tmp/out" | sed 's/^/        /' >&2
	fi
}

# 1. Each posting, as series.sh makes it and send.sh sends it, through SMTP
#    and back: to the recipients series.sh addressed, and applying with
#    whitespace errors fatal on base plus the postings it depends on, as
#    they came back.
posting_case() {
	local name=$1 label
	label="posting-by-mail $name"
	# shellcheck disable=SC2086 # the postings, one word each
	if ! mail_posting "$name" >"$tmp/out" 2>&1; then
		bad "$label: $(head -n 1 "$tmp/out")"
	elif ! python3 "$ROOT/scripts/mail/check-mails.py" recipients "${P_DIR[$name]}" "$MAILDIR/$name.env" \
		"$MAILDIR/$name.mbox" >"$tmp/out" 2>&1; then
		bad "$label: not sent to the recipients series.sh addressed: $(tail -n 1 "$tmp/out")"
	elif ! { am_postings ${P_DEPS[$name]} "$name" && compare_range "${P_FROM[$name]}" "${P_TO[$name]}"; } \
		>"$tmp/out" 2>&1; then
		bad "$label: $(head -n 1 "$tmp/out")"
	else
		ok "$label: ${P_N[$name]} patch(es)${P_DEPS[$name]:+ on top of ${P_DEPS[$name]// /, }}, git am --whitespace=error-all: $(tail -n 1 "$tmp/out"); $(python3 "$ROOT/scripts/mail/check-mails.py" recipients "${P_DIR[$name]}" "$MAILDIR/$name.env" "$MAILDIR/$name.mbox" | tail -n 1), as addressed"
		return
	fi
	sed '1d' "$tmp/out" | head -n 12 | sed 's/^/        /' >&2
}
if [ "$(git -C "$LINUX" rev-parse "$MAIL_HEAD^{tree}")" != "$(git -C "$LINUX" rev-parse "$HEAD_COMMIT^{tree}")" ]; then
	bad "posting-by-mail: the commits series.sh mailed (${MAIL_HEAD:0:12}) do not have $BRANCH's tree"
fi
for name in "${P_NAMES[@]}"; do
	posting_case "$name"
done

# 2. All postings as they came back, in order, give the series: pageref's
#    tree, with every one of its patches once.
if am_postings "${P_NAMES[@]}" >"$tmp/out" 2>&1; then
	got=$(wt rev-list --count "$BASE..HEAD")
	if [ "$(wt rev-parse 'HEAD^{tree}')" = "$(git -C "$LINUX" rev-parse "$HEAD_COMMIT^{tree}")" ] && [ "$got" -eq "$n" ]; then
		ok "all-postings: ${#P_NAMES[@]} postings in order give $BRANCH's tree $(wt rev-parse --short=12 'HEAD^{tree}') in $got commits"
	else
		bad "all-postings: the ${#P_NAMES[@]} postings give tree $(wt rev-parse --short=12 'HEAD^{tree}') in $got commits, not $BRANCH's in $n"
	fi
else
	bad "all-postings: $(head -n 1 "$tmp/out")"
	sed '1d' "$tmp/out" | sed 's/^/        /' >&2
fi

# 3. Subjects that say which version and which patch of how many: what
#    b4 am -v N and patchwork read.
subjects_case() {
	local name problems=() counts=()
	for name in "${P_NAMES[@]}"; do
		if [ ! -f "$MAILDIR/$name.mbox" ]; then
			problems+=("$name: did not come back")
		elif python3 "$ROOT/scripts/mail/check-mails.py" subjects "${P_PREFIX[$name]}" "$version" "${P_N[$name]}" \
			"$MAILDIR/$name.mbox" >"$tmp/out" 2>&1; then
			if [ "${P_N[$name]}" -gt 1 ]; then
				counts+=("[${P_PREFIX[$name]} v$version m/${P_N[$name]}]")
			else
				counts+=("[${P_PREFIX[$name]} v$version]")
			fi
		else
			problems+=("$name: $(head -n 1 "$tmp/out")")
		fi
	done
	if [ ${#problems[@]} -eq 0 ]; then
		ok "versioned-subjects: ${counts[*]}"
	else
		bad "versioned-subjects: ${problems[0]}"
		printf '        %s\n' "${problems[@]:1}" >&2
	fi
}
subjects_case

# 4. Negative: a commit that postings.conf sends to no posting, and a
#    posting that gets no commit, stop series.sh before it writes a mail,
#    naming them.
routing_refused_case() {
	local conf=$tmp/refused-patches/postings/postings.conf rc1=0 rc2=0 first
	rm -rf "$tmp/refused-patches"
	cp -r "$tmp/quilt-patches" "$tmp/refused-patches"
	# One posting that takes only the first commit of the series.
	first=$(git -C "$LINUX" log --reverse --format=%s "$BASE..$HEAD_COMMIT" | awk 'NR == 1')
	python3 - "$conf" "$first" <<-'PY'
		import re, sys
		path, first = sys.argv[1], sys.argv[2]
		with open(path, "w", encoding="utf-8") as f:
		    f.write("[series]\nassisted-by = LLM\n\n[posting only]\nsubjects = ^%s$\n"
		            "prefix = PATCH\nto = linux-mm@kvack.org\n" % re.escape(first))
	PY
	PATCHES_DIR=$tmp/refused-patches VERSION_FILE=$tmp/refused-patches/VERSION BRANCH=$HEAD_COMMIT \
		"$ROOT/scripts/mail/series.sh" --mails "$tmp/refused-mails" >"$tmp/out1" 2>&1 </dev/null || rc1=$?
	rm -rf "$tmp/refused-mails"
	cp "$tmp/quilt-patches/postings/postings.conf" "$conf"
	printf '\n[posting nothing]\nsubjects = ^no such subject$\nprefix = PATCH\nto = linux-mm@kvack.org\n' >>"$conf"
	PATCHES_DIR=$tmp/refused-patches VERSION_FILE=$tmp/refused-patches/VERSION BRANCH=$HEAD_COMMIT \
		"$ROOT/scripts/mail/series.sh" --mails "$tmp/refused-mails" >"$tmp/out2" 2>&1 </dev/null || rc2=$?
	if [ "$rc1" -eq 0 ] || ! grep -q 'go to no posting' "$tmp/out1" || [ -n "$(find "$tmp/refused-mails" -name '*.patch' 2>/dev/null)" ]; then
		bad "routing-refused: a commit routed nowhere was not refused with its name (exit $rc1)"
		head -n 5 "$tmp/out1" | sed 's/^/        /' >&2
	elif [ "$rc2" -eq 0 ] || ! grep -q 'posting(s) with no patch: nothing' "$tmp/out2"; then
		bad "routing-refused: a posting with no patch was not refused (exit $rc2)"
		head -n 5 "$tmp/out2" | sed 's/^/        /' >&2
	else
		ok "routing-refused: $(grep -m1 -A1 'go to no posting' "$tmp/out1" | tail -n 1 | sed 's/^ *//'); and $(grep -m1 -o 'posting(s) with no patch: nothing' "$tmp/out2")"
	fi
	rm -rf "$tmp/refused-patches" "$tmp/refused-mails"
}
routing_refused_case

# 5. The changelogs under "---" (git notes) come back as sent.
notes_case() {
	local name i m want got bad_notes=() total=0 orig
	for name in "${P_NAMES[@]}"; do
		[ -f "$MAILDIR/$name.mbox" ] || {
			bad_notes+=("$name (did not come back)")
			continue
		}
		rm -rf "$tmp/split"
		mkdir -p "$tmp/split"
		git mailsplit --mboxrd -o"$tmp/split" "$MAILDIR/$name.mbox" >/dev/null
		i=0
		while IFS=$'\t' read -r _ orig _; do
			i=$((i + 1))
			total=$((total + 1))
			# The mails arrive in order; the cover letter (if any) comes first.
			m=$(printf '%s/%04d' "$tmp/split" $((i + ($([ "${P_N[$name]}" -gt 1 ] && echo 1 || echo 0)))))
			want=$(git -C "$LINUX" notes show "$orig" 2>/dev/null || true)
			got=$(python3 "$ROOT/scripts/mail/mail-notes.py" "$m")
			[ "$want" = "$got" ] || bad_notes+=("$name $i/${P_N[$name]}")
		done <"${P_DIR[$name]}/manifest"
	done
	if [ ${#bad_notes[@]} -eq 0 ]; then
		ok "notes-by-mail: the changelogs of all $total patches came back as sent"
	else
		bad "notes-by-mail: the changelog under --- differs for patch(es) ${bad_notes[*]}"
	fi
}
notes_case

# 6. A commit with UTF-8 everywhere, through the same path. It has a line
#    with trailing whitespace on purpose: git am's default (warn) applies it.
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
	"$MAILDIR/utf8.mbox" "$UTF8_COMMIT" warn "$utf8_mail"

# 7. Negative: a mailer wrapped one long added line of a real patch: the
#    first posting that has one, mailed again with that line wrapped, on top
#    of the postings it depends on. git am runs with --whitespace=nowarn
#    here, so that only the wrapping can make it fail.
wrapped=
wrapped_posting=
for name in "${P_NAMES[@]}"; do
	rm -rf "$tmp/wrapped"
	mkdir -p "$tmp/wrapped"
	cp "${P_DIR[$name]}"/*.patch "$tmp/wrapped/"
	for m in "$tmp"/wrapped/*.patch; do
		where=$(python3 "$ROOT/scripts/mail/mangle-mail.py" wrap "$m")
		if [ -n "$where" ]; then
			wrapped="$(basename "$m") line $where"
			wrapped_posting=$name
			break 2
		fi
	done
done
if [ -z "$wrapped" ]; then
	bad "mangled-wrap: could not craft the case: no added line longer than 72 columns in the series"
else
	log "mangled-wrap: wrapped $wrapped_posting's $wrapped at column <= 72"
	rc=0
	# shellcheck disable=SC2086 # the postings, one word each
	{ mail_to_sink "$MAILDIR/wrapped.mbox" "$tmp"/wrapped/*.patch &&
		am_postings ${P_DEPS[$wrapped_posting]} && am_mbox "$MAILDIR/wrapped.mbox" nowarn &&
		compare_range "${P_FROM[$wrapped_posting]}" "${P_TO[$wrapped_posting]}"; } >"$tmp/out" 2>&1 || rc=$?
	expect_fail "mangled-wrap ($wrapped_posting: $wrapped)" '^git am --whitespace=nowarn rejected' "$tmp/out" "$rc"
fi

# 8. Negative: the UTF-8 commit's diff re-encoded to Latin-1 on the way, while
#    the mail still says charset=UTF-8.
cp "$utf8_mail" "$tmp/latin1.patch"
reencoded=$(python3 "$ROOT/scripts/mail/mangle-mail.py" latin1 "$tmp/latin1.patch")
if [ -z "$reencoded" ]; then
	bad "mangled-latin1: could not craft the case: no 'é' in the UTF-8 commit's diff"
else
	rc=0
	{ mail_to_sink "$MAILDIR/latin1.mbox" "$tmp/latin1.patch" &&
		apply_and_compare "$MAILDIR/latin1.mbox" "$UTF8_COMMIT" warn; } >"$tmp/out" 2>&1 || rc=$?
	expect_fail "mangled-latin1 (line $reencoded)" '^git am --whitespace=warn rejected|tree differs' "$tmp/out" "$rc"
fi

# 9. quilt push -a of patches/ on a plain export of the base (no git). The
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

# 10. The sender: every mail that came back is From: the sender, and every
#     patch ends with the sender's sign-off (none of the placeholder's),
#     after the Assisted-by: trailer.
mboxes=()
for name in "${P_NAMES[@]}"; do
	[ -f "$MAILDIR/$name.mbox" ] && mboxes+=("$MAILDIR/$name.mbox")
done
if [ ${#mboxes[@]} -eq ${#P_NAMES[@]} ]; then
	assisted=$(sed -n 's/^assisted-by *= *//p' "$PATCHES_DIR/postings/postings.conf" | head -n 1)
	if ! python3 "$ROOT/scripts/mail/check-mails.py" identity "$SENDER" --assisted-by "$assisted" \
		"${mboxes[@]}" >"$tmp/out" 2>&1; then
		bad "identity-in-mails: $(tail -n 1 "$tmp/out") (below)"
		head -n 10 "$tmp/out" | sed 's/^/        /' >&2
	else
		ok "identity-in-mails: $(tail -n 1 "$tmp/out"): each From: and last Signed-off-by: is $SENDER, after Assisted-by: $assisted"
	fi
else
	bad "identity-in-mails: not every posting came back from the sink (see posting-by-mail)"
fi

# 11. A placeholder identity is refused by series.sh (--mails and the full
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

# 12. base-commit: only for a real upstream base. On Debian's tree none,
#     each cover letter (or single patch) says what it was tested on, and
#     send.sh refuses the series.
base_commit_case() {
	local kind bc first name
	kind=$(base_kind "$LINUX")
	bc=$(python3 "$ROOT/scripts/mail/check-mails.py" base-commit "${mails[@]}")
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
	for name in "${P_NAMES[@]}"; do
		first=$(find "${P_DIR[$name]}" -maxdepth 1 -name '*.patch' | sort | head -n 1)
		if ! grep -q "^Tested on Debian's $(pin DEB_PACKAGE)" "$first"; then
			bad "base-commit: none (right), but posting $name's first mail does not say it was tested on Debian's tree"
			return
		fi
	done
	# send.sh, on a series series.sh would have made here (status as it writes it).
	fake_series "$kind"
	local rc=0
	OUTDIR=$tmp/send-out BRANCH=$HEAD_COMMIT "$ROOT/scripts/mail/send.sh" >"$tmp/out" 2>&1 </dev/null || rc=$?
	if [ "$rc" -ne 0 ] && grep -q 'no upstream commit' "$tmp/out" && grep -q 'LINUX_SRC=' "$tmp/out"; then
		ok "base-commit: none on $kind's tree, each posting says what it was tested on, send.sh refuses it"
	else
		bad "base-commit: send.sh did not refuse a series made on $kind's tree (exit $rc, below)"
		head -n 5 "$tmp/out" | sed 's/^/        /' >&2
	fi
}
# fake_series KIND: $tmp/send-out/series/vN as series.sh writes it, from the
# postings made above, on a base of that kind, with a passing make check.
fake_series() {
	local d=$tmp/send-out/series/v$version name k=0
	rm -rf "$tmp/send-out"
	mkdir -p "$d"
	{
		printf 'version=%s\ncommit=%s\nbase-kind=%s\nsender=%s\ncheckpatch=passed\ncover=complete\n' \
			"$version" "$HEAD_COMMIT" "$1" "$SENDER"
		for name in "${P_NAMES[@]}"; do
			k=$((k + 1))
			cp -r "${P_DIR[$name]}" "$d/$k-$name"
			printf 'posting=%s %s %s %s\n' "$k" "$name" "${P_N[$name]}" "$(printf '%s' "${P_DEPS[$name]}" | tr ' ' ,)"
		done
	} >"$d/status"
	(cd "$d" && sha256sum -- */*.patch */recipients >SHA256SUMS)
	echo "$HEAD_COMMIT" >"$tmp/send-out/check-passed"
}
base_commit_case

# 13. send.sh sends one posting at a time, in order, and only to people
#     with an address: SEND=yes without POSTING=, a posting whose
#     dependencies were not sent, and postings.conf's unaddressed people
#     are refused; the dry run of every posting passes and shows each mail's
#     recipients. (On a stand-in "upstream" status; git send-email would
#     reach only the sink.)
send_refusals_case() {
	local problems=() rc out=$tmp/send-refusal name last
	last=${P_NAMES[${#P_NAMES[@]}-1]}
	fake_series "upstream v$(pin VERSION)"
	run_send() {
		rc=0
		env -u POSTING OUTDIR="$tmp/send-out" BRANCH="$HEAD_COMMIT" HOME="$tmp/send-home" \
			SMTP_SERVER=127.0.0.1 SMTP_PORT="$PORT" "$@" "$ROOT/scripts/mail/send.sh" >"$out" 2>&1 </dev/null || rc=$?
	}
	mkdir -p "$tmp/send-home"
	run_send SEND=yes
	{ [ "$rc" -ne 0 ] && grep -q 'one posting at a time' "$out"; } || problems+=("SEND=yes without POSTING= was not refused (exit $rc)")
	if [ -n "$(cat "$tmp/send-out/series/v$version"/*/unaddressed)" ]; then
		run_send SEND=yes POSTING="${P_NAMES[0]}"
		{ [ "$rc" -ne 0 ] && grep -q 'without a checked address' "$out"; } || problems+=("unaddressed people were not refused (exit $rc)")
		for name in "$tmp/send-out/series/v$version"/*/unaddressed; do : >"$name"; done
		(cd "$tmp/send-out/series/v$version" && sha256sum -- */*.patch */recipients >SHA256SUMS)
	fi
	if [ -n "${P_DEPS[$last]}" ]; then
		run_send SEND=yes POSTING="$last"
		{ [ "$rc" -ne 0 ] && grep -q 'which was not sent yet' "$out"; } ||
			problems+=("posting $last was not refused before ${P_DEPS[$last]} (exit $rc)")
	fi
	run_send
	local dry
	dry=$(grep -c '^Dry-OK' "$out" || true)
	{ [ "$rc" -eq 0 ] && [ "$dry" -eq ${#mails[@]} ]; } || problems+=("the dry run of every posting failed or did not show all ${#mails[@]} mails (exit $rc, $dry Dry-OK)")
	if [ ${#problems[@]} -eq 0 ]; then
		ok "send-refusals: SEND=yes needs POSTING=, the postings' dependencies sent first and every name addressed; the dry run shows all ${#mails[@]} mails"
	else
		bad "send-refusals: ${problems[0]}"
		printf '        %s\n' "${problems[@]:1}" >&2
		head -n 6 "$out" | sed 's/^/        /' >&2
	fi
	rm -rf "$tmp/send-out" "$tmp/send-home"
}
send_refusals_case

# 14. b4: what a maintainer who uses b4 gets from each posting that came
#     back, offline: b4 am -v N (the version its subjects carry), then git am
#     of its .mbx on top of the postings it depends on, gives the posting's
#     tree; b4 am -v N-1 finds no such revision.
B4=$ROOT/.venv/bin/b4
# b4 with the sender's identity, the sink as SMTP server, nothing of $HOME;
# through env, so that "b4env EDITOR=... b4 ..." sets EDITOR.
b4env() {
	GIT_AUTHOR_NAME=$SENDER_NAME GIT_AUTHOR_EMAIL=$SENDER_EMAIL \
		GIT_COMMITTER_NAME=$SENDER_NAME GIT_COMMITTER_EMAIL=$SENDER_EMAIL \
		HOME=$tmp/b4home XDG_CACHE_HOME=$tmp/b4home/cache XDG_DATA_HOME=$tmp/b4home/data \
		XDG_CONFIG_HOME=$tmp/b4home/config GIT_CONFIG_GLOBAL=/dev/null GIT_CONFIG_NOSYSTEM=1 \
		GIT_CONFIG_COUNT=5 GIT_CONFIG_KEY_0=user.name GIT_CONFIG_VALUE_0="$SENDER_NAME" \
		GIT_CONFIG_KEY_1=user.email GIT_CONFIG_VALUE_1="$SENDER_EMAIL" \
		GIT_CONFIG_KEY_2=sendemail.smtpServer GIT_CONFIG_VALUE_2=127.0.0.1 \
		GIT_CONFIG_KEY_3=sendemail.smtpServerPort GIT_CONFIG_VALUE_3="$PORT" \
		GIT_CONFIG_KEY_4=b4.attestation-policy GIT_CONFIG_VALUE_4=off env "$@"
}
# b4_am MBOX NAME: b4 am -v $version (offline) of MBOX, a mailing of posting
# NAME, then git am --whitespace=error-all of its .mbx on top of the
# postings NAME depends on (as they came back), in the worktree; the tree
# must be the posting's. Prints why on failure, returns 1.
b4_am() {
	local mbox=$1 name=$2 out=$tmp/b4-$RANDOM mbx
	mkdir -p "$tmp/b4home"
	if ! b4env "$B4" --offline-mode --no-interactive am -v "$version" -m "$mbox" -o "$out" >"$tmp/b4.log" 2>&1 </dev/null; then
		echo "b4 am -v $version of ${mbox##*/} failed (below)"
		tail -n 8 "$tmp/b4.log" | sed 's/^/    /'
		return 1
	fi
	mbx=$(find "$out" -name '*.mbx' | head -n 1)
	if [ -z "$mbx" ]; then
		echo "b4 am -v $version of ${mbox##*/} found no v$version series (below)"
		tail -n 4 "$tmp/b4.log" | sed 's/^/    /'
		return 1
	fi
	# shellcheck disable=SC2086 # the postings, one word each
	am_postings ${P_DEPS[$name]} || return 1
	if ! wt am -q --no-3way --whitespace=error-all "$mbx" >"$tmp/am.log" 2>&1; then
		echo "git am --whitespace=error-all of b4's ${mbx##*/} failed (below)"
		tail -n 5 "$tmp/am.log" | sed 's/^/    /'
		wt am --abort >/dev/null 2>&1 || true
		return 1
	fi
	local got want k
	got=$(wt rev-parse 'HEAD^{tree}')
	want=$(git -C "$LINUX" rev-parse "${P_TO[$name]}^{tree}")
	k=$(wt rev-list --count "${P_FROM[$name]}..HEAD" 2>/dev/null || echo "?")
	if [ "$got" != "$want" ]; then
		echo "b4's mbox of posting $name gives tree ${got:0:12}, not the posting's ${want:0:12}"
		return 1
	fi
	echo "$name ${P_N[$name]}"
}
b4_case() {
	local name done_=() problems=() older=$((version - 1)) out
	if [ ! -x "$B4" ]; then
		bad "b4-am: b4 is not installed in .venv (run: scripts/pipeline/setup.sh)"
		return
	fi
	for name in "${P_NAMES[@]}"; do
		if [ ! -f "$MAILDIR/$name.mbox" ]; then
			problems+=("$name: did not come back from the sink (see posting-by-mail $name)")
		elif ! b4_am "$MAILDIR/$name.mbox" "$name" >"$tmp/out" 2>&1; then
			problems+=("$name: $(head -n 1 "$tmp/out")" "$(sed '1d' "$tmp/out")")
		else
			done_+=("$name")
			# The version is what b4 goes by: an older one is not there.
			if [ "$older" -ge 1 ]; then
				out=$tmp/b4-older
				rm -rf "$out"
				b4env "$B4" --offline-mode --no-interactive am -v "$older" -m "$MAILDIR/$name.mbox" -o "$out" \
					>"$tmp/b4.log" 2>&1 </dev/null || true
				if [ -n "$(find "$out" -name '*.mbx' 2>/dev/null)" ] || ! grep -q "Unable to find revision $older" "$tmp/b4.log"; then
					problems+=("$name: b4 am -v $older found a v$older series in a v$version posting")
				fi
			fi
		fi
	done
	if [ ${#problems[@]} -eq 0 ]; then
		ok "b4-am: b4 $("$B4" --version 2>/dev/null) am -v $version (offline) of each posting, then git am --whitespace=error-all on top of what it depends on: the posting's tree, for ${done_[*]}; -v $older finds none"
	else
		bad "b4-am: ${problems[0]}"
		printf '        %s\n' "${problems[@]:1}" >&2
	fi
}
b4_case

# 15-18. A real base, and a rebase, on a stand-in for a user's kernel clone
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
# b4_send_case: b4's own path, as Documentation/submitting.md gives it, for
# each posting made in the stand-in's linux/ ($tmp/up-mails): enroll the
# commits as mailed onto what the posting applies on top of, its template as
# the cover letter, its subject prefix, b4 send --reflect through the sink;
# what comes back carries the sender, the Assisted-by: trailer and the base,
# and b4 am -v N of it gives the posting's tree.
b4_send_case() {
	local editor=$tmp/b4-cover-editor got bc b4v problems=() counts=() k name prefix np from to deps
	local cover note want extra assisted
	if [ ! -x "$B4" ]; then
		bad "b4-send-reflect: b4 is not installed in .venv (run: scripts/pipeline/setup.sh)"
		return
	fi
	b4v=$("$B4" --version 2>/dev/null)
	assisted=$(sed -n 's/^assisted-by *= *//p' "$PATCHES_DIR/postings/postings.conf" | head -n 1)
	while IFS=$'\t' read -r k name prefix np from to deps; do
		# b4's cover letter is "subject, blank line, body"; a template's body
		# follows its subject line directly. A single patch has a note: b4
		# puts the cover letter under its "---".
		cover=$(awk -F'\t' -v n="$name" '$1 == "posting" && $2 == n { print $5 }' "$tmp/up-mails/plan")
		note=$(awk -F'\t' -v n="$name" '$1 == "posting" && $2 == n { print $6 }' "$tmp/up-mails/plan")
		# shellcheck disable=SC2016 # $1 is the editor's argument
		if [ "$cover" != - ]; then
			printf '#!/bin/sh\n{ head -n 1 "%s"; echo; tail -n +2 "%s"; } >"$1"\n' "$cover" "$cover" >"$editor"
		else
			printf '#!/bin/sh\n{ echo "%s"; echo; cat "%s"; } >"$1"\n' "$name" "${note/#-//dev/null}" >"$editor"
		fi
		chmod +x "$editor"
		extra=()
		[ "$prefix" = PATCH ] || extra=(--set-prefixes "${prefix#PATCH }")
		# What the posting applies on top of, as b4 takes it offline: a
		# patch-id: per patch of those postings, then the real base (online,
		# a message-id: of each posting does the same; submitting.md).
		{
			echo '#!/bin/sh'
			echo '{'
			if [ -n "$deps" ]; then
				upg rev-list --reverse "base..$from" | while read -r c; do
					printf "echo 'patch-id: %s'\n" "$(upg show "$c" | git patch-id --stable | cut -d' ' -f1)"
				done
			fi
			printf "echo 'base-commit: %s'\n" "$STANDIN_REL"
			# shellcheck disable=SC2016 # $1 is the editor's argument
			echo '} >"$1"'
		} >"$editor.deps"
		chmod +x "$editor.deps"
		rm -f "$tmp/sink.mbox"
		# Each step must succeed (errexit does not apply inside "if !").
		if ! (
			cd "$UP" &&
				git branch -f "pageref-b4-$name" "$to" &&
				git checkout -q "pageref-b4-$name" &&
				b4env "$B4" --offline-mode prep --enroll "$from" &&
				b4env EDITOR="$editor" "$B4" --offline-mode prep --edit-cover &&
				b4env "$B4" --offline-mode prep --force-revision "$version" &&
				{ [ ${#extra[@]} -eq 0 ] || b4env "$B4" --offline-mode prep "${extra[@]}"; } &&
				{ [ -z "$deps" ] || b4env EDITOR="$editor.deps" "$B4" --offline-mode prep --edit-deps; } &&
				# Enter past the pre-flight notice (b4 prep --check runs checkpatch
				# without make series' setup; make series is the check that counts).
				printf '\n\n\n' | b4env "$B4" send --reflect --no-sign --to linux-mm@kvack.org
		) >"$tmp/b4send.log" 2>&1; then
			problems+=("$name: b4 prep or b4 send --reflect failed: $(tail -n 3 "$tmp/b4send.log" | paste -sd ' ')")
			upg checkout -q pageref 2>/dev/null || true
			continue
		fi
		upg checkout -q pageref
		got=$(grep -c '^From ' "$tmp/sink.mbox" 2>/dev/null || true)
		mv "$tmp/sink.mbox" "$MAILDIR/b4-reflect-$name.mbox" 2>/dev/null || true
		bc=$(python3 "$ROOT/scripts/mail/check-mails.py" base-commit "$MAILDIR/b4-reflect-$name.mbox" 2>/dev/null || true)
		want=$np
		[ "$np" -gt 1 ] && want=$((np + 1))
		if [ "${got:-0}" -ne "$want" ]; then
			problems+=("$name: b4 send --reflect delivered ${got:-0} mails to the sink, not $want")
		elif ! python3 "$ROOT/scripts/mail/check-mails.py" identity "$SENDER" --assisted-by "$assisted" \
			"$MAILDIR/b4-reflect-$name.mbox" >"$tmp/out" 2>&1; then
			problems+=("$name: $(tail -n 1 "$tmp/out"): $(head -n 1 "$tmp/out")")
		elif [ "$bc" != "$STANDIN_REL" ]; then
			problems+=("$name: base-commit: is '${bc:-none}', not the stand-in's $STANDIN_TAG")
		elif [ "$(python3 "$ROOT/scripts/mail/check-mails.py" prerequisites "$MAILDIR/b4-reflect-$name.mbox")" -ne \
			"$(upg rev-list --count "base..$from")" ]; then
			problems+=("$name: b4's prerequisite-patch-id: lines are not the $(upg rev-list --count "base..$from") patches of $deps")
		elif ! python3 "$ROOT/scripts/mail/check-mails.py" subjects "$prefix" "$version" "$np" \
			"$MAILDIR/b4-reflect-$name.mbox" >"$tmp/out" 2>&1; then
			problems+=("$name: b4's subjects: $(head -n 1 "$tmp/out")")
		elif ! b4_am "$MAILDIR/b4-reflect-$name.mbox" "$name" >"$tmp/out" 2>&1; then
			problems+=("$name: $(head -n 1 "$tmp/out")")
		else
			counts+=("$name $got")
		fi
	done <"$tmp/up-mails/postings"
	if [ ${#problems[@]} -eq 0 ]; then
		ok "b4-send-reflect: b4 $b4v prep --enroll of each posting's mailed commits, send --reflect (mails: ${counts[*]}): the sender's From: and sign-off after Assisted-by:, [PREFIX v$version] subjects, base-commit: ${STANDIN_REL:0:12}; b4 am -v $version of each: the posting's tree"
	else
		bad "b4-send-reflect: ${problems[0]}"
		printf '        %s\n' "${problems[@]:1}" >&2
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
	# 15. The mails made there name the stand-in's commit as base-commit:,
	#     each posting lists a prerequisite-patch-id: per patch it applies on
	#     top of, and says that the touched files are those of the tree
	#     tested here.
	local bc rc tested=$LINUX:$BASE problems=() k name np deps first pre want_pre d
	rc=0
	# get_maintainer.pl runs in linux/: the stand-in's is a sparse checkout.
	local gm_tree=$LINUX
	GM_TREE=$gm_tree LINUX=$UP OUTDIR=$UPOUT TESTED_BASE=$tested \
		"$ROOT/scripts/mail/series.sh" --mails "$tmp/up-mails" >/dev/null 2>"$tmp/out" || rc=$?
	if [ "$rc" -ne 0 ]; then
		bad "standin-base-commit: series.sh --mails failed in the stand-in's linux/ (below)"
		tail -n 5 "$tmp/out" | sed 's/^/        /' >&2
	elif [ "$(upg rev-parse 'pageref^{tree}')" != "$(git -C "$LINUX" rev-parse "$HEAD_COMMIT^{tree}")" ]; then
		bad "standin-base-commit: patches/ on the stand-in's $STANDIN_TAG does not give $BRANCH's tree (make export?)"
	else
		while IFS=$'\t' read -r k name _ np _ _ deps; do
			bc=$(python3 "$ROOT/scripts/mail/check-mails.py" base-commit "$tmp/up-mails/$k-$name"/*.patch 2>/dev/null || true)
			pre=$(python3 "$ROOT/scripts/mail/check-mails.py" prerequisites "$tmp/up-mails/$k-$name"/*.patch)
			want_pre=0
			for d in $deps; do want_pre=$((want_pre + P_N[$d])); done
			first=$(find "$tmp/up-mails/$k-$name" -name '*.patch' | sort | head -n 1)
			if [ "$bc" != "$STANDIN_REL" ]; then
				problems+=("$name: base-commit: is '${bc:-none}', not the stand-in's $STANDIN_TAG ($STANDIN_REL)")
			elif [ "$pre" -ne "$want_pre" ]; then
				problems+=("$name: $pre prerequisite-patch-id: lines, not $want_pre (the patches of ${deps:-nothing})")
			elif ! grep -q 'are identical (git blob ids)' "$first"; then
				problems+=("$name: the first mail does not say that the touched files are identical to the tested tree's")
			fi
		done <"$tmp/up-mails/postings"
		if ! python3 "$ROOT/scripts/mail/check-mails.py" identity "$SENDER" "$tmp"/up-mails/*/*.patch >"$tmp/out" 2>&1; then
			problems+=("the sender is not on every mail: $(tail -n 1 "$tmp/out")")
		fi
		if [ ${#problems[@]} -eq 0 ]; then
			ok "standin-base-commit: linux/ cloned from the stand-in at $STANDIN_TAG; base-commit: ${STANDIN_REL:0:12} in every posting, prerequisite-patch-id: for what each applies on top of; the touched files are identical to the tested tree's"
		else
			bad "standin-base-commit: ${problems[0]}"
			printf '        %s\n' "${problems[@]:1}" >&2
		fi
	fi

	[ "$rc" -eq 0 ] && b4_send_case

	# 17. Rebase onto mm-conflict: stops, names the patch and the file, and
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

	# 18. Rebase onto mm-clean: passes, writes the range-diff, moves base and
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
