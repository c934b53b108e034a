// SPDX-License-Identifier: GPL-2.0
/*
 * free_path - cost of the final put, per page, when pages are freed in bulk.
 *
 * The series adds a cmpxchg (0 -> frozen) to the put that drops the last
 * reference. These loops free many pages that each hold exactly one
 * reference, so that final put is on every page's free path:
 *
 *   free_anon            mmap anonymous memory (MADV_NOHUGEPAGE: 4 KiB
 *                        folios), write one byte per page, time munmap()
 *                        (zap -> folios_put_refs -> final put per folio);
 *   free_shmem_truncate  write a tmpfs file (page cache, one reference per
 *                        folio), time ftruncate(fd, 0) (truncate ->
 *                        folios_put -> final put per folio).
 *
 * Each round handles BENCH_FREE_MB (default 64) MiB; one untimed warm-up
 * round, then BENCH_ROUNDS (default 5) timed rounds. Machine-readable lines,
 * the median over rounds:
 *
 *   # BENCH free_anon ns_per_page=X            the munmap() alone
 *   # BENCH free_anon_cycle ns_per_page=X      mmap + touch + munmap
 *   # BENCH free_shmem_truncate ns_per_page=X  the ftruncate(0) alone
 *   # BENCH free_shmem_cycle ns_per_page=X     write + ftruncate(0)
 *
 * Test points check that the pages really were allocated and really left
 * (resident set size, the file's block count), so that a figure is never
 * the cost of freeing nothing. BENCH_DIR (default /tmp, or a private tmpfs
 * mounted over it) must be tmpfs.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "kselftest.h"
#include "bench.h"

#define MAX_ROUNDS	100
#define CHUNK		(1UL << 20)

static long page_size;

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

/* Resident pages of this process, from /proc/self/statm (-1 if unknown). */
static long rss_pages(void)
{
	long size, rss = -1;
	FILE *f = fopen("/proc/self/statm", "r");

	if (!f)
		return -1;
	if (fscanf(f, "%ld %ld", &size, &rss) != 2)
		rss = -1;
	fclose(f);
	return rss;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static void report(const char *name, double *v, int n)
{
	qsort(v, n, sizeof(*v), cmp_double);
	ksft_print_msg("%s: %d rounds, ns per page min %.1f max %.1f\n", name, n, v[0], v[n - 1]);
	ksft_print_msg("BENCH %s ns_per_page=%.1f\n", name,
		       n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2);
}

/*
 * One anonymous round: returns 0 on success and stores the munmap and full
 * cycle times; *missing counts pages that did not show up in (or did not
 * leave) the resident set.
 */
static int anon_round(size_t bytes, double *free_ns, double *cycle_ns, long *missing)
{
	long npages = bytes / page_size, rss0, rss1, rss2;
	double t0, t1, t2, t3;
	uint8_t *p;

	rss0 = rss_pages();
	t0 = now_ns();
	p = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return -1;
	madvise(p, bytes, MADV_NOHUGEPAGE);
	for (size_t off = 0; off < bytes; off += page_size)
		p[off] = (uint8_t)(off >> 12 | 1);
	t1 = now_ns();
	/* Untimed: the data and the resident set size. */
	rss1 = rss_pages();
	for (size_t off = 0; off < bytes; off += page_size)
		if (p[off] != (uint8_t)(off >> 12 | 1))
			(*missing)++;
	t2 = now_ns();
	if (munmap(p, bytes))
		return -1;
	t3 = now_ns();
	rss2 = rss_pages();
	if (rss0 >= 0 && rss1 >= 0 && rss2 >= 0) {
		if (rss1 - rss0 < npages)
			*missing += npages - (rss1 - rss0);
		if (rss1 - rss2 < npages)
			*missing += npages - (rss1 - rss2);
	}
	*free_ns = (t3 - t2) / npages;
	*cycle_ns = (t1 - t0 + t3 - t2) / npages;
	return 0;
}

static int shmem_round(int fd, const uint8_t *chunk, size_t bytes, double *free_ns,
		       double *cycle_ns, long *missing)
{
	long npages = bytes / page_size;
	double t0, t1, t2, t3;
	uint8_t probe[64];
	struct stat st;

	t0 = now_ns();
	for (size_t off = 0; off < bytes; off += CHUNK)
		if (pwrite(fd, chunk, CHUNK, off) != (ssize_t)CHUNK)
			return -1;
	t1 = now_ns();
	/* Untimed: the pages are there and hold the data. */
	if (fstat(fd, &st) || (long)(st.st_blocks * 512 / page_size) < npages)
		*missing += npages;
	if (pread(fd, probe, sizeof(probe), bytes / 2) != sizeof(probe) ||
	    memcmp(probe, chunk + (bytes / 2) % CHUNK, sizeof(probe)))
		(*missing)++;
	t2 = now_ns();
	if (ftruncate(fd, 0))
		return -1;
	t3 = now_ns();
	if (fstat(fd, &st) || st.st_blocks != 0 || st.st_size != 0)
		*missing += npages;
	*free_ns = (t3 - t2) / npages;
	*cycle_ns = (t1 - t0 + t3 - t2) / npages;
	return 0;
}

int main(void)
{
	int rounds = env_int("BENCH_ROUNDS", 5);
	size_t bytes = (size_t)env_int("BENCH_FREE_MB", 64) << 20;
	const char *dir, *why;
	double anon_free[MAX_ROUNDS], anon_cycle[MAX_ROUNDS];
	double shm_free[MAX_ROUNDS], shm_cycle[MAX_ROUNDS];
	long missing = 0;
	char path[4096];
	uint8_t *chunk;
	int fd, i;

	ksft_print_header();
	ksft_set_plan(2);
	page_size = sysconf(_SC_PAGESIZE);
	if (rounds < 1 || rounds > MAX_ROUNDS)
		rounds = 5;
	if (bytes < CHUNK)
		bytes = CHUNK;
	bytes &= ~(CHUNK - 1);
	ksft_print_msg("%zu MiB per round, 1 warm-up + %d timed rounds, %ld-byte pages\n",
		       bytes >> 20, rounds, page_size);

	/* Anonymous memory. */
	for (i = -1; i < rounds; i++) {
		double f, c;

		if (anon_round(bytes, &f, &c, &missing))
			ksft_exit_fail_perror("anonymous round");
		if (i >= 0) {
			anon_free[i] = f;
			anon_cycle[i] = c;
		}
	}
	report("free_anon", anon_free, rounds);
	report("free_anon_cycle", anon_cycle, rounds);
	ksft_test_result(missing == 0, "free_anon (%ld pages missing from or left in the RSS)\n",
			 missing);

	/* Page cache on tmpfs. */
	dir = bench_tmpfs_dir(&why);
	if (!dir) {
		ksft_test_result_skip("free_shmem_truncate: %s\n", why);
		ksft_finished();
	}
	snprintf(path, sizeof(path), "%s/free_path.%d", dir, getpid());
	fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
	if (fd < 0)
		ksft_exit_fail_perror("open");
	unlink(path);
	chunk = malloc(CHUNK);
	if (!chunk)
		ksft_exit_fail_msg("out of memory\n");
	for (size_t off = 0; off < CHUNK; off++)
		chunk[off] = (uint8_t)(off * 7 + 3);
	missing = 0;
	for (i = -1; i < rounds; i++) {
		double f, c;

		if (shmem_round(fd, chunk, bytes, &f, &c, &missing))
			ksft_exit_fail_perror("tmpfs round");
		if (i >= 0) {
			shm_free[i] = f;
			shm_cycle[i] = c;
		}
	}
	report("free_shmem_truncate", shm_free, rounds);
	report("free_shmem_cycle", shm_cycle, rounds);
	ksft_test_result(missing == 0,
			 "free_shmem_truncate (%ld pages not written or not freed)\n", missing);
	free(chunk);
	close(fd);
	ksft_finished();
}
