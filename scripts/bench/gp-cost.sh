#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# make bench-gp-cost: what v8's grace periods add where they wait, base
# against series. v8 calls synchronize_rcu() once per folio in
# hugetlb_vmemmap_optimize_folio() (a surplus HugeTLB fault with HVO on),
# once per batch in __hugetlb_vmemmap_optimize_folios() (growing the pool)
# and in offline_pages()/__remove_pages(). UML has no HugeTLB, so this runs
# x86_64 kernels under qemu's TCG (no KVM here): the CPU is emulated, but a
# grace period is mostly waiting for ticks and quiescent states, so the
# per-operation wall-time difference and the grace periods it implies are
# what the run is for; absolute figures are not hardware figures.
#
# Kernels: tinyconfig + config/gp-cost.config (HugeTLB, HVO, memory hotplug
# and hot-remove, no debug), gcc with ccache, from worktrees of linux/ at the
# tag base and the branch pageref (out/gp/src-<variant>), built in
# out/build/gp-<variant>, each with a built-in initramfs: the static
# selftests/uml/init.c as /init and selftests/gpcost/gp_cost.c as
# /bin/gp_cost. init writes each line of gp_cost to /dev/kmsg as
# "pageref_user: gp_cost: <line>" and reboots, which ends qemu
# (-no-reboot). Boots alternate A, B, REPS times each; each boot must end
# with init's "done", gp_cost exit 0 and every test point ok (the offline
# cell may be skipped, with its reason, and is then missing from the
# report). bench-report.py gives per cell the median of the per-pair B/A
# ratios with a bootstrap 95% interval. Report: out/gp-cost/<stamp>/, and
# appended to Documentation/benchmarks.md.
#
#   scripts/bench/gp-cost.sh        (make bench-gp-cost)
#   REPS=n            boots per kernel (default 4)
#   CPUS=n MEMORY=m   guest vCPUs and memory (default 2, 2G)
#   GP_FOLIOS=n       HugeTLB folios per round (default 32)
#   GP_ROUNDS=n       rounds per cell in a boot (default 5; the median is kept)
#   GP_BUILD=0        use the kernels already built
#   BUILD_ONLY=1      build the programs and kernels, boot nothing
#   BENCH_DOC=file    where the report is appended (default
#                     Documentation/benchmarks.md; empty: nowhere)
#   ICOUNT=1          count instructions instead of timing the host: qemu's
#                     -icount shift=0,sleep=off,align=off on one TCG thread,
#                     so the guest's clock advances 1 ns per guest
#                     instruction and skips idle time; a cell then reads the
#                     guest work it took, whatever else the host runs (the
#                     grace-period cells read ticks of virtual time)
set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/../lib.sh"
# shellcheck source=scripts/bench/bench-lib.sh
. "$(dirname "$0")/bench-lib.sh"

REPS=${REPS:-4}
CPUS=${CPUS:-2}
MEMORY=${MEMORY:-2G}
GP_FOLIOS=${GP_FOLIOS:-32}
GP_ROUNDS=${GP_ROUNDS:-5}
DOC=${BENCH_DOC-$ROOT/Documentation/benchmarks.md}
JOBS=${JOBS:-$(nproc)}
FRAG=$ROOT/config/gp-cost.config
WORK=$OUTDIR/gp-cost
STATIC=$OUTDIR/selftests/static
LIST=$WORK/initramfs.list
# The top of memory as ZONE_MOVABLE, so that a block can be offlined.
APPEND="console=ttyS0 printk.devkmsg=on panic=-1 movablecore=512M INIT_END=reboot GP_FOLIOS=$GP_FOLIOS GP_ROUNDS=$GP_ROUNDS"
for v in REPS CPUS GP_FOLIOS GP_ROUNDS; do
	[[ ${!v} =~ ^[1-9][0-9]*$ ]] || die "$v must be a positive integer, not '${!v}'."
done

