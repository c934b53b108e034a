#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Check that every patch of the series builds and boots on its own: for each
# commit in base..pageref, build it (out/build/bisect, incremental from the
# previous one) and boot it with the same judge as make check. Slow: one
# near-full rebuild per patch, since page_ref.h is included everywhere.
# Step 0 is the base itself, built and not booted (it has none of the
# series' suites): its vmlinux is what the size report compares against.
# Each step's vmlinux is kept in out/bisect/vmlinux-N, and the kernel's
# scripts/bloat-o-meter writes what the patch added to out/bisect/bloat-N.txt
# (against step N-1) and out/bisect/bloat-total.txt (base against the last).
#
#   scripts/checks/bisect-check.sh            the base and every patch
#   scripts/checks/bisect-check.sh 3 5        only patches 3 and 5 of the series; the
#                                      other lines of the summary are kept
set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/../lib.sh"

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
SIZES=$OUTDIR/bisect
mkdir -p "$SIZES"
# Writes bloat-o-meter's report of step N against step N-1 and prints its
# first line ("add/remove: ... up/down: ... (total)").
size_report() { # step
	local n=$1 prev=$(($1 - 1))
	[ -f "$SIZES/vmlinux-$prev" ] || { echo "no size report (step $prev not built)"; return; }
	"$WT/scripts/bloat-o-meter" "$SIZES/vmlinux-$prev" "$SIZES/vmlinux-$n" >"$SIZES/bloat-$n.txt" 2>&1 ||
		{ echo "bloat-o-meter failed, see $SIZES/bloat-$n.txt"; return; }
	head -n 1 "$SIZES/bloat-$n.txt"
}
fail=0
steps=("$(git -C "$LINUX" rev-parse base)" "${commits[@]}")
# The abbreviated hash of each step, as the summary lines name them.
short=()
for c in "${steps[@]}"; do
	short+=("$(git -C "$LINUX" rev-parse --short=12 "$c")")
done
# Every summary line names the commit it tested ("N/TOTAL <hash> subject:
# result"). A partial run keeps the other lines only while they still hold
# for the same step: the line names this step's commit, or a commit with
# the same tree (a reordered or reworded series; what is built and booted
# is the tree), in which case it is renamed to this step's commit and says
# which commit it was tested as. Any other line is from an earlier version
# of the series and is dropped, with a warning, so the summary never mixes
# series.
tree_of() { # commit
	git -C "$LINUX" rev-parse -q --verify "$1^{tree}" 2>/dev/null || echo none
}
if [ $# -eq 0 ]; then
	: >"$summary"
else
	touch "$summary"
	kept=$(mktemp)
	while IFS= read -r line; do
		n=${line%%/*}
		h=$(cut -d' ' -f2 <<<"$line")
		if ! [[ $n =~ ^[0-9]+$ ]] || [ "$n" -ge ${#steps[@]} ]; then
			warn "dropping a stale summary line (another commit or series): $line"
		elif [ "${short[$n]}" = "$h" ]; then
			printf '%d/%d %s\n' "$n" "${#commits[@]}" "${line#* }" >>"$kept"
		elif [ "$(tree_of "$h")" = "$(tree_of "${steps[$n]}")" ]; then
			old_subject=$(git -C "$LINUX" log -1 --format=%s "$h")
			rest=${line#*" $h $old_subject: "}
			[ "$rest" != "$line" ] || rest=${line#*: }
			# The size is against the step before: stale if that one changed.
			[ "$(tree_of "$h^")" = "$(tree_of "${steps[$n]}^")" ] ||
				rest="${rest%%; size: *}; size: not measured against the new step $((n - 1))"
			[[ $rest == *" (tested as "* ]] || rest+=" (tested as $h, the same tree)"
			new_subject=$(git -C "$LINUX" log -1 --format=%s "${steps[$n]}")
			printf '%d/%d %s %s: %s\n' "$n" "${#commits[@]}" "${short[$n]}" "$new_subject" "$rest" >>"$kept"
			log "step $n: ${short[$n]} has the tree that $h had; its result is kept"
		else
			warn "dropping a stale summary line (another commit or series): $line"
		fi
	done <"$summary"
	mv "$kept" "$summary"
fi
for n in "${!steps[@]}"; do
	if [ $# -gt 0 ]; then
		[[ " $* " == *" $n "* ]] || continue
		sed -i "/^$n\//d" "$summary"
	fi
	c=${steps[$n]}
	subject=$(git -C "$LINUX" log -1 --format=%s "$c")
	[ "$n" -gt 0 ] || subject="base: $subject"
	log "step $n/${#commits[@]}: $subject"
	git -C "$WT" checkout -q --detach "$c"
	result=ok
	if ! LINUX=$WT "$ROOT/scripts/pipeline/build.sh" bisect; then
		result="BUILD FAILED (see $OUTDIR/logs/build-bisect.log)"
	elif ! cp "$OUTDIR/build/bisect/vmlinux" "$SIZES/vmlinux-$n"; then
		result="no vmlinux after the build"
	elif [ "$n" -eq 0 ]; then
		result="ok: built (the base is not booted)"
	elif ! filter=$(guest_filter "$WT" "$OUTDIR/run/bisect-$n.expected") ||
		! LINUX=$WT RUN=$OUTDIR/run/bisect-$n GUEST_FILTER=$filter \
			EXPECT_SUITES=$OUTDIR/run/bisect-$n.expected \
			"$ROOT/scripts/pipeline/boot.sh" bisect >"$OUTDIR/logs/boot-bisect-$n.log" 2>&1; then
		result="BOOT/TESTS FAILED (see $OUTDIR/logs/boot-bisect-$n.log)"
	else
		result="ok: $(tail -n 1 "$OUTDIR/logs/boot-bisect-$n.log"); size: $(size_report "$n")"
	fi
	[[ $result == ok* ]] || fail=1
	printf '%d/%d %s %s: %s\n' "$n" "${#commits[@]}" "${short[$n]}" "$subject" "$result" |
		tee -a "$summary"
	sort -n -t/ -k1,1 -o "$summary" "$summary"
done
if [ -f "$SIZES/vmlinux-0" ] && [ -f "$SIZES/vmlinux-$((${#steps[@]} - 1))" ]; then
	"$WT/scripts/bloat-o-meter" "$SIZES/vmlinux-0" "$SIZES/vmlinux-$((${#steps[@]} - 1))" \
		>"$SIZES/bloat-total.txt" 2>&1 || true
fi
[ $fail -eq 0 ] || die "some patches do not build or boot on their own." "See $summary"
# A partial run judged its own steps; the verdict on the series needs every
# step of the summary, each naming the commit of this series, to be ok.
missing=()
for n in "${!steps[@]}"; do
	grep -q "^$n/${#commits[@]} ${short[$n]} .*: ok" "$summary" || missing+=("$n")
done
[ ${#missing[@]} -eq 0 ] || die "these steps were checked in this run, but not steps ${missing[*]}." \
	"Run: scripts/checks/bisect-check.sh ${missing[*]}"
log "every patch builds and boots on its own ($summary)"
