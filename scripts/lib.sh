# SPDX-License-Identifier: GPL-2.0
# Common helpers for the project's scripts. Source it; do not run it.
# shellcheck shell=bash

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
export ROOT
# Everything derived lives here (downloads, build folders, logs); git ignores it.
OUTDIR=${OUTDIR:-$ROOT/out}
export OUTDIR
LINUX=${LINUX:-$ROOT/linux}
export LINUX
LLVM_SUFFIX=${LLVM_SUFFIX:--19}
export LIBCLANG_PATH=${LIBCLANG_PATH:-/usr/lib/llvm${LLVM_SUFFIX}/lib}
# rustup keeps its toolchains under $HOME. A HOME without them (an empty or a
# fresh one, as in the check that runs without the user's files) uses those
# of the account's own home directory (/etc/passwd), where rustup put them.
# (rustup creates $HOME/.rustup, settings and all, whenever it runs: only
# an installed toolchain counts.)
if [ -z "${RUSTUP_HOME:-}" ] && ! compgen -G "$HOME/.rustup/toolchains/*" >/dev/null; then
	_home=$(getent passwd "$(id -u)" | cut -d: -f6)
	if [ -n "$_home" ] && compgen -G "$_home/.rustup/toolchains/*" >/dev/null; then
		export RUSTUP_HOME=$_home/.rustup CARGO_HOME=${CARGO_HOME:-$_home/.cargo}
	fi
fi
export PATH="$ROOT/.venv/bin:${CARGO_HOME:-$HOME/.cargo}/bin:$ROOT/out/tools/bin:$PATH"

# The project's own git commands (materialise, export, rebase, the checks)
# never read the user's global or system git configuration and never use the
# user's identity: a commit they make in linux/ (git am, the changelog notes)
# is the tooling's, and the mails they write depend only on the commits. Only
# the sender's steps (scripts/mail/series.sh, scripts/mail/send.sh) read the user's
# configuration, on purpose, through user_git. The first script of a run
# saves what the user had, so that nested scripts restore the same.
PAGEREF_GIT_VARS=(GIT_CONFIG_GLOBAL GIT_CONFIG_NOSYSTEM GIT_COMMITTER_NAME GIT_COMMITTER_EMAIL GIT_AUTHOR_NAME
	GIT_AUTHOR_EMAIL)
if [ -z "${PAGEREF_GIT_HERMETIC:-}" ]; then
	export PAGEREF_GIT_HERMETIC=1
	for _v in "${PAGEREF_GIT_VARS[@]}"; do
		if [ -n "${!_v+set}" ]; then export "PAGEREF_USER_$_v=${!_v}"; else export "PAGEREF_USER_$_v=@unset@"; fi
	done
fi
export GIT_CONFIG_GLOBAL=/dev/null GIT_CONFIG_NOSYSTEM=1
# git am takes each commit's author from its mail; this identity is the
# committer, and the author of the tooling's own commits (the notes).
export GIT_COMMITTER_NAME="pageref tooling" GIT_COMMITTER_EMAIL=tooling@pageref.invalid
export GIT_AUTHOR_NAME="pageref tooling" GIT_AUTHOR_EMAIL=tooling@pageref.invalid
# git with the user's own configuration and identity (the sender's steps).
user_git() {
	# env takes its -u options before any NAME=value.
	local v u unset=() set=()
	for v in "${PAGEREF_GIT_VARS[@]}"; do
		u=PAGEREF_USER_$v
		if [ "${!u}" = @unset@ ]; then unset+=(-u "$v"); else set+=("$v=${!u}"); fi
	done
	env "${unset[@]}" "${set[@]}" git "$@"
}

_t0=${_t0:-$(date +%s)}
export _t0

_stamp() { printf '[%4ds]' "$(($(date +%s) - _t0))"; }
log() { printf '%s %s\n' "$(_stamp)" "$*" >&2; }
warn() { printf '%s WARNING: %s\n' "$(_stamp)" "$*" >&2; }
die() {
	printf '%s ERROR: %s\n' "$(_stamp)" "$1" >&2
	shift
	local line
	for line in "$@"; do printf '        %s\n' "$line" >&2; done
	exit 1
}

