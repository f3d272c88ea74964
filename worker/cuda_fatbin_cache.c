// SPDX-License-Identifier: MIT
/* The fat binary content cache: its directories and the workers' side
 * (cuda_fatbin_cache.h says what it keeps and whom it trusts). */
#include "cuda_fatbin_cache.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

struct avaw_fbc avaw_fbc;

/* The daemon's (or root's), and writable by no one else. */
static int daemons(const struct stat *st)
{
	return (st->st_uid == avaw_fbc.owner || st->st_uid == 0) && !(st->st_mode & 022);
}

int avaw_fatbin_trusted(const struct stat *st)
{
	return S_ISREG(st->st_mode) && daemons(st);
}

int avaw_fatbin_hex_name(const char *s)
{
	return strlen(s) == 2 * AVA_SHA256_LEN && strspn(s, "0123456789abcdef") == 2 * AVA_SHA256_LEN;
}

/* mkdir -p of the parents */
static int make_parents(const char *dir)
{
	char p[PATH_MAX];
	size_t i;

	if (snprintf(p, sizeof(p), "%s", dir) >= (int)sizeof(p))
		return -1;
	for (i = 1; p[i]; i++) {
		if (p[i] != '/')
			continue;
		p[i] = 0;
		if (mkdir(p, 0755) && errno != EEXIST)
			return -1;
		p[i] = '/';
	}
	return 0;
}

/* path, a directory of uid:gid with that mode (whatever was there: a
 * symbolic link or a file is replaced, a directory of another user taken). */
static int own_dir(const char *path, uid_t uid, gid_t gid, mode_t mode)
{
	struct stat st;
	int fd, r;

	if (mkdir(path, mode) && errno != EEXIST)
		return -1;
	fd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0 && (errno == ELOOP || errno == ENOTDIR) && !unlink(path) && !mkdir(path, mode))
		fd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return -1;
	r = fstat(fd, &st);
	if (!r && (st.st_uid != uid || st.st_gid != gid))
		r = fchown(fd, uid, gid);
	if (!r && (st.st_mode & 07777) != mode)
		r = fchmod(fd, mode);
	close(fd);
	return r;
}

static int default_dir(char *out, size_t n)
{
	const char *env = getenv("AVA_FATBIN_CACHE"), *xdg = getenv("XDG_CACHE_HOME"), *home = getenv("HOME");

	if (env && *env)
		return snprintf(out, n, "%s", env) >= (int)n ? -1 : 0;
	if (!geteuid())
		return snprintf(out, n, "/var/cache/ava/fatbin") >= (int)n ? -1 : 0;
	if (xdg && *xdg)
		return snprintf(out, n, "%s/ava/fatbin", xdg) >= (int)n ? -1 : 0;
	if (home && *home)
		return snprintf(out, n, "%s/.cache/ava/fatbin", home) >= (int)n ? -1 : 0;
	return -1;
}

void avaw_fatbin_cache_setup(const char *dir, uint64_t max_bytes, int sandbox, const char *user)
{
	struct avaw_fbc *c = &avaw_fbc;
	char abs[PATH_MAX];
	struct passwd *pw;
	gid_t wgid = getegid();

	c->dir[0] = 0;
	c->max = max_bytes;
	c->owner = c->worker = geteuid();
	c->direct = !sandbox;
	if (!dir && default_dir(c->dir, sizeof(c->dir)))
		return;
	if (dir && snprintf(c->dir, sizeof(c->dir), "%s", dir) >= (int)sizeof(c->dir))
		c->dir[0] = 0;
	if (!c->dir[0] || !strcmp(c->dir, "off") || !max_bytes) {
		c->dir[0] = 0;
		return;
	}
	/* as root with the sandbox on, the workers run as another user */
	if (!c->owner && sandbox && (pw = getpwnam(user ? user : "nobody"))) {
		c->worker = pw->pw_uid;
		wgid = pw->pw_gid;
	}
	if (make_parents(c->dir) || (mkdir(c->dir, 0700) && errno != EEXIST) ||
	    !realpath(c->dir, abs))	/* workers may change directory */
		goto fail;
	memcpy(c->dir, abs, sizeof(c->dir));
	if (own_dir(c->dir, c->owner, wgid, c->worker == c->owner ? 0700 : 0750))
		goto fail;
	if (snprintf(c->in, sizeof(c->in), "%s/incoming", c->dir) >= (int)sizeof(c->in) ||
	    own_dir(c->in, c->worker, wgid, 0700))
		goto fail;
	avaw_fatbin_cache_tidy();
	return;
fail:
	fprintf(stderr, "ava-hostd: fat binary cache %s: %s; the cache is off\n", c->dir, strerror(errno));
	c->dir[0] = 0;
}

