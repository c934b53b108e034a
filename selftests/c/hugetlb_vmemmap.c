// SPDX-License-Identifier: GPL-2.0
/*
 * hugetlb_vmemmap - HugeTLB pages with the vmemmap optimisation (HVO) on,
 * grown, used, demoted, soft-offlined and dissolved while PFN walkers run.
 *
 * HVO remaps the struct pages of a HugeTLB folio's tail pages onto one shared,
 * read-only page that the kernel builds from zeroed memory, and copies that
 * page back when the folio is dissolved or demoted. Those struct pages then
 * reach the page allocator as they were built: with a bare 0 count in v6 of
 * the page refcount series, where the allocator's CONFIG_DEBUG_VM check in
 * set_page_refcounted() warns when it hands one out, and a PFN walker's
 * speculative get succeeds on a free page. Each round here grows the 2 MB
 * pool, touches the pages, demotes a 1 GB page if there is one, shrinks the
 * pools to zero and then allocates most of free memory, so that the pages
 * that came back from HugeTLB are handed out again, while threads walk every
 * PFN through idle page tracking and compaction. The oracle is the kernel log:
 * no WARNING, BUG or "Bad page" line may appear during the run (the boot
 * test's log scan checks the same).
 *
 * Environment: HVO_ROUNDS (default 4), HVO_PAGES (2 MB pages a round, 64).
 *
 * On the base (7.3.4) the first demotion of the 1 GB page reserved at boot
 * fails: the shared vmemmap tail page of a bootmem HugeTLB folio keeps the
 * count of 1 that memmap_init() gave its struct pages, so a demoted 2 MB
 * folio reaches __hugetlb_vmemmap_optimize_folio() with a count of 1 (its
 * VM_WARN_ON_ONCE) and then enqueue_hugetlb_folio()'s
 * VM_BUG_ON_FOLIO(folio_ref_count(folio)), a kernel BUG. The series' first
 * patch ("mm/hugetlb: zero the shared vmemmap tail page of bootmem HugeTLB
 * folios", for stable) fixes that, so this program runs on trees that have
 * the fix and is reported as skipped on the base:
 *
 * Requires: mm/hugetlb.c mm_zero_struct_page(p + j);
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/klog.h>
#include <sys/mman.h>
#include <unistd.h>

#include "kselftest.h"

#define HP_2M		(2UL << 20)
#define HP_DIR		"/sys/kernel/mm/hugepages/hugepages-2048kB/"
#define GIGA_DIR	"/sys/kernel/mm/hugepages/hugepages-1048576kB/"
#ifndef MADV_SOFT_OFFLINE
#define MADV_SOFT_OFFLINE 101
#endif
#ifndef MAP_HUGETLB
#define MAP_HUGETLB 0x40000
#endif

static atomic_bool stop;
static atomic_ulong idle_walks, compactions, walker_errors;

static long read_long(const char *path)
{
	char buf[64];
	long v = -1;
	FILE *f = fopen(path, "r");

	if (!f)
		return -1;
	if (fgets(buf, sizeof(buf), f))
		v = strtol(buf, NULL, 10);
	fclose(f);
	return v;
}

static int write_str(const char *path, const char *s)
{
	int fd = open(path, O_WRONLY);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = write(fd, s, strlen(s));
	close(fd);
	return n == (ssize_t)strlen(s) ? 0 : -errno;
}

static int write_long(const char *path, long v)
{
	char buf[32];

	snprintf(buf, sizeof(buf), "%ld", v);
	return write_str(path, buf);
}

/* Kernel log lines that mean a check fired: counted before and after. */
static long count_log_alarms(void)
{
	int len = klogctl(10 /* SYSLOG_ACTION_SIZE_BUFFER */, NULL, 0);
	char *buf, *p;
	long n = 0;

	if (len <= 0)
		return -1;
	buf = malloc(len + 1);
	if (!buf)
		return -1;
	len = klogctl(3 /* SYSLOG_ACTION_READ_ALL */, buf, len);
	if (len < 0) {
		free(buf);
		return -1;
	}
	buf[len] = '\0';
	for (p = buf; (p = strstr(p, "WARNING:")); p++)
		n++;
	for (p = buf; (p = strstr(p, "BUG:")); p++)
		n++;
	for (p = buf; (p = strstr(p, "Bad page")); p++)
		n++;
	free(buf);
	return n;
}

/*
 * Idle page tracking: writing the bitmap marks every PFN's folio idle, which
 * takes a speculative reference (folio_try_get()) on each LRU folio it finds.
 */
static void *idle_walker(void *arg)
{
	static unsigned long ones[512];
	int fd = open("/sys/kernel/mm/page_idle/bitmap", O_WRONLY);

	(void)arg;
	if (fd < 0) {
		atomic_fetch_add(&walker_errors, 1);
		return NULL;
	}
	memset(ones, 0xff, sizeof(ones));
	while (!atomic_load(&stop)) {
		off_t off = 0;

		while (!atomic_load(&stop) && pwrite(fd, ones, sizeof(ones), off) > 0)
			off += sizeof(ones);
		atomic_fetch_add(&idle_walks, 1);
	}
	close(fd);
	return NULL;
}

