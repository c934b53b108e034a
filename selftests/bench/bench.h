/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers shared by the guest benchmark programs (the .c files of selftests/bench).
 * Include after kselftest.h, with _GNU_SOURCE defined.
 */
#ifndef PAGEREF_BENCH_H
#define PAGEREF_BENCH_H

#include <linux/magic.h>
#include <sched.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/vfs.h>
#include <unistd.h>

static inline int env_int(const char *name, int def)
{
	const char *v = getenv(name);

	return v && *v ? atoi(v) : def;
}

/*
 * The thread counts to measure, at most `max` of them, into counts[]:
 * BENCH_THREADS ("1,2,4") if set, else every count up to 8 and then the
 * powers of two, always ending with ncpu, so that a big machine finishes in
 * bounded time (scripts/bench/bench.sh uses the same rule for its timeouts).
 * Counts above ncpu (or BENCH_MAX_THREADS) are dropped. Returns how many.
 */
static inline int bench_thread_counts(int ncpu, int *counts, int max)
{
	const char *list = getenv("BENCH_THREADS");
	int cap = env_int("BENCH_MAX_THREADS", ncpu), n = 0;

	if (cap < 1 || cap > ncpu)
		cap = ncpu;
	if (list && *list) {
		char buf[256], *save, *tok;

		snprintf(buf, sizeof(buf), "%s", list);
		for (tok = strtok_r(buf, ", ", &save); tok && n < max;
		     tok = strtok_r(NULL, ", ", &save)) {
			int t = atoi(tok);

			if (t >= 1 && t <= cap)
				counts[n++] = t;
		}
		return n;
	}
	for (int t = 1; t <= cap && n < max; t = t < 8 ? t + 1 : t * 2)
		counts[n++] = t;
	if (n && counts[n - 1] != cap && n < max)
		counts[n++] = cap;
	return n;
}

static inline bool is_tmpfs(const char *dir)
{
	struct statfs sfs;

	return statfs(dir, &sfs) == 0 && sfs.f_type == TMPFS_MAGIC;
}

/*
 * The directory the benchmark files go in: BENCH_DIR, else /tmp. It must be
 * tmpfs, so that the page cache is shmem's and nothing goes to a disk. Under
 * virtme-ng /tmp is an overlay (upper layer on tmpfs), which would add
 * overlayfs to every read; then, as root and with BENCH_DIR unset, give this
 * process its own mount namespace and mount a fresh tmpfs over /tmp there
 * (nothing outside the process sees it, nothing is left behind). Returns
 * NULL, with *why set, when no tmpfs can be had.
 */
static inline const char *bench_tmpfs_dir(const char **why)
{
	const char *dir = getenv("BENCH_DIR");

	if (dir && *dir) {
		*why = "BENCH_DIR is not tmpfs";
		return is_tmpfs(dir) ? dir : NULL;
	}
	if (is_tmpfs("/tmp"))
		return "/tmp";
	*why = "/tmp is not tmpfs and a private tmpfs could not be mounted (needs root)";
	if (geteuid() != 0 || unshare(CLONE_NEWNS) ||
	    mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) ||
	    mount("tmpfs", "/tmp", "tmpfs", 0, "mode=1777"))
		return NULL;
	ksft_print_msg("/tmp is not tmpfs: mounted a private tmpfs over it\n");
	return is_tmpfs("/tmp") ? "/tmp" : NULL;
}

#endif /* PAGEREF_BENCH_H */
