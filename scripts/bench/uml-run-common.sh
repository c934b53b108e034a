# shellcheck shell=bash
# SPDX-License-Identifier: GPL-2.0
#
# What scripts/bench/uml-bench-run.sh and scripts/bench/uml-pread-run.sh
# share: sourced by both, copied beside them into the bundle of
# scripts/bench/uml-bundle.sh, so it needs bash, coreutils and timeout only
# (taskset for UML_PIN=1). The runner sets RUNNER (its name, for messages)
# before sourcing it.

die() {
	printf '%s: ERROR: %s\n' "$RUNNER" "$1" >&2
	shift
	local line
	for line in "$@"; do printf '        %s\n' "$line" >&2; done
	exit 1
}

# uml_run_setup DEFAULT_REPS BUILD_HINT OUT A_LABEL A_LINUX [B_LABEL B_LINUX]:
# the arguments into OUT, LABELS and KERNELS, the settings REPS, NCPUS, SECS
# and MEM, checked.
uml_run_setup() {
	local reps=$1 hint=$2 v k
	shift 2
	[ $# -eq 5 ] || [ $# -eq 3 ] || die "expected 3 or 5 arguments, got $#." \
		"Usage: $RUNNER.sh OUT A_LABEL A_LINUX [B_LABEL B_LINUX]"
	OUT=$1
	shift
	LABELS=()
	KERNELS=()
	while [ $# -gt 0 ]; do
		LABELS+=("$1")
		KERNELS+=("$2")
		shift 2
	done
	REPS=${REPS:-$reps}
	NCPUS=${NCPUS:-2}
	# shellcheck disable=SC2034 # the runners use SECS
	SECS=${BENCH_SECONDS:-3}
	MEM=${MEM:-512M}
	for v in REPS NCPUS SECS; do
		[[ ${!v} =~ ^[1-9][0-9]*$ ]] || die "$v must be a positive integer, not '${!v}'."
	done
	[ "$NCPUS" -le 64 ] || die "NCPUS=$NCPUS: UML has at most 64 virtual CPUs (NR_CPUS=64)."
	for k in "${KERNELS[@]}"; do
		[ -x "$k" ] || die "no UML kernel at $k." "$hint"
	done
	[ "${LABELS[0]}" != "${LABELS[-1]}" ] || [ ${#LABELS[@]} -eq 1 ] ||
		die "the two labels are the same ('${LABELS[0]}')."
	command -v timeout >/dev/null || die "timeout (coreutils) is not installed."
}

# thread_cells: the number of thread counts a boot runs (for its timeout):
# BENCH_THREADS's list, or the programs' rule: 1..8, then powers of two,
# then NCPUS.
thread_cells() {
	local t=1 last=0 cells=0 list
	if [ -n "${BENCH_THREADS:-}" ]; then
		IFS=', ' read -r -a list <<<"$BENCH_THREADS"
		echo "${#list[@]}"
		return
	fi
	while [ "$t" -le "$NCPUS" ]; do
		cells=$((cells + 1))
		last=$t
		if [ "$t" -lt 8 ]; then t=$((t + 1)); else t=$((t * 2)); fi
	done
	[ "$last" -eq "$NCPUS" ] || cells=$((cells + 1))
	echo "$cells"
}

# Pin the threads of the UML process started by timeout(1) (pid $1), one per
# host CPU, once it has NCPUS of them; a line per thread in $2.
pin_vcpus() {
	local tpid=$1 log=$2 upid='' hosts tid i=0 try
	local -a tids=()
	hosts=$(nproc)
	for try in $(seq 1 300); do
		upid=$(awk '{ print $1 }' "/proc/$tpid/task/$tpid/children" 2>/dev/null || true)
		if [ -n "$upid" ] && [ -d "/proc/$upid/task" ]; then
			mapfile -t tids < <(find "/proc/$upid/task" -mindepth 1 -maxdepth 1 -printf '%f\n' 2>/dev/null | sort -n)
			[ "${#tids[@]}" -lt "$NCPUS" ] || break
		fi
		sleep 0.1
	done
	if [ "${#tids[@]}" -lt "$NCPUS" ]; then
		echo "not pinned: found ${#tids[@]} of $NCPUS threads after $try tries" >"$log"
		return 0
	fi
	: >"$log"
	for tid in "${tids[@]}"; do
		taskset -pc $((i % hosts)) "$tid" >>"$log" 2>&1 || echo "thread $tid: taskset failed" >>"$log"
		i=$((i + 1))
	done
}

# uml_boot RUN LINUX ARG...: one boot of LINUX into the folder RUN (command,
# console.log, cpu-time, pin.txt with PIN=1, boot.status); sets rc, elapsed
# and cpu. TIMEOUT and PIN (0 or 1) are the runner's.
uml_boot() {
	local run=$1 kernel=$2 start tpid ppid
	shift 2
	printf '%s\n' "$kernel $*" >"$run/command"
	start=$(date +%s.%N)
	rc=0
	# bash's time keyword: the UML process's host CPU time (all its threads).
	local TIMEFORMAT='%U %S'
	if [ "$PIN" = 0 ]; then
		{ time timeout "$TIMEOUT" "$kernel" "$@" \
			</dev/null >"$run/console.log" 2>&1 || rc=$?; } 2>"$run/cpu-time"
	else
		{ time {
			timeout "$TIMEOUT" "$kernel" "$@" \
				</dev/null >"$run/console.log" 2>&1 &
			tpid=$!
			pin_vcpus "$tpid" "$run/pin.txt" &
			ppid=$!
			wait "$tpid" || rc=$?
			wait "$ppid" || true
		}; } 2>"$run/cpu-time"
	fi
	elapsed=$(echo "$start $(date +%s.%N)" | awk '{printf "%.1f", $2 - $1}')
	cpu=$(awk '{printf "%.1f", $1 + $2}' "$run/cpu-time")
	echo "$rc $elapsed uml $NCPUS $cpu" >"$run/boot.status"
}

# uml_exit_verdict: the verdict from rc alone ("ok" when it is 0).
uml_exit_verdict() {
	if [ "$rc" -eq 124 ]; then
		echo "timed out after ${TIMEOUT}s"
	elif [ "$rc" -ne 0 ]; then
		echo "UML exited with $rc"
	else
		echo ok
	fi
}

# uml_kernel_warning CONSOLE: the verdict for the first kernel warning in
# CONSOLE; fails when there is none.
uml_kernel_warning() {
	grep -qE 'WARNING:|BUG:|Kernel panic|Oops' "$1" || return 1
	echo "kernel warning: $(grep -m1 -E 'WARNING:|BUG:|Kernel panic|Oops' "$1")"
}

# uml_record LABEL I VERDICT: the boot's line in OUT/runs.txt and on stdout;
# fail=1 unless VERDICT is ok.
uml_record() {
	[ "$3" = ok ] || fail=1
	printf '%s %s: %s (%ss, %s CPU-s)\n' "$1" "$2" "$3" "$elapsed" "$cpu" |
		tee -a "$OUT/runs.txt"
}

# uml_runs_begin, uml_runs_end: OUT, OUT/runs.txt and OUT/load.txt around the
# boots; uml_runs_end fails the run when a boot did.
uml_runs_begin() {
	mkdir -p "$OUT"
	: >"$OUT/runs.txt"
	echo "before: $(cut -d' ' -f1-3 /proc/loadavg)" >"$OUT/load.txt"
	fail=0
}

uml_runs_end() {
	echo "after: $(cut -d' ' -f1-3 /proc/loadavg)" >>"$OUT/load.txt"
	[ "$fail" -eq 0 ] || die "some boots failed (above; each boot's console.log is in $OUT)."
}
