// SPDX-License-Identifier: MIT
/*
 * Unit tests of common/sha256.c against the FIPS 180-4 example vectors,
 * with the portable block function and (where the processor has them) the
 * SHA extensions, fed whole and in odd pieces.
 */
#include <stdlib.h>
#include <string.h>

#include "sha256.h"
#include "unit_check.h"

static const struct {
	const char *msg;
	const char *hex;
} vectors[] = {
	{ "", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855" },
	{ "abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad" },
	{ "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
	  "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1" },
	{ "abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu",
	  "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1" },
};

static int matches(const uint8_t d[32], const char *want)
{
	char hex[65];

	ava_sha256_hex(d, hex);
	return !strcmp(hex, want);
}

static void known_vectors(void)
{
	uint8_t d[32];
	unsigned i;

	for (i = 0; i < sizeof(vectors) / sizeof(vectors[0]); i++) {
		ava_sha256(vectors[i].msg, strlen(vectors[i].msg), d);
		CHECK(matches(d, vectors[i].hex));
	}
}

/* a million 'a', fed in pieces of 1..97 bytes */
static void million_a(void)
{
	static char a[1000000];
	struct ava_sha256 s;
	uint8_t d[32];
	size_t off = 0, n = 1;

	memset(a, 'a', sizeof(a));
	ava_sha256(a, sizeof(a), d);
	CHECK(matches(d, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0"));
	ava_sha256_init(&s);
	for (; off < sizeof(a); off += n, n = n % 97 + 1)
		ava_sha256_update(&s, a + off, off + n > sizeof(a) ? sizeof(a) - off : n);
	ava_sha256_final(&s, d);
	CHECK(matches(d, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0"));
}

/* both block functions agree on every length around the block edges */
static void paths_agree(void)
{
	uint8_t buf[300], a[32], b[32];
	size_t n;

	for (n = 0; n < sizeof(buf); n++)
		buf[n] = (uint8_t)(n * 131 + 7);
	for (n = 0; n <= sizeof(buf); n++) {
		ava_sha256_accel(0);
		ava_sha256(buf, n, a);
		ava_sha256_accel(1);
		ava_sha256(buf, n, b);
		CHECK(!memcmp(a, b, 32));
	}
}

int main(void)
{
	int accel;

	ava_sha256_accel(0);
	RUN(known_vectors, "sha256: FIPS 180-4 vectors (portable)");
	RUN(million_a, "sha256: a million 'a', whole and in pieces (portable)");
	accel = ava_sha256_accel(1);
	printf("# SHA extensions %s\n", accel ? "used" : "not present");
	RUN(known_vectors, "sha256: FIPS 180-4 vectors (fastest)");
	RUN(million_a, "sha256: a million 'a', whole and in pieces (fastest)");
	RUN(paths_agree, "sha256: portable and fastest agree on lengths 0..300");
	return unit_done();
}
