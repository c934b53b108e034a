#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Run the kernel's checkpatch.pl --strict on every patch in patches/series,
# from the root of linux/ (it needs the tree). Fails on any error, warning
# or check.
set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/../lib.sh"

[ -x "$LINUX/scripts/checkpatch.pl" ] || die "no kernel tree in $LINUX." "Run: make linux"
# A Fixes: tag's commit is looked up only where linux/ has upstream history.
checkpatch_opts "$LINUX"
opts=("${CHECKPATCH_OPTS[@]}" --quiet --show-types)
case "$(base_kind "$LINUX")" in
upstream*) ;;
*) log "linux/ has no upstream history: commit ids in Fixes: tags are not looked up (make linux LINUX_SRC=<your clone> does)" ;;
esac
n=0
bad=0
while read -r p; do
	case "$p" in '' | '#'*) continue ;; esac
	n=$((n + 1))
	out=$(cd "$LINUX" && scripts/checkpatch.pl "${opts[@]}" "$ROOT/patches/$p" 2>&1) || true
	if [ -n "$out" ]; then
		printf '%s\n%s\n' "== $p" "$out" >&2
		bad=$((bad + 1))
	fi
done <"$ROOT/patches/series"
[ $bad -eq 0 ] || die "checkpatch --strict complains about $bad of $n patches (above)."
log "checkpatch --strict: $n patches clean"
