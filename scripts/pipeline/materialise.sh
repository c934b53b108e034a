#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Materialise linux/ as a git repository: the pinned base as its first commit
# (tagged "base"), and the series from patches/series applied with git am on
# the branch "pageref" (or only the base, with SERIES=none, on "baseline").
#
#   scripts/pipeline/materialise.sh                  base + series (default)
#   SERIES=none scripts/pipeline/materialise.sh      base only (for A/B baselines)
#   LINUX_SRC=/path/to/your/linux           a clone of your kernel tree: linux/
#     LINUX_BASE_REF=v7.3.4                 becomes a clone of it (real history;
#                                           its objects hardlinked when they can
#                                           be), tag base at LINUX_BASE_REF (the
#                                           mails' base-commit:), origin = yours.
#                                           Default ref: patches/' base-commit:
#                                           if your clone has it, else v$VERSION
#   LINUX_SRC=/path/to/linux.tar.xz         a tarball: a base commit without
#                                           history, as with Debian's package
#   LINUX=/path scripts/pipeline/materialise.sh      materialise somewhere else
#   PATCHES_DIR=/path                       apply that copy of patches/ (tests)
#   LINUX_SPARSE=1                          check out only the files the series
#                                           touches (tests: git am works, a
#                                           build does not)
#
# git config pageref.base in linux/ records what the base is: "debian",
# "tarball NAME" or "upstream REF" (scripts/mail/series.sh, send.sh, rebase.sh).
#
# It never overwrites work in an existing linux/: uncommitted changes, or a
# branch that disagrees with patches/, stop it with a message saying what to do.
set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/../lib.sh"

SERIES=${SERIES:-patches}
PATCHES_DIR=${PATCHES_DIR:-$ROOT/patches}
LINUX_BASE_REF=${LINUX_BASE_REF:-${LINUX_REV:-}}
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

# The base commit leaves some 90000 loose objects, which trips git's automatic
# gc on the next commit. git 2.47 runs it detached, in the background, where it
# holds HEAD.lock while our next git command needs it ("cannot lock ref 'HEAD'",
# a CI failure). linux/ is a work tree these scripts drive: no automatic gc in
# it, and any gc a user's config asks for runs in the foreground. Run git gc
# there yourself if you want the objects packed.
no_background_gc() {
	git config gc.auto 0
	git config gc.autoDetach false
	git config maintenance.auto false
	git config maintenance.autoDetach false
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
		if [ -n "${LINUX_SRC:-}" ]; then
			git config pageref.base "tarball $(basename "$LINUX_SRC")"
		else
			git config pageref.base debian
		fi
		# Keep the changelog notes on commits through rebase and amend.
		git config notes.rewriteRef refs/notes/commits
		no_background_gc
		git add -A -f . >/dev/null
		git commit -q -m "Linux $(pin VERSION) (pinned base, see base.pin)"
		git tag base
	)
	mv "$tmp" "$LINUX"
	trap - EXIT
	log "base commit: $(git -C "$LINUX" rev-parse base)"
}

# The files the patches touch (for LINUX_SPARSE=1).
touched_by_patches() {
	local p
	while read -r p; do
		case "$p" in '' | '#'*) continue ;; esac
		sed -n 's|^diff --git a/\(.*\) b/\(.*\)$|\1\n\2|p' "$PATCHES_DIR/$p"
	done <"$PATCHES_DIR/series" | sort -u
}

