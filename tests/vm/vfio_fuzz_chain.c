// SPDX-License-Identifier: GPL-2.0-only
/*
 * vfio_fuzz: one descriptor chain per call, mostly malformed: commands
 * with broken headers and references, data and reply descriptors at bad
 * addresses or of bad lengths, flipped flags, loops, indirect tables, or
 * plain random descriptors; some valid, so that commands reach the worker.
 */
#include "vfio_fuzz.h"

static uint64_t rng = 0x853c49e6748fea9bull;

void fz_seed(uint64_t seed)
{
	rng = seed ? seed : 1;
}

uint64_t fz_rnd(void)
{
	rng ^= rng >> 12;
	rng ^= rng << 25;
	rng ^= rng >> 27;
	return rng * 0x2545F4914F6CDD1Dull;
}

uint64_t fz_n(uint64_t n)
{
	return n ? fz_rnd() % n : 0;
}

/* the chain being built: its descriptors, then placed in the ring */
struct cb {
	struct vring_desc d[48];
	unsigned n;
};

static void add(struct cb *c, uint64_t addr, uint32_t len, uint16_t flags)
{
	if (c->n < sizeof(c->d) / sizeof(c->d[0]))
		c->d[c->n++] = (struct vring_desc){ addr, len, flags, 0 };
}

/* An address for len bytes of reference data: mostly good, some not. */
static uint64_t data_addr(struct dev *d, uint64_t len, bool out)
{
	static const uint64_t bad[] = { 0, 0x1000, 0x7000000000ull,
					0xfffffffffffff000ull,
					DATA_IOVA + DATA_SIZE - 4096,
					RING_IOVA, DATA2_IOVA + DATA2_SIZE - 4096 };

	switch (fz_n(16)) {
	case 0:
		return bad[fz_n(sizeof(bad) / sizeof(bad[0]))];
	case 1:
		return DATA2_IOVA;	/* unmapped now and then */
	case 2:
		return RO_IOVA;		/* wrong for out data */
	case 3:
		return DATA_IOVA + fz_n(DATA_SIZE);	/* unaligned */
	default:
		if (len > (2u << 20))
			return DATA_IOVA;
		(void)out;
		return data_iova(d, balloc(d, len ? len : 1, 4096));
	}
}

/* The descriptors of one reference's data: 1-3 pieces cut at pages. */
static void ref_data(struct dev *d, struct cb *c, uint64_t len, bool out)
{
	uint64_t a = data_addr(d, len, out), done = 0, piece;
	uint16_t fl = VRING_DESC_F_NEXT | (out ? VRING_DESC_F_WRITE : 0);
	unsigned pieces = 1 + (unsigned)fz_n(3);

	if (fz_n(12) == 0)	/* not quite the reference's length */
		len += fz_n(2) ? 1 : 4096;
	while (done < len && pieces--) {
		piece = pieces ? ((len - done) / 2 + 4095) & ~4095ull :
				 len - done;
		if (piece > 0xffffffffull)
			piece = 0xffffffffull;
		add(c, a + done, (uint32_t)piece, fl);
		done += piece ? piece : len;
	}
}

static uint32_t ref_flags(void)
{
	static const uint32_t f[] = { AVA_REF_IN, AVA_REF_OUT, AVA_REF_IN,
				      AVA_REF_OUT, AVA_REF_IN | AVA_REF_OUT,
				      AVA_REF_STREAM, AVA_REF_IN | AVA_REF_STREAM,
				      0, 8 };

	return fz_n(32) ? f[fz_n(sizeof(f) / sizeof(f[0]))] :
			  (uint32_t)fz_rnd();
}

static uint64_t ref_len(void)
{
	static const uint64_t l[] = { 1, 8, 100, 4096, 4097, 8192, 65536,
				      1u << 20, 0, 0xffffffffull,
				      0x100000000ull, 1ull << 40, UINT64_MAX };

	return fz_n(3) ? 4096 * (1 + fz_n(4)) - fz_n(2) * fz_n(4096) :
			 l[fz_n(sizeof(l) / sizeof(l[0]))];
}

