#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Materialise linux/ as a git repository: the pinned base as its first commit
# (tagged "base"), and the series from patches/series applied with git am on
# the branch "pageref" (or only the base, with SERIES=none, on "baseline").
#
#   scripts/materialise.sh                  base + series (default)
#   SERIES=none scripts/materialise.sh      base only (for A/B baselines)
#   LINUX_SRC=/path/to/linux.git|tarball    use your own mainline tree instead
#                                           of Debian's linux-source package
#   LINUX=/path scripts/materialise.sh      materialise somewhere else
#
# It never overwrites work in an existing linux/: uncommitted changes, or a
# branch that disagrees with patches/, stop it with a message saying what to do.
set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"

SERIES=${SERIES:-patches}
CACHE=$OUTDIR/cache
mkdir -p "$CACHE" "$OUTDIR/logs"

# Fixed identity and dates make the base commit's hash depend only on the tree,
# so every materialised linux/ has the same base-commit for format-patch --base.
base_commit_env() {
	export GIT_AUTHOR_NAME="Linux base" GIT_AUTHOR_EMAIL="base@localhost"
	export GIT_COMMITTER_NAME="Linux base" GIT_COMMITTER_EMAIL="base@localhost"
	export GIT_AUTHOR_DATE="2026-01-01T00:00:00Z" GIT_COMMITTER_DATE="2026-01-01T00:00:00Z"
}

fetch_deb() {
	local deb want got
	deb=$CACHE/$(basename "$(pin DEB_FILENAME)")
	want=$(pin DEB_SHA256)
	if [ ! -f "$deb" ]; then
		local url
		url="$(pin DEB_MIRROR)/$(pin DEB_FILENAME)"
		log "Downloading $(pin DEB_PACKAGE) $(pin DEB_VERSION) (~167 MB) from $url"
		curl -fL --retry 3 --progress-bar -o "$deb.part" "$url" ||
			die "download of $url failed." \
				"Check the network, or set LINUX_SRC= to a local mainline clone or tarball."
		mv "$deb.part" "$deb"
	fi
	got=$(sha256sum "$deb" | awk '{print $1}')
	if [ "$got" != "$want" ]; then
		die "checksum mismatch for $deb" "expected (base.pin DEB_SHA256): $want" "got:      $got" \
			"The file is left in place for inspection; delete it to download again."
	fi
	printf '%s\n' "$deb"
}

# Unpack the base into the (new, empty) directory $1.
unpack_base() {
	local dest=$1 src=${LINUX_SRC:-}
	if [ -z "$src" ]; then
		local deb
		deb=$(fetch_deb)
		log "Unpacking $(pin TARBALL) from $(basename "$deb")"
		dpkg-deb --fsys-tarfile "$deb" | tar -xO "./$(pin TARBALL)" |
			tar -xJ -C "$dest" --strip-components=1 ||
			die "could not unpack $(pin TARBALL) from $deb." "Is the .deb complete? Delete it and retry."
	elif [ -d "$src/.git" ] || git -C "$src" rev-parse --git-dir >/dev/null 2>&1; then
		local rev=${LINUX_REV:-v$(pin VERSION)}
		log "Exporting $rev from your clone $src"
		git -C "$src" rev-parse --verify -q "$rev^{commit}" >/dev/null ||
			die "$src has no $rev." "Fetch the tag (git fetch --tags) or set LINUX_REV= to the base commit."
		git -C "$src" archive --format=tar "$rev" | tar -x -C "$dest"
	elif [ -f "$src" ]; then
		log "Unpacking your tarball $src"
		tar -xf "$src" -C "$dest" --strip-components=1 || die "could not unpack $src."
	else
		die "LINUX_SRC=$src is neither a git clone nor a tarball."
	fi
	{ [ -f "$dest/Makefile" ] && [ -f "$dest/include/linux/page_ref.h" ]; } ||
		die "the unpacked base does not look like a kernel tree (no include/linux/page_ref.h)."
	local v
	v=$(make -s -C "$dest" kernelversion 2>/dev/null || true)
	[ "$v" = "$(pin VERSION)" ] || warn "the base says it is $v, base.pin says $(pin VERSION)."
}

