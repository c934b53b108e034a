#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Configure and build the kernel in linux/ out of tree, with LLVM and ccache.
#
#   scripts/pipeline/build.sh [variant]     variant: pageref (default) or baseline;
#                                  the build folder is out/build/<variant>
#   BASE_CONFIG=file               the fragment to use instead of config/lean.config
#   EXTRA_CONFIG=file              another fragment merged after config/lean.config;
#                                  its setting of an option replaces lean.config's
#   BUILD_TARGETS="bzImage modules" what to build (default: bzImage)
#   JOBS=n                         parallel jobs (default: nproc)
#   KMAKE_ARGS="V=x ..."           more make variables for the build, e.g.
#                                  GCOV_PROFILE_page_alloc.o=y (scripts/wide/wide.sh)
set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/../lib.sh"

VARIANT=${1:-pageref}
BUILD=$OUTDIR/build/$VARIANT
JOBS=${JOBS:-$(nproc)}
# BASE_CONFIG replaces the lean fragment for variants that need a small
# kernel of their own (make check-kunit-module).
FRAGMENTS=("${BASE_CONFIG:-$ROOT/config/lean.config}")
[ -n "${EXTRA_CONFIG:-}" ] && FRAGMENTS+=("$EXTRA_CONFIG")

[ -f "$LINUX/Makefile" ] || die "no kernel tree in $LINUX." "Run: make linux"
need "clang$LLVM_SUFFIX" "Run: scripts/pipeline/setup.sh"
need ccache "Run: scripts/pipeline/setup.sh"
mkdir -p "$BUILD" "$OUTDIR/logs"

KMAKE=(make -C "$LINUX" O="$BUILD" LLVM="$LLVM_SUFFIX" CC="ccache clang$LLVM_SUFFIX" -j"$JOBS")
read -r -a extra <<<"${KMAKE_ARGS:-}"
KMAKE+=("${extra[@]}")
read -r -a TARGETS <<<"${BUILD_TARGETS:-bzImage}"

# The settings the fragments ask for, the last one of each option winning:
# "CONFIG_X=v" or "# CONFIG_X is not set", one a line.
effective_settings() {
	sed -n -e 's/^\(CONFIG_[A-Za-z0-9_]*\)=.*/\1 &/p' \
		-e 's/^# \(CONFIG_[A-Za-z0-9_]*\) is not set$/\1 &/p' "${FRAGMENTS[@]}" |
		awk '{ key = $1; sub(/^[^ ]* /, ""); if (!(key in v)) order[n++] = key; v[key] = $0 }
		     END { for (i = 0; i < n; i++) print v[order[i]] }'
}

# Reconfigure only when a fragment or the tree's Kconfig changed, so that a
# rebuild after an edit stays incremental.
# The tree's Kconfig files, walked once: hashed here, and read below for the
# options this tree defines.
mapfile -d '' kconfigs < <(find "$LINUX" -name 'Kconfig*' -not -path '*/.git/*' -print0 | sort -z)
stamp=$BUILD/.fragments.sha
want=$(cat "${FRAGMENTS[@]}" "${kconfigs[@]}" | sha256sum | awk '{print $1}')
if [ ! -f "$BUILD/.config" ] || [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
	log "Configuring $VARIANT: tinyconfig + ${FRAGMENTS[*]#"$ROOT"/}"
	"${KMAKE[@]}" tinyconfig >"$OUTDIR/logs/config-$VARIANT.log" 2>&1 ||
		die "make tinyconfig failed." "See $OUTDIR/logs/config-$VARIANT.log"
	(cd "$BUILD" && "$LINUX/scripts/kconfig/merge_config.sh" -m -O "$BUILD" .config "${FRAGMENTS[@]}") \
		>>"$OUTDIR/logs/config-$VARIANT.log" 2>&1 || die "merge_config.sh failed." \
		"See $OUTDIR/logs/config-$VARIANT.log"
	"${KMAKE[@]}" olddefconfig >>"$OUTDIR/logs/config-$VARIANT.log" 2>&1 ||
		die "make olddefconfig failed." "See $OUTDIR/logs/config-$VARIANT.log"
	# Every option the fragments ask for must have survived olddefconfig: a
	# dropped one (a missing dependency) silently removes a test.
	# Options this tree does not define (the series' own, on the baseline
	# or on an early patch) are skipped, and listed.
	known=$(printf '%s\0' "${kconfigs[@]}" |
		xargs -0 sed -n 's/^[[:space:]]*\(menu\)\{0,1\}config[[:space:]]\{1,\}\([A-Za-z0-9_]*\).*/CONFIG_\2/p' | sort -u)
	bad=()
	while IFS= read -r line; do
		case "$line" in
		CONFIG_*=*)
			if ! grep -qxF "${line%%=*}" <<<"$known"; then
				log "  (this tree has no ${line%%=*}: skipped)"
				continue
			fi
			grep -qxF "$line" "$BUILD/.config" || bad+=("$line")
			;;
		'# CONFIG_'*' is not set')
			opt=${line#\# }
			opt=${opt%% *}
			grep -q "^$opt=" "$BUILD/.config" && bad+=("$line")
			;;
		esac
	done < <(effective_settings)
	[ ${#bad[@]} -eq 0 ] || die "these requested options did not survive olddefconfig:" "${bad[@]}" \
		"Add what they depend on to config/lean.config (see: make -C linux O=$BUILD menuconfig)."
	grep -q '^CONFIG_RUST=y' "$BUILD/.config" || die "CONFIG_RUST was dropped." \
		"Check: make -C linux LLVM=$LLVM_SUFFIX rustavailable"
	printf '%s\n' "$want" >"$stamp"
fi

with_progress "Building $VARIANT kernel: ${TARGETS[*]} (-j$JOBS; ~10 min cold on 2 cores)" \
	"$OUTDIR/logs/build-$VARIANT.log" "${KMAKE[@]}" "${TARGETS[@]}"
log "kernel image: $BUILD/arch/x86/boot/bzImage ($(git -C "$LINUX" describe --always --tags))"