/* Breaks one field of the command header (one time in four). */
static void bad_header(struct ava_cmd_hdr *h)
{
	switch (fz_n(10)) {
	case 0: h->magic ^= 1u << fz_n(32); break;
	case 1: h->version = (uint16_t)fz_rnd(); break;
	case 2: h->inline_len += 8 * (1 + (uint32_t)fz_n(4)); break;
	case 3: h->nrefs = fz_n(2) ? h->nrefs + 1 : (uint32_t)fz_rnd(); break;
	case 4: h->total_len = (uint32_t)fz_rnd(); break;
	case 5: h->total_len -= 8 * (uint32_t)fz_n(6); break;
	case 6: h->flags = (uint32_t)fz_rnd(); break;
	case 7: h->session = (uint32_t)fz_rnd(); break;
	case 8: h->api_id = (uint16_t)fz_rnd(); break;
	default: h->total_len += 8; break;
	}
}

/* The command: header, inline bytes, references; *refs gets them. */
static size_t make_cmd(struct dev *d, uint8_t **cmdp, struct ava_buf_ref *refs,
		       uint32_t *nrefs)
{
	static const uint32_t funcs[] = { AVA_CTL_PING, 6, 1, 2, 3 };
	uint8_t inl[512];
	uint32_t inl_len = fz_n(3) ? 8 * (uint32_t)fz_n(9) : (uint32_t)fz_n(512);
	uint16_t api = fz_n(4) ? AVA_API_OPENCL : AVA_API_CONTROL;
	uint32_t func = fz_n(2) ? XOR_FUNC : funcs[fz_n(5)], i;
	uint8_t *cmd;
	size_t n;

	*nrefs = fz_n(4) ? (uint32_t)fz_n(4) : (uint32_t)fz_n(6);
	for (i = 0; i < *nrefs; i++) {
		memset(&refs[i], 0, sizeof(refs[i]));
		refs[i].flags = ref_flags();
		refs[i].len = ref_len();
		if (fz_n(40) == 0)
			refs[i].offset = fz_rnd();
		if (fz_n(40) == 0)
			refs[i].reserved = 1;
	}
	for (i = 0; i < inl_len; i++)
		inl[i] = (uint8_t)fz_rnd();
	cmd = balloc(d, 1024, 64);
	n = cmd_build(cmd, api, func, fz_rnd(), inl, inl_len, refs, *nrefs);
	((struct ava_cmd_hdr *)cmd)->session = 1 + (uint32_t)fz_n(3);
	if (fz_n(4) == 0)
		bad_header((struct ava_cmd_hdr *)cmd);
	*cmdp = cmd;
	return n;
}

/* The reply room: mostly right, else small, missing or unwritable. */
static struct rep *reply_desc(struct dev *d, struct cb *c)
{
	struct rep *r = balloc(d, sizeof(*r), 64);

	memset(&r->h, 0xee, sizeof(r->h));
	switch (fz_n(24)) {
	case 0:
		return NULL;
	case 1:
		add(c, data_iova(d, r), (uint32_t)fz_n(sizeof(r->h)),
		    VRING_DESC_F_WRITE | VRING_DESC_F_NEXT);
		return NULL;
	case 2:
		add(c, RO_IOVA, sizeof(*r), VRING_DESC_F_WRITE | VRING_DESC_F_NEXT);
		return NULL;
	case 3:
		add(c, 0x7000000000ull, sizeof(*r),
		    VRING_DESC_F_WRITE | VRING_DESC_F_NEXT);
		return NULL;
	default:
		add(c, data_iova(d, r), sizeof(*r),
		    VRING_DESC_F_WRITE | VRING_DESC_F_NEXT);
		return r;
	}
}

