// SPDX-License-Identifier: GPL-2.0
/*
 * Built into the UML benchmark kernels of scripts/bench/uml-build.sh next to
 * pageref_bench.c: once every initcall, the benchmark's included, has run,
 * halt, so that the UML process exits without a root file system or init.
 * kunit.py's kunit_shutdown=halt ends its UML runs the same way.
 */
#include <linux/init.h>
#include <linux/printk.h>
#include <linux/reboot.h>

static int __init pageref_bench_halt(void)
{
	pr_info("pageref_bench: halting\n");
	kernel_halt();
	return 0;
}
late_initcall_sync(pageref_bench_halt);
