#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# make check-wide: the base and the series on a config that reaches the code
# the series touches (config/lean.config + config/wide.config: HVO, THP,
# memcg, swap on zram, KSM, userfaultfd, GUP_TEST, memory hotplug,
# ZONE_DEVICE with test_hmm, memory failure, FS_DAX on pmem, brd, and
# KASAN, KFENCE, lockdep, DEBUG_VM, DEBUG_PAGEALLOC), each booted under
# virtme-ng with the kernel's own mm selftests (run_vmtests.sh, category by
# category, selftests/wide/mm_selftests), the boot-time KUnit suites and the
# project's guest programs; then one A/B table (scripts/wide/wide-report.py).
#
#   scripts/wide/wide.sh [step] [variant...]
#     step:    all (default), build, run or report
#     variant: base and/or series (default: both)
#   MM_CATEGORIES="..."  run_vmtests.sh categories (default below)
#   MM_TIMEOUT=s         per category (default 300: what the documented A/B
#                        runs used under TCG; the mm settings file's 900 s would
#                        make a run some 40 minutes longer per kernel)
#   MM_TIMEOUTS="c=s ..." per-category exceptions (default hugetlb=1800: the
#                        category of HVO took 1062 s on the series and 1332 s
#                        on the base under TCG+KASAN to run all its tests)
#   MM_SWAP=0            no swap during the mm selftests (default: 1 GB on zram)
#   RUN_TAG=name         run into out/run/wide-<variant>-<name> instead, so
#                        that a partial rerun (GUEST_FILTER=glob of the guest
#                        programs, MM_CATEGORIES=...) keeps the full run that
#                        the report reads
#   CPUS, MEMORY         guest size (default: host CPUs, 6G; MEMORY in G),
#                        plus a virtio-mem device of 1 GB with 64 MB plugged
set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/../lib.sh"

STEP=${1:-all}
shift || true
VARIANTS=("$@")
[ ${#VARIANTS[@]} -gt 0 ] || VARIANTS=(base series)
case "$STEP" in all | build | run | report) ;; *) die "unknown step '$STEP'." "Use: all, build, run or report" ;; esac
for v in "${VARIANTS[@]}"; do
	case "$v" in base | series) ;; *) die "unknown variant '$v'." "Use: base or series" ;; esac
done

# Categories of run_vmtests.sh that can run in a 2-vCPU TCG guest with one
# NUMA node. Left out: ksm_numa and migration (need two NUMA nodes; migration
# skips itself on one), pkey (TCG has no protection keys).
MM_CATEGORIES=${MM_CATEGORIES:-"mmap gup_test userfaultfd compaction mlock mremap hugetlb hugevm vmalloc hmm madv_guard madv_populate memfd_secret process_mrelease ksm soft_dirty pagemap pfnmap process_madv cow thp mkdirty mdwe page_frag vma_merge rmap memory-failure"}
MM_TIMEOUT=${MM_TIMEOUT:-300}
MM_TIMEOUTS=${MM_TIMEOUTS-hugetlb=1800}
WIDE=$OUTDIR/wide
# Objects profiled with gcov, by file name (GCOV_PROFILE_<name>.o=y on the
# make command line applies to every object of that name): those the series
# changes, the mm objects through which the inline helpers of page_ref.h,
# mm.h and mm/internal.h run, and the page_ref KUnit suite, whose cases run
# the helpers that no other path reaches on demand (its own lines are not
# counted, the helpers' are). A name that some other object
# shares also profiles that one (ipc/util.o, kernel/sched/debug.o, ...),
# which costs a little speed; names shared with code that runs without the
# kernel's gcov runtime are left out: mm/memory.o, since
# arch/x86/boot/memory.o is real-mode setup code linked into the bzImage.
# Kbuild names the variable after the object's path below the Makefile that
# lists it: mm/Makefile lists tests/page_ref_kunit.o, so its name carries
# "tests/" (without it, the object was silently left unprofiled).
GCOV_OBJECTS=(tests/page_ref_kunit page_alloc page_frag_cache util vmscan mm_init memremap memory-failure
	hugetlb hugetlb_vmemmap sparse-vmemmap huge_memory gup debug debug_page_ref
	compaction cma swap filemap migrate page_isolation dax brd p2pdma
	virtio_mem kexec_handover test_hmm)

