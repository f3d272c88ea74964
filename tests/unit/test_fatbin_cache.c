// SPDX-License-Identifier: MIT
/*
 * Unit tests of worker/cuda_fatbin_cache.c (no GPU needed): a stored fat
 * binary is found by its hash and size, in a private file named by its
 * hash; another size, another hash or a file changed behind the cache's
 * back is a miss; the bound evicts the least recently used.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
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

static int files(void)
{
	char cmd[128];
	FILE *f;
	int n = -1;

	snprintf(cmd, sizeof(cmd), "ls %s | wc -l", dir);
	f = popen(cmd, "r");
	if (f && fscanf(f, "%d", &n) != 1)
		n = -1;
	if (f)
		pclose(f);
	return n;
}

static void store_and_find(void)
{
	static uint8_t a[100000];
	uint8_t h[AVA_SHA256_LEN], other[AVA_SHA256_LEN];
	char path[256], hex[65];
	struct stat st;
	void *p;

	fill(a, sizeof(a), 1);
	ava_sha256(a, sizeof(a), h);
	CHECK(avaw_fatbin_cache_get(h, sizeof(a)) == NULL);	/* empty */
	avaw_fatbin_cache_put(a, sizeof(a));
	p = avaw_fatbin_cache_get(h, sizeof(a));
	CHECK(p && !memcmp(p, a, sizeof(a)));
	if (p)
		munmap(p, sizeof(a));
	CHECK(avaw_fatbin_cache_get(h, sizeof(a) - 1) == NULL);	/* another size */
	memcpy(other, h, sizeof(h));
	other[0] ^= 1;
	CHECK(avaw_fatbin_cache_get(other, sizeof(a)) == NULL);	/* another hash */
	ava_sha256_hex(h, hex);
	snprintf(path, sizeof(path), "%s/%s", dir, hex);
	CHECK(!stat(path, &st) && (st.st_mode & 0777) == 0600 && st.st_size == (off_t)sizeof(a));
	CHECK(files() == 1);
	/* changed behind the cache's back: the worker's hash no longer matches */
	FILE *f = fopen(path, "r+");
	CHECK(f && fputc('X', f) != EOF);
	if (f)
		fclose(f);
	CHECK(avaw_fatbin_cache_get(h, sizeof(a)) == NULL);
	unlink(path);
}

static void bounded(void)
{
	static uint8_t b[3][40000];
	uint8_t h[3][AVA_SHA256_LEN];
	void *p;
	int i;

	for (i = 0; i < 3; i++) {
		fill(b[i], sizeof(b[i]), (unsigned)i + 10);
		ava_sha256(b[i], sizeof(b[i]), h[i]);
		avaw_fatbin_cache_put(b[i], sizeof(b[i]));
		usleep(20000);	/* distinct times of use */
		if (i == 1 && (p = avaw_fatbin_cache_get(h[0], sizeof(b[0]))))	/* 0 used again */
			munmap(p, sizeof(b[0]));
	}
	/* the bound (100000) holds two: 1, the least recently used, went */
	CHECK(files() == 2);
	CHECK((p = avaw_fatbin_cache_get(h[0], sizeof(b[0]))) != NULL);
	if (p)
		munmap(p, sizeof(b[0]));
	CHECK(avaw_fatbin_cache_get(h[1], sizeof(b[1])) == NULL);
	CHECK((p = avaw_fatbin_cache_get(h[2], sizeof(b[2]))) != NULL);
	if (p)
		munmap(p, sizeof(b[2]));
}

int main(void)
{
	char cmd[96];

	snprintf(dir, sizeof(dir), "/tmp/ava-fatbin-test-XXXXXX");
	if (!mkdtemp(dir))
		return 1;
	avaw_fatbin_cache_setup(dir, 100000, 0, NULL);
	RUN(store_and_find, "fatbin cache: found by hash and size only, private file, verified on use");
	RUN(bounded, "fatbin cache: bounded, least recently used evicted");
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	if (system(cmd))
		return 1;
	return unit_done();
}