/* Compaction walks PFNs and isolates folios with folio_get_nontail_page(). */
static void *compactor(void *arg)
{
	(void)arg;
	while (!atomic_load(&stop)) {
		if (write_str("/proc/sys/vm/compact_memory", "1"))
			atomic_fetch_add(&walker_errors, 1);
		else
			atomic_fetch_add(&compactions, 1);
		usleep(20000);
	}
	return NULL;
}

/* Map and touch @n 2 MB pages; soft-offline the first one if asked. */
static int use_hugetlb(long n, int soft_offline, int *offlined)
{
	size_t len = n * HP_2M;
	char *p = mmap(NULL, len, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_HUGETLB, -1, 0);
	int ok = 1;

	if (p == MAP_FAILED)
		return 0;
	for (size_t off = 0; off < len; off += 4096)
		p[off] = (char)(off >> 12);
	if (soft_offline && madvise(p, HP_2M, MADV_SOFT_OFFLINE) == 0)
		(*offlined)++;
	for (size_t off = HP_2M; off < len; off += 4096)
		ok &= p[off] == (char)(off >> 12);
	munmap(p, len);
	return ok;
}

/* Allocate and touch most of free memory, so that freed pages are reused. */
static int reuse_free_memory(void)
{
	long free_kb = 0;
	char line[128];
	FILE *f = fopen("/proc/meminfo", "r");
	size_t len;
	char *p;

	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "MemFree: %ld kB", &free_kb) == 1)
			break;
	fclose(f);
	len = (size_t)(free_kb * 1024 * 6 / 10) & ~4095UL;
	if (!len)
		return 0;
	p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return 0;
	for (size_t off = 0; off < len; off += 4096)
		p[off] = 1;
	munmap(p, len);
	return 1;
}

int main(void)
{
	long rounds = getenv("HVO_ROUNDS") ? atol(getenv("HVO_ROUNDS")) : 4;
	long pages = getenv("HVO_PAGES") ? atol(getenv("HVO_PAGES")) : 64;
	long grown_min = -1, demoted = 0, alarms0, alarms1;
	int used_ok = 1, reused_ok = 1, offlined = 0, have_giga;
	pthread_t walkers[2];

	ksft_print_header();
	ksft_set_plan(7);
	if (geteuid())
		ksft_exit_skip("needs root\n");

	/* The lean config turns HVO on by default; make sure it is on. */
	if (access("/proc/sys/vm/hugetlb_optimize_vmemmap", F_OK))
		ksft_exit_fail_msg("no /proc/sys/vm/hugetlb_optimize_vmemmap: kernel without HVO (CONFIG_HUGETLB_PAGE_OPTIMIZE_VMEMMAP)\n");
	write_str("/proc/sys/vm/hugetlb_optimize_vmemmap", "1");
	ksft_test_result(read_long("/proc/sys/vm/hugetlb_optimize_vmemmap") == 1,
			 "hvo_enabled\n");

	alarms0 = count_log_alarms();
	have_giga = access(GIGA_DIR "nr_hugepages", F_OK) == 0;
	pthread_create(&walkers[0], NULL, idle_walker, NULL);
	pthread_create(&walkers[1], NULL, compactor, NULL);

	for (long r = 0; r < rounds; r++) {
		long got;

		write_long(HP_DIR "nr_hugepages", pages);
		got = read_long(HP_DIR "nr_hugepages");
		if (grown_min < 0 || got < grown_min)
			grown_min = got;
		if (got > 0)
			used_ok &= use_hugetlb(got < 4 ? got : 4, r < 2, &offlined);
		if (have_giga) {
			write_long(GIGA_DIR "nr_hugepages", 1);
			if (read_long(GIGA_DIR "nr_hugepages") == 1 &&
			    write_str(GIGA_DIR "demote", "1") == 0)
				demoted++;
			write_long(GIGA_DIR "nr_hugepages", 0);
		}
		write_long(HP_DIR "nr_hugepages", 0);
		reused_ok &= reuse_free_memory();
		ksft_print_msg("round %ld: %ld pages, demoted %ld, offlined %d\n",
			       r, got, demoted, offlined);
	}
	atomic_store(&stop, true);
	pthread_join(walkers[0], NULL);
	pthread_join(walkers[1], NULL);
	alarms1 = count_log_alarms();

	ksft_print_msg("idle walks %lu, compactions %lu, walker errors %lu\n",
		       idle_walks, compactions, walker_errors);
	ksft_test_result(grown_min > 0 && read_long(HP_DIR "nr_hugepages") == 0,
			 "pool_grown_and_dissolved (at least %ld pages a round)\n", grown_min);
	ksft_test_result(used_ok, "hugetlb_pages_used\n");
	if (!have_giga)
		ksft_test_result_skip("demote: no 1 GB hstate (CPU without pdpe1gb?)\n");
	else if (!demoted)
		ksft_test_result_skip("demote: no 1 GB page could be allocated at run time\n");
	else
		ksft_test_result_pass("demote (%ld)\n", demoted);
	ksft_test_result(offlined > 0, "soft_offline_hugetlb (%d)\n", offlined);
	ksft_test_result(idle_walks > 0 && compactions > 0 && !walker_errors && reused_ok,
			 "pfn_walkers_and_reuse\n");
	ksft_test_result(alarms0 >= 0 && alarms1 == alarms0,
			 "no_kernel_warnings (%ld before, %ld after)\n", alarms0, alarms1);
	ksft_finished();
}
