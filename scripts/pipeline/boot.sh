#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Boot a built kernel under virtme-ng over the host's root, let the boot-time
# KUnit suites run, run the guest test programs, power off, and judge the
# result with scripts/pipeline/results.py. Every boot has a hard timeout.
#
#   scripts/pipeline/boot.sh [variant]      variant: pageref (default) or baseline
#   CPUS=n MEMORY=4G               guest size (default: host CPUs, 4G: the
#                                  1 GB page below must fit above 4 GB)
#   BOOT_APPEND="..."              kernel command line (default below: HVO on,
#                                  one 1 GB HugeTLB page reserved at boot, so
#                                  that HVO's boot-time path runs and
#                                  selftests/c/hugetlb_vmemmap.c can demote it)
#   BOOT_APPEND_EXTRA="..."        appended to BOOT_APPEND (e.g. kunit.filter_glob=)
#   KVM=auto|0|1                   auto probes /dev/kvm once and caches it
#   BOOT_TIMEOUT=s                 hard limit for one boot (default 900 TCG, 300 KVM)
#   GUEST_FILTER=glob              run only matching guest programs
#   EXPECT_SUITES=file             the suites that must run (default config/expected-suites)
#   GUEST_ENV="A=1 B=2"            environment for the guest programs
#   QEMU_OPTS="..."                extra QEMU arguments (vng --qemu-opts), e.g.
#                                  a virtio-mem device (scripts/wide/wide.sh)
set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/../lib.sh"

VARIANT=${1:-pageref}
BUILD=$OUTDIR/build/$VARIANT
RUN=${RUN:-$OUTDIR/run/$VARIANT}
CPUS=${CPUS:-$(nproc)}
MEMORY=${MEMORY:-4G}
BOOT_APPEND="${BOOT_APPEND:-panic=-1 oops=panic hugetlb_free_vmemmap=on hugepagesz=1G hugepages=1 hugepagesz=2M}${BOOT_APPEND_EXTRA:+ $BOOT_APPEND_EXTRA}"
BIN=${GUEST_BIN:-$OUTDIR/selftests/bin}

need vng "Run: scripts/pipeline/setup.sh (installs virtme-ng into .venv)"
need udevadm "virtme-ng's init needs the host's udev: apt-get install udev"
[ -f "$BUILD/arch/x86/boot/bzImage" ] || die "no kernel in $BUILD." "Run: make build"
grep -q '^CONFIG_ACPI=y' "$BUILD/.config" ||
	die "the kernel has no CONFIG_ACPI: the guest could not power off." "Add it to config/lean.config."

# /dev/kvm may exist and still be unable to boot a mainline kernel (PVM-style
# hosts hang in early setup). Probe once with a short boot and remember.
kvm_works() {
	local cache=$OUTDIR/kvm-probe
	case "${KVM:-auto}" in
	0) return 1 ;;
	1) return 0 ;;
	esac
	if [ ! -f "$cache" ]; then
		if [ ! -w /dev/kvm ]; then
			echo "no /dev/kvm" >"$cache"
		else
			log "Probing KVM: booting with /dev/kvm for at most 60 s"
			local rc=0
			timeout -k 5 60 vng --run "$BUILD" --cpus 1 --memory 512M --exec 'echo kvm-probe-ok' \
				</dev/null >"$cache.log" 2>&1 || rc=$?
			if grep -q kvm-probe-ok "$cache.log"; then
				echo ok >"$cache"
			elif [ "$rc" = 124 ] || [ "$rc" = 137 ]; then
				echo "a boot with /dev/kvm hung for 60 s (see $cache.log)" >"$cache"
			else
				echo "a boot with /dev/kvm failed: $(grep -m1 -i 'error' "$cache.log" || tail -n 1 "$cache.log")" >"$cache"
			fi
		fi
	fi
	[ "$(cat "$cache")" = ok ]
}

ACCEL=()
if kvm_works; then
	log "KVM works here: booting with hardware virtualisation"
	BOOT_TIMEOUT=${BOOT_TIMEOUT:-300}
	PROG_TIMEOUT=${PROG_TIMEOUT:-120}
else
	warn "KVM unusable ($(cat "$OUTDIR/kvm-probe" 2>/dev/null || echo disabled)): booting under TCG emulation, much slower (KVM=1 forces it)"
	ACCEL=(--disable-kvm)
	BOOT_TIMEOUT=${BOOT_TIMEOUT:-900}
	PROG_TIMEOUT=${PROG_TIMEOUT:-600}
fi

rm -rf "$RUN"
mkdir -p "$RUN"
# Only the guest programs whose "Requires:" this tree meets run; the others
# are reported as skipped, with the reason (lib.sh, guest_filter).
if [ -z "${GUEST_FILTER:-}" ]; then
	GUEST_FILTER=$(guest_filter "$LINUX" "$RUN/expected" "${EXPECT_SUITES:-$ROOT/config/expected-suites}")
	EXPECT_SUITES=$RUN/expected
	SKIPPED_PROGRAMS=$RUN/expected.skipped
fi
CONSOLE=$RUN/console.log
GUEST_CMD="${GUEST_ENV:-} $ROOT/scripts/pipeline/guest-run.sh $RUN $BIN $PROG_TIMEOUT '${GUEST_FILTER:-}'"
log "Booting $VARIANT ($CPUS vCPUs, $MEMORY, timeout ${BOOT_TIMEOUT}s); console: $CONSOLE"
start=$(date +%s)
set +e
timeout -k 10 "$BOOT_TIMEOUT" vng --run "$BUILD" "${ACCEL[@]}" --verbose \
	--cpus "$CPUS" --memory "$MEMORY" --rwdir "$RUN" --cwd "$ROOT" \
	--append "$BOOT_APPEND" ${QEMU_OPTS:+--qemu-opts="$QEMU_OPTS"} \
	--exec "$GUEST_CMD" </dev/null >"$CONSOLE" 2>&1
rc=$?
set -e
elapsed=$(($(date +%s) - start))
echo "$rc $elapsed ${ACCEL[*]:-kvm} $CPUS" >"$RUN/boot.status"
if [ "$rc" = 124 ] || [ "$rc" = 137 ]; then
	log "guest timed out after ${elapsed}s"
else
	log "guest exited with $rc after ${elapsed}s"
fi
python3 "$ROOT/scripts/pipeline/results.py" --linux "$LINUX" --run "$RUN" \
	--expect "${EXPECT_SUITES:-$ROOT/config/expected-suites}" --expect-log "$ROOT/config/expected-log" \
	--config "$BUILD/.config" --variant "$VARIANT" ${SKIPPED_PROGRAMS:+--skipped "$SKIPPED_PROGRAMS"}
