// SPDX-License-Identifier: MIT
/*
 * Unit tests of worker/cuda_fatbin_cache.c and cuda_fatbin_tidy.c (no GPU
 * needed): a stored fat binary is found by its hash and size in a file
 * named by its hash; another size, another hash, a file others may write
 * or a symbolic link is a miss; the bound evicts the least recently used.
 * Sandboxed, a worker's file waits in incoming/ until the daemon's tidying
 * (a process it starts when it reaps a worker) verified and copied it; a
 * forged file (one in the directory owned by the workers' user, one in
 * incoming/ whose content is not its name's, a symbolic link there) is
 * never used; the daemon's streaming verification keys content of several
 * pieces as the worker's threads did.  As root the worker's side runs as
 * nobody, as ava-hostd's workers do.
 */
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "../../worker/cuda_fatbin_cache.h"
#include "unit_check.h"

static char dir[64];

static void fill(uint8_t *p, size_t n, unsigned seed)
{
	size_t i;

	for (i = 0; i < n; i++)
		p[i] = (uint8_t)(i * 31 + seed);
}

/* How many files named by a hash are in dir (sub "") or dir/incoming. */
static int files(const char *sub)
{
	char cmd[160];
	FILE *f;
	int n = -1;

	snprintf(cmd, sizeof(cmd), "ls -A %s/%s | grep -cE '^[0-9a-f]{64}$'", dir, sub);
	f = popen(cmd, "r");
	if (f && fscanf(f, "%d", &n) != 1)
		n = -1;
	if (f)
		pclose(f);
	return n;
}

static void path_of(char *out, const char *sub, const uint8_t h[AVA_SHA256_LEN])
{
	char hex[2 * AVA_SHA256_LEN + 1];

	ava_sha256_hex(h, hex);
	snprintf(out, 256, "%s/%s%s", dir, sub, hex);
}

static int found(const uint8_t h[AVA_SHA256_LEN], const void *want, size_t size)
{
	void *p = avaw_fatbin_cache_get(h, size);
	int ok = p && !memcmp(p, want, size);

	if (p)
		munmap(p, size);
	return ok;
}

static void setup_bounded(int sandbox, uint64_t max)
{
	char cmd[96];

	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	if (dir[0] && system(cmd))
		return;
	snprintf(dir, sizeof(dir), "/tmp/ava-fatbin-test-XXXXXX");
	if (!mkdtemp(dir))
		exit(1);
	avaw_fatbin_cache_setup(dir, max, sandbox, NULL);
}

static void setup(int sandbox)
{
	setup_bounded(sandbox, 100000);
}

static void store_and_find(void)
{
	static uint8_t a[100000];
	uint8_t h[AVA_SHA256_LEN], other[AVA_SHA256_LEN];
	char path[256], link[256];
	struct stat st;

	setup(0);	/* no sandbox: the worker writes the directory */
	fill(a, sizeof(a), 1);
	ava_content_hash(a, sizeof(a), h);
	CHECK(!found(h, a, sizeof(a)));	/* empty */
	avaw_fatbin_cache_put(a, sizeof(a));
	CHECK(found(h, a, sizeof(a)));
	CHECK(avaw_fatbin_cache_get(h, sizeof(a) - 1) == NULL);	/* another size */
	memcpy(other, h, sizeof(h));
	other[0] ^= 1;
	CHECK(avaw_fatbin_cache_get(other, sizeof(a)) == NULL);	/* another hash */
	path_of(path, "", h);
	CHECK(!stat(path, &st) && (st.st_mode & 022) == 0 && st.st_uid == geteuid() && st.st_size == (off_t)sizeof(a));
	CHECK(files("") == 1);
	/* a file others may write is no hit */
	CHECK(!chmod(path, 0666) && !found(h, a, sizeof(a)));
	CHECK(!chmod(path, 0644) && found(h, a, sizeof(a)));
	/* nor is a symbolic link to the very content */
	snprintf(link, sizeof(link), "%s/elsewhere", dir);
	CHECK(!rename(path, link) && !symlink(link, path) && !found(h, a, sizeof(a)));
}