/* A command chain: command pieces, in data, reply, out data. */
static struct rep *cmd_chain(struct dev *d, struct cb *c)
{
	struct ava_buf_ref refs[8];
	uint32_t nrefs, i, cut;
	uint8_t *cmd;
	size_t n = make_cmd(d, &cmd, refs, &nrefs);
	struct rep *r;

	cut = fz_n(4) ? (uint32_t)n : (uint32_t)fz_n(n + 1);
	add(c, data_iova(d, cmd), cut, VRING_DESC_F_NEXT);
	if (cut < n)
		add(c, data_iova(d, cmd) + cut, (uint32_t)(n - cut),
		    VRING_DESC_F_NEXT);
	for (i = 0; i < nrefs; i++)
		if (!(refs[i].flags & AVA_REF_OUT))
			ref_data(d, c, refs[i].len, false);
	r = reply_desc(d, c);
	for (i = 0; i < nrefs; i++)
		if (refs[i].flags & AVA_REF_OUT)
			ref_data(d, c, refs[i].len, true);
	return r;
}

/* One descriptor broken: address, length, flags or next. */
static void bad_desc(struct cb *c)
{
	struct vring_desc *e = &c->d[fz_n(c->n)];

	switch (fz_n(5)) {
	case 0: e->addr = fz_n(2) ? fz_rnd() : e->addr + fz_n(8192); break;
	case 1: e->len = fz_n(2) ? (uint32_t)fz_rnd() : e->len + 1; break;
	case 2: e->flags ^= 1u << fz_n(16); break;
	case 3: e->len = 0; break;
	default: e->flags |= VRING_DESC_F_INDIRECT; break;
	}
}

/* Puts the chain into the ring at s (room slots) or into an indirect table. */
static uint16_t place(struct dev *d, struct vq *q, uint16_t s, uint16_t room,
		      struct cb *c, bool indirect)
{
	unsigned i, n = c->n < room ? c->n : room;
	struct vring_desc *t;

	if (indirect && room) {
		t = balloc(d, c->n * sizeof(*t), 16);
		for (i = 0; i < c->n; i++) {
			t[i] = c->d[i];
			if (t[i].flags & VRING_DESC_F_NEXT && !t[i].next)
				t[i].next = i + 1;
		}
		set_desc(q, s, data_iova(d, t), c->n * sizeof(*t) -
			 (fz_n(16) ? 0 : 8), VRING_DESC_F_INDIRECT, 0);
		return 1;
	}
	for (i = 0; i < n; i++) {
		uint16_t next = c->d[i].next ? c->d[i].next :
				(uint16_t)((s + i + 1) & (q->size - 1));

		set_desc(q, (s + i) & (q->size - 1), c->d[i].addr, c->d[i].len,
			 c->d[i].flags, next);
	}
	return n;
}

uint16_t fz_chain(struct dev *d, struct vq *q, uint16_t s, uint16_t room,
		  struct rep **reply)
{
	struct cb c = { .n = 0 };
	uint16_t i, n;

	*reply = NULL;
	if (fz_n(8) == 0) {	/* random descriptors */
		n = 1 + (uint16_t)fz_n(4);
		for (i = 0; i < n && i < room; i++)
			fuzz_desc(d, q, (s + i) & (q->size - 1));
		return i;
	}
	*reply = cmd_chain(d, &c);
	if (c.n)
		c.d[c.n - 1].flags &= ~VRING_DESC_F_NEXT;
	if (c.n && fz_n(6) == 0) {
		bad_desc(&c);
		*reply = NULL;
	}
	if (c.n && fz_n(40) == 0) {	/* a loop */
		c.d[c.n - 1].flags |= VRING_DESC_F_NEXT;
		c.d[c.n - 1].next = (s + (uint16_t)fz_n(c.n)) & (q->size - 1);
	}
	return place(d, q, s, room, &c, fz_n(6) == 0);
}