create_repo() {
	# Global, not local: the EXIT trap runs after this function returned.
	tmp=$LINUX.tmp.$$
	rm -rf "$tmp"
	mkdir -p "$tmp"
	trap 'rm -rf "$tmp"' EXIT
	unpack_base "$tmp"
	# Debian's tarball ends its top-level .gitignore with a stanza that
	# ignores everything ("/*"); drop it, or new files silently stay out of git.
	if grep -q '^/\*$' "$tmp/.gitignore"; then
		local n
		n=$(grep -n '^# Debian packaging' "$tmp/.gitignore" | head -n 1 | cut -d: -f1)
		[ -n "$n" ] || die "the base's .gitignore ignores everything, with no Debian stanza to drop."
		# The stanza starts with a bare "#" line just above its title.
		[ "$(sed -n "$((n - 1))p" "$tmp/.gitignore")" = "#" ] && n=$((n - 1))
		sed -i "$n,\$d" "$tmp/.gitignore"
		if grep -q '^/\*$' "$tmp/.gitignore"; then
			die "could not drop the Debian stanza from .gitignore."
		fi
	fi
	log "Creating the base commit (about a minute)"
	(
		cd "$tmp"
		base_commit_env
		git init -q -b base-tree
		git config core.autocrlf false
		# Keep the changelog notes on commits through rebase and amend.
		git config notes.rewriteRef refs/notes/commits
		git add -A -f . >/dev/null
		git commit -q -m "Linux $(pin VERSION) (pinned base, see base.pin)"
		git tag base
	)
	mv "$tmp" "$LINUX"
	trap - EXIT
	log "base commit: $(git -C "$LINUX" rev-parse base)"
}

apply_series() {
	local branch=$1
	git -C "$LINUX" checkout -q -B "$branch" base
	[ "$branch" = baseline ] && return
	local p n=0
	while read -r p; do
		case "$p" in '' | '#'*) continue ;; esac
		[ -f "$ROOT/patches/$p" ] || die "patches/series lists $p, which does not exist."
		if ! git -C "$LINUX" am -q --keep-cr "$ROOT/patches/$p" >"$OUTDIR/logs/git-am.log" 2>&1; then
			cat "$OUTDIR/logs/git-am.log" >&2
			git -C "$LINUX" am --abort >/dev/null 2>&1 || true
			die "patch $p does not apply on the pinned base." \
				"Nothing was lost: linux/ is left at the last patch that applied." \
				"Fix the patch in patches/ (or rebase it in linux/ and run: make export)."
		fi
		# The per-version changelog travels under the "---" of each mail,
		# where git am drops it; keep it as a git note on the commit, so
		# that export writes it back (format-patch --notes).
		notes=$(python3 "$ROOT/scripts/mail-notes.py" "$ROOT/patches/$p")
		[ -z "$notes" ] || git -C "$LINUX" notes add -f -m "$notes" HEAD
		n=$((n + 1))
	done <"$ROOT/patches/series"
	log "applied $n patch(es) from patches/series on branch $branch"
}

if [ ! -e "$LINUX" ]; then
	create_repo
else
	git -C "$LINUX" rev-parse --verify -q base >/dev/null ||
		die "$LINUX exists but is not a materialised tree (no tag 'base')." \
			"Move it away, or point LINUX= elsewhere."
	[ -z "$(git -C "$LINUX" status --porcelain --untracked-files=no)" ] ||
		die "$LINUX has uncommitted changes; refusing to touch it." \
			"Commit them (git -C linux commit) and run: make export, or stash them."
fi

if [ "$SERIES" = none ]; then
	apply_series baseline
	exit 0
fi

# An existing pageref branch that agrees with patches/ is left alone; one
# that does not is the user's work: never overwrite it.
if git -C "$LINUX" rev-parse --verify -q pageref >/dev/null; then
	if "$ROOT/scripts/export.sh" --check >/dev/null 2>&1; then
		git -C "$LINUX" checkout -q pageref
		log "linux/ is up to date with patches/ (branch pageref)"
		exit 0
	fi
	if [ "${REAPPLY:-0}" = 1 ]; then
		local_backup=pageref-backup-$(date +%Y%m%d-%H%M%S)
		git -C "$LINUX" branch -f "$local_backup" pageref
		log "kept the old branch as $local_backup"
	else
		die "linux/ (branch pageref) and patches/ disagree; refusing to overwrite either." \
			"If linux/ holds your newer work:    make export" \
			"If patches/ is newer (e.g. git pull): make reapply (keeps the old branch as a backup)" \
			"What differs:                        scripts/export.sh --check"
	fi
fi
apply_series pageref
