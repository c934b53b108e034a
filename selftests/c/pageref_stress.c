// SPDX-License-Identifier: GPL-2.0
/*
 * pageref_stress - hammer page reference counts from user space.
 *
 * Readers do small pread()s of one tmpfs file and check every byte, while
 * other threads take and drop references on the same pages by other routes:
 * mapping and unmapping the file (rmap, page faults), GUP through O_DIRECT-free
 * process_vm_readv(), anonymous memory that is faulted, collapsed into huge
 * pages and split again, and global compaction and cache dropping, which walk
 * arbitrary PFNs with speculative gets. The kernel's own DEBUG_VM checks are
 * the main oracle: the boot test fails on any WARNING or BUG in the log.
 *
 * Environment: STRESS_SECONDS (default 20), STRESS_READERS (default: CPUs).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#include "kselftest.h"

#define FILE_PAGES	512
#define PAGE		4096UL
#define FILE_SIZE	(FILE_PAGES * PAGE)
#define THP_SIZE	(2UL << 20)

static int fd;
static atomic_bool stop;
static atomic_ulong reads, bad_reads, maps, bad_maps, gups, bad_gups;
static atomic_ulong thp_rounds, compactions, drops, sys_errors;
static bool gup_unsupported;

static inline uint8_t pattern(size_t off)
{
	return (uint8_t)(off * 7 + (off >> 12) * 13 + 1);
}

static uint64_t xorshift(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

static void *reader(void *arg)
{
	uint64_t seed = (uintptr_t)arg * 0x9e3779b97f4a7c15ULL + 1;
	uint8_t buf[64];

	while (!atomic_load_explicit(&stop, memory_order_relaxed)) {
		size_t off = (xorshift(&seed) % (FILE_SIZE / 64)) * 64;
		ssize_t n = pread(fd, buf, sizeof(buf), off);
		int ok = n == (ssize_t)sizeof(buf);

		for (size_t i = 0; ok && i < sizeof(buf); i++)
			ok = buf[i] == pattern(off + i);
		if (!ok)
			atomic_fetch_add(&bad_reads, 1);
		atomic_fetch_add_explicit(&reads, 1, memory_order_relaxed);
	}
	return NULL;
}

/* Map the file, check a byte per page, unmap: faults and rmap get/put. */
static void *mapper(void *arg)
{
	(void)arg;
	while (!atomic_load_explicit(&stop, memory_order_relaxed)) {
		uint8_t *p = mmap(NULL, FILE_SIZE, PROT_READ, MAP_SHARED, fd, 0);

		if (p == MAP_FAILED) {
			atomic_fetch_add(&sys_errors, 1);
			continue;
		}
		for (size_t off = 0; off < FILE_SIZE; off += PAGE)
			if (p[off + 5] != pattern(off + 5))
				atomic_fetch_add(&bad_maps, 1);
		munmap(p, FILE_SIZE);
		atomic_fetch_add(&maps, 1);
	}
	return NULL;
}

/* GUP on our own mapping: process_vm_readv() pins the source pages. */
static void *gupper(void *arg)
{
	uint8_t *p = mmap(NULL, FILE_SIZE, PROT_READ, MAP_SHARED, fd, 0);
	uint8_t buf[256];
	uint64_t seed = 12345;

	(void)arg;
	if (p == MAP_FAILED) {
		atomic_fetch_add(&sys_errors, 1);
		return NULL;
	}
	while (!atomic_load_explicit(&stop, memory_order_relaxed)) {
		size_t off = (xorshift(&seed) % (FILE_SIZE / sizeof(buf))) * sizeof(buf);
		struct iovec local = { buf, sizeof(buf) }, remote = { p + off, sizeof(buf) };
		ssize_t n = process_vm_readv(getpid(), &local, 1, &remote, 1, 0);
		int ok = n == (ssize_t)sizeof(buf);

		if (n < 0 && errno == ENOSYS) {
			gup_unsupported = true;
			break;
		}

		for (size_t i = 0; ok && i < sizeof(buf); i++)
			ok = buf[i] == pattern(off + i);
		if (!ok)
			atomic_fetch_add(&bad_gups, 1);
		atomic_fetch_add(&gups, 1);
	}
	munmap(p, FILE_SIZE);
	return NULL;
}

