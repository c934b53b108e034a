// SPDX-License-Identifier: GPL-2.0
/*
 * pageref_trace - the page_ref tracepoints show the frozen state.
 *
 * With the page refcount series a frozen (or free) page's count reads 0
 * through page_ref_count(), and its raw word is PAGEREF_FROZEN_BIT plus any
 * stray increments. The series' patch "show frozen counts in the page_ref
 * tracepoints" records that raw word in every page_ref event. This program
 * checks, through tracefs (CONFIG_DEBUG_PAGE_REF):
 *
 *   1. the page_ref_mod_and_test event has a "raw" field;
 *   2. a final put traced while this program frees anonymous memory is
 *      reported with ret=1, count=0 and raw=0x80000000 (the page frozen by
 *      the put), and no traced final put reports a raw word without the
 *      frozen bit;
 *   3. a non-final put is reported with its owned count: ret=0 and a raw
 *      word equal to the count.
 *
 * Skips (KTAP SKIP) when the kernel has no page_ref events.
 *
 * Requires: include/trace/events/page_ref.h __field(unsigned int, raw)
 * (make bisect-check runs it only on the patches that have the field)
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kselftest.h"

#define TRACEFS		"/sys/kernel/tracing"
#define EVENT		TRACEFS "/events/page_ref/page_ref_mod_and_test"
#define NPAGES		64

static int write_str(const char *path, const char *s)
{
	int fd = open(path, O_WRONLY | O_TRUNC);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = write(fd, s, strlen(s));
	close(fd);
	return n == (ssize_t)strlen(s) ? 0 : -EIO;
}

static int file_contains(const char *path, const char *needle)
{
	char line[512];
	FILE *f = fopen(path, "r");
	int found = 0;

	if (!f)
		return -errno;
	while (!found && fgets(line, sizeof(line), f))
		found = strstr(line, needle) != NULL;
	fclose(f);
	return found;
}

/* Touch and free NPAGES anonymous pages: each munmap() ends in a final put. */
static int churn(void)
{
	size_t len = NPAGES * (size_t)getpagesize();
	char *p;
	int round;

	for (round = 0; round < 8; round++) {
		p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (p == MAP_FAILED)
			return -errno;
		memset(p, round + 1, len);
		if (munmap(p, len))
			return -errno;
	}
	return 0;
}

int main(void)
{
	unsigned long finals = 0, frozen_finals = 0, bad_finals = 0, owned = 0, bad_owned = 0;
	char line[1024];
	FILE *trace;
	int ret;

	ksft_print_header();
	ksft_set_plan(3);

	if (access(TRACEFS "/events", F_OK) && mount("tracefs", TRACEFS, "tracefs", 0, NULL))
		ksft_exit_skip("no tracefs at " TRACEFS ": %s\n", strerror(errno));
	if (access(EVENT "/format", R_OK))
		ksft_exit_skip("no page_ref events (CONFIG_DEBUG_PAGE_REF off?)\n");

	ret = file_contains(EVENT "/format", "field:unsigned int raw;");
	ksft_test_result(ret == 1, "page_ref_mod_and_test records the raw word\n");

	if (write_str(TRACEFS "/tracing_on", "0") ||
	    write_str(TRACEFS "/trace", "") ||
	    write_str(TRACEFS "/buffer_size_kb", "4096") ||
	    write_str(EVENT "/enable", "1"))
		ksft_exit_fail_msg("cannot set up tracing: %s\n", strerror(errno));
	write_str(TRACEFS "/tracing_on", "1");
	ret = churn();
	write_str(TRACEFS "/tracing_on", "0");
	write_str(EVENT "/enable", "0");
	if (ret)
		ksft_exit_fail_msg("mmap/munmap: %s\n", strerror(-ret));

	trace = fopen(TRACEFS "/trace", "r");
	if (!trace)
		ksft_exit_fail_msg("cannot read the trace: %s\n", strerror(errno));
	while (fgets(line, sizeof(line), trace)) {
		unsigned int raw;
		int count, r;
		char *c = strstr(line, " count="), *w = strstr(line, " raw="),
		     *t = strstr(line, " ret=");

		if (!c || !w || !t || sscanf(c, " count=%d", &count) != 1 ||
		    sscanf(w, " raw=%x", &raw) != 1 || sscanf(t, " ret=%d", &r) != 1)
			continue;
		if (r) {
			finals++;
			if (count == 0 && raw == 0x80000000u)
				frozen_finals++;
			else if (!(raw & 0x80000000u))
				bad_finals++;
		} else if (count > 0) {
			owned++;
			if (raw != (unsigned int)count)
				bad_owned++;
		}
	}
	fclose(trace);
	write_str(TRACEFS "/trace", "");

	ksft_print_msg("%lu final puts traced (%lu frozen at 0x80000000, %lu without the bit), %lu non-final (%lu with raw != count)\n",
		       finals, frozen_finals, bad_finals, owned, bad_owned);
	ksft_test_result(frozen_finals > 0 && bad_finals == 0,
			 "a final put shows count=0 raw=0x80000000\n");
	ksft_test_result(owned > 0 && bad_owned == 0,
			 "a non-final put shows its owned count in raw\n");
	ksft_finished();
}
