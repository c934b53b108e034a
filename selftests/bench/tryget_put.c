// SPDX-License-Identifier: GPL-2.0
/*
 * tryget_put - the fast path itself: folio_try_get() + folio_put() in a
 * tight loop in the kernel, per thread count, in ns per pair.
 *
 * The loop runs in a kernel module, selftests/kmod/pageref_bench, built
 * against the booted kernel (scripts/bench/bench-build.sh puts it in
 * out/kmod/<variant>/pageref_bench.ko; scripts/bench/bench.sh passes its path in
 * PAGEREF_BENCH_KO). This program loads it (finit_module(), so no insmod is
 * needed in the guest), which runs the benchmark in the module's init,
 * prints the module's KTAP report from <debugfs>/pageref_bench/results
 * (mounting debugfs on /sys/kernel/debug if it is not), and unloads it.
 * The report has, per thread count N (the rule of bench.h) and case:
 *
 *   # BENCH tryget_put_shared threads=N ns_per_op=X    N threads, one folio
 *   # BENCH tryget_put_private threads=N ns_per_op=X   a folio per thread
 *   # BENCH final_put threads=N ns_per_op=X            final puts, per thread
 *
 * with X = sum of the threads' run times / sum of their pairs (or puts),
 * and one test point each. Exit status 0 only when the module loaded, ran and
 * reported every test point ok; otherwise a KTAP failure with the reason
 * (and the module's kernel log lines, e.g. a module built for the other
 * kernel, which it refuses).
 *
 * Environment: PAGEREF_BENCH_KO (required), BENCH_SECONDS (default 3),
 * BENCH_THREADS ("1,2,4"), BENCH_MAX_THREADS: passed as module parameters.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/klog.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "kselftest.h"
#include "bench.h"

#define MODNAME		"pageref_bench"
#define DEBUGFS		"/sys/kernel/debug"
#define RESULTS		DEBUGFS "/" MODNAME "/results"

/* The kernel log lines that mention the module, as KTAP diagnostics. */
static void print_module_log(void)
{
	int len = klogctl(10 /* SYSLOG_ACTION_SIZE_BUFFER */, NULL, 0);
	char *buf, *line, *save;

	if (len <= 0)
		return;
	buf = malloc(len + 1);
	if (!buf)
		return;
	len = klogctl(3 /* SYSLOG_ACTION_READ_ALL */, buf, len);
	if (len > 0) {
		buf[len] = '\0';
		for (line = strtok_r(buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save))
			if (strstr(line, MODNAME))
				ksft_print_msg("kernel: %s\n", line);
	}
	free(buf);
}

static __noreturn void fail(const char *fmt, const char *arg, int err)
{
	char why[512];

	snprintf(why, sizeof(why), fmt, arg);
	ksft_print_header();
	ksft_set_plan(1);
	print_module_log();
	ksft_test_result_fail("tryget_put: %s%s%s\n", why, err ? ": " : "",
			      err ? strerror(err) : "");
	ksft_exit_fail();
}

static void unload(void)
{
	if (access("/sys/module/" MODNAME, F_OK) == 0 &&
	    syscall(SYS_delete_module, MODNAME, O_NONBLOCK))
		fprintf(stderr, "tryget_put: delete_module(%s): %s\n", MODNAME, strerror(errno));
}

int main(void)
{
	const char *ko = getenv("PAGEREF_BENCH_KO");
	const char *threads = getenv("BENCH_THREADS");
	int plan = 0, oks = 0, not_oks = 0, fd;
	char params[512], *report = NULL, *line, *save;
	size_t size = 0;
	struct statfs sfs;
	FILE *f;

	if (!ko || !*ko)
		fail("PAGEREF_BENCH_KO is not set (%s)",
		     "scripts/bench/bench.sh sets it to out/kmod/<variant>/pageref_bench.ko", 0);
	snprintf(params, sizeof(params), "seconds=%d max_threads=%d%s%s",
		 env_int("BENCH_SECONDS", 3), env_int("BENCH_MAX_THREADS", 0),
		 threads && *threads ? " threads=" : "", threads && *threads ? threads : "");
	/* "1, 2" is one module parameter: the module splits on commas. */
	for (char *p = strstr(params, " threads="); p && *++p; )
		if (*p == ' ')
			*p = ',';

	/* A module left loaded by an earlier run would make the load fail. */
	unload();
	fd = open(ko, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		fail("cannot open %s", ko, errno);
	fprintf(stderr, "tryget_put: loading %s with %s\n", ko, params);
	if (syscall(SYS_finit_module, fd, params, 0))
		fail("loading %s failed (finit_module)", ko, errno);
	close(fd);

	if ((statfs(DEBUGFS, &sfs) || sfs.f_type != DEBUGFS_MAGIC) &&
	    mount("debugfs", DEBUGFS, "debugfs", 0, NULL)) {
		int err = errno;

		unload();
		fail("debugfs is not mounted on " DEBUGFS " and mounting it failed%s", "", err);
	}
	f = fopen(RESULTS, "r");
	if (!f) {
		int err = errno;

		unload();
		fail("cannot read %s", RESULTS, err);
	}
	if (getdelim(&report, &size, '\0', f) < 0) {
		fclose(f);
		unload();
		fail("%s is empty", RESULTS, 0);
	}
	fclose(f);
	unload();

	/* The module's report is the KTAP output of this program. */
	fputs(report, stdout);
	fflush(stdout);
	for (line = strtok_r(report, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		if (sscanf(line, "1..%d", &plan) == 1)
			continue;
		if (!strncmp(line, "ok ", 3))
			oks++;
		else if (!strncmp(line, "not ok ", 7))
			not_oks++;
	}
	free(report);
	if (plan <= 0 || not_oks || oks != plan) {
		fprintf(stderr, "tryget_put: plan 1..%d, %d ok, %d not ok\n", plan, oks, not_oks);
		return KSFT_FAIL;
	}
	return KSFT_PASS;
}