/* Anonymous THP: fault, collapse, split (by partial unmap), free. */
static void *thp_churn(void *arg)
{
	(void)arg;
	while (!atomic_load_explicit(&stop, memory_order_relaxed)) {
		uint8_t *raw = mmap(NULL, 2 * THP_SIZE, PROT_READ | PROT_WRITE,
				    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		uint8_t *p;

		if (raw == MAP_FAILED) {
			atomic_fetch_add(&sys_errors, 1);
			continue;
		}
		p = (uint8_t *)(((uintptr_t)raw + THP_SIZE - 1) & ~(THP_SIZE - 1));
		madvise(p, THP_SIZE, MADV_HUGEPAGE);
		for (size_t off = 0; off < THP_SIZE; off += PAGE)
			p[off] = (uint8_t)off;
#ifdef MADV_COLLAPSE
		madvise(p, THP_SIZE, MADV_COLLAPSE);
#endif
		for (size_t off = 0; off < THP_SIZE; off += PAGE)
			if (p[off] != (uint8_t)off)
				atomic_fetch_add(&bad_maps, 1);
		/* Unmapping one page splits the PMD mapping and later the folio. */
		munmap(p + PAGE, PAGE);
		madvise(p, THP_SIZE, MADV_DONTNEED);
		munmap(raw, 2 * THP_SIZE);
		atomic_fetch_add(&thp_rounds, 1);
	}
	return NULL;
}

static int write_proc(const char *path, const char *val)
{
	int f = open(path, O_WRONLY);
	int ret = -1;

	if (f >= 0) {
		ret = write(f, val, strlen(val)) == (ssize_t)strlen(val) ? 0 : -1;
		close(f);
	}
	return ret;
}

/* PFN walkers: compaction and drop_caches take speculative references. */
static void *walker(void *arg)
{
	(void)arg;
	while (!atomic_load_explicit(&stop, memory_order_relaxed)) {
		if (write_proc("/proc/sys/vm/compact_memory", "1") == 0)
			atomic_fetch_add(&compactions, 1);
		if (write_proc("/proc/sys/vm/drop_caches", "3") == 0)
			atomic_fetch_add(&drops, 1);
		usleep(20000);
	}
	return NULL;
}

static long vmstat(const char *key)
{
	char name[64];
	long val;
	FILE *f = fopen("/proc/vmstat", "r");

	if (!f)
		return -1;
	while (fscanf(f, "%63s %ld", name, &val) == 2) {
		if (!strcmp(name, key)) {
			fclose(f);
			return val;
		}
	}
	fclose(f);
	return -1;
}

int main(void)
{
	int seconds = getenv("STRESS_SECONDS") ? atoi(getenv("STRESS_SECONDS")) : 20;
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	int nreaders = getenv("STRESS_READERS") ? atoi(getenv("STRESS_READERS")) : (int)ncpu;
	pthread_t th[64];
	int n = 0;
	long faults0, faults1, compact0, compact1;
	uint8_t *data;

	ksft_print_header();
	ksft_set_plan(7);
	if (nreaders < 1 || nreaders > 32)
		nreaders = 2;

	fd = open("/tmp/pageref_stress.dat", O_RDWR | O_CREAT | O_TRUNC, 0600);
	if (fd < 0)
		ksft_exit_fail_perror("open /tmp/pageref_stress.dat");
	data = malloc(FILE_SIZE);
	for (size_t off = 0; off < FILE_SIZE; off++)
		data[off] = pattern(off);
	if (pwrite(fd, data, FILE_SIZE, 0) != (ssize_t)FILE_SIZE)
		ksft_exit_fail_perror("pwrite");
	free(data);

	faults0 = vmstat("pgfault");
	compact0 = vmstat("compact_stall") + vmstat("compact_migrate_scanned");
	ksft_print_msg("%d readers, %ld CPUs, %d s\n", nreaders, ncpu, seconds);
	for (int i = 0; i < nreaders; i++)
		pthread_create(&th[n++], NULL, reader, (void *)(uintptr_t)i);
	pthread_create(&th[n++], NULL, mapper, NULL);
	pthread_create(&th[n++], NULL, gupper, NULL);
	pthread_create(&th[n++], NULL, thp_churn, NULL);
	pthread_create(&th[n++], NULL, walker, NULL);
	sleep(seconds);
	atomic_store(&stop, true);
	for (int i = 0; i < n; i++)
		pthread_join(th[i], NULL);
	faults1 = vmstat("pgfault");
	compact1 = vmstat("compact_stall") + vmstat("compact_migrate_scanned");

	ksft_print_msg("reads %lu, maps %lu, gups %lu, thp rounds %lu, compactions %lu, drops %lu\n",
		       reads, maps, gups, thp_rounds, compactions, drops);
	ksft_test_result(reads > 0 && bad_reads == 0, "pread_data_intact (%lu bad of %lu)\n",
			 bad_reads, reads);
	ksft_test_result(maps > 0 && bad_maps == 0, "mmap_data_intact (%lu bad)\n", bad_maps);
	if (gup_unsupported)
		ksft_test_result_skip("gup_data_intact: no process_vm_readv (CONFIG_CROSS_MEMORY_ATTACH)\n");
	else
		ksft_test_result(gups > 0 && bad_gups == 0, "gup_data_intact (%lu bad of %lu)\n",
				 bad_gups, gups);
	ksft_test_result(thp_rounds > 0, "thp_fault_collapse_split_rounds (%lu)\n", thp_rounds);
	ksft_test_result(sys_errors == 0, "no_syscall_errors (%lu)\n", sys_errors);
	if (faults0 < 0)
		ksft_test_result_skip("vmstat_pgfault_moved: no /proc/vmstat\n");
	else
		ksft_test_result(faults1 > faults0, "vmstat_pgfault_moved (%ld -> %ld)\n",
				 faults0, faults1);
	if (compactions == 0)
		ksft_test_result_skip("vmstat_compaction_moved: compact_memory not writable\n");
	else
		ksft_test_result(compact1 >= compact0, "vmstat_compaction_moved (%ld -> %ld)\n",
				 compact0, compact1);
	close(fd);
	unlink("/tmp/pageref_stress.dat");
	ksft_finished();
}
