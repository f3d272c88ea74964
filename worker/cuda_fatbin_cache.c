// SPDX-License-Identifier: MIT
/* The fat binary content cache; cuda_fatbin_cache.h says what it keeps and why. */
#include "cuda_fatbin_cache.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static char cache_dir[PATH_MAX];	/* "" when off */
static uint64_t cache_max;

/* mkdir -p, the last one private */
static int make_dirs(const char *dir)
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
	if (mkdir(p, 0700) && errno != EEXIST)
		return -1;
	return 0;
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
	char abs[PATH_MAX];
	struct passwd *pw;

	cache_dir[0] = 0;
	cache_max = max_bytes;
	if (!dir && default_dir(cache_dir, sizeof(cache_dir)))
		return;
	if (dir && snprintf(cache_dir, sizeof(cache_dir), "%s", dir) >= (int)sizeof(cache_dir))
		cache_dir[0] = 0;
	if (!cache_dir[0] || !strcmp(cache_dir, "off") || !max_bytes) {
		cache_dir[0] = 0;
		return;
	}
	if (make_dirs(cache_dir) || !realpath(cache_dir, abs))	/* workers may change directory */
		goto fail;
	memcpy(cache_dir, abs, sizeof(cache_dir));
	/* the workers write it as the sandbox's user */
	if (!geteuid() && sandbox && (pw = getpwnam(user ? user : "nobody")) &&
	    chown(cache_dir, pw->pw_uid, pw->pw_gid))
		goto fail;
	return;
fail:
	fprintf(stderr, "ava-hostd: fat binary cache %s: %s; the cache is off\n", cache_dir, strerror(errno));
	cache_dir[0] = 0;
}

static int path_of(char *out, const uint8_t hash[AVA_SHA256_LEN])
{
	char hex[2 * AVA_SHA256_LEN + 1];

	ava_sha256_hex(hash, hex);
	return snprintf(out, PATH_MAX, "%s/%s", cache_dir, hex) >= PATH_MAX ? -1 : 0;
}

void *avaw_fatbin_cache_get(const uint8_t hash[AVA_SHA256_LEN], uint64_t size)
{
	char path[PATH_MAX];
	uint8_t got[AVA_SHA256_LEN];
	struct stat st;
	void *p = NULL;
	int fd;

	if (!cache_dir[0] || !size || path_of(path, hash))
		return NULL;
	fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return NULL;
	if (!fstat(fd, &st) && S_ISREG(st.st_mode) && (uint64_t)st.st_size == size)
		p = mmap(NULL, size, PROT_READ, MAP_PRIVATE | MAP_POPULATE, fd, 0);
	if (p == MAP_FAILED)
		p = NULL;
	if (p) {
		ava_sha256(p, size, got);
		if (memcmp(got, hash, sizeof(got))) {
			munmap(p, size);
			p = NULL;
		} else {
			futimens(fd, NULL);	/* recently used */
		}
	}
	close(fd);
	return p;
}

struct entry {
	char name[2 * AVA_SHA256_LEN + 1];
	uint64_t size;
	struct timespec used;
};

static int older(const void *a, const void *b)
{
	const struct timespec *x = &((const struct entry *)a)->used, *y = &((const struct entry *)b)->used;

	if (x->tv_sec != y->tv_sec)
		return x->tv_sec < y->tv_sec ? -1 : 1;
	return x->tv_nsec < y->tv_nsec ? -1 : x->tv_nsec > y->tv_nsec;
}

static int is_hex_name(const char *s)
{
	return strlen(s) == 2 * AVA_SHA256_LEN && strspn(s, "0123456789abcdef") == 2 * AVA_SHA256_LEN;
}

/* Removes the least recently used files until the rest fit the bound, and
 * temporary files a worker that died while writing left over an hour ago. */
static void evict(void)
{
	struct entry *e = NULL, *more;
	size_t n = 0, cap = 0, i;
	uint64_t total = 0;
	struct dirent *d;
	struct stat st;
	DIR *dir = opendir(cache_dir);

	if (!dir)
		return;
	while ((d = readdir(dir))) {
		if (fstatat(dirfd(dir), d->d_name, &st, AT_SYMLINK_NOFOLLOW) || !S_ISREG(st.st_mode))
			continue;
		if (!strncmp(d->d_name, ".tmp-", 5) && st.st_mtime < time(NULL) - 3600)
			unlinkat(dirfd(dir), d->d_name, 0);
		if (!is_hex_name(d->d_name))
			continue;
		if (n == cap) {
			if (!(more = realloc(e, (cap ? 2 * cap : 64) * sizeof(*e))))
				break;
			e = more;
			cap = cap ? 2 * cap : 64;
		}
		memcpy(e[n].name, d->d_name, sizeof(e[n].name));
		e[n].size = (uint64_t)st.st_size;
		e[n++].used = st.st_mtim;
		total += (uint64_t)st.st_size;
	}
	qsort(e, n, sizeof(*e), older);
	for (i = 0; i < n && total > cache_max; i++)
		if (!unlinkat(dirfd(dir), e[i].name, 0))
			total -= e[i].size;
	free(e);
	closedir(dir);
}

static int write_all(int fd, const uint8_t *p, uint64_t n)
{
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
	char path[PATH_MAX], tmp[PATH_MAX];
	uint8_t hash[AVA_SHA256_LEN];
	int fd;

	if (!cache_dir[0] || !size || size > cache_max)
		return;
	ava_sha256(data, size, hash);
	if (path_of(path, hash) || !access(path, F_OK))
		return;
	if (snprintf(tmp, sizeof(tmp), "%s/.tmp-%d-%u", cache_dir, (int)getpid(),
		     __atomic_fetch_add(&seq, 1, __ATOMIC_RELAXED)) >= (int)sizeof(tmp))
		return;
	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0)
		return;
	if (write_all(fd, data, size)) {
		close(fd);
		unlink(tmp);
		return;
	}
	if (close(fd) || rename(tmp, path)) {
		unlink(tmp);
		return;
	}
	evict();
}
