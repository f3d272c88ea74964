// SPDX-License-Identifier: MIT
/* SHA-256 (FIPS 180-4); sha256.h says what for. */
#include "sha256.h"

#include <string.h>

static const uint32_t K[64] = {
	0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
	0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
	0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
	0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
	0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
	0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
	0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
	0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
};

static uint32_t ror(uint32_t x, unsigned n)
{
	return (x >> n) | (x << (32 - n));
}

static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static void blocks_portable(uint32_t h[8], const uint8_t *p, size_t nblocks)
{
	uint32_t w[64], v[8], t1, t2;
	int i;

	for (; nblocks--; p += 64) {
		for (i = 0; i < 16; i++)
			w[i] = be32(p + 4 * i);
		for (i = 16; i < 64; i++)
			w[i] = w[i - 16] + (ror(w[i - 15], 7) ^ ror(w[i - 15], 18) ^ (w[i - 15] >> 3)) + w[i - 7] +
			       (ror(w[i - 2], 17) ^ ror(w[i - 2], 19) ^ (w[i - 2] >> 10));
		memcpy(v, h, sizeof(v));
		for (i = 0; i < 64; i++) {
			t1 = v[7] + (ror(v[4], 6) ^ ror(v[4], 11) ^ ror(v[4], 25)) + ((v[4] & v[5]) ^ (~v[4] & v[6])) +
			     K[i] + w[i];
			t2 = (ror(v[0], 2) ^ ror(v[0], 13) ^ ror(v[0], 22)) +
			     ((v[0] & v[1]) ^ (v[0] & v[2]) ^ (v[1] & v[2]));
			memmove(v + 1, v, 7 * sizeof(v[0]));
			v[4] += t1;
			v[0] = t1 + t2;
		}
		for (i = 0; i < 8; i++)
			h[i] += v[i];
	}
}

#if defined(__x86_64__)
#include <cpuid.h>
#include <immintrin.h>

/*
 * The SHA extensions keep the state as two vectors, ABEF and CDGH; each
 * sha256rnds2 does two rounds, sha256msg1/msg2 the message schedule.
 */
__attribute__((target("sha,sse4.1,ssse3"))) static void blocks_ni(uint32_t h[8], const uint8_t *p,
								  size_t nblocks)
{
	const __m128i bswap = _mm_set_epi64x(0x0c0d0e0f08090a0bULL, 0x0405060700010203ULL);
	__m128i abef, cdgh, t, save0, save1, w[4], m;
	int i;

	t = _mm_shuffle_epi32(_mm_loadu_si128((const __m128i *)&h[0]), 0xB1);	/* CDAB */
	cdgh = _mm_shuffle_epi32(_mm_loadu_si128((const __m128i *)&h[4]), 0x1B);	/* EFGH */
	abef = _mm_alignr_epi8(t, cdgh, 8);
	cdgh = _mm_blend_epi16(cdgh, t, 0xF0);
	for (; nblocks--; p += 64) {
		save0 = abef;
		save1 = cdgh;
		for (i = 0; i < 16; i++) {
			if (i < 4)
				w[i] = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(p + 16 * i)), bswap);
			else
				w[i & 3] = _mm_sha256msg2_epu32(
					_mm_add_epi32(_mm_sha256msg1_epu32(w[i & 3], w[(i + 1) & 3]),
						      _mm_alignr_epi8(w[(i + 3) & 3], w[(i + 2) & 3], 4)),
					w[(i + 3) & 3]);
			m = _mm_add_epi32(w[i & 3], _mm_loadu_si128((const __m128i *)&K[4 * i]));
			cdgh = _mm_sha256rnds2_epu32(cdgh, abef, m);
			abef = _mm_sha256rnds2_epu32(abef, cdgh, _mm_shuffle_epi32(m, 0x0E));
		}
		abef = _mm_add_epi32(abef, save0);
		cdgh = _mm_add_epi32(cdgh, save1);
	}
	t = _mm_shuffle_epi32(abef, 0x1B);	/* FEBA */
	cdgh = _mm_shuffle_epi32(cdgh, 0xB1);	/* DCHG */
	_mm_storeu_si128((__m128i *)&h[0], _mm_blend_epi16(t, cdgh, 0xF0));	/* DCBA */
	_mm_storeu_si128((__m128i *)&h[4], _mm_alignr_epi8(cdgh, t, 8));	/* HGFE */
}

