#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Install everything the project needs, idempotently, then check that each
# tool is the version the kernel asks for. Safe to run again at any time:
# it only installs what is missing.
#
#   scripts/pipeline/setup.sh            host packages, Rust pieces, virtme-ng, herd7
#   scripts/pipeline/setup.sh --check    only verify; install nothing
set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/../lib.sh"

BINDGEN_VERSION=0.73.2
VIRTME_NG_VERSION=1.42
# The SMTP sink of scripts/mail/roundtrip.sh (scripts/mail/smtp-sink.py).
AIOSMTPD_VERSION=1.4.6
# checkpatch.pl's SPDX check (scripts/spdxcheck.py) needs ply and GitPython.
PLY_VERSION=3.11
GITPYTHON_VERSION=3.1.45
# b4: scripts/mail/roundtrip.sh applies the mails with b4 am; Documentation/submitting.md.
B4_VERSION=0.16.0
CHECK_ONLY=0
[ "${1:-}" = --check ] && CHECK_ONLY=1

DEB_PKGS=(
	"clang$LLVM_SUFFIX" "lld$LLVM_SUFFIX" "llvm$LLVM_SUFFIX" "libclang$LLVM_SUFFIX-dev"
	qemu-system-x86 busybox-static udev
	make gcc flex bison bc libelf-dev libssl-dev cpio xz-utils zstd ccache
	git git-email quilt perl python3 python3-venv shellcheck curl ca-certificates
	kmod rsync
	# the kernel's mm selftests (make check-wide builds them on the host);
	# ndctl for mm_extras' device-dax case (the guest runs the host's root)
	libcap-dev libnuma-dev liburing-dev xfsprogs ndctl
	# selftests/c/dio_pin_bound.c: the FAT image its guest run mounts
	dosfstools
)

missing_debs() {
	local p
	for p in "${DEB_PKGS[@]}"; do
		dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q 'install ok installed' ||
			printf '%s\n' "$p"
	done
}

