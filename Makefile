# SPDX-License-Identifier: GPL-2.0
# One target per user action. `make help` lists them.
SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
ROOT := $(CURDIR)
LINUX ?= $(ROOT)/linux
export LINUX

.DEFAULT_GOAL := help

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed 's/:.*## /\t/' | expand -t 16

setup: ## install what is missing (Debian packages, Rust pieces, virtme-ng, herd7)
	scripts/setup.sh

linux: ## materialise linux/: pinned base + patches/series (git am)
	scripts/materialise.sh

reapply: ## rebuild linux/'s branch from patches/ (old branch kept as a backup)
	REAPPLY=1 scripts/materialise.sh

export: ## regenerate patches/ from linux/ after editing there
	scripts/export.sh

check-export: ## fail if patches/ and linux/ disagree
	scripts/export.sh --check

build: linux ## build the patched kernel (out/build/pageref)
	scripts/build.sh pageref

selftests: linux ## build the guest test programs (out/selftests/bin)
	$(MAKE) -C selftests LINUX=$(LINUX) OUT=$(ROOT)/out/selftests

boot: selftests ## boot the built kernel, run KUnit and guest tests, print the summary
	scripts/boot.sh pageref

run: setup build boot ## the main job: set up, apply, build, boot, test

baseline: setup ## build and boot the base without the series (out/build/baseline)
	scripts/baseline.sh

bisect-check: ## build and boot every patch of the series on its own (slow)
	scripts/bisect-check.sh

model: ## exhaustive loom model of the protocol (rust-bindings/)
	cd rust-bindings && cargo test --release --locked -j 1

model-report: ## regenerate Documentation/model.md's verdict table and traces
	cd rust-bindings && cargo run --release --locked -j 1 -p pageref-model --bin model-report -- --doc ../Documentation/model.md

model-bench: ## host benchmark of get+put per scheme, 1..all CPUs (not in check)
	BENCH_RT_PRIO=1 scripts/model-bench.sh --reps 21

checkpatch: linux ## checkpatch.pl --strict on every patch in patches/
	scripts/checkpatch.sh

litmus: ## LKMM litmus tests of the protocol, checked with herd7
	scripts/litmus.sh --self-test
	scripts/litmus.sh

lint: ## shellcheck, Python syntax, Rust fmt/clippy
	scripts/lint.sh

check: setup linux lint check-export checkpatch model litmus build boot ## the whole test suite (CI runs this)
	@git -C $(LINUX) rev-parse pageref > out/check-passed
	@echo "make check: everything passed for pageref $$(cat out/check-passed)"

.PHONY: help setup linux reapply export check-export build selftests boot run baseline bisect-check model model-report model-bench checkpatch litmus lint check
