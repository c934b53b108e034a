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
#     step:    all (default), build, run, report or status
#     variant: base and/or series (default: both)
#
# Resumable: every phase (build base, build series, run base, run series,
# report, coverage) leaves a stamp in its output folder when it completes
# (out/wide/<variant>/build.stamp, out/run/wide-<variant>/wide.stamp,
# out/wide/report.stamp, out/wide/coverage.stamp) with what it was made
# from: the tree's commit and uncommitted diff, the config fragments, the
# gcov objects and the guest programs for a build; the build's stamp and
# the run settings below for a run; the runs' stamps for the report and the
# coverage. "all" (make check-wide) skips a phase whose stamp matches what
# it would be made from now, says so on stdout, and continues where the
# last run stopped; a phase whose inputs changed runs again, and so does
# every phase after it that used its output. The steps build, run and
# report always run what they name (and stamp it). "status" prints the
# stamps and runs nothing.
#   FRESH=1              remove every stamp first: start over (the kernel
#                        builds stay incremental; ccache is kept)
#   WIDE_FAKE=1          test mode (scripts/wide/wide-resume-test.sh): every
#                        phase only writes the files the next one needs;
#                        WIDE_FAKE_KILL_AT=phase kills this script with
#                        SIGKILL as that phase starts (an interrupted run),
#                        WIDE_FAKE_REPORT_RC=n is the report's exit status
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
case "$STEP" in all | build | run | report | status) ;; *) die "unknown step '$STEP'." "Use: all, build, run, report or status" ;; esac
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
	if [ -n "${WIDE_FAKE:-}" ]; then
		fake_phase "build-$v"
		mkdir -p "$WIDE/$v/bin"
		return
	fi
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
	if [ -n "${WIDE_FAKE:-}" ]; then
		rm -rf "$run"
		fake_phase "run-$v"
		mkdir -p "$run"
		echo "0 1 fake 2" >"$run/boot.status"
		return
	fi
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

# Resuming: the stamps. Each phase's stamp holds "in.<key>=<value>" lines,
# what the phase was made from, computed before it ran; a phase is done when
# its stamp exists and those lines are what they would be now.
say() { printf '%s %s\n' "$(_stamp)" "$*"; }

run_dir() { # variant
	echo "$OUTDIR/run/wide-$1${RUN_TAG:+-$RUN_TAG}"
}

stamp_of() { # phase
	case "$1" in
	build-*) echo "$WIDE/${1#build-}/build.stamp" ;;
	run-*) echo "$(run_dir "${1#run-}")/wide.stamp" ;;
	report | coverage) echo "$WIDE/$1.stamp" ;;
	esac
}

short_hash() { sha256sum | cut -c1-16; }

hash_files() { # file...: one hash of their contents (a missing file counts as empty)
	local f
	for f in "$@"; do
		if [ -f "$f" ]; then cat "$f"; fi
	done | short_hash
}

hash_stamp() { # file: its hash, or "none"
	if [ -f "$1" ]; then short_hash <"$1"; else echo none; fi
}

tree_state() { # variant: the tree's commit and a hash of its uncommitted diff
	local t
	t=$(tree_of "$1")
	if [ -e "$t/.git" ]; then
		echo "$(git -C "$t" rev-parse HEAD) $(git -C "$t" diff HEAD | short_hash)"
	elif [ "$1" = base ] && git -C "$LINUX" rev-parse -q --verify 'base^{commit}' >/dev/null 2>&1; then
		# The worktree does not exist yet: it will be made at the tag base.
		echo "$(git -C "$LINUX" rev-parse 'base^{commit}') $(short_hash </dev/null)"
	else
		echo none
	fi
}

