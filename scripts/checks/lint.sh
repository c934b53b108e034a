#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Static checks of the project's own code: shell, Python, host Rust.
set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/../lib.sh"

need shellcheck "Run: scripts/pipeline/setup.sh"
mapfile -t shells < <(cd "$ROOT" && git ls-files -co --exclude-standard '*.sh' .ci/run 'selftests/wide/*' 'selftests/ksft/*')
(cd "$ROOT" && shellcheck -x "${shells[@]}")
log "shellcheck: ${#shells[@]} scripts clean"
mapfile -t pys < <(cd "$ROOT" && git ls-files -co --exclude-standard '*.py')
(cd "$ROOT" && python3 -m py_compile "${pys[@]}")
log "python: ${#pys[@]} files compile"
if [ -f "$ROOT/rust-bindings/Cargo.toml" ]; then
	(cd "$ROOT/rust-bindings" && cargo fmt --all --check && cargo clippy -q --all-targets -- -D warnings)
	log "rust-bindings: cargo fmt and clippy clean"
fi
for crate in "$ROOT"/selftests/rust/*/Cargo.toml; do
	[ -f "$crate" ] || continue
	(cd "$(dirname "$crate")" && cargo fmt --check &&
		cargo clippy -q --locked --target-dir "$OUTDIR/selftests/cargo-target" --all-targets -- -D warnings)
	log "$(basename "$(dirname "$crate")"): cargo fmt and clippy clean"
done