tree_of() { # variant
	case "$1" in
	series) echo "$LINUX" ;;
	base) echo "$OUTDIR/linux-baseline" ;;
	esac
}

build_one() { # variant
	local v=$1 tree build
	tree=$(tree_of "$v")
	build=$OUTDIR/build/wide-$v
	[ "$v" = base ] && "$ROOT/scripts/pipeline/baseline.sh" worktree
	LINUX=$tree EXTRA_CONFIG=$ROOT/config/wide.config BUILD_TARGETS="bzImage modules" \
		KMAKE_ARGS="$(printf 'GCOV_PROFILE_%s.o=y ' "${GCOV_OBJECTS[@]}")" "$ROOT/scripts/pipeline/build.sh" "wide-$v"
	# The tree's own mm selftests, built against its headers and (for the
	# page_frag test module) its build, installed the kselftest way.
	with_progress "Installing the headers of the $v tree" "$OUTDIR/logs/wide-headers-$v.log" \
		make -C "$tree" O="$build" LLVM="$LLVM_SUFFIX" -j"$(nproc)" headers
	rm -rf "$WIDE/$v/ksft"
	with_progress "Installing the mm selftests of the $v tree" "$OUTDIR/logs/wide-ksft-$v.log" \
		make -C "$tree/tools/testing/selftests" O="$build" LLVM="$LLVM_SUFFIX" -j"$(nproc)" \
		TARGETS=mm KSFT_INSTALL_PATH="$WIDE/$v/ksft" install
	[ -x "$WIDE/$v/ksft/mm/run_vmtests.sh" ] ||
		die "no mm selftests installed for $v." "See $OUTDIR/logs/wide-ksft-$v.log"
	# The selftests' build leaves files in the source tree (local_config.*,
	# the page_frag module's objects, not all of them git-ignored): remove
	# them, so that the tree stays clean for make linux and make export.
	git -C "$tree" clean -fdxq -- tools/testing/selftests/mm
	# The project's guest programs that this tree can run, and the wrapper.
	make -s -C "$ROOT/selftests" LINUX="$tree" OUT="$WIDE/$v/selftests"
	rm -rf "${WIDE:?}/$v/bin"
	mkdir -p "$WIDE/$v/bin"
	{
		cat "$ROOT/config/expected-suites"
		echo "mm_selftests"
		echo "mm_extras"
	} >"$WIDE/$v/expected-all"
	local glob prog
	glob=$(guest_filter "$tree" "$WIDE/$v/expected" "$WIDE/$v/expected-all")
	shopt -s extglob
	for prog in "$WIDE/$v/selftests/bin"/*; do
		# shellcheck disable=SC2053 # the glob is the point
		[[ $(basename "$prog") == $glob ]] && ln -s "$prog" "$WIDE/$v/bin/"
	done
	shopt -u extglob
	ln -s "$ROOT/selftests/wide/mm_selftests" "$ROOT/selftests/wide/mm_extras" "$WIDE/$v/bin/"
	log "wide $v: kernel, modules, $(find "$WIDE/$v/ksft/mm" -maxdepth 1 -type f -perm -u+x | wc -l) mm selftest programs, guest programs: $(find "$WIDE/$v/bin" -mindepth 1 -printf '%f ')"
}

run_one() { # variant
	local v=$1 tree run rc=0 mm_limit cats name
	tree=$(tree_of "$v")
	name=wide-$v${RUN_TAG:+-$RUN_TAG}
	run=$OUTDIR/run/$name
	# mm_selftests bounds every category; the other programs keep the
	# default limit of scripts/pipeline/boot.sh.
	read -r -a cats <<<"$MM_CATEGORIES"
	# The sum of the categories' limits, plus one: each category's first
	# entry in MM_TIMEOUTS, else MM_TIMEOUT, as mm_selftests' limit_of()
	# picks it in the guest.
	local c kv lim
	mm_limit=$MM_TIMEOUT
	for c in "${cats[@]}"; do
		lim=$MM_TIMEOUT
		for kv in $MM_TIMEOUTS; do
			[ "${kv%%=*}" = "$c" ] && { lim=${kv#*=}; break; }
		done
		mm_limit=$((mm_limit + lim))
	done
	[ -d "$WIDE/$v/bin" ] || die "wide $v is not built." "Run: scripts/wide/wide.sh build $v"
	# HVO's boot-time path (one 1 GB page), a pmem region for FS_DAX carved
	# out of RAM above 4 GB, a CMA area for selftests/wide/mm_extras, no panic
	# on oops or warning: every report is counted by the report instead of
	# ending the run.
	# A virtio-mem device with 64 MB of its 1 GB plugged: part of its first
	# 128 MB memory block stays unplugged, held by the driver as
	# fake-offline pages (mm_extras virtio_mem_offline_online). QEMU merges
	# this -m with vng's --memory.
	local mem=${MEMORY:-6G}
	case "$mem" in [0-9]*G) ;; *) die "MEMORY=$mem: give it in G (e.g. 6G)." ;; esac
	local qemu="-m $mem,slots=1,maxmem=$((${mem%G} + 2))G"
	qemu+=" -object memory-backend-ram,id=vmem0,size=1G"
	qemu+=" -device virtio-mem-pci,id=vmem0dev,memdev=vmem0,requested-size=64M"
	LINUX=$tree RUN=$run GUEST_BIN=$WIDE/$v/bin MEMORY=$mem QEMU_OPTS=$qemu \
		EXPECT_SUITES=$WIDE/$v/expected BOOT_TIMEOUT=${BOOT_TIMEOUT:-$((mm_limit + 3600))} \
		BOOT_APPEND="panic=-1 hugetlb_free_vmemmap=on hugepagesz=1G hugepages=1 hugepagesz=2M memmap=512M!5G cma=64M memhp_default_state=online_movable" \
		GUEST_ENV="MM_KSFT=$WIDE/$v/ksft/mm MM_CATEGORIES='$MM_CATEGORIES' MM_TIMEOUT=$MM_TIMEOUT MM_TIMEOUTS='$MM_TIMEOUTS' MM_SWAP=${MM_SWAP:-1} MM_LOGDIR=$run/mm GCOV_OUT=$run/gcov PROG_TIMEOUTS=mm_selftests=$mm_limit" \
		"$ROOT/scripts/pipeline/boot.sh" "wide-$v" >"$OUTDIR/logs/$name.log" 2>&1 || rc=$?
	tail -n 3 "$OUTDIR/logs/$name.log" >&2
	log "wide $v: boot.sh exited with $rc (the A/B report judges; full log $OUTDIR/logs/$name.log)"
}

if [ "$STEP" = all ] || [ "$STEP" = build ]; then
	for v in "${VARIANTS[@]}"; do build_one "$v"; done
fi
if [ "$STEP" = all ] || [ "$STEP" = run ]; then
	for v in "${VARIANTS[@]}"; do run_one "$v"; done
fi
if [ "$STEP" = all ] || [ "$STEP" = report ]; then
	rc=0
	python3 "$ROOT/scripts/wide/wide-report.py" \
		--base "$OUTDIR/run/wide-base" --series "$OUTDIR/run/wide-series" \
		--reasons "$ROOT/config/wide-known-failures" --markdown "$WIDE/report.md" || rc=$?
	# Diff coverage of the series, from the same run.
	python3 "$ROOT/scripts/wide/wide-coverage.py" --linux "$LINUX" \
		--build "$OUTDIR/build/wide-series" --gcda "$OUTDIR/run/wide-series/gcov" \
		--llvm-cov "llvm-cov$LLVM_SUFFIX" --markdown "$WIDE/coverage.md" ||
		die "the diff coverage could not be computed (above)."
	[ $rc -ne 2 ] || die "the A/B report could not be made (above)."
	[ $rc -eq 0 ] || die "make check-wide: the series has new failures or reports (above; $WIDE/report.md)."
	log "make check-wide: no new failure and no report on the series ($WIDE/report.md, $WIDE/coverage.md)"
fi