stamp_inputs() { # phase: the in.<key>=<value> lines it is made from now
	local v
	case "$1" in
	build-*)
		v=${1#build-}
		local selftests
		mapfile -t selftests < <(cd "$ROOT" && git ls-files -co --exclude-standard -- selftests)
		echo "in.tree=$(tree_state "$v")"
		echo "in.config=$(hash_files "$ROOT/config/lean.config" "$ROOT/config/wide.config")"
		echo "in.gcov=$(printf '%s\n' "${GCOV_OBJECTS[@]}" | short_hash)"
		echo "in.selftests=$(cd "$ROOT" && hash_files "${selftests[@]}")"
		;;
	run-*)
		v=${1#run-}
		echo "in.build=$(hash_stamp "$(stamp_of "build-$v")")"
		echo "in.settings=MM_CATEGORIES='$MM_CATEGORIES' MM_TIMEOUT=$MM_TIMEOUT MM_TIMEOUTS='$MM_TIMEOUTS'" \
			"MM_SWAP=${MM_SWAP:-1} MEMORY=${MEMORY:-6G} CPUS=${CPUS:-all} GUEST_FILTER='${GUEST_FILTER:-}'" \
			"BOOT_TIMEOUT=${BOOT_TIMEOUT:-}"
		;;
	report)
		# wide-report.py reads the runs without RUN_TAG.
		echo "in.run-base=$(hash_stamp "$OUTDIR/run/wide-base/wide.stamp")"
		echo "in.run-series=$(hash_stamp "$OUTDIR/run/wide-series/wide.stamp")"
		echo "in.reasons=$(hash_files "$ROOT/config/wide-known-failures")"
		;;
	coverage)
		echo "in.build-series=$(hash_stamp "$WIDE/series/build.stamp")"
		echo "in.run-series=$(hash_stamp "$OUTDIR/run/wide-series/wide.stamp")"
		;;
	esac
}

# Is the phase done, with the inputs it would have now? Sets WHY to what
# the stamp says or to why the phase must run.
phase_done() { # phase
	local stamp line key old
	stamp=$(stamp_of "$1")
	if [ ! -f "$stamp" ]; then
		WHY="no stamp ($stamp)"
		return 1
	fi
	while IFS= read -r line; do
		key=${line%%=*}
		old=$(grep -m1 "^$key=" "$stamp" | cut -d= -f2-) || true
		if [ "$old" != "${line#*=}" ]; then
			WHY="${key#in.} changed since its stamp (was '${old:-none}', now '${line#*=}')"
			return 1
		fi
	done < <(stamp_inputs "$1")
	WHY="done $(sed -n 's/^done=//p' "$stamp") in $(sed -n 's/^seconds=//p' "$stamp") s"
	return 0
}

write_stamp() { # phase start inputs [extra line...]
	local phase=$1 stamp start=$2 inputs=$3
	stamp=$(stamp_of "$phase")
	shift 3
	mkdir -p "$(dirname "$stamp")"
	{
		echo "phase=$phase"
		echo "done=$(date -u '+%F %T UTC')"
		echo "seconds=$(($(date +%s) - start))"
		# Each completion is a new output, even within the second of the
		# last one: the phases that used the old output hash this stamp.
		echo "id=$(od -An -N8 -tx8 /dev/urandom | tr -d ' ')"
		[ $# -eq 0 ] || printf '%s\n' "$@"
		echo "$inputs"
	} >"$stamp.tmp"
	mv "$stamp.tmp" "$stamp"
}

fake_phase() { # phase: test mode (WIDE_FAKE=1)
	say "wide (test mode): $1"
	[ "${WIDE_FAKE_KILL_AT:-}" != "$1" ] || kill -KILL $$
}

REPORT_RC=
report_step() {
	local rc=0
	if [ -n "${WIDE_FAKE:-}" ]; then
		fake_phase report
		rc=${WIDE_FAKE_REPORT_RC:-0}
	else
		python3 "$ROOT/scripts/wide/wide-report.py" \
			--base "$OUTDIR/run/wide-base" --series "$OUTDIR/run/wide-series" \
			--reasons "$ROOT/config/wide-known-failures" --markdown "$WIDE/report.md" || rc=$?
	fi
	REPORT_RC=$rc
}

coverage_step() { # diff coverage of the series, from the same run
	if [ -n "${WIDE_FAKE:-}" ]; then
		fake_phase coverage
		return
	fi
	python3 "$ROOT/scripts/wide/wide-coverage.py" --linux "$LINUX" \
		--build "$OUTDIR/build/wide-series" --gcda "$OUTDIR/run/wide-series/gcov" \
		--llvm-cov "llvm-cov$LLVM_SUFFIX" --markdown "$WIDE/coverage.md" ||
		die "the diff coverage could not be computed (above)."
}

run_phase() { # phase: run it now and stamp it when it completes
	local phase=$1 stamp inputs start
	stamp=$(stamp_of "$phase")
	inputs=$(stamp_inputs "$phase")
	rm -f "$stamp"
	start=$(date +%s)
	case "$phase" in
	build-*) build_one "${phase#build-}" ;;
	run-*)
		run_one "${phase#run-}"
		# A boot that did not get as far as the guest's end (boot.sh writes
		# boot.status then) is not a run: no stamp, the next resume redoes it.
		[ -f "$(run_dir "${phase#run-}")/boot.status" ] || {
			warn "wide ${phase#run-}: the run did not complete; not stamped"
			return 0
		}
		;;
	report)
		report_step
		# 2: the report could not be made; the verdict below says so.
		[ "$REPORT_RC" -ne 2 ] || return 0
		write_stamp "$phase" "$start" "$inputs" "rc=$REPORT_RC"
		return 0
		;;
	coverage) coverage_step ;;
	esac
	write_stamp "$phase" "$start" "$inputs"
}

