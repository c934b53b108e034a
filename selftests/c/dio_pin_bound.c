// SPDX-License-Identifier: GPL-2.0
/*
 * dio_pin_bound - legacy direct I/O cannot pin a page past the owned bound.
 *
 * The series refuses references that user space can multiply once a page's
 * count would reach PAGEREF_OWNED_LIMIT (2^30): GUP fails with -ENOMEM there.
 * Legacy direct I/O (fs/direct-io.c: FAT, hfsplus, udf, jfs, ...) pins each
 * user page through GUP, and then pins it again, through folio_add_pin(),
 * for each section of the page in the request, a pin that the section's bio
 * keeps until the I/O completes. In v8 as first written (and in v7) that
 * second pin was not bounded, so a request could carry a page that user
 * space had pinned up to the bound past it, towards the frozen bit (one pin
 * per alias of the page in the request, as many requests in flight as the
 * user likes).
 *
 * The program pins one anonymous page through io_uring buffer registration
 * (one pin per registered buffer, GUP_PIN_COUNTING_BIAS references each)
 * until GUP refuses, then frees exactly one pin of room, checked by probing:
 * one more pin fits, a second is refused. "Room" is GUP-fast's: it checks
 * the count against PAGEREF_OWNED_LIMIT before it adds, so the last pin it
 * takes may end above the limit, while folio_add_pin() refuses any pin that
 * would reach it. The GUP pin of a direct read or write (GUP-fast too) then
 * fits, and its further pin does not. On a FAT image on a loop device
 * (512-byte blocks) it checks:
 *
 *   1. an O_DIRECT read into the page fails with ENOMEM;
 *   2. the failed read gave back every pin it took (one pin of room again);
 *   3. the same for an O_DIRECT write from the page;
 *   4. with three pins of room, a read of two aliases of the page's first
 *      block fails with ENOMEM once its first section is in a bio (the
 *      second section's pin is refused) and gives back its pins;
 *   5. with three pins of room, a read of the whole page succeeds and reads
 *      the file's data, so the failures above are the bound and not the
 *      set-up.
 *
 * Needs root, CONFIG_IO_URING, CONFIG_BLK_DEV_LOOP, CONFIG_VFAT_FS and
 * mkfs.vfat (dosfstools; scripts/pipeline/setup.sh installs it).
 *
 * Requires: include/linux/page_ref.h #define PAGEREF_OWNED_LIMIT
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <liburing.h>
#include <linux/loop.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kselftest.h"

#define MAX_REG		16384	/* io_uring's IORING_MAX_REG_BUFFERS */
/* 2^30 / GUP_PIN_COUNTING_BIAS pins reach the bound; stop well past it. */
#define MAX_PINS	((1L << 20) + 2 * MAX_REG)
#define MAX_RINGS	256
#define FILE_SIZE	8192
#define IMG_KB		4096

struct pin_ring {
	struct io_uring ring;
	int nr;		/* buffers registered (each one pin), 0 if none */
};

static struct pin_ring rings[MAX_RINGS];
static int nr_rings;
static long pins;
static struct iovec *iovs;
static char *page;
static long page_size;

static char dir[] = "/tmp/dio_pin_bound.XXXXXX";
static char img[64], mnt[64], path[80], loopdev[32];
static int loop_fd = -1, mounted;

/*
 * Pin the page @nr more times in a new ring: 0 on success, -ENOMEM when GUP
 * refuses (the ring is then closed again), another -errno on other failures.
 */
static int pin_ring(int nr)
{
	struct pin_ring *r;
	int ret;

	if (nr_rings == MAX_RINGS)
		return -EMFILE;
	r = &rings[nr_rings];
	ret = io_uring_queue_init(1, &r->ring, 0);
	if (ret)
		return ret;
	ret = io_uring_register_buffers(&r->ring, iovs, nr);
	if (ret) {
		io_uring_queue_exit(&r->ring);
		return ret;
	}
	r->nr = nr;
	nr_rings++;
	pins += nr;
	return 0;
}

/*
 * Drop the pins of ring @i (pin_ring()'s order). Unregistering unpins at once;
 * closing the ring alone would leave it to io_uring's exit work, later.
 */
static void unpin_ring(int i)
{
	int ret;

	if (!rings[i].nr)
		return;
	ret = io_uring_unregister_buffers(&rings[i].ring);
	if (ret)
		ksft_print_msg("unregistering %d buffers: %s\n", rings[i].nr, strerror(-ret));
	io_uring_queue_exit(&rings[i].ring);
	pins -= rings[i].nr;
	rings[i].nr = 0;
}

/*
 * How many more pins the page takes, if fewer than @max: pin one at a time
 * until GUP refuses, then give those pins back. -1 on an unexpected error,
 * @max if at least that many fit.
 */