# linux/ as a clone of your kernel tree, with its history: the series goes on
# LINUX_BASE_REF, which is the mails' base-commit:.
create_clone() {
	local src=$LINUX_SRC rev=$LINUX_BASE_REF sha
	# Default: the base-commit: that patches/ was exported with (after a
	# make rebase), when your clone has it; else the pinned version's tag.
	if [ -z "$rev" ]; then
		rev=$(sed -n 's/^base-commit: \([0-9a-f]\{40\}\)$/\1/p' "$PATCHES_DIR/0000-cover-letter.patch" 2>/dev/null | head -n 1)
		if [ -z "$rev" ] || ! git -C "$src" cat-file -e "$rev^{commit}" 2>/dev/null; then
			rev=v$(pin VERSION)
		fi
	fi
	sha=$(git -C "$src" rev-parse --verify -q "$rev^{commit}") ||
		die "your clone $src has no $rev." \
			"Fetch it there (git fetch --tags, or the branch), or set LINUX_BASE_REF= to the base commit."
	tmp=$LINUX.tmp.$$
	rm -rf "$tmp"
	trap 'rm -rf "$tmp"' EXIT
	log "Cloning your tree $src (base $rev = ${sha:0:12})"
	git clone -q --no-checkout "$src" "$tmp" ||
		die "git clone of $src failed."
	(
		cd "$tmp"
		git config core.autocrlf false
		git config notes.rewriteRef refs/notes/commits
		git config pageref.base "upstream $rev"
		no_background_gc
		git tag -f base "$sha" >/dev/null
		# The clone's one local branch is a copy of whatever your tree had
		# checked out (it may even be called pageref): HEAD goes to the
		# base instead, and that copy goes (origin/ keeps it).
		local b
		b=$(git symbolic-ref -q --short HEAD || true)
		git update-ref --no-deref HEAD "$sha"
		[ -z "$b" ] || git branch -q -D "$b"
		if [ "${LINUX_SPARSE:-0}" = 1 ]; then
			git config core.sparseCheckout true
			# .gitattributes too: format-patch reads its diff drivers
			# (the hunk headers of the mails) from the work tree.
			{ touched_by_patches | sed 's|^|/|'; echo .gitattributes; } >"$(git rev-parse --git-path info/sparse-checkout)"
		fi
	)
	git -C "$tmp" cat-file -e "base:include/linux/page_ref.h" 2>/dev/null ||
		die "$rev of $src does not look like a kernel tree (no include/linux/page_ref.h)."
	local v
	v=$(git -C "$tmp" show base:Makefile | awk -F' = ' '$1 == "VERSION" { v = $2 } $1 == "PATCHLEVEL" { p = $2 }
		$1 == "SUBLEVEL" { s = $2 } END { printf "%s.%s%s", v, p, (s != "" && s != "0") ? "." s : "" }')
	[ "$v" = "$(pin VERSION)" ] || log "the base is $v (base.pin: $(pin VERSION))"
	mv "$tmp" "$LINUX"
	trap - EXIT
	log "base commit: $sha ($rev of $src)"
}

apply_series() {
	local branch=$1
	git -C "$LINUX" checkout -q -B "$branch" base
	[ "$branch" = baseline ] && return
	local p n=0
	while read -r p; do
		case "$p" in '' | '#'*) continue ;; esac
		[ -f "$PATCHES_DIR/$p" ] || die "patches/series lists $p, which does not exist."
		if ! git -C "$LINUX" am -q --keep-cr "$PATCHES_DIR/$p" >"$OUTDIR/logs/git-am.log" 2>&1; then
			cat "$OUTDIR/logs/git-am.log" >&2
			git -C "$LINUX" am --abort >/dev/null 2>&1 || true
			# Only a patch whose hunks do not fit is the patch's fault; say
			# what git am said for anything else (identity, disk, a lock).
			if grep -qE '^error: (patch failed|.*: (patch does not apply|does not exist in index|already exists in (index|working directory)))|^error: corrupt patch|^Patch failed at|^fatal: corrupt patch' \
				"$OUTDIR/logs/git-am.log"; then
				die "patch $p does not apply on the base." \
					"Nothing was lost: linux/ is left at the last patch that applied." \
					"Fix the patch in patches/ (or rebase it in linux/ and run: make export)."
			fi
			die "git am stopped at $p, and not because the patch does not apply:" \
				"$(grep -E '^(fatal|error):' "$OUTDIR/logs/git-am.log" | head -n 3)" \
				"Nothing was lost: linux/ is left at the last patch that applied." \
				"Full output: $OUTDIR/logs/git-am.log"
		fi
		# The per-version changelog travels under the "---" of each mail,
		# where git am drops it; keep it as a git note on the commit, so
		# that export writes it back (format-patch --notes).
		notes=$(python3 "$ROOT/scripts/mail/mail-notes.py" "$PATCHES_DIR/$p")
		[ -z "$notes" ] || git -C "$LINUX" notes add -f -m "$notes" HEAD
		n=$((n + 1))
	done <"$PATCHES_DIR/series"
	log "applied $n patch(es) from patches/series on branch $branch"
}

if [ ! -e "$LINUX" ]; then
	if [ -n "${LINUX_SRC:-}" ] && [ ! -f "$LINUX_SRC" ]; then
		git -C "$LINUX_SRC" rev-parse --git-dir >/dev/null 2>&1 ||
			die "LINUX_SRC=$LINUX_SRC is neither a git clone nor a tarball."
		create_clone
	else
		create_repo
	fi
else
	git -C "$LINUX" rev-parse --verify -q base >/dev/null ||
		die "$LINUX exists but is not a materialised tree (no tag 'base')." \
			"Move it away, or point LINUX= elsewhere."
	[ -z "$(git -C "$LINUX" status --porcelain --untracked-files=no)" ] ||
		die "$LINUX has uncommitted changes; refusing to touch it." \
			"Commit them (git -C linux commit) and run: make export, or stash them."
	# A linux/ made before no_background_gc existed gets it too.
	(cd "$LINUX" && no_background_gc)
fi

if [ "$SERIES" = none ]; then
	apply_series baseline
	exit 0
fi

# An existing pageref branch that agrees with patches/ is left alone; one
# that does not is the user's work: never overwrite it.
if git -C "$LINUX" rev-parse --verify -q pageref >/dev/null; then
	if "$ROOT/scripts/mail/export.sh" --check >/dev/null 2>&1; then
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
			"What differs:                        scripts/mail/export.sh --check"
	fi
fi
apply_series pageref
