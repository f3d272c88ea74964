// SPDX-License-Identifier: MIT
/* Unit tests of common/hmap.c, the u64 -> pointer map both sides use. */
#include <stdint.h>
#include <stdlib.h>

#include "hmap.h"
#include "unit_check.h"

static void *val(uint64_t k)
{
	return (void *)(uintptr_t)(k * 16 + 8);
}

static void basic(void)
{
	struct ava_hmap m = { 0 };

	CHECK(ava_hmap_get(&m, 1) == NULL);
	CHECK(ava_hmap_del(&m, 1) == NULL);
	CHECK(ava_hmap_put(&m, 1, val(1)) == 0);
	CHECK(ava_hmap_put(&m, 2, val(2)) == 0);
	CHECK(ava_hmap_get(&m, 1) == val(1));
	CHECK(ava_hmap_get(&m, 2) == val(2));
	CHECK(ava_hmap_get(&m, 3) == NULL);
	CHECK(ava_hmap_put(&m, 1, val(7)) == 0);	/* replaces */
	CHECK(ava_hmap_get(&m, 1) == val(7));
	CHECK(m.live == 2);
	CHECK(ava_hmap_del(&m, 1) == val(7));
	CHECK(ava_hmap_get(&m, 1) == NULL);
	CHECK(ava_hmap_del(&m, 1) == NULL);
	CHECK(m.live == 1);
	ava_hmap_free(&m);
	CHECK(m.cap == 0 && m.live == 0 && ava_hmap_get(&m, 2) == NULL);
}

static void reserved_keys(void)
{
	struct ava_hmap m = { 0 };

	CHECK(ava_hmap_put(&m, 0, val(0)) == -1);
	CHECK(ava_hmap_put(&m, AVA_HMAP_DEAD, val(0)) == -1);
	CHECK(ava_hmap_put(&m, 5, val(5)) == 0);
	CHECK(ava_hmap_del(&m, 5) == val(5));
	/* a removed slot holds AVA_HMAP_DEAD: looking that key up finds nothing */
	CHECK(ava_hmap_get(&m, AVA_HMAP_DEAD) == NULL);
	CHECK(ava_hmap_get(&m, 0) == NULL);
	ava_hmap_free(&m);
}

/* Many keys, including ones that collide in the low bits, against a plain array. */
static void grows(void)
{
	enum { N = 20000 };
	struct ava_hmap m = { 0 };
	uint64_t k;
	int bad = 0;

	for (k = 1; k <= N; k++)
		CHECK(ava_hmap_put(&m, k << 20, val(k)) == 0);
	CHECK(m.live == N);
	CHECK(m.cap >= 2 * N && (m.cap & (m.cap - 1)) == 0);
	for (k = 1; k <= N; k++)
		bad += ava_hmap_get(&m, k << 20) != val(k);
	CHECK(bad == 0);
	for (k = 1; k <= N; k += 2)
		CHECK(ava_hmap_del(&m, k << 20) == val(k));
	for (k = 1, bad = 0; k <= N; k++)
		bad += ava_hmap_get(&m, k << 20) != (k % 2 ? NULL : val(k));
	CHECK(bad == 0);
	CHECK(m.live == N / 2);
	ava_hmap_free(&m);
}

/* Insert/delete churn leaves tombstones; the table must not grow without bound. */
static void churn(void)
{
	struct ava_hmap m = { 0 };
	uint64_t k;

	for (k = 1; k <= 100000; k++) {
		CHECK(ava_hmap_put(&m, k, val(k)) == 0);
		if (k > 8)
			CHECK(ava_hmap_del(&m, k - 8) == val(k - 8));
	}
	CHECK(m.live == 8);
	CHECK(m.cap <= 256);
	for (k = 100000 - 7; k <= 100000; k++)
		CHECK(ava_hmap_get(&m, k) == val(k));
	ava_hmap_free(&m);
}

static void count_entry(uint64_t key, void *v, void *arg)
{
	uint64_t *sum = arg;

	if (v == val(key))
		sum[0] += key;
	sum[1]++;
}

static void each(void)
{
	struct ava_hmap m = { 0 };
	uint64_t sum[2] = { 0, 0 }, k;

	for (k = 1; k <= 100; k++)
		ava_hmap_put(&m, k, val(k));
	for (k = 1; k <= 100; k += 10)
		ava_hmap_del(&m, k);
	ava_hmap_each(&m, count_entry, sum);
	CHECK(sum[1] == 90);
	CHECK(sum[0] == 5050 - (1 + 11 + 21 + 31 + 41 + 51 + 61 + 71 + 81 + 91));
	ava_hmap_free(&m);
}

int main(void)
{
	RUN(basic, "hmap: put, get, replace, delete");
	RUN(reserved_keys, "hmap: keys 0 and AVA_HMAP_DEAD are refused");
	RUN(grows, "hmap: 20000 colliding keys survive growth and half deletion");
	RUN(churn, "hmap: insert/delete churn keeps the table small");
	RUN(each, "hmap: each visits every live entry once");
	return unit_done();
}