need qemu-system-x86_64 "Run: scripts/pipeline/setup.sh"

build_kernel() {
	local variant=$1 ref=$2 src=$OUTDIR/gp/src-$1 build=$OUTDIR/build/gp-$1 commit want
	need gcc "Run: scripts/pipeline/setup.sh"
	need ccache "Run: scripts/pipeline/setup.sh"
	commit=$(git -C "$LINUX" rev-parse --verify -q "$ref^{commit}") ||
		die "linux/ has no $ref." "Run: make linux"
	if [ ! -e "$src/.git" ]; then
		log "worktree $src at $ref"
		git -C "$LINUX" worktree prune
		git -C "$LINUX" worktree add -q --detach "$src" "$commit"
	fi
	git -C "$src" checkout -q --detach "$commit"
	[ -z "$(git -C "$src" status --porcelain --untracked-files=no)" ] ||
		die "the worktree $src has local changes." "It is scratch: git -C linux worktree remove --force $src"
	mkdir -p "$build" "$OUTDIR/logs"
	local kmake=(make -C "$src" O="$build" ARCH=x86_64 CC="ccache gcc" -j"$JOBS")
	local frag=$build/gp-cost.fragment
	{ cat "$FRAG"; echo "CONFIG_INITRAMFS_SOURCE=\"$LIST\""; } >"$frag.new"
	want=$(sha256sum <"$frag.new" | awk '{print $1}')
	if [ ! -f "$build/.config" ] || [ "$(cat "$build/.fragment.sha" 2>/dev/null)" != "$want" ]; then
		log "configuring gp-$variant: tinyconfig + ${FRAG#"$ROOT"/}"
		mv "$frag.new" "$frag"
		{
			"${kmake[@]}" tinyconfig &&
				(cd "$build" && "$src/scripts/kconfig/merge_config.sh" -m -O "$build" .config "$frag") &&
				"${kmake[@]}" olddefconfig
		} >"$OUTDIR/logs/config-gp-$variant.log" 2>&1 ||
			die "configuring gp-$variant failed." "See $OUTDIR/logs/config-gp-$variant.log"
		grep -E '^CONFIG_[A-Z0-9_]+=' "$frag" | while read -r opt; do
			grep -qx "$opt" "$build/.config" ||
				die "$opt did not survive olddefconfig in $build/.config." \
					"A dependency is missing: see the option's Kconfig."
		done
		echo "$want" >"$build/.fragment.sha"
	fi
	rm -f "$frag.new"
	with_progress "Building gp-$variant (x86_64, gcc, -j$JOBS)" \
		"$OUTDIR/logs/build-gp-$variant.log" "${kmake[@]}" bzImage
	git -C "$src" rev-parse HEAD >"$build/.source-commit"
}

if [ "${GP_BUILD:-1}" != 0 ]; then
	initramfs_list gp_cost
	build_kernel base base
	build_kernel series pageref
fi
if [ "${BUILD_ONLY:-0}" = 1 ]; then
	log "BUILD_ONLY=1: kernels built, nothing booted"
	exit 0
fi
A=$OUTDIR/build/gp-base/arch/x86/boot/bzImage
B=$OUTDIR/build/gp-series/arch/x86/boot/bzImage
for k in "$A" "$B"; do
	[ -f "$k" ] || die "no kernel at $k." "Run without GP_BUILD=0."
done

stamp=$(date -u +%Y%m%dT%H%M%SZ)
RESULT_DIR=$WORK/$stamp
mkdir -p "$RESULT_DIR"
TIMEOUT=${BOOT_TIMEOUT:-900}
ACCEL=(-accel tcg)
[ "${ICOUNT:-0}" = 1 ] && ACCEL=(-accel "tcg,thread=single" -icount "shift=0,sleep=off,align=off")