static int have_ni(void)
{
	unsigned a, b, c, d;

	if (!__get_cpuid_count(7, 0, &a, &b, &c, &d) || !(b & (1u << 29)))
		return 0;
	if (!__get_cpuid(1, &a, &b, &c, &d))
		return 0;
	return (c & bit_SSE4_1) && (c & bit_SSSE3);
}
#else
#define have_ni() 0
#define blocks_ni blocks_portable
#endif

/* 0 unknown, 1 portable, 2 SHA extensions */
static int mode;

static void blocks(uint32_t h[8], const uint8_t *p, size_t nblocks)
{
	int m = __atomic_load_n(&mode, __ATOMIC_RELAXED);

	if (!m) {
		m = have_ni() ? 2 : 1;
		__atomic_store_n(&mode, m, __ATOMIC_RELAXED);
	}
	if (m == 2)
		blocks_ni(h, p, nblocks);
	else
		blocks_portable(h, p, nblocks);
}

int ava_sha256_accel(int on)
{
	int m = on && have_ni() ? 2 : 1;

	__atomic_store_n(&mode, m, __ATOMIC_RELAXED);
	return m == 2;
}

void ava_sha256_init(struct ava_sha256 *s)
{
	static const uint32_t iv[8] = { 0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
					0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19 };

	memcpy(s->h, iv, sizeof(iv));
	s->len = 0;
}

void ava_sha256_update(struct ava_sha256 *s, const void *data, size_t n)
{
	const uint8_t *p = data;
	size_t have = s->len % 64, take;

	s->len += n;
	if (have) {
		take = n < 64 - have ? n : 64 - have;
		memcpy(s->buf + have, p, take);
		p += take;
		n -= take;
		if (have + take < 64)
			return;
		blocks(s->h, s->buf, 1);
	}
	if (n >= 64)
		blocks(s->h, p, n / 64);
	memcpy(s->buf, p + n / 64 * 64, n % 64);
}

void ava_sha256_final(struct ava_sha256 *s, uint8_t out[AVA_SHA256_LEN])
{
	uint64_t bits = s->len * 8;
	size_t have = s->len % 64;
	int i;

	s->buf[have++] = 0x80;
	if (have > 56) {
		memset(s->buf + have, 0, 64 - have);
		blocks(s->h, s->buf, 1);
		have = 0;
	}
	memset(s->buf + have, 0, 56 - have);
	for (i = 0; i < 8; i++)
		s->buf[56 + i] = (uint8_t)(bits >> (56 - 8 * i));
	blocks(s->h, s->buf, 1);
	for (i = 0; i < 32; i++)
		out[i] = (uint8_t)(s->h[i / 4] >> (24 - 8 * (i % 4)));
}

void ava_sha256(const void *p, size_t n, uint8_t out[AVA_SHA256_LEN])
{
	struct ava_sha256 s;

	ava_sha256_init(&s);
	ava_sha256_update(&s, p, n);
	ava_sha256_final(&s, out);
}

void ava_sha256_hex(const uint8_t d[AVA_SHA256_LEN], char hex[2 * AVA_SHA256_LEN + 1])
{
	static const char digits[] = "0123456789abcdef";
	int i;

	for (i = 0; i < AVA_SHA256_LEN; i++) {
		hex[2 * i] = digits[d[i] >> 4];
		hex[2 * i + 1] = digits[d[i] & 15];
	}
	hex[2 * AVA_SHA256_LEN] = 0;
}
