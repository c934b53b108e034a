// SPDX-License-Identifier: GPL-2.0
/*
 * gp_cost - what the series' grace periods add where they wait.
 *
 * v8 makes the stale loser safe by waiting for an RCU grace period
 * (synchronize_rcu()) before the memmap of pages that were free or owned
 * can change under a late writer of their count: once per folio in
 * hugetlb_vmemmap_optimize_folio() (a surplus HugeTLB fault, a migration
 * target, ...), once per batch in __hugetlb_vmemmap_optimize_folios()
 * (growing the pool), and in offline_pages() and __remove_pages(). This
 * program times those operations from user space; run on the base and on
 * the series, the difference is what the waits cost, and the time of one
 * synchronize_rcu() (membarrier(MEMBARRIER_CMD_GLOBAL) waits for exactly
 * one) converts it into a number of grace periods.
 *
 * Cells (each the median over GP_ROUNDS rounds, default 5; GP_FOLIOS
 * HugeTLB folios of the default size, default 32):
 *
 *   # BENCH gp_sync ns_per_op=X               one membarrier(GLOBAL) = one
 *                                             synchronize_rcu()
 *   # BENCH surplus_fault hvo=H ns_per_folio=X  nr_hugepages=0,
 *                                             nr_overcommit_hugepages=N, a
 *                                             MAP_HUGETLB mapping of N folios
 *                                             and one write to each, both
 *                                             timed: mmap() reserves, so
 *                                             gather_surplus_pages() makes
 *                                             the N surplus allocations there,
 *                                             each optimized (HVO) when H=1
 *   # BENCH pool_grow hvo=H ns_per_folio=X    nr_hugepages 0 -> N in one write
 *   # BENCH offline_block ns_per_op=X         a memory block offlined (then
 *                                             onlined again, untimed)
 *
 * with hugetlb_optimize_vmemmap set to H (0, then 1). KTAP test points
 * check that each operation did what it should (the surplus count reached
 * N, the pool reached N, the block went offline and came back); the offline
 * cell is skipped, with the reason, where the kernel has no memory hotplug
 * or no block can be offlined.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/membarrier.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>
#include <dirent.h>

#include "kselftest.h"

#define MAX_ROUNDS 64

static int env_int(const char *name, int def)
{
	const char *v = getenv(name);

	return v && *v ? atoi(v) : def;
}

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double median(double *v, int n)
{
	qsort(v, n, sizeof(*v), cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static int write_str(const char *path, const char *val)
{
	int fd = open(path, O_WRONLY), ret = 0;

	if (fd < 0)
		return -errno;
	if (write(fd, val, strlen(val)) < 0)
		ret = -errno;
	close(fd);
	return ret;
}

static int write_long(const char *path, long v)
{
	char buf[32];

	snprintf(buf, sizeof(buf), "%ld", v);
	return write_str(path, buf);
}

static long read_long(const char *path)
{
	char buf[64] = "";
	int fd = open(path, O_RDONLY);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	return n > 0 ? strtol(buf, NULL, 10) : -1;
}

/* A "Name:   value" line of /proc/meminfo, or -1. */
static long meminfo(const char *name)
{
	char line[256];
	size_t len = strlen(name);
	long v = -1;
	FILE *f = fopen("/proc/meminfo", "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, name, len) && line[len] == ':') {
			v = strtol(line + len + 1, NULL, 10);
			break;
		}
	fclose(f);
	return v;
}

#define NR_HUGE "/proc/sys/vm/nr_hugepages"
#define NR_OVER "/proc/sys/vm/nr_overcommit_hugepages"
#define HVO "/proc/sys/vm/hugetlb_optimize_vmemmap"

static int rounds, folios;
static long hpage;