static void bounded(void)
{
	static uint8_t b[3][40000];
	uint8_t h[3][AVA_SHA256_LEN];
	int i;

	setup(0);
	for (i = 0; i < 3; i++) {
		fill(b[i], sizeof(b[i]), (unsigned)i + 10);
		ava_content_hash(b[i], sizeof(b[i]), h[i]);
		avaw_fatbin_cache_put(b[i], sizeof(b[i]));
		usleep(20000);	/* distinct times of use */
		if (i == 1)
			CHECK(found(h[0], b[0], sizeof(b[0])));	/* 0 used again */
		usleep(20000);
	}
	CHECK(files("") == 3);	/* the daemon evicts */
	avaw_fatbin_cache_tidy();
	/* the bound (100000) holds two: 1, the least recently used, went */
	CHECK(files("") == 2 && files("incoming") == 0);
	CHECK(found(h[0], b[0], sizeof(b[0])));
	CHECK(!found(h[1], b[1], sizeof(b[1])));
	CHECK(found(h[2], b[2], sizeof(b[2])));
}

/* The worker's side in a child, as the workers' user when run as root. */
static uid_t wuid;
static gid_t wgid;

static int as_worker(void (*fn)(void))
{
	pid_t pid;
	int st;

	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		if (!geteuid() && (setgroups(0, NULL) || setresgid(wgid, wgid, wgid) || setresuid(wuid, wuid, wuid)))
			_exit(2);
		unit_test_failed = 0;
		fn();
		fflush(stdout);
		_exit(unit_test_failed);
	}
	return pid > 0 && waitpid(pid, &st, 0) == pid && WIFEXITED(st) && WEXITSTATUS(st) == 0;
}

/* The daemon reaps a worker: a tidying process runs, and is reaped. */
static void worker_ended(void)
{
	pid_t pid;
	int st;

	CHECK(avaw_fatbin_cache_reaped(1 << 30) == 0);
	pid = wait(&st);
	CHECK(pid > 0 && avaw_fatbin_cache_reaped(pid) == 1 && WIFEXITED(st) && !WEXITSTATUS(st));
}

static uint8_t c[50000], forged[50000];
static uint8_t hc[AVA_SHA256_LEN], hf[AVA_SHA256_LEN];

static void worker_puts(void)
{
	avaw_fatbin_cache_put(c, sizeof(c));
	CHECK(files("incoming") == 1);
	CHECK(!found(hc, c, sizeof(c)));	/* not before the daemon verified it */
}

static void worker_finds(void)
{
	CHECK(found(hc, c, sizeof(c)));
}

static void worker_misses(void)
{
	CHECK(!found(hc, c, sizeof(c)));
}

static void worker_misses_forged(void)
{
	CHECK(!found(hf, forged, sizeof(forged)));
}

/* A new file at path of the 50000 bytes at content: 0, or -1. */
static int write_new(const char *path, const uint8_t *content, mode_t mode)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL, mode);
	int ok = fd >= 0 && write(fd, content, sizeof(forged)) == (ssize_t)sizeof(forged);

	if (fd >= 0)
		close(fd);
	return ok ? 0 : -1;
}

/* A forged file in incoming/: named by the hash of other content. */
static void worker_forges(void)
{
	char path[256];

	path_of(path, "incoming/", hf);
	CHECK(!write_new(path, c, 0600));
}

static void sandboxed(void)
{
	char path[256], secret[300];
	struct stat st;

	setup(1);
	fill(c, sizeof(c), 7);
	fill(forged, sizeof(forged), 8);
	ava_content_hash(c, sizeof(c), hc);
	ava_content_hash(forged, sizeof(forged), hf);
	snprintf(path, sizeof(path), "%s/incoming", dir);
	CHECK(!stat(dir, &st) && st.st_uid == geteuid() && (st.st_mode & 022) == 0);
	CHECK(!stat(path, &st) && st.st_uid == wuid && (st.st_mode & 0777) == 0700);
	CHECK(as_worker(worker_puts));
	path_of(path, "incoming/", hc);
	CHECK(!stat(path, &st) && st.st_uid == wuid);
	worker_ended();
	CHECK(files("") == 1 && files("incoming") == 0);
	path_of(path, "", hc);
	CHECK(!stat(path, &st) && st.st_uid == geteuid() && (st.st_mode & 0777) == 0644);
	CHECK(as_worker(worker_finds));
	/* in incoming/: a name that is not its content's hash, and a link to a
	 * daemon's file of the named content, are dropped, not copied */
	CHECK(as_worker(worker_forges));
	worker_ended();
	CHECK(files("") == 1 && files("incoming") == 0);
	CHECK(as_worker(worker_misses_forged));
	snprintf(secret, sizeof(secret), "%s/secret", dir);
	CHECK(!write_new(secret, forged, 0600));
	path_of(path, "incoming/", hf);
	CHECK(!symlink(secret, path));
	avaw_fatbin_cache_tidy();
	CHECK(files("") == 1 && files("incoming") == 0);
	CHECK(as_worker(worker_misses_forged));
}