static int path_in(char *out, const char *dir, const char *prefix, const char *hex)
{
	return snprintf(out, PATH_MAX, "%s/%s%s", dir, prefix, hex) >= PATH_MAX ? -1 : 0;
}

/* Tells the daemon's eviction that the file was used (incoming/used-HEX). */
static void mark_used(const char *hex)
{
	char path[PATH_MAX];
	int fd;

	if (path_in(path, avaw_fbc.in, "used-", hex))
		return;
	fd = open(path, O_WRONLY | O_CREAT | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC, 0600);
	if (fd < 0)
		return;
	futimens(fd, NULL);
	close(fd);
}

void *avaw_fatbin_cache_get(const uint8_t hash[AVA_SHA256_LEN], uint64_t size)
{
	char hex[2 * AVA_SHA256_LEN + 1];
	struct stat st;
	void *p = NULL;
	int dir, fd;

	ava_sha256_hex(hash, hex);
	if (!avaw_fbc.dir[0] || !size)
		return NULL;
	/* in a directory a worker could write, its files could be renamed */
	dir = open(avaw_fbc.dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (dir < 0)
		return NULL;
	fd = fstat(dir, &st) || !daemons(&st) ? -1 : openat(dir, hex, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	close(dir);
	if (fd < 0)
		return NULL;
	/* only the daemon wrote it, from content it hashed itself */
	if (!fstat(fd, &st) && avaw_fatbin_trusted(&st) && (uint64_t)st.st_size == size)
		p = mmap(NULL, size, PROT_READ, MAP_PRIVATE, fd, 0);
	close(fd);
	if (p == MAP_FAILED)
		return NULL;
	if (p)
		mark_used(hex);
	return p;
}

/* The bytes of the files in dir (what honest workers keep under the bound). */
static uint64_t bytes_in(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	struct stat st;
	uint64_t total = 0;

	if (!d)
		return UINT64_MAX;
	while ((e = readdir(d)))
		if (!fstatat(dirfd(d), e->d_name, &st, AT_SYMLINK_NOFOLLOW) && S_ISREG(st.st_mode))
			total += (uint64_t)st.st_size;
	closedir(d);
	return total;
}

int avaw_fatbin_write_all(int fd, const void *data, uint64_t n)
{
	const uint8_t *p = data;
	ssize_t w;

	while (n) {
		w = write(fd, p, n > (1u << 30) ? (1u << 30) : n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		p += w;
		n -= (uint64_t)w;
	}
	return 0;
}

void avaw_fatbin_cache_put(const void *data, uint64_t size)
{
	static unsigned seq;
	const char *to = avaw_fbc.direct ? avaw_fbc.dir : avaw_fbc.in;
	char path[PATH_MAX], tmp[PATH_MAX], hex[2 * AVA_SHA256_LEN + 1];
	uint8_t hash[AVA_SHA256_LEN];
	int fd;

	if (!avaw_fbc.dir[0] || !size || size > avaw_fbc.max)
		return;
	ava_content_hash(data, size, hash);
	ava_sha256_hex(hash, hex);
	if (path_in(path, avaw_fbc.dir, "", hex) || !access(path, F_OK) || path_in(path, to, "", hex) ||
	    !access(path, F_OK))
		return;
	if (!avaw_fbc.direct && bytes_in(avaw_fbc.in) > avaw_fbc.max - size)
		return;	/* the daemon has not taken what is there yet */
	if (snprintf(tmp, sizeof(tmp), "%s/.tmp-%d-%u", to, (int)getpid(),
		     __atomic_fetch_add(&seq, 1, __ATOMIC_RELAXED)) >= (int)sizeof(tmp))
		return;
	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, avaw_fbc.direct ? 0644 : 0600);
	if (fd < 0)
		return;
	if (avaw_fatbin_write_all(fd, data, size)) {
		close(fd);
		unlink(tmp);
		return;
	}
	if (close(fd) || rename(tmp, path))
		unlink(tmp);
}
