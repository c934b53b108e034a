#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Run the series' page_ref KUnit suite the way kernel developers do, with the
# kernel's own tools/testing/kunit/kunit.py and the suite's .kunitconfig
# (mm/tests/.kunitconfig in the patched tree), on kunit.py's default
# architecture, UML. UML is a host process whose atomics are the host's own;
# with SMP and two virtual CPUs (UML needs seccomp mode for SMP) the
# concurrent cases run on two host threads at once.
#
#   scripts/checks/kunit-uml.sh           build in out/kunit-uml (gcc, ~3 min cold)
#   scripts/checks/kunit-uml.sh rust      the Rust suite, rust_kernel_folio, with
#                                  rust/kernel/mm/.kunitconfig, built with
#                                  LLVM in out/kunit-uml-rust (~10 min cold;
#                                  make kunit-uml-rust, not in make check)
#   scripts/checks/kunit-uml.sh x86_64    the page_ref suite under kunit.py --arch=x86_64 (QEMU,
#                                  out/kunit-x86; make kunit-x86, not in make check).
#                                  kunit.py tries KVM first, and this machine's
#                                  KVM cannot boot a mainline kernel (it hangs):
#                                  /dev/kvm is hidden from it in a private mount
#                                  namespace (unshare, as root), so QEMU uses TCG.
#   KUNIT_CPUS=n                   virtual CPUs (default 2; 1 = kunit.py's plain run)
#   KUNIT_CONFIG_ADD="CONFIG_X=v ..." options added to the .kunitconfig (kunit.py
#                                  --kconfig_add), e.g. CONFIG_DEBUG_VM=n for the
#                                  Rust checks that run only without it; the
#                                  build goes to its own folder, <build>-<hash>
set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/../lib.sh"

CPUS=${KUNIT_CPUS:-2}
SUITE=${1:-c}
case $SUITE in
c)
	BUILD=$OUTDIR/kunit-uml
	KUNITCONFIG=$LINUX/mm/tests/.kunitconfig
	LOGF=$OUTDIR/logs/kunit-uml.log
	MAKE_OPTS=()
	;;
rust)
	BUILD=$OUTDIR/kunit-uml-rust
	KUNITCONFIG=$LINUX/rust/kernel/mm/.kunitconfig
	LOGF=$OUTDIR/logs/kunit-uml-rust.log
	MAKE_OPTS=(--make_options "LLVM=$LLVM_SUFFIX")
	;;
x86_64)
	BUILD=$OUTDIR/kunit-x86
	KUNITCONFIG=$LINUX/mm/tests/.kunitconfig
	LOGF=$OUTDIR/logs/kunit-x86.log
	MAKE_OPTS=(--arch=x86_64)
	;;
*) die "unknown suite '$SUITE'." "Usage: scripts/checks/kunit-uml.sh [c|rust|x86_64]" ;;
esac
[ -f "$KUNITCONFIG" ] || die "no $KUNITCONFIG in the tree." "Run: make linux (the series adds it)"
[[ $CPUS =~ ^[1-9][0-9]*$ ]] || die "KUNIT_CPUS must be a positive integer, not '$CPUS'."
read -r -a config_add <<<"${KUNIT_CONFIG_ADD:-}"
add_args=()
for opt in "${config_add[@]}"; do
	[[ $opt =~ ^CONFIG_[A-Za-z0-9_]+=(y|n|m|[0-9]+|\"[^\"]*\")$ ]] ||
		die "KUNIT_CONFIG_ADD: '$opt' is not CONFIG_NAME=value." \
			"Example: KUNIT_CONFIG_ADD=\"CONFIG_DEBUG_VM=n\""
	add_args+=(--kconfig_add "$opt")
done
if [ ${#config_add[@]} -gt 0 ]; then
	# Another configuration, another build folder: the default one stays as it is.
	hash=$(printf '%s\n' "${config_add[@]}" | sha256sum | cut -c1-8)
	BUILD=$BUILD-$hash
	LOGF=${LOGF%.log}-$hash.log
	log "adding to $(basename "$KUNITCONFIG"): ${config_add[*]} (build: $BUILD)"
fi
mkdir -p "$BUILD" "$OUTDIR/logs"

args=(run --kunitconfig="$KUNITCONFIG" --build_dir="$BUILD" --jobs="$(nproc)" "${MAKE_OPTS[@]}" "${add_args[@]}")
if [ "$CPUS" -gt 1 ] && [ "$SUITE" = x86_64 ]; then
	args+=(--kconfig_add CONFIG_SMP=y --qemu_args "-smp $CPUS")
elif [ "$CPUS" -gt 1 ]; then
	args+=(--kconfig_add CONFIG_SMP=y --kconfig_add CONFIG_NR_CPUS=8
		--kernel_args seccomp=on --kernel_args "ncpus=$CPUS")
fi
run=(python3 tools/testing/kunit/kunit.py "${args[@]}")
if [ "$SUITE" = x86_64 ]; then
	need unshare "Install util-linux."
	[ "$(id -u)" = 0 ] || die "the x86_64 run hides /dev/kvm in a mount namespace, which needs root."
	if [ -e /dev/kvm ]; then
		# shellcheck disable=SC2016 # expanded by the inner shell
		run=(unshare -m sh -c 'mount --bind /dev/null /dev/kvm && exec "$@"' sh "${run[@]}")
	fi
fi
log "kunit.py ${args[*]} (log: $LOGF)"
if ! (cd "$LINUX" && "${run[@]}") >"$LOGF" 2>&1; then
	tail -n 40 "$LOGF" >&2
	die "kunit.py run failed (above; full log: $LOGF)." \
		"A build error is in the log; a failed case is named with [FAILED]."
fi
grep -E 'Testing complete|\[SKIPPED\]' "$LOGF"
grep -E '# page_ref_test_[a-z_]+: [0-9]+ (threads|getters|rounds)' "$BUILD/test.log" || true
# A run in which nothing ran, or something was skipped with two CPUs, is no pass,
# but for the cases that need HVO: UML has no HugeTLB, and the .kunitconfig
# does not turn it on for x86_64 either (the boot test runs them, make boot).
grep -qE 'Testing complete\. Ran [1-9][0-9]* tests: passed: [1-9]' "$LOGF" ||
	die "kunit.py ran no test." "See $LOGF"
no_hvo_skip='(needs CONFIG_HUGETLB_PAGE_OPTIMIZE_VMEMMAP)$'
if [ "$CPUS" -gt 1 ] && grep '\[SKIPPED\]' "$LOGF" | grep -qv "$no_hvo_skip"; then
	die "a case was skipped with $CPUS CPUs." "See $LOGF"
fi
if [ "$SUITE" = rust ] && ! grep -q '\[PASSED\] rust_kernel_folio' "$LOGF"; then
	die "the rust_kernel_folio suite did not pass or did not run." "See $LOGF"
fi
log "kunit.py ($SUITE, $CPUS CPUs): passed"