need() {
	local tool=$1 hint=$2
	command -v "$tool" >/dev/null 2>&1 || die "$tool is not installed." "$hint"
}

# Read KEY=value pairs from the base pin file without evaluating it.
pin() {
	local key=$1 val
	val=$(sed -n "s/^$key=//p" "$ROOT/base.pin")
	[ -n "$val" ] || die "base.pin has no $key=." "Restore base.pin from git: git checkout base.pin"
	printf '%s\n' "$val"
}

# Run a long command and print a heartbeat with elapsed time every 60 s, so a
# slow step visibly makes progress. Output goes to a log file.
with_progress() {
	local what=$1 logf=$2
	shift 2
	log "$what (log: $logf)"
	"$@" >"$logf" 2>&1 &
	local pid=$! start
	start=$(date +%s)
	while kill -0 "$pid" 2>/dev/null; do
		sleep 5
		if kill -0 "$pid" 2>/dev/null && [ $((($(date +%s) - start) % 60)) -lt 5 ]; then
			log "  ... $what: $(($(date +%s) - start))s, last: $(tail -n 1 "$logf" | cut -c1-100)"
		fi
	done
	if ! wait "$pid"; then
		tail -n 40 "$logf" >&2
		die "$what failed after $(($(date +%s) - start))s." "Full log: $logf"
	fi
	log "$what done in $(($(date +%s) - start))s"
}

# The sender's identity, for the mails' From: and Signed-off-by:. SENDER_NAME
# and SENDER_EMAIL override git config user.name and user.email (as linux/
# sees them: its own config, then the global one). Sets SENDER_NAME,
# SENDER_EMAIL and SENDER ("Name <address>"), or dies, saying how to set a
# real one, for the project's placeholder, a reserved or local domain or a
# no-reply address: nobody signs off for anyone else.
sender_identity() {
	local cfg=(user_git)
	[ -d "$LINUX" ] && cfg=(user_git -C "$LINUX")
	SENDER_NAME=${SENDER_NAME:-$("${cfg[@]}" config user.name || true)}
	SENDER_EMAIL=${SENDER_EMAIL:-$("${cfg[@]}" config user.email || true)}
	local why
	if ! why=$(python3 "$ROOT/scripts/mail/identity.py" check "$SENDER_NAME" "$SENDER_EMAIL"); then
		die "the mails would go out from \"$SENDER_NAME <$SENDER_EMAIL>\": $why." \
			"Each mail carries your From: and your Signed-off-by: (the DCO), so it needs your real" \
			"name and address. Set them once:" \
			"    git config --global user.name \"Your Name\"" \
			"    git config --global user.email you@your.domain" \
			"or for one command: SENDER_NAME=\"Your Name\" SENDER_EMAIL=you@your.domain make series"
	fi
	SENDER="$SENDER_NAME <$SENDER_EMAIL>"
	export SENDER_NAME SENDER_EMAIL SENDER
}

# git send-email's options for the mails of one posting (scripts/mail/send.sh,
# and scripts/mail/roundtrip.sh, which sends through the same path): the
# recipients are the To: and Cc: that scripts/mail/series.sh wrote into each
# mail, and nothing else: not the sendemail.to/cc/bcc of a git config, not
# the To:/Cc: of the cover letter on every patch, not the sign-offs, trailers
# or authors of the body, no cc-cmd or header-cmd. The mails carry their own
# Message-ID, In-Reply-To and References (series.sh), so no threading.
# shellcheck disable=SC2034 # used by the scripts that source this file
SENDEMAIL_POSTING_OPTS=(--no-format-patch --8bit-encoding=UTF-8 --no-thread
	--no-to --no-cc --no-bcc --no-to-cover --no-cc-cover --no-header-cmd
	--suppress-cc=author --suppress-cc=self --suppress-cc=body --suppress-cc=cccmd)

