# SPDX-License-Identifier: GPL-2.0
# One target per user action. `make help` lists them.
SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
ROOT := $(CURDIR)
LINUX ?= $(ROOT)/linux
export LINUX
# rustup keeps its toolchains under $$HOME. A HOME without them (an empty one,
# or one where rustup only created a .rustup with no toolchain,
# as in a run without the user's files) uses those of the account's own home
# directory, as scripts/lib.sh does for the scripts: cargo runs from recipes
# here too (make model).
ifeq ($(RUSTUP_HOME)$(wildcard $(HOME)/.rustup/toolchains/*),)
ACCOUNT_HOME := $(shell getent passwd "$$(id -u)" | cut -d: -f6)
ifneq ($(wildcard $(ACCOUNT_HOME)/.rustup/toolchains/*),)
export RUSTUP_HOME := $(ACCOUNT_HOME)/.rustup
export CARGO_HOME ?= $(ACCOUNT_HOME)/.cargo
export PATH := $(CARGO_HOME)/bin:$(PATH)
endif
endif

.DEFAULT_GOAL := help

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed 's/:.*## /\t/' | expand -t 16

setup: ## install what is missing (Debian packages, Rust pieces, virtme-ng, herd7)
	scripts/pipeline/setup.sh

linux: ## materialise linux/: pinned base + patches/series (git am)
	scripts/pipeline/materialise.sh

reapply: ## rebuild linux/'s branch from patches/ (old branch kept as a backup)
	REAPPLY=1 scripts/pipeline/materialise.sh

# build, selftests and boot only need a tree; they work on uncommitted edits
# in linux/ (make linux, which check and run call, refuses a dirty tree).
$(LINUX)/Makefile:
	scripts/pipeline/materialise.sh

export: ## regenerate patches/ from linux/ after editing there
	scripts/mail/export.sh

check-export: ## fail if patches/ and linux/ disagree
	scripts/mail/export.sh --check

check-identity: linux ## materialise and export with no git identity and with another user's (make check)
	scripts/mail/identity-check.sh

build: $(LINUX)/Makefile ## build the patched kernel (out/build/pageref)
	scripts/pipeline/build.sh pageref

selftests: $(LINUX)/Makefile ## build the guest test programs (out/selftests/bin)
	$(MAKE) -C selftests LINUX=$(LINUX) OUT=$(ROOT)/out/selftests

boot: selftests ## boot the built kernel, run KUnit and guest tests, print the summary
	scripts/pipeline/boot.sh pageref

run: setup linux build boot ## the main job: set up, apply, build, boot, test

baseline: setup ## build and boot the base without the series (out/build/baseline)
	scripts/pipeline/baseline.sh

base-fix-check: setup linux ## the HugeTLB fix (patch 1) alone: hugetlb_vmemmap fails on the base, passes with it (~25 min cold)
	scripts/pipeline/base-fix-check.sh

bisect-check: ## build and boot every patch of the series on its own (slow)
	scripts/checks/bisect-check.sh

prev-check: linux ## show that the new tests fail on the previous series (selftests/prev; ~20 min)
	scripts/checks/prev-check.sh

model: ## exhaustive loom model of the protocol (rust-bindings/)
	cd rust-bindings && cargo test --release --locked -j 1

model-deep: ## the loom model's key rows at deeper bounds (not in check; ~8 min on 2 shared cores)
	cd rust-bindings && PAGEREF_MODEL_DEEP=1 cargo test --release --locked -j 1 -- --test-threads=1 --nocapture

model-report: ## regenerate Documentation/model.md's verdict table and traces
	cd rust-bindings && cargo run --release --locked -j 1 -p pageref-model --bin model-report -- --doc ../Documentation/model.md

model-bench: ## host benchmark of get+put per scheme, 1..all CPUs (not in check)
	BENCH_RT_PRIO=1 scripts/bench/model-bench.sh --reps 21

checkpatch: linux ## checkpatch.pl --strict on every patch in patches/, and changelogs that stand alone
	scripts/mail/checkpatch.sh
	python3 scripts/mail/changelog-check.py --self-test
	python3 scripts/mail/changelog-check.py

litmus: ## LKMM litmus tests of the protocol, checked with herd7
	scripts/checks/litmus.sh --self-test
	scripts/checks/litmus.sh

bench: setup linux ## A/B guest benchmarks: baseline vs pageref, alternating boots; appends to Documentation/benchmarks.md
	scripts/bench/bench.sh

bench-uml: linux ## A/B in-kernel benchmark on real CPUs: UML kernels of base and series, alternating boots; appends to Documentation/benchmarks.md
	scripts/bench/uml-bench.sh

bench-uml-pread: linux ## A/B pread() of one cached file on real CPUs: UML kernels with an initramfs user space, alternating boots; appends to Documentation/benchmarks.md
	scripts/bench/uml-pread.sh

bench-gp-cost: linux ## A/B cost of v8's grace periods (HugeTLB HVO faults, pool growth, memory offline), x86_64 under TCG; appends to Documentation/benchmarks.md
	scripts/bench/gp-cost.sh

bench-bundle: linux ## tarball of the UML and host benchmarks for a bigger x86_64 machine (out/bundle/)
	scripts/bench/uml-bundle.sh

series: linux ## the vN mails in out/series/vN, one folder per posting (patches/postings): per-patch To/Cc from get_maintainer, checkpatch --strict
	scripts/mail/series.sh

rebase: ## re-apply the series on UPSTREAM=<ref> of your clone (git am -3), range-diff in out/rebase; then make check
	@[ -n "$(UPSTREAM)" ] || { echo "usage: make rebase UPSTREAM=<ref> (mm-new, mm-unstable, a tag or a commit of your clone)" >&2; exit 2; }
	scripts/mail/rebase.sh "$(UPSTREAM)"

send: ## git send-email the postings: dry run of all, or SEND=yes POSTING=<name> one at a time (needs make series + a passing make check)
	scripts/mail/send.sh

roundtrip: linux ## mail each posting through a local SMTP sink, git am (whitespace errors fatal), b4 am -v N and quilt it back, compare with linux/
	scripts/mail/roundtrip.sh

w1-check: linux ## compile every C file the series touches with W=1 (allyesconfig objects), fail on warnings
	scripts/checks/w1-check.sh

check-wide: linux ## A/B of base and series on the wide config (KASAN, lockdep, HVO, ...) with the kernel's mm selftests (slow; Documentation/wide-tests.md)
	scripts/wide/wide.sh

lint: ## shellcheck, Python syntax, Rust fmt/clippy of the host crates
	scripts/checks/lint.sh

kunit-uml: linux ## the page_ref KUnit suite with the kernel's kunit.py and its .kunitconfig, on UML with 2 CPUs (~3 min)
	scripts/checks/kunit-uml.sh

kunit-uml-rust: linux ## the Rust folio KUnit suite with kunit.py and rust/kernel/mm/.kunitconfig, on UML with 2 CPUs, LLVM (~10 min cold; not in check)
	scripts/checks/kunit-uml.sh rust

kunit-x86: linux ## the page_ref KUnit suite with kunit.py --arch=x86_64 (QEMU under TCG, 2 CPUs; not in check)
	scripts/checks/kunit-uml.sh x86_64

rust-lint: build ## the series' Rust bar: rustfmtcheck, clippy (SAFETY comments), rustdoc, no warnings
	scripts/checks/rust-lint.sh

rust-compile-fail: build ## the Rust API's compile-fail cases (selftests/rust/compile-fail) against the built kernel crate (seconds)
	scripts/checks/rust-compile-fail.sh

check-wide-resume: ## check-wide's resume logic on stand-in trees, without a build or a boot (seconds; make check)
	scripts/wide/wide-resume-test.sh

check-kunit-module: linux ## build with CONFIG_KUNIT=m beside the built-in Rust kernel crate: vmlinux must link (config/kunit-module.config; 20 min cold, not in check)
	scripts/checks/kunit-module.sh

codegen: linux ## generated code of folio_try_get()/folio_put() with and without the series (DEBUG_VM off)
	scripts/bench/codegen.sh

codegen-rust: build ## generated code of the Rust folio wrappers with and without RUST_DEBUG_ASSERTIONS
	scripts/bench/codegen-rust.sh

# The commit under test is taken before anything runs and recorded only if
# everything passed: make send refuses a series that make check did not pass.
CHECKED := $(shell git -C $(LINUX) rev-parse -q --verify pageref 2>/dev/null)
check: setup linux lint check-wide-resume check-export check-identity checkpatch model litmus roundtrip kunit-uml build rust-lint rust-compile-fail boot ## the whole test suite (CI runs this)
	@c=$$(git -C $(LINUX) rev-parse pageref); \
	if [ -n "$(CHECKED)" ] && [ "$$c" != "$(CHECKED)" ]; then \
		echo "make check: pageref moved from $(CHECKED) to $$c during the run; not recording it" >&2; exit 1; fi; \
	echo "$$c" > out/check-passed; echo "make check: everything passed for pageref $$c"

.PHONY: help setup linux reapply rebase export check-export check-identity build selftests boot run baseline base-fix-check bisect-check prev-check w1-check bench bench-uml bench-uml-pread bench-gp-cost bench-bundle series send roundtrip model model-deep model-report model-bench checkpatch litmus lint rust-lint kunit-uml kunit-uml-rust kunit-x86 check-kunit-module check-wide-resume codegen codegen-rust check
