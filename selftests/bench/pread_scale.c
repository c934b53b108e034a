// SPDX-License-Identifier: GPL-2.0
/*
 * pread_scale - scalability of small pread()s of one page-cache page.
 *
 * The workload from the series' discussion: N threads, pinned one per CPU,
 * each doing 64-byte pread()s of the same one-page file on tmpfs in a loop.
 * Every pread() looks the folio up under RCU with a speculative reference
 * (folio_try_get()), copies 64 bytes and drops the reference (folio_put()),
 * so all threads hammer one page->_refcount.
 * The series turns that speculative get from a read + cmpxchg loop into a
 * single atomic add.
 *
 * For N = 1 .. CPUs (above 8 CPUs: 1..8, then powers of two, then CPUs;
 * BENCH_THREADS="1,2,4" picks them): one KTAP test point (ok when the threads did work and
 * every byte read back was the one written) and one machine-readable line
 *
 *   # BENCH pread_scale threads=N ops_per_sec=X
 *
 * where X is the sum over threads of (reads / the thread's own run time).
 *
 * On tmpfs the read path is shmem_file_read_iter() -> shmem_get_folio() ->
 * filemap_get_entry(), which takes the speculative reference, then
 * folio_lock()/folio_unlock() and, after the copy, folio_put(): the lock bit
 * lives in the same struct page cache line as the count.
 *
 * Environment: BENCH_SECONDS (default 3) per thread count, BENCH_DIR
 * (default /tmp, or a private tmpfs mounted over it; must be tmpfs),
 * BENCH_THREADS (list of thread counts), BENCH_MAX_THREADS (cap; default CPUs),
 * BENCH_PROCS=1: the readers are processes (fork(), sharing the open file
 * and so its page) instead of threads of one process. UML runs the user
 * code of all threads of one mm under one lock (its "turnstile": one stub
 * host process per mm), so there threads would take turns; processes each
 * have their own mm and run at the same time (scripts/bench/uml-pread.sh).
 * The kernel path per read is the same.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "kselftest.h"
#include "bench.h"

#define FILE_SIZE	4096
#define READ_SIZE	64
#define MAX_THREADS	256

struct worker {
	pthread_t th;
	int cpu;
	unsigned long ops;
	unsigned long bad;
	double seconds;
} __attribute__((aligned(64)));

static int fd;
/* In a MAP_SHARED mapping, so that BENCH_PROCS=1 readers see them too. */
static struct shared {
	atomic_bool stop;
	pthread_barrier_t barrier;
	struct worker workers[MAX_THREADS];
} *sh;
#define stop (sh->stop)
#define barrier (sh->barrier)
#define workers (sh->workers)

