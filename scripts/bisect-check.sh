#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Check that every patch of the series builds and boots on its own: for each
# commit in base..pageref, build it (out/build/bisect, incremental from the
# previous one) and boot it with the same judge as make check. Slow: one
# near-full rebuild per patch, since page_ref.h is included everywhere.
#
#   scripts/bisect-check.sh            every patch
#   scripts/bisect-check.sh 3 5        only patches 3 and 5 of the series; the
#                                      other lines of the summary are kept
set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"

WT=$OUTDIR/linux-bisect
git -C "$LINUX" rev-parse --verify -q pageref >/dev/null || die "no branch pageref in linux/." "Run: make linux"
mapfile -t commits < <(git -C "$LINUX" rev-list --reverse base..pageref)
[ ${#commits[@]} -gt 0 ] || die "the series is empty: nothing to bisect."
if [ ! -d "$WT" ]; then
	git -C "$LINUX" worktree prune
	git -C "$LINUX" worktree add -q --detach "$WT" base
fi
make -s -C "$ROOT/selftests" LINUX="$LINUX" OUT="$OUTDIR/selftests"
summary=$OUTDIR/bisect-summary.txt
if [ $# -eq 0 ]; then
	: >"$summary"
else
	touch "$summary"
fi
fail=0
for i in "${!commits[@]}"; do
	n=$((i + 1))
	if [ $# -gt 0 ]; then
		[[ " $* " == *" $n "* ]] || continue
		sed -i "/^$n\//d" "$summary"
	fi
	c=${commits[$i]}
	subject=$(git -C "$LINUX" log -1 --format=%s "$c")
	log "patch $n/${#commits[@]}: $subject"
	git -C "$WT" checkout -q --detach "$c"
	result=ok
	if ! LINUX=$WT "$ROOT/scripts/build.sh" bisect; then
		result="BUILD FAILED (see $OUTDIR/logs/build-bisect.log)"
	elif ! LINUX=$WT RUN=$OUTDIR/run/bisect-$n "$ROOT/scripts/boot.sh" bisect >"$OUTDIR/logs/boot-bisect-$n.log" 2>&1; then
		result="BOOT/TESTS FAILED (see $OUTDIR/logs/boot-bisect-$n.log)"
	else
		result="ok: $(tail -n 1 "$OUTDIR/logs/boot-bisect-$n.log")"
	fi
	[[ $result == ok* ]] || fail=1
	printf '%d/%d %s: %s\n' "$n" "${#commits[@]}" "$subject" "$result" | tee -a "$summary"
	sort -n -t/ -k1,1 -o "$summary" "$summary"
done
[ $fail -eq 0 ] || die "some patches do not build or boot on their own." "See $summary"
log "every patch builds and boots on its own ($summary)"
