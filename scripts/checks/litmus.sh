#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Check the Linux-kernel memory model (LKMM) litmus tests in litmus/ with
# herd7: each test's header states the expected outcome of its exists
# clause ("Result: Always|Sometimes|Never"); herd7's verdict (the
# "Observation" line) must match it. Prints one table row per test and
# exits non-zero on any mismatch. See Documentation/litmus.md.
#
# Usage: scripts/checks/litmus.sh [--self-test] [TEST.litmus...]
#
#   TEST.litmus...  check only these (default: every litmus/*.litmus, and
#                   the series' own tests in
#                   linux/Documentation/litmus-tests/page_ref/)
#   --self-test     afterwards, check that the script catches a wrong
#                   Result line (runs a copy of a test with it flipped)
#
# Environment: HERD7 (default: herd7 on PATH, installed by scripts/pipeline/setup.sh),
# LKMM_DIR (default: $LINUX/tools/memory-model), HERD_TIMEOUT (seconds per
# test, default 300). herd7's output for each test is kept in
# $OUTDIR/litmus/<test>.out.
set -euo pipefail

# shellcheck source=scripts/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"

usage() {
	sed -n 's/^# \{0,1\}//; 10,15p' "${BASH_SOURCE[0]}"
}

self_test=0
tests=()
while [ $# -gt 0 ]; do
	case $1 in
	--self-test) self_test=1 ;;
	-h | --help)
		usage
		exit 0
		;;
	-*) die "unknown option: $1" "$(usage)" ;;
	*) tests+=("$1") ;;
	esac
	shift
done

HERD7=${HERD7:-herd7}
LKMM_DIR=${LKMM_DIR:-$LINUX/tools/memory-model}
HERD_TIMEOUT=${HERD_TIMEOUT:-300}

command -v "$HERD7" >/dev/null 2>&1 ||
	die "herd7 is not installed ($HERD7 not found on PATH)." \
		"Run scripts/pipeline/setup.sh: it installs herd7 under out/tools/bin."
for f in linux-kernel.cfg linux-kernel.bell linux-kernel.cat linux-kernel.def; do
	[ -f "$LKMM_DIR/$f" ] ||
		die "The kernel memory model is missing: no $LKMM_DIR/$f." \
			"Run scripts/pipeline/setup.sh (it materialises linux/), or set LKMM_DIR to a tools/memory-model directory."
done

if [ ${#tests[@]} -eq 0 ]; then
	shopt -s nullglob
	tests=("$ROOT"/litmus/*.litmus)
	[ ${#tests[@]} -gt 0 ] || die "No litmus tests in $ROOT/litmus/."
	# The tests the series proposes for the kernel (its mm-docs posting).
	intree=("$LINUX"/Documentation/litmus-tests/page_ref/*.litmus)
	shopt -u nullglob
	[ ${#intree[@]} -gt 0 ] || die "No litmus tests in $LINUX/Documentation/litmus-tests/page_ref/." \
		"linux/ should carry the series (make linux)."
	tests+=("${intree[@]}")
fi

logdir=$OUTDIR/litmus
mkdir -p "$logdir"

# The expected verdict: the word after "Result:" in the header comment.
expected_of() {
	sed -n 's/^[[:space:]]*\*[[:space:]]*Result:[[:space:]]*\([A-Za-z]*\).*/\1/p' "$1" | head -n 1
}

# Flags that the test says herd7 will raise ("* Flag: data-race").
flags_of() {
	sed -n 's/^[[:space:]]*\*[[:space:]]*Flag:[[:space:]]*\([A-Za-z-]*\).*/\1/p' "$1" | sort -u | tr '\n' ' '
}

passed=0
failed=0
row() { printf '%-54s %-10s %-10s %6s %7s  %s\n' "$@"; }
row TEST EXPECTED GOT STATES TIME NOTE
for t in "${tests[@]}"; do
	[ -f "$t" ] || die "No such test: $t"
	abs=$(cd "$(dirname "$t")" && pwd)/$(basename "$t")
	name=$(basename "$t" .litmus)
	out=$logdir/$name.out
	note=
	expected=$(expected_of "$abs")
	# The C line names the test in herd7's output; keep it equal to the file.
	cname=$(sed -n '1s/^C[[:space:]]\{1,\}\([^[:space:]]*\).*/\1/p' "$abs")
	rc=0
	(cd "$LKMM_DIR" && nice -n 10 timeout "$HERD_TIMEOUT" \
		"$HERD7" -conf linux-kernel.cfg "$abs") >"$out" 2>&1 || rc=$?
	got=$(awk '$1 == "Observation" { print $3; exit }' "$out")
	states=$(awk '$1 == "States" { print $2; exit }' "$out")
	time=$(awk '$1 == "Time" { print $3; exit }' "$out")
	raised=$(awk '$1 == "Flag" { print $2 }' "$out" | sort -u | tr '\n' ' ')
	case $expected in
	Always | Sometimes | Never) ;;
	*) note="no 'Result: Always|Sometimes|Never' in the header" ;;
	esac
	if [ $rc -ne 0 ]; then
		note="herd7 exited with $rc, see $out"
		[ $rc -eq 124 ] && note="herd7 timed out after ${HERD_TIMEOUT}s"
	elif [ -z "$got" ]; then
		note="no Observation line from herd7, see $out"
	elif [ "$cname" != "$name" ]; then
		note="the C line names it '$cname', not '$name'"
	elif [ "$raised" != "$(flags_of "$abs")" ]; then
		note="herd7 raised flags '${raised% }', the header declares '$(flags_of "$abs")'"
	elif [ -z "$note" ] && [ "$got" != "$expected" ]; then
		note="MISMATCH, see $out"
	fi
	if [ -z "$note" ]; then
		passed=$((passed + 1))
		note=ok
	else
		failed=$((failed + 1))
		note="FAIL: $note"
	fi
	row "$name" "${expected:--}" "${got:--}" "${states:--}" "${time:--}" "$note"
done
echo "$passed passed, $failed failed"

if [ $self_test -eq 1 ]; then
	# A copy of the first test, with its Result line flipped, must fail.
	probe=${tests[0]}
	want=$(expected_of "$probe")
	case $want in
	Never) wrong=Sometimes ;;
	*) wrong=Never ;;
	esac
	tmp=$(mktemp -d)
	trap 'rm -rf "$tmp"' EXIT
	sed "s/Result:[[:space:]]*$want/Result: $wrong/" "$probe" >"$tmp/$(basename "$probe")"
	if OUTDIR=$tmp "${BASH_SOURCE[0]}" "$tmp/$(basename "$probe")" >"$tmp/log" 2>&1; then
		cat "$tmp/log"
		die "Self-test failed: a copy of $(basename "$probe") that expects $wrong passed."
	fi
	grep -q '0 passed, 1 failed' "$tmp/log" ||
		die "Self-test failed: unexpected output." "$(cat "$tmp/log")"
	log "Self-test: a copy of $(basename "$probe") saying 'Result: $wrong' is reported as failed, as it should be."
fi

[ "$failed" -eq 0 ]