# What linux/'s base is (git config pageref.base, set by materialise.sh):
# "upstream REF" (a commit of your kernel clone, with its history), "debian"
# (the pinned linux-source package, no history; also a tree made before
# this was recorded), or "tarball NAME".
base_kind() {
	local k
	k=$(git -C "$1" config --get pageref.base 2>/dev/null || true)
	printf '%s\n' "${k:-debian}"
}

# checkpatch.pl's options for linux/ ($1): --strict, and where the tree has
# no upstream history (Debian's base, a tarball) --ignore UNKNOWN_COMMIT_ID,
# since the commit a Fixes: tag names cannot be looked up there (only its
# form is checked). Sets the array CHECKPATCH_OPTS.
checkpatch_opts() {
	CHECKPATCH_OPTS=(--strict)
	case "$(base_kind "$1")" in
	upstream*) ;;
	*) CHECKPATCH_OPTS+=(--ignore UNKNOWN_COMMIT_ID) ;;
	esac
}

# The pinned Debian base, in words.
debian_base_words() {
	printf "Debian's %s %s (%s), that is mainline %s plus Debian's patches\n" \
		"$(pin DEB_PACKAGE)" "$(pin DEB_VERSION)" "$(pin DEB_SUITE)" "$(pin VERSION)"
}

# Build the host model benchmark (rust-bindings, criterion, release) and print
# the path of its executable. CARGO_BUILD_JOBS (default 1) limits the build.
host_bench_bin() {
	local artifacts bin
	need cargo "Run scripts/pipeline/setup.sh (or install Rust with rustup)."
	artifacts=$(cd "$ROOT/rust-bindings" && cargo bench --no-run --locked -j "${CARGO_BUILD_JOBS:-1}" \
		-p pageref-model --bench pageref-bench --message-format=json-render-diagnostics) ||
		die "building the host benchmark (pageref-bench) failed."
	bin=$(printf '%s\n' "$artifacts" | sed -n '/"name":"pageref-bench"/s/.*"executable":"\([^"]*\)".*/\1/p' | tail -n 1)
	[[ -n $bin && -x $bin ]] || die "cargo bench --no-run did not name the pageref-bench executable."
	printf '%s\n' "$bin"
}

# The guest programs of selftests/c and selftests/ksft that a kernel tree can
# run. A program that tests what a later patch adds says so in its header,
#   " * Requires: <path in the tree> <fixed string>" (C) or
#   "# Requires: <path in the tree> <fixed string>" (a script),
# and a tree that lacks that string neither runs it nor expects it. Prints
# the GUEST_FILTER glob that leaves out those programs and nothing else
# (guest programs from elsewhere, such as make check-wide's
# selftests/wide/, still run), writes the expected suites ($3, default
# config/expected-suites) less the programs left out to $2, and those, each
# with the reason, to $2.skipped ("name<TAB>reason").
guest_filter() { # tree expected-suites-out [expected-suites-in]
	local f req path str name skipped=()
	: >"$2.skipped"
	for f in "$ROOT"/selftests/c/*.c "$ROOT"/selftests/ksft/*; do
		name=$(basename "$f" .c)
		req=$(sed -n 's/^\( \*\|#\) Requires: //p' "$f" | head -n 1)
		if [ -n "$req" ]; then
			path=${req%% *}
			str=${req#* }
			if ! grep -qF -- "$str" "$1/$path" 2>/dev/null; then
				skipped+=("$name")
				printf '%s\tthe tree lacks what it tests (Requires: %s has "%s")\n' \
					"$name" "$path" "$str" >>"$2.skipped"
			fi
		fi
	done
	cp "${3:-$ROOT/config/expected-suites}" "$2"
	for name in "${skipped[@]}"; do
		sed -i "/^$name\([[:space:]]\|$\)/d" "$2"
	done
	if [ ${#skipped[@]} -eq 0 ]; then
		echo '*'
	else
		local IFS='|'
		echo "!(${skipped[*]})"
	fi
}