static int room(int max)
{
	int first = nr_rings, n, ret = 0;

	for (n = 0; n < max; n++) {
		ret = pin_ring(1);
		if (ret)
			break;
	}
	while (nr_rings > first)
		unpin_ring(--nr_rings);
	if (ret && ret != -ENOMEM) {
		ksft_print_msg("probing pin: %s\n", strerror(-ret));
		return -1;
	}
	return n;
}

/* Pin the page until GUP refuses a single further pin. */
static int fill(void)
{
	int nr, ret;

	for (nr = MAX_REG; nr >= 1; nr /= 2) {
		while (!(ret = pin_ring(nr))) {
			if (pins > MAX_PINS) {
				ksft_print_msg("%ld pins and no refusal: this kernel does not bound pins\n",
					       pins);
				return -1;
			}
		}
		if (ret != -ENOMEM) {
			ksft_print_msg("registering %d buffers: %s\n", nr, strerror(-ret));
			return -1;
		}
	}
	ksft_print_msg("GUP refused a further pin after %ld pins (%d rings)\n",
		       pins, nr_rings);
	return 0;
}

/* The file's data: byte i of block b is b ^ i. */
static char data_byte(int i)
{
	return (char)((i / 512) ^ i);
}

/* Whether a transfer was refused with ENOMEM; says what it did otherwise. */
static int refused(ssize_t n, const char *what)
{
	if (n != -ENOMEM)
		ksft_print_msg("O_DIRECT %s: %zd (%s), expected -ENOMEM\n",
			       what, n, n < 0 ? strerror(-n) : "bytes");
	return n == -ENOMEM;
}

/* Whether the page has room for @expected more pins (probing up to one more). */
static int room_is(int expected, const char *when)
{
	int left = room(expected + 1);

	if (left != expected)
		ksft_print_msg("room %s: %d pins, expected %d\n", when, left, expected);
	return left == expected;
}

static int run(const char *cmd)
{
	int st = system(cmd);

	return st != -1 && WIFEXITED(st) && WEXITSTATUS(st) == 0 ? 0 : -1;
}

static void cleanup(void)
{
	while (nr_rings)
		unpin_ring(--nr_rings);
	if (mounted)
		umount(mnt);
	if (loop_fd >= 0) {
		ioctl(loop_fd, LOOP_CLR_FD, 0);
		close(loop_fd);
	}
	unlink(img);
	rmdir(mnt);
	rmdir(dir);
}

/* A FAT file system with 512-byte sectors and clusters, on a loop device. */
static void setup_fs(void)
{
	struct loop_config cfg = { .block_size = 512 };
	const char *mkfs = "/usr/sbin/mkfs.vfat";
	char cmd[192];
	int ctl, n, img_fd, fd;
	char *data;

	if (access(mkfs, X_OK))
		mkfs = "/sbin/mkfs.vfat";
	if (access(mkfs, X_OK))
		ksft_exit_fail_msg("mkfs.vfat not found: run scripts/pipeline/setup.sh (it installs dosfstools)\n");
	if (!mkdtemp(dir))
		ksft_exit_fail_msg("mkdtemp: %s\n", strerror(errno));
	snprintf(img, sizeof(img), "%s/fat.img", dir);
	snprintf(mnt, sizeof(mnt), "%s/mnt", dir);
	snprintf(path, sizeof(path), "%s/data", mnt);
	snprintf(cmd, sizeof(cmd), "%s -C -S 512 -s 1 %s %d >/dev/null", mkfs, img, IMG_KB);
	if (run(cmd))
		ksft_exit_fail_msg("'%s' failed\n", cmd);
	if (mkdir(mnt, 0700))
		ksft_exit_fail_msg("mkdir %s: %s\n", mnt, strerror(errno));

	ctl = open("/dev/loop-control", O_RDWR);
	if (ctl < 0)
		ksft_exit_fail_msg("/dev/loop-control: %s (CONFIG_BLK_DEV_LOOP?)\n",
				   strerror(errno));
	n = ioctl(ctl, LOOP_CTL_GET_FREE);
	close(ctl);
	if (n < 0)
		ksft_exit_fail_msg("LOOP_CTL_GET_FREE: %s\n", strerror(errno));
	snprintf(loopdev, sizeof(loopdev), "/dev/loop%d", n);
	loop_fd = open(loopdev, O_RDWR);
	img_fd = open(img, O_RDWR);
	if (loop_fd < 0 || img_fd < 0)
		ksft_exit_fail_msg("open %s / %s: %s\n", loopdev, img, strerror(errno));
	cfg.fd = img_fd;
	if (ioctl(loop_fd, LOOP_CONFIGURE, &cfg))
		ksft_exit_fail_msg("LOOP_CONFIGURE %s: %s\n", loopdev, strerror(errno));
	close(img_fd);
	if (mount(loopdev, mnt, "vfat", 0, ""))
		ksft_exit_fail_msg("mount %s (vfat): %s (CONFIG_VFAT_FS?)\n",
				   loopdev, strerror(errno));
	mounted = 1;

	data = malloc(FILE_SIZE);
	if (!data)
		ksft_exit_fail_msg("malloc\n");
	for (n = 0; n < FILE_SIZE; n++)
		data[n] = data_byte(n);
	fd = open(path, O_CREAT | O_WRONLY | O_TRUNC, 0600);
	if (fd < 0 || write(fd, data, FILE_SIZE) != FILE_SIZE || fsync(fd))
		ksft_exit_fail_msg("writing %s: %s\n", path, strerror(errno));
	close(fd);
	free(data);
}