static inline uint8_t pattern(size_t off)
{
	return (uint8_t)(off * 7 + 1);
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void *reader(void *arg)
{
	struct worker *w = arg;
	unsigned long ops = 0, bad = 0;
	size_t off = ((w - workers) * READ_SIZE) % FILE_SIZE;
	uint8_t buf[READ_SIZE];
	cpu_set_t set;
	double t0;

	CPU_ZERO(&set);
	CPU_SET(w->cpu, &set);
	if (sched_setaffinity(0, sizeof(set), &set))
		bad++;	/* counted as a failure of this thread count */
	pthread_barrier_wait(&barrier);
	t0 = now();
	while (!atomic_load_explicit(&stop, memory_order_relaxed)) {
		ssize_t n = pread(fd, buf, sizeof(buf), off);
		int ok = n == (ssize_t)sizeof(buf);

		for (size_t i = 0; ok && i < sizeof(buf); i++)
			ok = buf[i] == pattern(off + i);
		bad += !ok;
		ops++;
		off = (off + READ_SIZE) % FILE_SIZE;
	}
	w->seconds = now() - t0;
	w->ops = ops;
	w->bad = bad;
	return NULL;
}

int main(void)
{
	int seconds = env_int("BENCH_SECONDS", 3);
	int procs = env_int("BENCH_PROCS", 0) == 1;
	pid_t pids[MAX_THREADS];
	pthread_barrierattr_t battr;
	const char *dir, *why;
	int cpus[MAX_THREADS], counts[MAX_THREADS], ncpu = 0, ncounts;
	char path[4096];
	uint8_t data[FILE_SIZE];
	cpu_set_t allowed;

	ksft_print_header();
	sh = mmap(NULL, sizeof(*sh), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (sh == MAP_FAILED)
		ksft_exit_fail_perror("mmap");
	pthread_barrierattr_init(&battr);
	if (pthread_barrierattr_setpshared(&battr, PTHREAD_PROCESS_SHARED))
		ksft_exit_fail_perror("pthread_barrierattr_setpshared");
	if (sched_getaffinity(0, sizeof(allowed), &allowed))
		ksft_exit_fail_perror("sched_getaffinity");
	for (int c = 0; c < CPU_SETSIZE && ncpu < MAX_THREADS; c++)
		if (CPU_ISSET(c, &allowed))
			cpus[ncpu++] = c;
	ncounts = bench_thread_counts(ncpu, counts, MAX_THREADS);
	if (seconds < 1)
		seconds = 1;
	ksft_set_plan(ncounts);

	dir = bench_tmpfs_dir(&why);
	if (!dir) {
		for (int c = 0; c < ncounts; c++)
			ksft_test_result_skip("pread_scale_threads_%d: %s\n", counts[c], why);
		ksft_finished();
	}
	snprintf(path, sizeof(path), "%s/pread_scale.%d", dir, getpid());
	fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
	if (fd < 0)
		ksft_exit_fail_perror("open");
	unlink(path);
	for (size_t off = 0; off < FILE_SIZE; off++)
		data[off] = pattern(off);
	if (pwrite(fd, data, FILE_SIZE, 0) != FILE_SIZE)
		ksft_exit_fail_perror("pwrite");

	ksft_print_msg("%d CPUs allowed, %d s per thread count, file on %s, readers are %s\n",
		       ncpu, seconds, dir, procs ? "processes (BENCH_PROCS=1)" : "threads");
	for (int c = 0; c < ncounts; c++) {
		unsigned long ops = 0, bad = 0;
		double rate = 0;
		int i, n = counts[c];

		atomic_store(&stop, false);
		pthread_barrier_init(&barrier, &battr, n + 1);
		for (i = 0; i < n; i++) {
			workers[i] = (struct worker){ .cpu = cpus[i] };
			if (procs) {
				pids[i] = fork();
				if (pids[i] < 0)
					ksft_exit_fail_perror("fork");
				if (pids[i] == 0) {
					reader(&workers[i]);
					_exit(0);
				}
			} else if (pthread_create(&workers[i].th, NULL, reader, &workers[i])) {
				ksft_exit_fail_perror("pthread_create");
			}
		}
		pthread_barrier_wait(&barrier);
		sleep(seconds);
		atomic_store(&stop, true);
		for (i = 0; i < n; i++) {
			int status;

			if (!procs)
				pthread_join(workers[i].th, NULL);
			else if (waitpid(pids[i], &status, 0) != pids[i] ||
				 !WIFEXITED(status) || WEXITSTATUS(status))
				workers[i].bad++;
			ops += workers[i].ops;
			bad += workers[i].bad;
			if (workers[i].seconds > 0)
				rate += workers[i].ops / workers[i].seconds;
		}
		pthread_barrier_destroy(&barrier);
		ksft_print_msg("BENCH pread_scale threads=%d ops_per_sec=%.0f\n", n, rate);
		ksft_test_result(ops > 0 && bad == 0,
				 "pread_scale_threads_%d (%lu reads, %lu bad)\n", n, ops, bad);
	}
	close(fd);
	ksft_finished();
}
