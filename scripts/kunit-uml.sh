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
#   scripts/kunit-uml.sh           build in out/kunit-uml (gcc, ~3 min cold)
#   KUNIT_CPUS=n                   virtual CPUs (default 2; 1 = kunit.py's plain run)
set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"

CPUS=${KUNIT_CPUS:-2}
BUILD=$OUTDIR/kunit-uml
KUNITCONFIG=$LINUX/mm/tests/.kunitconfig
[ -f "$KUNITCONFIG" ] || die "no $KUNITCONFIG in the tree." "Run: make linux (the series adds it)"
[[ $CPUS =~ ^[1-9][0-9]*$ ]] || die "KUNIT_CPUS must be a positive integer, not '$CPUS'."
mkdir -p "$BUILD" "$OUTDIR/logs"

args=(run --kunitconfig="$KUNITCONFIG" --build_dir="$BUILD" --jobs="$(nproc)")
if [ "$CPUS" -gt 1 ]; then
	args+=(--kconfig_add CONFIG_SMP=y --kconfig_add CONFIG_NR_CPUS=8
		--kernel_args seccomp=on --kernel_args "ncpus=$CPUS")
fi
log "kunit.py ${args[*]} (log: $OUTDIR/logs/kunit-uml.log)"
if ! (cd "$LINUX" && python3 tools/testing/kunit/kunit.py "${args[@]}") >"$OUTDIR/logs/kunit-uml.log" 2>&1; then
	tail -n 40 "$OUTDIR/logs/kunit-uml.log" >&2
	die "kunit.py run failed (above; full log: $OUTDIR/logs/kunit-uml.log)." \
		"A build error is in the log; a failed case is named with [FAILED]."
fi
grep -E 'Testing complete|\[SKIPPED\]' "$OUTDIR/logs/kunit-uml.log"
grep -E '# page_ref_test_[a-z_]+: [0-9]+ (threads|getters)' "$BUILD/test.log" || true
# A run in which nothing ran, or something was skipped with two CPUs, is no pass.
grep -qE 'Testing complete\. Ran [1-9][0-9]* tests: passed: [1-9]' "$OUTDIR/logs/kunit-uml.log" ||
	die "kunit.py ran no test." "See $OUTDIR/logs/kunit-uml.log"
if [ "$CPUS" -gt 1 ] && grep -q '\[SKIPPED\]' "$OUTDIR/logs/kunit-uml.log"; then
	die "a case was skipped with $CPUS CPUs." "See $OUTDIR/logs/kunit-uml.log"
fi
log "kunit.py on UML ($CPUS CPUs): passed"