/*
 * One O_DIRECT transfer at file offset 0: of the whole page, or with
 * @aliases > 0, of @aliases blocks of 512 bytes that all name the page's
 * first block (one section of the page each). Bytes, or -errno.
 */
static ssize_t dio(int write_it, int aliases)
{
	struct iovec iov[8];
	int fd, i, nr = aliases ? aliases : 1;
	ssize_t n;

	for (i = 0; i < nr; i++) {
		iov[i].iov_base = page;
		iov[i].iov_len = aliases ? 512 : page_size;
	}
	fd = open(path, (write_it ? O_WRONLY : O_RDONLY) | O_DIRECT);
	if (fd < 0)
		return -errno;
	n = write_it ? pwritev(fd, iov, nr, 0) : preadv(fd, iov, nr, 0);
	if (n < 0)
		n = -errno;
	close(fd);
	return n;
}

static int data_matches(void)
{
	int i;

	for (i = 0; i < page_size; i++)
		if (page[i] != data_byte(i))
			return 0;
	return 1;
}

static void check_refused(int write_it)
{
	const char *what = write_it ? "write" : "read";

	ksft_test_result(refused(dio(write_it, 0), what),
			 "dio_%s_at_the_bound_is_refused\n", what);
	ksft_test_result(room_is(1, what), "dio_%s_gives_back_its_pins\n", what);
}

int main(void)
{
	int reserve1, reserve2, i, ret, refused_ok;
	ssize_t n;

	ksft_print_header();
	if (geteuid())
		ksft_exit_skip("needs root (loop device, mount)\n");
	ksft_set_plan(6);

	page_size = sysconf(_SC_PAGESIZE);
	page = mmap(NULL, page_size, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	iovs = calloc(MAX_REG, sizeof(*iovs));
	if (page == MAP_FAILED || !iovs)
		ksft_exit_fail_msg("mmap/calloc: %s\n", strerror(errno));
	memset(page, 0, page_size);
	for (i = 0; i < MAX_REG; i++) {
		iovs[i].iov_base = page;
		iovs[i].iov_len = page_size;
	}
	atexit(cleanup);
	setup_fs();

	/* Set aside one pin and then two more, to be given back later. */
	reserve1 = nr_rings;
	ret = pin_ring(1);
	if (ret)
		ksft_exit_fail_msg("io_uring buffer registration: %s (CONFIG_IO_URING?)\n",
				   strerror(-ret));
	reserve2 = nr_rings;
	ret = pin_ring(2);
	if (ret)
		ksft_exit_fail_msg("io_uring buffer registration of 2 buffers: %s\n",
				   strerror(-ret));
	if (fill())
		ksft_exit_fail_msg("could not pin the page up to the bound\n");
	/*
	 * 2^20 pins of GUP_PIN_COUNTING_BIAS reach 2^30 from any base count
	 * below 1024: an order-0 page, refused by the bound and not by an
	 * allocation failure in io_uring.
	 */
	if (pins != 1L << 20)
		ksft_exit_fail_msg("refused after %ld pins, not 2^20: not the bound on an order-0 page\n",
				   pins);

	unpin_ring(reserve1);
	if (!room_is(1, "after one pin given back"))
		ksft_exit_fail_msg("the set-up left other than one pin of room\n");
	check_refused(0);
	check_refused(1);

	/*
	 * Three pins of room: the first alias's GUP pin and its section's pin
	 * fit; the GUP pin is dropped, the second alias's fits (GUP-fast may
	 * end above the limit), and the second section's pin, which may not,
	 * is refused. The first section is in a bio by then, submitted as the
	 * request fails.
	 */
	unpin_ring(reserve2);
	if (!room_is(3, "after two more pins given back"))
		ksft_exit_fail_msg("the set-up left other than three pins of room\n");
	refused_ok = refused(dio(0, 2), "read of 2 aliases");
	ksft_test_result(room_is(3, "after the aliased read") && refused_ok,
			 "dio_aliased_read_fails_past_its_first_section_and_gives_back_its_pins\n");

	n = dio(0, 0);
	ksft_print_msg("with 3 pins of room: O_DIRECT read %zd\n", n);
	ksft_test_result(n == page_size && data_matches(),
			 "dio_read_below_the_bound_reads_the_data\n");
	ksft_finished();
}