static void cell_gp_sync(void)
{
	double t[MAX_ROUNDS];
	int bad = 0;

	/* With one CPU online, synchronize_rcu() returns at once: no figure. */
	if (sysconf(_SC_NPROCESSORS_ONLN) < 2) {
		ksft_test_result_fail("gp_sync: %ld CPU online: a grace period is free, nothing to measure\n",
				      sysconf(_SC_NPROCESSORS_ONLN));
		return;
	}

	for (int r = 0; r < rounds; r++) {
		double t0 = now_ns();

		if (syscall(__NR_membarrier, MEMBARRIER_CMD_GLOBAL, 0, 0))
			bad++;
		t[r] = now_ns() - t0;
	}
	if (bad) {
		ksft_test_result_fail("gp_sync: membarrier(MEMBARRIER_CMD_GLOBAL): %s\n",
				      strerror(errno));
		return;
	}
	ksft_print_msg("BENCH gp_sync ns_per_op=%.0f\n", median(t, rounds));
	ksft_test_result_pass("gp_sync (%d rounds)\n", rounds);
}

static void cell_surplus(int hvo)
{
	double t[MAX_ROUNDS];
	size_t len = (size_t)folios * hpage;
	const char *why = NULL;

	if (write_long(HVO, hvo) || read_long(HVO) != hvo) {
		ksft_test_result_fail("surplus_fault_hvo_%d: cannot set %s to %d\n", hvo, HVO, hvo);
		return;
	}
	if (write_long(NR_HUGE, 0) || write_long(NR_OVER, folios)) {
		ksft_test_result_fail("surplus_fault_hvo_%d: cannot set the pool: %s\n",
				      hvo, strerror(errno));
		return;
	}
	for (int r = 0; r < rounds && !why; r++) {
		/* The reservation at mmap() allocates the surplus folios. */
		double t0 = now_ns();
		char *p = mmap(NULL, len, PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS | MAP_HUGETLB, -1, 0);

		if (p == MAP_FAILED) {
			why = "mmap(MAP_HUGETLB) failed";
			break;
		}
		for (int i = 0; i < folios; i++)
			p[(size_t)i * hpage] = 1;
		t[r] = (now_ns() - t0) / folios;
		if (meminfo("HugePages_Surp") != folios)
			why = "HugePages_Surp did not reach the folio count";
		munmap(p, len);
		if (!why && meminfo("HugePages_Surp") != 0)
			why = "HugePages_Surp did not go back to 0 after munmap()";
	}
	write_long(NR_OVER, 0);
	if (why) {
		ksft_test_result_fail("surplus_fault_hvo_%d: %s\n", hvo, why);
		return;
	}
	ksft_print_msg("BENCH surplus_fault hvo=%d ns_per_folio=%.0f\n", hvo, median(t, rounds));
	ksft_test_result_pass("surplus_fault_hvo_%d (%d folios x %d rounds)\n", hvo, folios, rounds);
}

static void cell_pool(int hvo)
{
	double t[MAX_ROUNDS];
	const char *why = NULL;

	if (write_long(HVO, hvo) || read_long(HVO) != hvo) {
		ksft_test_result_fail("pool_grow_hvo_%d: cannot set %s to %d\n", hvo, HVO, hvo);
		return;
	}
	write_long(NR_OVER, 0);
	for (int r = 0; r < rounds && !why; r++) {
		double t0;

		if (write_long(NR_HUGE, 0) || meminfo("HugePages_Total") != 0) {
			why = "the pool did not empty";
			break;
		}
		t0 = now_ns();
		if (write_long(NR_HUGE, folios))
			why = "writing nr_hugepages failed";
		t[r] = (now_ns() - t0) / folios;
		if (!why && meminfo("HugePages_Total") != folios)
			why = "HugePages_Total did not reach the folio count";
	}
	write_long(NR_HUGE, 0);
	if (why) {
		ksft_test_result_fail("pool_grow_hvo_%d: %s\n", hvo, why);
		return;
	}
	ksft_print_msg("BENCH pool_grow hvo=%d ns_per_folio=%.0f\n", hvo, median(t, rounds));
	ksft_test_result_pass("pool_grow_hvo_%d (%d folios x %d rounds)\n", hvo, folios, rounds);
}

