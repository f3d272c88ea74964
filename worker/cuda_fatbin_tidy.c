// SPDX-License-Identifier: MIT
/*
 * The daemon's side of the fat binary cache (cuda_fatbin_cache.h): what
 * the workers left in incoming/ is verified and copied into the daemon's
 * directory, which is kept under its bound.  The files of incoming/ are
 * the workers' and may change while read: the copy is made of the bytes
 * read once, hashed as they are written.
 */
#include "cuda_fatbin_cache.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#define COPY_CHUNK (1u << 20)

/* Copies from to out, hashing what it writes; 0 when that is size bytes hashing to hex. */
static int copy_hashed(int from, int out, uint64_t size, const char *hex, uint8_t *buf)
{
	struct ava_content_hash s;
	uint8_t got[AVA_CONTENT_HASH_LEN];
	char got_hex[2 * AVA_CONTENT_HASH_LEN + 1];
	uint64_t n = 0;
	ssize_t r;

	ava_content_hash_init(&s);
	while ((r = read(from, buf, COPY_CHUNK)) != 0) {
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0 || (uint64_t)r > size - n || avaw_fatbin_write_all(out, buf, (uint64_t)r))
			return -1;
		ava_content_hash_update(&s, buf, (size_t)r);
		n += (uint64_t)r;
	}
	ava_content_hash_final(&s, got);
	ava_sha256_hex(got, got_hex);
	return n == size && !strcmp(got_hex, hex) ? 0 : -1;
}

