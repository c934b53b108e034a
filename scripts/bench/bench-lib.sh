# shellcheck shell=bash
# SPDX-License-Identifier: GPL-2.0
#
# What the A/B benchmark drivers (scripts/bench/uml-bench.sh, uml-pread.sh,
# gp-cost.sh) share. Sourced after scripts/lib.sh.

# initramfs_list PROG: the static programs init and PROG
# (make -C selftests static) and the initramfs list $LIST holding them, as
# /init and /bin/PROG; rewritten only when it changes. Uses STATIC and WORK.
initramfs_list() {
	local prog=$1
	log "static programs: init, $prog ($STATIC)"
	make -s -C "$ROOT/selftests" LINUX="$LINUX" OUT="$OUTDIR/selftests" \
		"$STATIC/init" "$STATIC/$prog"
	mkdir -p "$WORK"
	# gen_init_cpio's list format (linux/usr/gen_init_cpio.c): device nodes
	# need no root on the host, and the kernel rebuilds the archive when a
	# listed file changes.
	cat >"$LIST.new" <<LIST
dir /dev 0755 0 0
nod /dev/console 0600 0 0 c 5 1
nod /dev/kmsg 0600 0 0 c 1 11
nod /dev/null 0666 0 0 c 1 3
dir /proc 0755 0 0
dir /sys 0755 0 0
dir /tmp 1777 0 0
dir /bin 0755 0 0
file /init $STATIC/init 0755 0 0
file /bin/$prog $STATIC/$prog 0755 0 0
LIST
	if cmp -s "$LIST.new" "$LIST"; then rm "$LIST.new"; else mv "$LIST.new" "$LIST"; fi
}

# uml_ab_boots RUNNER VARIANT_SUFFIX CHECKS A B DEBUG: one correctness boot of
# DEBUG (the series with CONFIG_DEBUG_VM=y; a second a cell), then REPS boots
# each of A and B alternating, with RUNNER (uml-bench-run.sh or
# uml-pread-run.sh), into RESULT_DIR. Sets load_before.
uml_ab_boots() {
	local runner=$1 suffix=$2 checks=$3 a=$4 b=$5 debug=$6 load
	log "correctness run: uml-series$suffix-debug (CONFIG_DEBUG_VM=y), $NCPUS CPUs"
	REPS=1 BENCH_SECONDS=1 "$runner" "$RESULT_DIR/debug" \
		series-debug "$debug" >/dev/null ||
		die "the series' DEBUG_VM kernel failed $checks." "See $RESULT_DIR/debug/runs.txt"
	sed 's/^/        /' "$RESULT_DIR/debug/runs.txt" >&2

	load=$(cut -d' ' -f1 /proc/loadavg)
	if awk -v l="$load" 'BEGIN { exit !(l > 0.5) }'; then
		warn "the host's load average is $load: other work will show up in the numbers."
	fi
	load_before=$(cut -d' ' -f1-3 /proc/loadavg)
	log "A/B: $REPS boots each of uml-base$suffix and uml-series$suffix, $NCPUS CPUs, ${BENCH_SECONDS}s a cell"
	"$runner" "$RESULT_DIR" base "$a" series "$b" ||
		die "a benchmark boot failed: its figures are not used." "See $RESULT_DIR/runs.txt"
}

# ab_report WHAT TITLE A_SRC B_SRC MEMORY SECONDS COMMAND PER_BOOT: the
# report of scripts/bench/bench-report.py on RESULT_DIR/base-1..REPS against
# series-1..REPS (A_SRC, B_SRC: the kernels' worktrees), shown, kept in
# RESULT_DIR/report.md and appended to DOC; dies, as "WHAT found
# problems", when the report does.
ab_report() {
	local what=$1 title=$2 a_src=$3 b_src=$4 memory=$5 seconds=$6 command=$7 per_boot=$8
	local runs_a=() runs_b=() i rc=0
	for i in $(seq 1 "$REPS"); do
		runs_a+=("$RESULT_DIR/base-$i")
		runs_b+=("$RESULT_DIR/series-$i")
	done
	report=$RESULT_DIR/report.md
	python3 "$ROOT/scripts/bench/bench-report.py" --title "$title" \
		--a-label base --b-label series --a "${runs_a[@]}" --b "${runs_b[@]}" \
		--a-kernel "$(git -C "$a_src" describe --always --tags)" \
		--b-kernel "$(git -C "$b_src" describe --always --tags)" \
		--memory "$memory" --seconds "$seconds" --load-before "$load_before" \
		--command "$command" \
		--command "$per_boot" \
		>"$report" || rc=$?
	cat "$report"
	[ "$rc" = 0 ] || die "$what found problems (the PROBLEM lines above); not recorded." \
		"Report: $report"
	if [ -n "$DOC" ]; then
		printf '\n' >>"$DOC"
		cat "$report" >>"$DOC"
		log "Report appended to $DOC (copy: $report)"
	else
		log "BENCH_DOC is empty: report kept in $report only"
	fi
}
