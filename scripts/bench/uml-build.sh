#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Build a UML kernel (ARCH=um) of the base or of the series with the
# fast-path benchmark built in, for make bench-uml. UML is a host process:
# each virtual CPU is a host thread and the kernel's atomics are the host's
# own instructions, so its numbers are real-CPU numbers of the real kernel
# code (unlike the TCG guests of make bench).
#
# The source is a worktree of linux/ per variant (out/uml/src-<variant>,
# detached at the tag base or the branch pageref), with two local files that
# are not part of the series: mm/pageref_bench_uml/ holds a copy of
# selftests/kmod/pageref_bench/pageref_bench.c (the same source as the TCG
# benchmark's module) and selftests/uml/halt.c, linked in by one line added
# to its mm/Makefile. Config: config/uml-bench.config, completed with
# olddefconfig; gcc with ccache.
#
#   scripts/bench/uml-build.sh base|series    out/build/uml-<variant>/linux
#   UML_DEBUG_VM=1                      the same with CONFIG_DEBUG_VM=y, in
#                                       out/build/uml-<variant>-debug
#   JOBS=n                              parallel jobs (default: nproc)
#   UML_EXTRA_CONFIG=config/uml-X.config another fragment after uml-bench.config,
#                                       for a kernel with a user space (make
#                                       bench-uml-pread); built in
#                                       out/build/uml-<variant>-X, without the
#                                       built-in benchmark and halt (halt would
#                                       stop it before init)
#   UML_INITRAMFS=list                  with UML_EXTRA_CONFIG: a gen_init_cpio
#                                       list built in as the initramfs
#                                       (CONFIG_INITRAMFS_SOURCE)
set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/../lib.sh"

VARIANT=${1:-}
case $VARIANT in
base) REF=base ;;
series) REF=pageref ;;
*) die "unknown variant '$VARIANT'." "Usage: scripts/bench/uml-build.sh base|series" ;;
esac
SUFFIX=
EXTRA=
BUILTIN_BENCH=1
if [ -n "${UML_EXTRA_CONFIG:-}" ]; then
	[ -f "$UML_EXTRA_CONFIG" ] || die "no fragment $UML_EXTRA_CONFIG (UML_EXTRA_CONFIG)."
	name=${UML_EXTRA_CONFIG##*/}
	name=${name%.config}
	SUFFIX=-${name#uml-}
	BUILTIN_BENCH=0
	EXTRA=$(grep -E '^(CONFIG_|# CONFIG_)' "$UML_EXTRA_CONFIG")
	if [ -n "${UML_INITRAMFS:-}" ]; then
		[ -f "$UML_INITRAMFS" ] || die "no initramfs list $UML_INITRAMFS (UML_INITRAMFS)."
		EXTRA+=$'\n'"CONFIG_INITRAMFS_SOURCE=\"$(realpath "$UML_INITRAMFS")\""
	fi
fi
if [ "${UML_DEBUG_VM:-0}" = 1 ]; then
	SUFFIX=$SUFFIX-debug
	EXTRA+=${EXTRA:+$'\n'}$'CONFIG_DEBUG_KERNEL=y\nCONFIG_DEBUG_VM=y'
fi
SRC=$OUTDIR/uml/src-$VARIANT
BUILD=$OUTDIR/build/uml-$VARIANT$SUFFIX
JOBS=${JOBS:-$(nproc)}
FRAGMENT=$ROOT/config/uml-bench.config

need gcc "Run: scripts/pipeline/setup.sh"
need ccache "Run: scripts/pipeline/setup.sh"
commit=$(git -C "$LINUX" rev-parse --verify -q "$REF^{commit}") ||
	die "linux/ has no $REF." "Run: make linux"

if [ ! -d "$SRC/.git" ] && [ ! -f "$SRC/.git" ]; then
	log "worktree $SRC at $REF"
	git -C "$LINUX" worktree prune
	git -C "$LINUX" worktree add -q --detach "$SRC" "$commit"
fi
# The added line in mm/Makefile is the worktree's only change to a tracked
# file: drop it before moving to the commit, add it back after.
git -C "$SRC" checkout -q -- mm/Makefile
git -C "$SRC" checkout -q --detach "$commit"
if [ -n "$(git -C "$SRC" status --porcelain --untracked-files=no)" ]; then
	die "the worktree $SRC has local changes to tracked files." \
		"It is scratch: remove it (git -C linux worktree remove --force $SRC) and rerun."
fi
if [ "$BUILTIN_BENCH" = 1 ]; then
	bench=$SRC/mm/pageref_bench_uml
	mkdir -p "$bench"
	for f in "$ROOT/selftests/kmod/pageref_bench/pageref_bench.c" "$ROOT/selftests/uml/halt.c"; do
		cmp -s "$f" "$bench/${f##*/}" || cp "$f" "$bench/"
	done
	kbuild=$'# Not part of the series: see scripts/bench/uml-build.sh\nobj-y += pageref_bench.o halt.o'
	[ "$(cat "$bench/Makefile" 2>/dev/null)" = "$kbuild" ] || printf '%s\n' "$kbuild" >"$bench/Makefile"
	echo 'obj-y += pageref_bench_uml/' >>"$SRC/mm/Makefile"
fi

mkdir -p "$BUILD" "$OUTDIR/logs"
KMAKE=(make -C "$SRC" O="$BUILD" ARCH=um CC="ccache gcc" -j"$JOBS")
want=$( (cat "$FRAGMENT"; [ -z "$EXTRA" ] || echo "$EXTRA") | sha256sum | awk '{print $1}')
stamp=$BUILD/.fragment.sha
if [ ! -f "$BUILD/.config" ] || [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
	log "configuring uml-$VARIANT$SUFFIX from ${FRAGMENT#"$ROOT"/}"
	{ cat "$FRAGMENT"; [ -z "$EXTRA" ] || echo "$EXTRA"; } >"$BUILD/.config"
	"${KMAKE[@]}" olddefconfig >"$OUTDIR/logs/config-uml-$VARIANT$SUFFIX.log" 2>&1 ||
		die "make ARCH=um olddefconfig failed." "See $OUTDIR/logs/config-uml-$VARIANT$SUFFIX.log"
	# Every option asked for must have survived (a missing dependency drops it).
	{ grep -E '^CONFIG_[A-Z0-9_]+=' "$FRAGMENT"; [ -z "$EXTRA" ] || echo "$EXTRA"; } |
		while read -r opt; do
			grep -qx "$opt" "$BUILD/.config" ||
				die "$opt did not survive olddefconfig in $BUILD/.config." \
					"A dependency is missing on ARCH=um: see the option's Kconfig."
		done
	if [ "${UML_DEBUG_VM:-0}" != 1 ] && grep -q '^CONFIG_DEBUG_VM=y' "$BUILD/.config"; then
		die "CONFIG_DEBUG_VM is on in the numbers kernel." "See $FRAGMENT"
	fi
	echo "$want" >"$stamp"
fi
with_progress "Building uml-$VARIANT$SUFFIX (ARCH=um, -j$JOBS)" \
	"$OUTDIR/logs/build-uml-$VARIANT$SUFFIX.log" "${KMAKE[@]}" linux
[ -x "$BUILD/linux" ] || die "no $BUILD/linux after the build." "See $OUTDIR/logs/build-uml-$VARIANT$SUFFIX.log"
git -C "$SRC" rev-parse HEAD >"$BUILD/.source-commit"
log "uml-$VARIANT$SUFFIX: $BUILD/linux ($REF = $(git -C "$SRC" log -1 --format='%h %s'))"