install_debs() {
	local miss
	mapfile -t miss < <(missing_debs)
	[ ${#miss[@]} -eq 0 ] && { log "Debian packages: all present"; return; }
	[ "$CHECK_ONLY" = 1 ] && die "missing Debian packages: ${miss[*]}" "Run: scripts/pipeline/setup.sh"
	[ "$(id -u)" = 0 ] || die "missing Debian packages: ${miss[*]}" \
		"Run as root, or: sudo apt-get install ${miss[*]}"
	log "Installing Debian packages: ${miss[*]}"
	with_progress "apt-get update" "$OUTDIR/logs/apt-update.log" apt-get update
	with_progress "apt-get install" "$OUTDIR/logs/apt-install.log" \
		env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${miss[@]}"
}

install_rust() {
	need rustup "Install Rust with rustup (https://rustup.rs); the kernel needs rustc >= 1.85."
	if ! rustup component list --installed 2>/dev/null | grep -q '^rust-src'; then
		[ "$CHECK_ONLY" = 1 ] && die "rust-src is not installed." "Run: rustup component add rust-src"
		with_progress "rustup component add rust-src" "$OUTDIR/logs/rust-src.log" \
			rustup component add rust-src
	fi
	local have=""
	command -v bindgen >/dev/null 2>&1 && have=$(bindgen --version | awk '{print $2}')
	if [ "$have" != "$BINDGEN_VERSION" ]; then
		[ "$CHECK_ONLY" = 1 ] && die "bindgen $BINDGEN_VERSION is not installed (found '${have:-none}')." \
			"Run: cargo install bindgen-cli --version $BINDGEN_VERSION --locked"
		with_progress "cargo install bindgen-cli $BINDGEN_VERSION (a few minutes)" \
			"$OUTDIR/logs/bindgen.log" \
			cargo install bindgen-cli --version "$BINDGEN_VERSION" --locked
	fi
}

install_vng() {
	if [ ! -x "$ROOT/.venv/bin/vng" ] ||
		[ "$("$ROOT/.venv/bin/python" -c 'import importlib.metadata as m; print(m.version("virtme-ng"), m.version("aiosmtpd"), m.version("ply"), m.version("GitPython"), m.version("b4"))' 2>/dev/null)" != "$VIRTME_NG_VERSION $AIOSMTPD_VERSION $PLY_VERSION $GITPYTHON_VERSION $B4_VERSION" ]; then
		[ "$CHECK_ONLY" = 1 ] && die "virtme-ng $VIRTME_NG_VERSION, aiosmtpd $AIOSMTPD_VERSION, ply, GitPython or b4 $B4_VERSION is not in .venv." "Run: scripts/pipeline/setup.sh"
		python3 -m venv "$ROOT/.venv" || die "python3 -m venv failed." "Install python3-venv."
		with_progress "pip install virtme-ng, aiosmtpd, ply, GitPython, b4 into .venv" "$OUTDIR/logs/pip.log" \
			"$ROOT/.venv/bin/pip" install --disable-pip-version-check "virtme-ng==$VIRTME_NG_VERSION" \
			"aiosmtpd==$AIOSMTPD_VERSION" "ply==$PLY_VERSION" "GitPython==$GITPYTHON_VERSION" "b4==$B4_VERSION"
	fi
}

# herd7 (the LKMM checker) is packaged only for newer Debian. Unpack sid's
# herdtools7 and sid's libc6 into out/tools, and start herd7 through that
# libc's dynamic loader. The wrapper lands in out/tools/bin/herd7.
install_herd() {
	local dir=$OUTDIR/tools/herd wrap=$OUTDIR/tools/bin/herd7
	if [ -x "$wrap" ] && "$wrap" -version >/dev/null 2>&1; then
		return
	fi
	[ "$CHECK_ONLY" = 1 ] && die "herd7 is not set up." "Run: scripts/pipeline/setup.sh"
	rm -rf "$dir"
	mkdir -p "$dir/lists/partial" "$dir/debs" "$OUTDIR/tools/bin"
	cat >"$dir/sources.list" <<-SRC
		deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian sid main
	SRC
	local o=(-o "Dir::Etc::SourceList=$dir/sources.list" -o Dir::Etc::SourceParts=/dev/null
		-o "Dir::State::Lists=$dir/lists" -o "Dir::Cache::archives=$dir/debs")
	with_progress "apt-get update (sid index, for herdtools7)" "$OUTDIR/logs/herd-update.log" \
		apt-get "${o[@]}" update
	(cd "$dir/debs" && apt-get "${o[@]}" download herdtools7 libc6) >"$OUTDIR/logs/herd-download.log" 2>&1 ||
		die "could not download herdtools7/libc6 from sid." "See $OUTDIR/logs/herd-download.log"
	local deb
	for deb in "$dir"/debs/*.deb; do dpkg-deb -x "$deb" "$dir/root"; done
	local ld libdir catdir
	ld=$(find "$dir/root" -name 'ld-linux-x86-64.so.2' | head -n 1)
	libdir=$(dirname "$(find "$dir/root" -name 'libc.so.6' | head -n 1)")
	catdir=$(dirname "$(find "$dir/root" -name stdlib.cat | head -n 1)")
	{ [ -n "$ld" ] && [ -x "$dir/root/usr/bin/herd7" ] && [ "$catdir" != . ]; } ||
		die "the unpacked herdtools7/libc6 lack herd7, ld-linux or stdlib.cat." "See $dir/root"
	cat >"$wrap" <<-WRAP
		#!/bin/sh
		# Generated by scripts/pipeline/setup.sh: sid's herd7 started through sid's libc.
		exec "$ld" --library-path "$libdir" "$dir/root/usr/bin/herd7" -set-libdir "$catdir" "\$@"
	WRAP
	chmod +x "$wrap"
	"$wrap" -version >/dev/null 2>&1 || die "herd7 does not start through sid's libc." \
		"Try by hand: $wrap -version"
	log "herd7: $("$wrap" -version 2>&1 | head -n 1)"
}

verify() {
	local rv
	rv=$(rustc --version | awk '{print $2}')
	log "rustc $rv, bindgen $(bindgen --version | awk '{print $2}'), clang $("clang$LLVM_SUFFIX" --version | sed -n 's/.*version \([0-9.]*\).*/\1/p' | head -n1), qemu $(qemu-system-x86_64 --version | sed -n 's/.*version \([^ ]*\).*/\1/p'), vng $(vng --version 2>/dev/null | awk '{print $NF}')"
	if [ -f "$LINUX/Makefile" ]; then
		local out
		out=$(make -s -C "$LINUX" LLVM="$LLVM_SUFFIX" rustavailable 2>&1) ||
			die "the kernel says Rust is not available:" "$out"
		log "kernel: $out"
	fi
}

mkdir -p "$OUTDIR/logs"
install_debs
install_rust
install_vng
install_herd
verify
log "setup: OK"
