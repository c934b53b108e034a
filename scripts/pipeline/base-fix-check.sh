#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Show that the series' first patch, the HugeTLB fix for stable, fixes the
# base on its own: boot the base (the baseline build) with only the guest
# program hugetlb_vmemmap, which must fail there (the demotion BUG), then
# apply patch 1 alone to the baseline worktree, rebuild (one file) and boot
# the same program, which must pass. The worktree goes back to the base at
# the end, whatever happened.
#
#   scripts/pipeline/base-fix-check.sh      (make base-fix-check; not in make check:
#                                   a cold base build and two TCG boots)
set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/../lib.sh"

PROGRAM=hugetlb_vmemmap
FIX=$(sed -n '1p' "$ROOT/patches/series")
case "$FIX" in
*mm-hugetlb-zero-the-shared-vmemmap*) ;;
*) die "patches/series does not start with the HugeTLB fix (it starts with $FIX)." \
	"This check tests that patch; update scripts/pipeline/base-fix-check.sh if it moved." ;;
esac
WT=$OUTDIR/linux-baseline

"$ROOT/scripts/pipeline/baseline.sh" build
expect=$(mktemp)
trap 'rm -f "$expect"; git -C "$WT" am --abort >/dev/null 2>&1 || true; git -C "$WT" checkout -q -f -B baseline base' EXIT
echo "$PROGRAM" >"$expect"
make -s -C "$ROOT/selftests" LINUX="$WT" OUT="$OUTDIR/selftests"

# boot_program NAME: boot the baseline build with only $PROGRAM; its summary
# goes to out/logs/base-fix-NAME.log; returns the boot test's status.
boot_program() {
	LINUX=$WT RUN=$OUTDIR/run/base-fix-$1 GUEST_FILTER=$PROGRAM EXPECT_SUITES=$expect \
		"$ROOT/scripts/pipeline/boot.sh" baseline >"$OUTDIR/logs/base-fix-$1.log" 2>&1
}

log "Booting the base with $PROGRAM only (it must fail there)"
if boot_program base; then
	die "$PROGRAM passed on the base: the check cannot show what the fix changes." \
		"See $OUTDIR/logs/base-fix-base.log"
fi
base_says=$(grep -m1 -oE 'kernel BUG at [^ ]+|WARNING: [^ ]+ [^ ]+ at [^ ]+' \
	"$OUTDIR/run/base-fix-base/console.log" || tail -n 1 "$OUTDIR/logs/base-fix-base.log")
log "base: fails ($base_says)"

git -C "$WT" checkout -q --detach base
git -C "$WT" am -q "$ROOT/patches/$FIX" ||
	die "patch 1 ($FIX) does not apply to the base."
LINUX=$WT "$ROOT/scripts/pipeline/build.sh" baseline
log "Booting the base with patch 1 alone, $PROGRAM only (it must pass)"
boot_program fix ||
	die "$PROGRAM fails on the base with patch 1 applied." \
		"See $OUTDIR/logs/base-fix-fix.log and $OUTDIR/run/base-fix-fix/console.log"
log "base + patch 1: $(tail -n 1 "$OUTDIR/logs/base-fix-fix.log")"
log "base-fix-check: $PROGRAM fails on the base ($base_says) and passes with patch 1 alone"