verdict() {
	if [ -z "$REPORT_RC" ]; then
		REPORT_RC=$(sed -n 's/^rc=//p' "$WIDE/report.stamp" 2>/dev/null) || true
	fi
	[ "${REPORT_RC:-2}" -ne 2 ] || die "the A/B report could not be made (above)."
	[ "$REPORT_RC" -eq 0 ] || die "make check-wide: the series has new failures or reports (above; $WIDE/report.md)."
	log "make check-wide: no new failure and no report on the series ($WIDE/report.md, $WIDE/coverage.md)"
}

# The phases of "all", in order.
PHASES=()
for v in "${VARIANTS[@]}"; do PHASES+=("build-$v"); done
for v in "${VARIANTS[@]}"; do PHASES+=("run-$v"); done
PHASES+=(report coverage)
ALL_PHASES=(build-base build-series run-base run-series report coverage)

case "$STEP" in
status)
	next=
	for p in "${PHASES[@]}"; do
		if phase_done "$p"; then
			say "wide: $p: $WHY ($(stamp_of "$p"))"
		else
			say "wide: $p: to run: $WHY"
			[ -n "$next" ] || next=$p
		fi
	done
	if [ -n "$next" ]; then
		say "wide: the next run of make check-wide starts at $next"
	else
		say "wide: every phase is done"
	fi
	;;
build | run)
	for v in "${VARIANTS[@]}"; do run_phase "$STEP-$v"; done
	;;
report)
	run_phase report
	run_phase coverage
	verdict
	;;
all)
	if [ "${FRESH:-0}" != 0 ]; then
		for p in "${ALL_PHASES[@]}"; do rm -f "$(stamp_of "$p")"; done
		say "wide: FRESH=1: the stamps of earlier runs are removed; starting over at ${PHASES[0]}"
	fi
	done_phases=()
	for p in "${PHASES[@]}"; do
		phase_done "$p" || break
		done_phases+=("$p")
	done
	if [ ${#done_phases[@]} -eq ${#PHASES[@]} ]; then
		say "wide: resuming: every phase is done (stamps in $WIDE and $OUTDIR/run); nothing to run (FRESH=1 starts over)"
	elif [ ${#done_phases[@]} -gt 0 ]; then
		say "wide: resuming at ${PHASES[${#done_phases[@]}]}: done by an earlier run: ${done_phases[*]} (FRESH=1 starts over)"
	fi
	for p in "${PHASES[@]}"; do
		if phase_done "$p"; then
			say "wide: $p: skipped, $WHY"
			continue
		fi
		say "wide: $p: running ($WHY)"
		run_phase "$p"
	done
	verdict
	;;
esac
