#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Test of make check-wide's resume logic (scripts/wide/wide.sh) in seconds,
# without building or booting anything: wide.sh's test mode (WIDE_FAKE=1)
# keeps the stamps and the decisions and replaces each phase by a line on
# stdout; WIDE_FAKE_KILL_AT=phase kills wide.sh with SIGKILL as that phase
# starts, as the end of a session would. The trees are two small git
# repositories in a temporary folder (tag base, branch with one commit).
#
#   scripts/wide/wide-resume-test.sh     prints one line per case; exit 1 if any failed
set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/../lib.sh"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export OUTDIR=$tmp/out LINUX=$tmp/linux WIDE_FAKE=1
unset FRESH RUN_TAG MM_CATEGORIES MM_TIMEOUT MM_TIMEOUTS MM_SWAP MEMORY CPUS GUEST_FILTER BOOT_TIMEOUT \
	WIDE_FAKE_KILL_AT WIDE_FAKE_REPORT_RC
git init -q -b pageref "$LINUX"
echo base >"$LINUX/file"
git -C "$LINUX" add file
git -C "$LINUX" commit -q -m base
git -C "$LINUX" tag base
echo series >"$LINUX/file"
git -C "$LINUX" commit -q -am series

RC=0
wide() { # [VAR=value...] step [variant...]: run wide.sh, stdout in $tmp/stdout, exit status in RC
	local vars=()
	while [ $# -gt 0 ] && [[ $1 == *=* ]]; do
		vars+=("$1")
		shift
	done
	RC=0
	# (in a subshell: the shell's "Killed" notice of an interrupted run stays out)
	(env "${vars[@]}" "$ROOT/scripts/wide/wide.sh" "$@" >"$tmp/stdout" 2>"$tmp/stderr" || exit $?) 2>/dev/null || RC=$?
	cat "$tmp/stdout" "$tmp/stderr" >>"$tmp/all.log"
}
ran() { # the phases the last run executed, in order
	sed -n 's/.*wide (test mode): //p' "$tmp/stdout" | tr '\n' ' ' | sed 's/ $//'
}
says() { grep -qF -- "$1" "$tmp/stdout"; }

fails=0
case_() { # name expected-phases expected-rc [text that stdout must contain]
	local got
	got=$(ran)
	if [ "$got" = "$2" ] && [ "$RC" = "$3" ] && { [ -z "${4:-}" ] || says "$4"; }; then
		log "PASS  $1: ran [${got}], exit $RC"
	else
		warn "FAIL  $1: ran [$got], exit $RC; expected [$2], exit $3${4:+, stdout with \"$4\"}"
		sed 's/^/        /' "$tmp/stdout" "$tmp/stderr" >&2
		fails=$((fails + 1))
	fi
}

wide WIDE_FAKE_KILL_AT=run-base all
case_ "interrupted in run-base" "build-base build-series run-base" 137
if [ ! -f "$OUTDIR/wide/series/build.stamp" ] || [ -e "$OUTDIR/run/wide-base/wide.stamp" ]; then
	warn "FAIL  stamps after the interruption: the builds' and none for run-base"
	fails=$((fails + 1))
fi

wide status
case_ "status runs nothing, names the next phase" "" 0 "starts at run-base"

wide all
case_ "resumes at run-base" "run-base run-series report coverage" 0 \
	"resuming at run-base: done by an earlier run: build-base build-series"
says "build-series: skipped, done" || { warn "FAIL  no 'skipped' line for build-series"; fails=$((fails + 1)); }

wide all
case_ "a finished run resumes to nothing" "" 0 "every phase is done"

echo edited >"$LINUX/file"
wide all
case_ "an uncommitted edit of the series rebuilds and reruns the series only" \
	"build-series run-series report coverage" 0 "build-series: running (tree changed since its stamp"
git -C "$LINUX" commit -q -am edited
wide all
case_ "committing the same edit changes the commit: the series again" \
	"build-series run-series report coverage" 0 "tree changed"

wide MM_TIMEOUT=600 all
case_ "new run settings: both runs, no build" "run-base run-series report coverage" 0 "settings changed"

wide MM_TIMEOUT=600 WIDE_FAKE_REPORT_RC=1 WIDE_FAKE_KILL_AT=coverage FRESH=1 all
case_ "FRESH=1 starts over (killed in coverage)" \
	"build-base build-series run-base run-series report coverage" 137 "FRESH=1"
wide MM_TIMEOUT=600 all
case_ "resumes at coverage; the report's failure is its verdict again" "coverage" 1 "resuming at coverage"
grep -q 'the series has new failures' "$tmp/stderr" ||
	{ warn "FAIL  the replayed verdict does not name the failures"; fails=$((fails + 1)); }

wide MM_TIMEOUT=600 build series
case_ "an explicit step runs even when stamped" "build-series" 0
wide MM_TIMEOUT=600 all
case_ "... and what used its output runs again" "run-series report coverage" 0 "resuming at run-series"

# The guest programs a wide run starts: boot.sh passes guest_filter()'s glob
# to the guest, which must leave out only the programs of selftests/c whose
# "Requires:" the tree lacks (this stand-in tree lacks all of them), never
# the wide run's own selftests/wide/mm_selftests and mm_extras.
printf '%s\n' pageref_stress mm_selftests mm_extras >"$tmp/expected-in"
glob=$(guest_filter "$LINUX" "$tmp/expected-out" "$tmp/expected-in")
wrong=()
for name in mm_selftests mm_extras pageref_stress; do
	# shellcheck disable=SC2053 # the glob is the point
	[[ $name == $glob ]] || wrong+=("$name not run")
done
while IFS=$'\t' read -r name _; do
	# shellcheck disable=SC2053 # the glob is the point
	[[ $name != $glob ]] || wrong+=("$name run without what it Requires:")
done <"$tmp/expected-out.skipped"
[ -s "$tmp/expected-out.skipped" ] || wrong+=("no program left out")
grep -qx mm_selftests "$tmp/expected-out" || wrong+=("mm_selftests no longer expected")
if [ ${#wrong[@]} -eq 0 ]; then
	log "PASS  the guest filter leaves out $(cut -f1 "$tmp/expected-out.skipped" | tr '\n' ' ')and runs mm_selftests, mm_extras ($glob)"
else
	warn "FAIL  the guest filter ($glob): ${wrong[*]}"
	fails=$((fails + 1))
fi

[ "$fails" -eq 0 ] || die "wide-resume-test: $fails case(s) failed (full output: rerun with the tmp kept)"
log "wide-resume-test: every case passed"