static unsigned long block_bytes(void)
{
	char buf[64] = "";
	int fd = open("/sys/devices/system/memory/block_size_bytes", O_RDONLY);

	if (fd < 0)
		return 0;
	if (read(fd, buf, sizeof(buf) - 1) < 0)
		buf[0] = '\0';
	close(fd);
	return strtoul(buf, NULL, 16);
}

/* The online block with the highest number that goes offline, or -1. */
static int find_block(char *state, size_t size)
{
	struct dirent *d;
	int best = -1;
	DIR *dir = opendir("/sys/devices/system/memory");

	if (!dir)
		return -1;
	while ((d = readdir(dir))) {
		int n;

		if (sscanf(d->d_name, "memory%d", &n) == 1 && n > best)
			best = n;
	}
	closedir(dir);
	for (int n = best; n >= 0; n--) {
		char buf[32] = "";
		int fd;

		snprintf(state, size, "/sys/devices/system/memory/memory%d/state", n);
		fd = open(state, O_RDONLY);
		if (fd < 0)
			continue;
		if (read(fd, buf, sizeof(buf) - 1) < 0)
			buf[0] = '\0';
		close(fd);
		if (strncmp(buf, "online", 6))
			continue;
		if (!write_str(state, "offline")) {
			if (write_str(state, "online_movable"))
				write_str(state, "online");
			return n;
		}
	}
	return -1;
}

static void cell_offline(void)
{
	double t[MAX_ROUNDS];
	char state[128];
	int block;

	if (access("/sys/devices/system/memory", F_OK)) {
		ksft_test_result_skip("offline_block: no /sys/devices/system/memory (no CONFIG_MEMORY_HOTPLUG)\n");
		return;
	}
	block = find_block(state, sizeof(state));
	if (block < 0) {
		ksft_test_result_skip("offline_block: no online memory block could be offlined\n");
		return;
	}
	for (int r = 0; r < rounds; r++) {
		double t0 = now_ns();
		int ret = write_str(state, "offline");

		t[r] = now_ns() - t0;
		if (ret) {
			ksft_test_result_fail("offline_block: memory%d: %s\n", block, strerror(-ret));
			return;
		}
		if (write_str(state, "online_movable") && write_str(state, "online")) {
			ksft_test_result_fail("offline_block: memory%d did not come back online\n", block);
			return;
		}
	}
	ksft_print_msg("BENCH offline_block ns_per_op=%.0f\n", median(t, rounds));
	ksft_test_result_pass("offline_block (memory%d, %lu MiB, %d rounds)\n", block,
			      block_bytes() >> 20, rounds);
}

int main(void)
{
	long hvo0;

	rounds = env_int("GP_ROUNDS", 5);
	folios = env_int("GP_FOLIOS", 32);
	if (rounds < 1 || rounds > MAX_ROUNDS)
		rounds = 5;
	if (folios < 1)
		folios = 32;

	ksft_print_header();
	ksft_set_plan(6);
	hpage = meminfo("Hugepagesize") * 1024;
	hvo0 = read_long(HVO);
	ksft_print_msg("%d folios of %ld kB, %d rounds; %s was %ld\n", folios, hpage / 1024,
		       rounds, HVO, hvo0);
	cell_gp_sync();
	if (hpage <= 0 || hvo0 < 0) {
		for (int i = 0; i < 4; i++)
			ksft_test_result_fail("hugetlb: no Hugepagesize in /proc/meminfo or no %s\n", HVO);
	} else {
		cell_surplus(0);
		cell_surplus(1);
		cell_pool(0);
		cell_pool(1);
		write_long(HVO, hvo0);
	}
	cell_offline();
	ksft_finished();
}