/* As root: a file in the directory owned by the workers' user is no hit,
 * even of the right content, and the daemon removes it; nor is any file of
 * a directory the workers' user may write (it could rename them). */
static void forged_in_dir(void)
{
	char path[256];

	path_of(path, "", hf);
	CHECK(!write_new(path, forged, 0644));
	CHECK(!chown(path, wuid, wgid));
	CHECK(as_worker(worker_misses_forged));
	avaw_fatbin_cache_tidy();
	CHECK(access(path, F_OK) != 0);
	CHECK(as_worker(worker_finds));
	CHECK(!chown(dir, wuid, wgid) && as_worker(worker_misses));
	CHECK(!chown(dir, 0, wgid) && as_worker(worker_finds));
}

/* Content of several pieces (content_hash.h): the worker's key, hashed on
 * threads, is the one the daemon's streaming verification computes. */
static uint8_t *big;
static const size_t big_size = 2 * AVA_CONTENT_PIECE + 777;
static uint8_t hbig[AVA_SHA256_LEN];

static void worker_puts_big(void)
{
	avaw_fatbin_cache_put(big, big_size);
	CHECK(files("incoming") == 1);
}

static void worker_finds_big(void)
{
	CHECK(found(hbig, big, big_size));
}

static void many_pieces(void)
{
	big = malloc(big_size);
	if (!big)
		exit(1);
	fill(big, big_size, 9);
	ava_content_hash(big, big_size, hbig);
	setup_bounded(1, 3 * AVA_CONTENT_PIECE);
	CHECK(as_worker(worker_puts_big));
	worker_ended();
	CHECK(files("") == 1 && files("incoming") == 0);
	CHECK(as_worker(worker_finds_big));
	free(big);
}

/* A worker's unfinished file stays an hour, then goes. */
static void old_tmp(void)
{
	struct timespec t[2] = { { time(NULL) - 7200, 0 }, { time(NULL) - 7200, 0 } };
	char young[256], old[256];
	int fd;

	snprintf(young, sizeof(young), "%s/incoming/.tmp-1-1", dir);
	snprintf(old, sizeof(old), "%s/incoming/.tmp-1-2", dir);
	fd = open(young, O_WRONLY | O_CREAT, 0600);
	close(fd);
	fd = open(old, O_WRONLY | O_CREAT, 0600);
	close(fd);
	CHECK(!utimensat(AT_FDCWD, old, t, 0));
	avaw_fatbin_cache_tidy();
	CHECK(access(young, F_OK) == 0 && access(old, F_OK) != 0);
}

int main(void)
{
	struct passwd *pw = getpwnam("nobody");
	char cmd[96];

	wuid = geteuid();
	wgid = getegid();
	if (!geteuid() && pw) {
		wuid = pw->pw_uid;
		wgid = pw->pw_gid;
	}
	RUN(store_and_find, "fatbin cache: found by hash and size only, in a file of the daemon's that others cannot write");
	RUN(bounded, "fatbin cache: bounded, least recently used evicted (by the daemon, marks of use from the workers)");
	RUN(sandboxed, "fatbin cache, sandboxed: a worker's file used once the daemon verified it; forged ones in incoming/ dropped");
	if (wuid != geteuid())
		RUN(forged_in_dir, "fatbin cache: a file of the workers' user in the daemon's directory is never used");
	else
		printf("ok %d - fatbin cache: a file of the workers' user in the directory # SKIP not root\n", ++unit_n);
	RUN(old_tmp, "fatbin cache: unfinished files of incoming/ removed after an hour");
	RUN(many_pieces, "fatbin cache, sandboxed: content of several pieces verified by the daemon as the worker keyed it");
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	if (system(cmd))
		return 1;
	return unit_done();
}
