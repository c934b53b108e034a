#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# The A/B baseline: the same pinned base and config with the series left out.
# It lives in its own worktree (out/linux-baseline, branch "baseline" at the
# tag "base") so that the patched tree and its build stay untouched.
#
#   scripts/pipeline/baseline.sh          materialise, build and boot the baseline
#   scripts/pipeline/baseline.sh build    only materialise and build it
#   scripts/pipeline/baseline.sh worktree only materialise the worktree
set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/../lib.sh"

WT=$OUTDIR/linux-baseline
[ -d "$LINUX/.git" ] || "$ROOT/scripts/pipeline/materialise.sh"
if [ ! -d "$WT" ]; then
	log "Creating the baseline worktree $WT at tag base"
	git -C "$LINUX" worktree prune
	git -C "$LINUX" worktree add -q -B baseline "$WT" base
fi
[ "$(git -C "$WT" rev-parse HEAD)" = "$(git -C "$LINUX" rev-parse base)" ] ||
	die "$WT is not at the pinned base." "Remove it (git -C linux worktree remove --force $WT) and rerun."
[ "${1:-}" = worktree ] && exit 0
LINUX=$WT "$ROOT/scripts/pipeline/build.sh" baseline
[ "${1:-}" = build ] && exit 0
make -s -C "$ROOT/selftests" LINUX="$WT" OUT="$OUTDIR/selftests"
LINUX=$WT "$ROOT/scripts/pipeline/boot.sh" baseline