/* incoming/NAME, a worker's file of what it received, into the directory when its content is NAME's hash. */
static void promote(int dir, int in, const char *name, uint8_t *buf)
{
	static unsigned seq;
	char tmp[64];
	struct stat st;
	int from, out, ok;

	if (!fstatat(dir, name, &st, AT_SYMLINK_NOFOLLOW) && avaw_fatbin_trusted(&st))
		return;	/* there already */
	from = openat(in, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	if (from < 0)
		return;
	if (fstat(from, &st) || !S_ISREG(st.st_mode) || st.st_nlink != 1 || st.st_uid != avaw_fbc.worker ||
	    !st.st_size || (uint64_t)st.st_size > avaw_fbc.max) {
		close(from);
		return;
	}
	snprintf(tmp, sizeof(tmp), ".tmp-%d-%u", (int)getpid(), seq++);
	out = openat(dir, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
	if (out < 0) {
		close(from);
		return;
	}
	/* the workers read it whatever the daemon's umask */
	ok = !fchmod(out, 0644) && !copy_hashed(from, out, (uint64_t)st.st_size, name, buf);
	close(from);
	if (close(out) || !ok || renameat(dir, tmp, dir, name))
		unlinkat(dir, tmp, 0);
}

static int earlier(const struct timespec *x, const struct timespec *y)
{
	return x->tv_sec != y->tv_sec ? x->tv_sec < y->tv_sec : x->tv_nsec < y->tv_nsec;
}

/* incoming/used-HEX: HEX was used then (never later than now). */
static void mark(int dir, int in, const char *name)
{
	struct stat m, st;
	struct timespec t[2] = { { .tv_nsec = UTIME_OMIT } };

	if (fstatat(in, name, &m, AT_SYMLINK_NOFOLLOW) || fstatat(dir, name + 5, &st, AT_SYMLINK_NOFOLLOW) ||
	    !avaw_fatbin_trusted(&st))
		return;
	clock_gettime(CLOCK_REALTIME, &t[1]);
	if (earlier(&m.st_mtim, &t[1]))
		t[1] = m.st_mtim;
	if (earlier(&st.st_mtim, &t[1]))
		utimensat(dir, name + 5, t, AT_SYMLINK_NOFOLLOW);
}

static int old_tmp(int at, const char *name)
{
	struct stat st;

	return !strncmp(name, ".tmp-", 5) && !fstatat(at, name, &st, AT_SYMLINK_NOFOLLOW) &&
	       st.st_mtime < time(NULL) - 3600;
}

/* Empties incoming/ of what is complete, leaving files being written (.tmp-) less than an hour old. */
static void take_incoming(int dir)
{
	int in = openat(dir, "incoming", O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	DIR *d = in < 0 ? NULL : fdopendir(in);
	uint8_t *buf = malloc(COPY_CHUNK);
	struct dirent *e;

	if (!d) {
		if (in >= 0)
			close(in);
		free(buf);
		return;
	}
	while (buf && (e = readdir(d))) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		if (avaw_fatbin_hex_name(e->d_name))
			promote(dir, in, e->d_name, buf);
		else if (!strncmp(e->d_name, "used-", 5) && avaw_fatbin_hex_name(e->d_name + 5))
			mark(dir, in, e->d_name);
		else if (!strncmp(e->d_name, ".tmp-", 5) && !old_tmp(in, e->d_name))
			continue;
		unlinkat(in, e->d_name, 0);
	}
	free(buf);
	closedir(d);
}

struct entry {
	char name[2 * AVA_SHA256_LEN + 1];
	uint64_t size;
	struct timespec used;
};

static int older(const void *a, const void *b)
{
	const struct timespec *x = &((const struct entry *)a)->used, *y = &((const struct entry *)b)->used;

	return earlier(x, y) ? -1 : earlier(y, x);
}

/* Removes files the daemon did not write and the least recently used until the rest fit the bound. */
static void evict(int dir)
{
	struct entry *e = NULL, *more;
	size_t n = 0, cap = 0, i;
	uint64_t total = 0;
	struct dirent *de;
	struct stat st;
	int fd = dup(dir);
	DIR *d = fd < 0 ? NULL : fdopendir(fd);

	if (!d) {
		if (fd >= 0)
			close(fd);
		return;
	}
	while ((de = readdir(d))) {
		if (old_tmp(dir, de->d_name))
			unlinkat(dir, de->d_name, 0);
		if (!avaw_fatbin_hex_name(de->d_name) || fstatat(dir, de->d_name, &st, AT_SYMLINK_NOFOLLOW))
			continue;
		if (!avaw_fatbin_trusted(&st)) {	/* forged, or of an older layout */
			unlinkat(dir, de->d_name, 0);
			continue;
		}
		if (n == cap) {
			if (!(more = realloc(e, (cap ? 2 * cap : 64) * sizeof(*e))))
				break;
			e = more;
			cap = cap ? 2 * cap : 64;
		}
		memcpy(e[n].name, de->d_name, sizeof(e[n].name));
		e[n].size = (uint64_t)st.st_size;
		e[n++].used = st.st_mtim;
		total += (uint64_t)st.st_size;
	}
	if (n)
		qsort(e, n, sizeof(*e), older);
	for (i = 0; i < n && total > avaw_fbc.max; i++)
		if (!unlinkat(dir, e[i].name, 0))
			total -= e[i].size;
	free(e);
	closedir(d);
}

void avaw_fatbin_cache_tidy(void)
{
	int dir;

	if (!avaw_fbc.dir[0])
		return;
	dir = open(avaw_fbc.dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (dir < 0)
		return;
	take_incoming(dir);
	evict(dir);
	close(dir);
}

static pid_t tidy_pid;	/* the running tidying process, or 0 */
static int tidy_again;	/* a worker ended since it started */

static void tidy_start(void)
{
	pid_t pid;

	if (!avaw_fbc.dir[0])
		return;
	if (tidy_pid) {
		tidy_again = 1;
		return;
	}
	pid = fork();
	if (pid == 0) {
		/* none of the daemon's sockets or devices */
		syscall(SYS_close_range, 3, ~0u, 0);
		setpriority(PRIO_PROCESS, 0, 10);
		avaw_fatbin_cache_tidy();
		_exit(0);
	}
	tidy_pid = pid > 0 ? pid : 0;
	tidy_again = 0;
}

int avaw_fatbin_cache_reaped(pid_t pid)
{
	if (tidy_pid && pid == tidy_pid) {
		tidy_pid = 0;
		if (tidy_again)
			tidy_start();
		return 1;
	}
	tidy_start();
	return 0;
}
