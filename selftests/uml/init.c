// SPDX-License-Identifier: GPL-2.0
/*
 * init - a tiny static init for the benchmark kernels that run user space
 * from a built-in initramfs: the UML pread kernels of
 * scripts/bench/uml-pread.sh (make bench-uml-pread) and the x86_64 TCG
 * kernels of scripts/bench/gp-cost.sh (make bench-gp-cost).
 *
 * It mounts proc, sysfs and a tmpfs on /tmp, then runs every program in
 * /bin in name order, one after the other, with the environment the kernel
 * gave init (the kernel passes "NAME=value" words of its command line that
 * it does not know to init as environment: BENCH_SECONDS=3 and the like).
 * Each program's stdout and stderr go through a pipe and every line is
 * written to /dev/kmsg as one kernel log record
 *
 *   pageref_user: <program>: <line>
 *
 * so that the program's KTAP lines reach the console whole, in order with
 * the kernel's own messages (boot with printk.devkmsg=on, or /dev/kmsg
 * rate-limits user writes). It ends with one line per program,
 *
 *   pageref_user: init: <program> exit=<status>
 *
 * and "pageref_user: init: done", then powers off (UML: the process exits)
 * or, with INIT_END=reboot (x86_64 under qemu -no-reboot), reboots, which
 * ends qemu. The host side judges the KTAP streams and the exit statuses.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#define MAX_PROGS 32

static int kmsg = -1;

static void say(const char *prog, const char *fmt, ...)
{
	char line[1024];
	int n;
	va_list ap;

	n = snprintf(line, sizeof(line), "pageref_user: %s: ", prog);
	va_start(ap, fmt);
	n += vsnprintf(line + n, sizeof(line) - n, fmt, ap);
	va_end(ap);
	if (n >= (int)sizeof(line))
		n = sizeof(line) - 1;
	if (kmsg < 0 || write(kmsg, line, n) < 0) {
		/* No /dev/kmsg: the console is all there is. */
		line[n] = '\n';
		if (write(STDOUT_FILENO, line, n + 1) < 0)
			return;
	}
}

static int cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int run(const char *name)
{
	char path[512], buf[4096], line[1024];
	size_t len = 0;
	int pfd[2], status;
	pid_t pid;
	ssize_t n;

	snprintf(path, sizeof(path), "/bin/%s", name);
	if (pipe(pfd))
		return -errno;
	pid = fork();
	if (pid < 0)
		return -errno;
	if (pid == 0) {
		char *argv[] = { path, NULL };

		dup2(pfd[1], STDOUT_FILENO);
		dup2(pfd[1], STDERR_FILENO);
		close(pfd[0]);
		close(pfd[1]);
		execv(path, argv);
		fprintf(stderr, "execv %s: %s\n", path, strerror(errno));
		_exit(127);
	}
	close(pfd[1]);
	while ((n = read(pfd[0], buf, sizeof(buf))) > 0) {
		for (ssize_t i = 0; i < n; i++) {
			if (buf[i] == '\n' || len == sizeof(line) - 1) {
				line[len] = '\0';
				say(name, "%s", line);
				len = 0;
				if (buf[i] == '\n')
					continue;
			}
			line[len++] = buf[i];
		}
	}
	if (len) {
		line[len] = '\0';
		say(name, "%s", line);
	}
	close(pfd[0]);
	if (waitpid(pid, &status, 0) < 0)
		return -errno;
	return status;
}

int main(void)
{
	char *progs[MAX_PROGS];
	const char *end = getenv("INIT_END");
	struct dirent *d;
	int nprogs = 0;
	DIR *dir;

	mkdir("/proc", 0755);
	mkdir("/sys", 0755);
	mkdir("/tmp", 01777);
	mount("proc", "/proc", "proc", 0, NULL);
	mount("sysfs", "/sys", "sysfs", 0, NULL);
	if (mount("tmpfs", "/tmp", "tmpfs", 0, "mode=1777"))
		say("init", "mount tmpfs on /tmp: %s", strerror(errno));
	kmsg = open("/dev/kmsg", O_WRONLY | O_CLOEXEC);

	dir = opendir("/bin");
	if (!dir) {
		say("init", "no /bin: %s", strerror(errno));
	} else {
		while ((d = readdir(dir)) && nprogs < MAX_PROGS)
			if (d->d_name[0] != '.')
				progs[nprogs++] = strdup(d->d_name);
		closedir(dir);
	}
	qsort(progs, nprogs, sizeof(*progs), cmp);
	say("init", "%d programs", nprogs);
	for (int i = 0; i < nprogs; i++) {
		int st = run(progs[i]);

		if (st < 0)
			say("init", "%s exit=-1 (%s)", progs[i], strerror(-st));
		else if (WIFEXITED(st))
			say("init", "%s exit=%d", progs[i], WEXITSTATUS(st));
		else
			say("init", "%s exit=-1 (signal %d)", progs[i],
			    WIFSIGNALED(st) ? WTERMSIG(st) : -1);
	}
	say("init", "done");
	sync();
	reboot(end && !strcmp(end, "reboot") ? RB_AUTOBOOT : RB_POWER_OFF);
	return 1;
}