boot() {
	local label=$1 kernel=$2 run=$3 rc=0 start elapsed verdict k plan oks
	rm -rf "$run"
	mkdir -p "$run"
	local cmd=(qemu-system-x86_64 "${ACCEL[@]}" -smp "$CPUS" -m "$MEMORY" -nographic
		-no-reboot -kernel "$kernel" -append "$APPEND")
	printf '%s\n' "${cmd[*]}" >"$run/command"
	start=$(date +%s.%N)
	timeout "$TIMEOUT" "${cmd[@]}" </dev/null >"$run/console.log" 2>&1 || rc=$?
	elapsed=$(echo "$start $(date +%s.%N)" | awk '{printf "%.1f", $2 - $1}')
	echo "$rc $elapsed --disable-kvm $CPUS" >"$run/boot.status"
	sed -n 's/\r$//; s/^.*pageref_user: gp_cost: //p' "$run/console.log" >"$run/guest-gp_cost.ktap"
	k=$run/guest-gp_cost.ktap
	plan=$(sed -n 's/^1\.\.\([0-9]*\)$/\1/p' "$k" | head -n 1)
	oks=$(grep -c '^ok ' "$k" || true)
	verdict=ok
	if [ "$rc" -eq 124 ]; then
		verdict="timed out after ${TIMEOUT}s"
	elif [ "$rc" -ne 0 ]; then
		verdict="qemu exited with $rc"
	elif ! grep -q 'pageref_user: init: done' "$run/console.log"; then
		verdict="init did not finish (see console.log)"
	elif ! grep -q 'pageref_user: init: gp_cost exit=0' "$run/console.log"; then
		verdict="gp_cost failed: $(grep -m1 -o 'pageref_user: init: gp_cost exit=.*' "$run/console.log" || echo 'no exit line')"
	elif grep -qE 'WARNING:|BUG:|Kernel panic|Oops' "$run/console.log"; then
		verdict="kernel warning: $(grep -m1 -E 'WARNING:|BUG:|Kernel panic|Oops' "$run/console.log")"
	elif [ -z "$plan" ]; then
		verdict="no KTAP plan"
	elif grep -q '^not ok ' "$k"; then
		verdict="a test point failed: $(grep -m1 '^not ok ' "$k")"
	elif [ "$oks" -ne "$plan" ]; then
		verdict="KTAP stream ended early: $oks of $plan test points"
	fi
	printf '%s %s: %s (%ss)%s\n' "$label" "${run##*-}" "$verdict" "$elapsed" \
		"$(grep -i -m1 '^ok .*# SKIP' "$k" | sed 's/^/; /')" | tee -a "$RESULT_DIR/runs.txt"
	[ "$verdict" = ok ]
}

load_before=$(cut -d' ' -f1-3 /proc/loadavg)
log "A/B under TCG (${ACCEL[*]}): $REPS boots each of gp-base and gp-series, $CPUS vCPUs, $MEMORY"
for i in $(seq 1 "$REPS"); do
	boot base "$A" "$RESULT_DIR/base-$i" || die "boot base-$i failed: its figures are not used." "See $RESULT_DIR/base-$i/console.log"
	boot series "$B" "$RESULT_DIR/series-$i" || die "boot series-$i failed: its figures are not used." "See $RESULT_DIR/series-$i/console.log"
done

ab_report "the report" "Grace-period cost run under TCG (make bench-gp-cost)" \
	"$OUTDIR/gp/src-base" "$OUTDIR/gp/src-series" "$MEMORY" 0 \
	"ICOUNT=${ICOUNT:-0} REPS=$REPS CPUS=$CPUS MEMORY=$MEMORY GP_FOLIOS=$GP_FOLIOS GP_ROUNDS=$GP_ROUNDS make bench-gp-cost" \
	"per boot: qemu-system-x86_64 ${ACCEL[*]} -smp $CPUS -m $MEMORY -nographic -no-reboot -kernel out/build/gp-<variant>/arch/x86/boot/bzImage -append '$APPEND'"
