// SPDX-License-Identifier: MIT
/* hostile_worker: the seeded fuzz loop. */
#include "hostile.h"

/* ------------------------------------------------------------- fuzzing */

static uint64_t g_rng = 0x9E3779B97F4A7C15ull;

static uint64_t rnd(void)
{
	uint64_t x = g_rng;

	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	g_rng = x;
	return x * 0x2545F4914F6CDD1Dull;
}

static uint64_t rnd_n(uint64_t n)
{
	return n ? rnd() % n : 0;
}

static uint64_t fz_pool[24];
static unsigned fz_npool;

static uint64_t fz_len(void)
{
	static const uint64_t v[] = { 0, 1, 4, 8, 16, 24, 64, 4096, 65536, 1u << 20, (1u << 20) + 8,
				      0xFFFFFFFFull, 1ull << 40, 1ull << 60, AVA_DATA_MAXLEN };

	return rnd_n(3) ? v[rnd_n(sizeof(v) / sizeof(v[0]))] : rnd_n(300);
}

static uint64_t fz_scalar(void)
{
	static const uint64_t v[] = { 0, 1, 2, 3, 4, 8, 16, 64, 256, 4096, 65536, 1u << 20, 0x7FFFFFFFu,
				      0xFFFFFFFFu, 1ull << 32, 1ull << 62, UINT64_MAX, WBIT, (uint64_t)-5,
				      CL_DEVICE_TYPE_ALL, CL_MEM_READ_WRITE, CL_MEM_COPY_HOST_PTR | CL_MEM_READ_WRITE,
				      CL_MEM_USE_HOST_PTR, CL_MAP_READ, CL_MAP_WRITE, CL_DEVICE_NAME,
				      CL_DEVICE_PLATFORM, CL_CONTEXT_DEVICES, CL_CONTEXT_PROPERTIES,
				      CL_MEM_CONTEXT, CL_QUEUE_CONTEXT, CL_EVENT_COMMAND_QUEUE };

	switch (rnd_n(5)) {
	case 0:
	case 1:
		return v[rnd_n(sizeof(v) / sizeof(v[0]))];
	case 2:
		return fz_pool[rnd_n(fz_npool)];
	case 3:
		return rnd_n(64);
	default:
		return rnd();
	}
}

static void fz_bytes(uint64_t n)
{
	uint8_t *d = ava_wbuf_reserve(&M.w, n);
	uint64_t i, v;

	for (i = 0; d && i + 8 <= n; i += 8) {
		v = rnd_n(3) ? fz_scalar() : rnd();
		memcpy(d + i, &v, 8);
	}
	for (; d && i < n; i++)
		d[i] = (uint8_t)rnd();
}

static void fz_item(struct sess *s)
{
	uint64_t n, i;

	switch (rnd_n(13)) {
	case 0:
	case 1:
	case 2:
		put(fz_scalar());
		break;
	case 3:
		put(fz_pool[rnd_n(fz_npool)]);
		break;
	case 4:			/* inline data */
		n = rnd_n(4) ? rnd_n(65) : rnd_n(4097);
		put((n << 2) | AVA_DATA_INLINE);
		fz_bytes(n);
		break;
	case 5:			/* data or out through a ref */
		n = fz_len();
		put((n << 2) | AVA_DATA_REF);
		put(rnd_n(4) ? rnd_n(M.nrefs + 1) : rnd());
		break;
	case 6:			/* an inline out capacity */
		put((fz_len() << 2) | AVA_DATA_INLINE);
		break;
	case 7:			/* a preloaded out */
		n = rnd_n(65);
		put((n << 2) | AVA_DATA_INLINE_PRELOAD);
		fz_bytes(rnd_n(8) ? n : n / 2);
		break;
	case 8:
		put(rnd());
		break;
	case 9:
		put(0);
		break;
	case 10:		/* a handle array */
		n = rnd_n(4);
		put(((n * 8) << 2) | AVA_DATA_INLINE);
		for (i = 0; i < n; i++)
			put(fz_pool[rnd_n(fz_npool)]);
		break;
	case 11:		/* a string, NUL-terminated or not */
		n = rnd_n(12);
		put((n << 2) | AVA_DATA_INLINE);
		{
			char *d = ava_wbuf_reserve(&M.w, n);

			for (i = 0; d && i < n; i++)
				d[i] = (char)('a' + rnd_n(26));
			if (d && n && rnd_n(2))
				d[n - 1] = '\0';
		}
		break;
	default:		/* a kernel argument */
		put(rnd_n(4));
		put(fz_pool[rnd_n(fz_npool)]);
		break;
	}
	(void)s;
}

static void fz_refs(struct sess *s)
{
	static const uint64_t lens[] = { 0, 4, 8, 16, 32, 64, 256, 4096, 65536, 1u << 20 };
	unsigned n = (unsigned)rnd_n(5), i;
	uint64_t len, off;

	for (i = 0; i < n; i++) {
		len = rnd_n(6) ? lens[rnd_n(sizeof(lens) / sizeof(lens[0]))] : rnd_n(1000);
		off = rnd_n(s->arena_size / 8) * 8;
		if (off + len > s->arena_size)
			off = s->arena_size - len;
		if (rnd_n(3) == 0)
			off = rnd_n(4) * 4096;	/* overlapping refs */
		add_ref(off, len, 1 + (uint32_t)rnd_n(AVA_REF_KNOWN_FLAGS));
		if (rnd_n(25) == 0) {	/* a bad one */
			switch (rnd_n(4)) {
			case 0: M.refs[M.nrefs - 1].offset = rnd(); break;
			case 1: M.refs[M.nrefs - 1].len = rnd(); break;
			case 2: M.refs[M.nrefs - 1].flags = (uint32_t)rnd(); break;
			default: M.refs[M.nrefs - 1].reserved = 1; break;
			}
		}
	}
}

/*
 * Well-formed calls on the fuzz session's objects, mutated afterwards, so
 * that the fuzzer gets past the handle checks into the size checks and the
 * vendor calls.
 */
#define FZ_NEW (0x200 + rnd_n(16))	/* guest ids the templates create */
#define FZ_EV (0x210 + rnd_n(16))	/* event ids they create */
#define FZ_NTEMPLATES 24

/* Info queries (templates 0-3, 12, 15, 19, 22). */
static void fz_query(const struct clobj *o, unsigned t)
{
	static const uint64_t dev_params[] = { CL_DEVICE_NAME, CL_DEVICE_PLATFORM, CL_DEVICE_PARENT_DEVICE,
					       CL_DEVICE_MAX_WORK_GROUP_SIZE, CL_DEVICE_EXTENSIONS };
	static const uint64_t ctx_params[] = { CL_CONTEXT_DEVICES, CL_CONTEXT_PROPERTIES, CL_CONTEXT_NUM_DEVICES,
					       CL_CONTEXT_REFERENCE_COUNT };
	static const uint64_t mem_params[] = { CL_MEM_SIZE, CL_MEM_CONTEXT, CL_MEM_ASSOCIATED_MEMOBJECT,
					       CL_MEM_FLAGS };
	static const uint64_t q_params[] = { CL_QUEUE_CONTEXT, CL_QUEUE_DEVICE, CL_QUEUE_REFERENCE_COUNT };

	switch (t) {
	case 0:
		mb_begin(AVA_API_OPENCL, FN(clGetPlatformIDs));
		put(1);
		put_out(8);
		put_out(4);
		break;
	case 1:
		mb_device_ids(o->plat);
		break;
	case 2:
		mb_device_info(o->dev, dev_params[rnd_n(5)], 64);
		put_out(64);
		put_out(8);
		break;
	case 3:
		mb_begin(AVA_API_OPENCL, FN(clGetContextInfo));
		put(o->ctx);
		put(ctx_params[rnd_n(4)]);
		put(64);
		put_out(64);
		put_out(8);
		break;
	case 12:
		mb_begin(AVA_API_OPENCL, FN(clGetMemObjectInfo));
		put(rnd_n(2) ? o->buf : FZ_NEW);
		put(mem_params[rnd_n(4)]);
		put(8);
		put_out(8);
		put_out(8);
		break;
	case 15:
		mb_begin(AVA_API_OPENCL, FN(clGetEventInfo));
		put(FZ_EV);
		put(rnd_n(2) ? CL_EVENT_COMMAND_EXECUTION_STATUS : CL_EVENT_COMMAND_QUEUE);
		put(8);
		put_out(8);
		put_out(8);
		break;
	case 19:
		mb_begin(AVA_API_OPENCL, FN(clGetCommandQueueInfo));
		put(o->q);
		put(q_params[rnd_n(3)]);
		put(8);
		put_out(8);
		put_out(8);
		break;
	default:
		mb_begin(AVA_API_OPENCL, FN(clGetSupportedImageFormats));
		put(o->ctx);
		put(CL_MEM_READ_WRITE);
		put(CL_MEM_OBJECT_IMAGE2D);
		put(16);
		put_out(16 * sizeof(cl_image_format));
		put_out(4);
		break;
	}
}

/* Creations of objects with ids FZ_NEW (templates 4-6, 13, 17, 23). */
static void fz_create(const struct clobj *o, unsigned t, const uint8_t *data)
{
	uint64_t v[2], size;

	switch (t) {
	case 4:
		v[0] = CL_CONTEXT_PLATFORM;
		v[1] = o->plat;
		mb_begin(AVA_API_OPENCL, FN(clCreateContext));
		put(FZ_NEW);
		put_data(v, 16);
		put(1);
		put_ids(&o->dev, 1);
		put(0);
		put(0);
		break;
	case 5:
		mb_begin(AVA_API_OPENCL, FN(clCreateCommandQueue));
		put(FZ_NEW);
		put(o->ctx);
		put(o->dev);
		put(0);
		break;
	case 6:
		size = 1 + rnd_n(512);
		mb_create_buffer(FZ_NEW, o->ctx, CL_MEM_READ_WRITE | CL_MEM_COPY_HOST_PTR, size);
		put_data(data, size);
		break;
	case 13:
		v[0] = 0;
		v[1] = 1024;
		mb_begin(AVA_API_OPENCL, FN(clCreateSubBuffer));
		put(FZ_NEW);
		put(o->buf);
		put(CL_MEM_READ_WRITE);
		put(CL_BUFFER_CREATE_TYPE_REGION);
		put_data(v, 16);
		break;
	case 17:
		mb_begin(AVA_API_OPENCL, FN(clCreateProgramWithSource));
		put(FZ_NEW);
		put(o->ctx);
		put(1);
		put(1);
		put_data(K_SRC, strlen(K_SRC));
		break;
	default:
		v[0] = CL_RGBA | ((uint64_t)CL_UNORM_INT8 << 32);
		mb_begin(AVA_API_OPENCL, FN(clCreateImage2D));
		put(FZ_NEW);
		put(o->ctx);
		put(CL_MEM_READ_WRITE | CL_MEM_COPY_HOST_PTR);
		put_data(v, 8);
		put(16);
		put(16);
		put(0);
		put_data(data, 16 * 16 * 4);
		break;
	}
}

/* Transfers between the host and the buffers (templates 7-10, 20, 21). */
static void fz_transfer(const struct clobj *o, unsigned t, const uint8_t *data)
{
	uint64_t size;

	switch (t) {
	case 7:
		size = 1 + rnd_n(4096);
		mb_write_head(o->q, o->buf, rnd_n(4096), size);
		put_data(data, size);
		put(0);
		put(0);
		put(rnd_n(2) ? FZ_EV : 0);
		break;
	case 8:
		size = 1 + rnd_n(4096);
		mb_begin(AVA_API_OPENCL, FN(clEnqueueReadBuffer));
		put(o->q);
		put(o->buf);
		put(CL_TRUE);
		put(rnd_n(4096));
		put(size);
		put(rnd_n(2));	/* deferred */
		put_out(size);
		put(0);
		put(0);
		put(rnd_n(2) ? FZ_EV : 0);
		break;
	case 9:
		mb_begin(AVA_API_OPENCL, FN(clEnqueueFillBuffer));
		put(o->q);
		put(o->buf);
		put_data(data, 4);
		put(4);
		put(0);
		put(4096);
		put(0);
		put(0);
		put(0);
		break;
	case 10:
		mb_begin(AVA_API_OPENCL, FN(clEnqueueCopyBuffer));
		put(o->q);
		put(o->buf);
		put(ID_BUF2);
		put(0);
		put(0);
		put(1024);
		put(0);
		put(0);
		put(0);
		break;
	case 20:
		mb_begin(AVA_API_OPENCL, FN(clEnqueueMapBuffer));
		put(o->q);
		put(o->buf);
		put(CL_TRUE);
		put(rnd_n(2) ? CL_MAP_READ : CL_MAP_WRITE);
		put(0);
		put(4096);
		put(0);
		put(0);
		put(0);
		put(4096);
		put_out(4096);
		break;
	default:
		mb_begin(AVA_API_OPENCL, FN(clEnqueueUnmapMemObject));
		put(o->q);
		put(o->buf);
		put(1 + rnd_n(8));
		put_data(data, 4096);
		put(0);
		put(0);
		put(0);
		break;
	}
}

/* Finish, markers, waits and releases (templates 11, 14, 16, 18). */
static void fz_sync(const struct clobj *o, unsigned t)
{
	uint64_t v[1];

	switch (t) {
	case 11:
		mb_begin(AVA_API_OPENCL, FN(clFinish));
		put(o->q);
		break;
	case 14:
		mb_begin(AVA_API_OPENCL, FN(clEnqueueMarkerWithWaitList));
		put(o->q);
		put(0);
		put(0);
		put(FZ_EV);
		break;
	case 16:
		v[0] = FZ_EV;
		mb_begin(AVA_API_OPENCL, FN(clWaitForEvents));
		put(1);
		put_ids(v, 1);
		break;
	default:
		mb_begin(AVA_API_CONTROL, AVA_CTL_RELEASE);
		put(AVA_API_OPENCL);
		put(rnd_n(2) ? FZ_NEW : FZ_EV);
		break;
	}
}

static void fz_template(const struct clobj *o, unsigned t)
{
	uint8_t data[4096];

	memset(data, 0x33, sizeof(data));
	switch (t) {
	case 0: case 1: case 2: case 3: case 12: case 15: case 19: case 22:
		fz_query(o, t);
		break;
	case 7: case 8: case 9: case 10: case 20: case 21:
		fz_transfer(o, t, data);
		break;
	case 11: case 14: case 16: case 18:
		fz_sync(o, t);
		break;
	default:	/* 4-6, 13, 17, 23 */
		fz_create(o, t, data);
		break;
	}
}

/* 1-3 mutations of the command being built (none one time in eight). */
static void fz_mutate(struct sess *s)
{
	unsigned n = rnd_n(8) ? 1 + (unsigned)rnd_n(3) : 0, words, i;
	uint64_t v;

	while (n--) {
		words = (unsigned)(M.w.len / 8);
		switch (rnd_n(10)) {
		case 0:		/* cut the inline part */
			M.w.len = rnd_n(words + 1) * 8;
			break;
		case 1:		/* trailing garbage */
			for (i = 1 + (unsigned)rnd_n(3); i; i--)
				put(fz_scalar());
			break;
		case 2:		/* a ref, used or not */
			if (M.nrefs < 4) {
				add_ref(rnd_n(4) * 4096, 1u << (2 * rnd_n(8)), 1 + (uint32_t)rnd_n(3));
				if (words) {
					v = (fz_len() << 2) | AVA_DATA_REF;
					memcpy(M.w.p + rnd_n(words) * 8, &v, 8);
					if (M.w.len + 8 <= M.w.cap)
						put(M.nrefs - 1);
				}
			}
			break;
		case 3:		/* a length word */
			if (words) {
				v = (fz_len() << 2) | rnd_n(4);
				memcpy(M.w.p + rnd_n(words) * 8, &v, 8);
			}
			break;
		default:	/* one word replaced */
			if (words) {
				uint8_t *w = M.w.p + rnd_n(words) * 8;

				memcpy(&v, w, 8);
				switch (rnd_n(5)) {
				case 0: v = fz_scalar(); break;
				case 1: v = fz_pool[rnd_n(fz_npool)]; break;
				case 2: v += rnd_n(2) ? 1 : (uint64_t)-1; break;
				case 3: v ^= 1ull << rnd_n(64); break;
				default: v = (v & 3) | (fz_len() << 2); break;
				}
				memcpy(w, &v, 8);
			}
			break;
		}
	}
	(void)s;
}

/* Functions the fuzzer leaves alone: slow (compilers, kernel launches) or
 * able to block the queue forever (user events). */
static int fz_skip(uint32_t f)
{
	return f == FN(clBuildProgram) || f == FN(clCompileProgram) || f == FN(clLinkProgram) ||
	       f == FN(clCreateUserEvent) || f == FN(clEnqueueNDRangeKernel) || f == FN(clEnqueueTask);
}

static void dump_cmd(const uint8_t *p, uint32_t len)
{
	char line[128];
	uint32_t i, k = 0;

	for (i = 0; i < len && i < 256; i += 8) {
		uint64_t v;

		memcpy(&v, p + i, 8);
		k += (uint32_t)snprintf(line + k, sizeof(line) - k, "%016" PRIx64 " ", v);
		if (k > 80 || i + 8 >= len || i + 8 >= 256) {
			diag("  %s", line);
			k = 0;
		}
	}
}

/* What one fuzz run sent and how the worker answered. */
struct fz_run {
	uint64_t seed;
	unsigned long sent, refused, async, lost_n, okc, templ;
	uint8_t last[512];	/* the start of the last command, for the report */
	uint32_t lastlen;
};

/* Values the fuzzer puts where handles go: the session's own and others. */
static void fz_pool_fill(const struct clobj *o)
{
	const uint64_t v[] = { 0, o->plat, o->dev, o->ctx, o->q, o->buf, ID_BUF2, WBIT | 3, WBIT | 0xFFFF,
			       1, 2, 0x200, 0x205, 0x210, 0x213, UINT64_MAX };

	for (fz_npool = 0; fz_npool < sizeof(v) / sizeof(v[0]); fz_npool++)
		fz_pool[fz_npool] = v[fz_npool];
}

/* --verbose: what each template gets unmutated. */
static void fz_show_templates(struct sess *f, const struct clobj *o)
{
	struct rep r;
	unsigned i;

	for (i = 0; i < FZ_NTEMPLATES; i++) {
		fz_template(o, i);
		call(f, &r);
		note("template %u (func %u): got %d status %u (%s) CL %" PRId64, i, M.func, r.got, r.status,
		     sname(r.status), r.got == 1 && r.status == AVA_S_OK ? rep_i64(&r) : 0);
	}
}

/* A random target: mostly OpenCL functions, some control, some that do not exist. */
static void fz_pick_target(uint16_t *api, uint32_t *func)
{
	uint64_t roll = rnd_n(100);

	if (roll < 75) {
		*api = AVA_API_OPENCL;
		do
			*func = 1 + (uint32_t)rnd_n(AVA_FN_OPENCL_COUNT - 1);
		while (fz_skip(*func));
	} else if (roll < 85) {
		*api = AVA_API_CONTROL;
		*func = (uint32_t)rnd_n(7);
	} else if (roll < 92) {
		*api = AVA_API_OPENCL;
		*func = rnd_n(2) ? AVA_FN_OPENCL_COUNT + (uint32_t)rnd_n(64) : (uint32_t)rnd();
		if (*func < AVA_FN_OPENCL_COUNT)
			*func = 0;
	} else {
		*api = (uint16_t)rnd_n(6);
		if (*api == AVA_API_OPENCL || *api == AVA_API_CONTROL)
			*api = (uint16_t)rnd();
		*func = (uint32_t)rnd_n(AVA_FN_OPENCL_COUNT);
	}
}

/* Builds a mutated template or random items for the target; updates api/func for a template. */
static void fz_build(struct sess *f, const struct clobj *o, int *templ, uint16_t *api, uint32_t *func)
{
	*templ = 0;
	if (rnd_n(2)) {
		fz_template(o, (unsigned)rnd_n(FZ_NTEMPLATES));
		fz_mutate(f);
		*api = M.api;
		*func = M.func;
		*templ = 1;
	} else {
		mb_begin(*api, *func);
		fz_refs(f);
		for (unsigned k = (unsigned)rnd_n(14); k; k--)
			fz_item(f);
	}
}

/* A header flag no command may carry (AVA_CMD_KNOWN_FLAGS are valid ones). */
static uint32_t unknown_flag(void)
{
	uint32_t b = 1u << rnd_n(32);

	return (b & AVA_CMD_KNOWN_FLAGS) ? 1u << 31 : b;
}

/* Breaks one header field of a finished command of len bytes; 1 if framing is then lost. */
static int fz_corrupt_header(uint32_t len)
{
	int lost = 0;

	switch (rnd_n(9)) {
	case 0: H()->magic ^= 1u << rnd_n(32); break;
	case 1: H()->version = (uint16_t)rnd(); if (H()->version == AVA_WIRE_VERSION) H()->version = 0; break;
	case 2: H()->flags |= unknown_flag(); break;
	case 3: H()->session = (uint32_t)rnd() | 1; break;
	case 4: H()->nrefs += 1 + (uint32_t)rnd_n(3); break;
	case 5: H()->inline_len += 8; break;
	case 6: H()->total_len = (uint32_t)rnd_n(HDR_LEN / 8) * 8; lost = 1; break;
	case 7: H()->total_len += 4; lost = 1; break;
	default: H()->total_len = len + 8 * (1 + (uint32_t)rnd_n(1000)); lost = 1; break;
	}
	if (H()->magic == AVA_RING_PAD_MAGIC)
		H()->magic = 0;
	if (lost)	/* always answered: keep it synchronous */
		H()->flags &= ~AVA_CMD_ASYNC;
	return lost;
}

/* --trace: every fuzz command and its outcome, on stderr. */
static void fz_trace(unsigned i, uint16_t api, uint32_t func, uint32_t len, struct rep *r)
{
	fprintf(stderr, "fuzz %u: api %u func %u len %u -> got %d status %u", i, api, func, len, r->got, r->status);
	if (r->got == 1 && r->status == AVA_S_OK && r->r.len >= 8)
		fprintf(stderr, " CL %" PRId64, (int64_t)ava_rbuf_u64(&r->r));
	for (uint32_t k = 0; k < len && k < 512; k += 8) {
		uint64_t v;

		memcpy(&v, g_msg + k, 8);
		fprintf(stderr, "%s%" PRIx64, k ? " " : "\n  ", v);
	}
	fputc('\n', stderr);
}

/* Sends the finished command of iteration i and checks the answer; 0 on a failed expectation. */
static int fz_send(struct sess *f, struct fz_run *run, unsigned i, uint16_t api, uint32_t func, uint32_t len,
		   int lost, int corrupt)
{
	uint64_t want = lost ? 0 : H()->call_id;
	int is_async = (H()->flags & AVA_CMD_ASYNC) != 0;
	struct rep r;
	int ok = 1;

	send_msg(f, len, &r, 10000);
	run->sent++;
	if (g_trace)
		fz_trace(i, api, func, len, &r);
	if (is_async) {
		run->async++;
		if (r.got == -1) {
			REQUIRE(0, "iteration %u: could not queue an async command (worker gone?)", i);
			ok = 0;
		}
	} else if (r.got != 1) {
		REQUIRE(0, "iteration %u: no reply (%s)", i, got_name(r.got));
	} else {
		REQUIRE(r.call_id == want, "iteration %u: reply call id %" PRIu64 ", expected %" PRIu64, i, r.call_id,
			want);
		REQUIRE(r.status <= AVA_S_BAD_REF, "iteration %u: unknown status %u", i, r.status);
		REQUIRE(!corrupt || r.status != AVA_S_OK, "iteration %u: corrupted header accepted", i);
		if (r.status != AVA_S_OK)
			run->refused++;
		else
			run->okc++;
		run->lost_n += lost;
	}
	return ok;
}

/* Builds the next fuzz command into g_msg; 0 when it came out too large to send. */
int fz_next(struct sess *f, const struct clobj *o, struct fz_cmd *c)
{
	c->lost = c->corrupt = 0;
	fz_pick_target(&c->api, &c->func);
	fz_build(f, o, &c->templ, &c->api, &c->func);
	if (M.w.overflow)
		return 0;
	if (rnd_n(10) == 0)
		M.flags = AVA_CMD_ASYNC;
	c->len = mb_finish(f);
	if (rnd_n(25) == 0) {
		c->corrupt = 1;
		c->lost = fz_corrupt_header(c->len);
	}
	c->async = (H()->flags & AVA_CMD_ASYNC) != 0;
	c->call_id = c->lost ? 0 : H()->call_id;
	/* a stream the worker starts must end at once: it is never fed */
	atomic_store(&f->ctl->stream_guest, UINT64_MAX - 1);
	return 1;
}

void fz_seed(uint64_t seed)
{
	g_rng = seed ? seed : 1;
}

void fz_use(const struct clobj *o)
{
	fz_pool_fill(o);
}

/* One fuzz command; 0 when it or the PING every 1000 failed (the command is dumped). */
static int fz_iteration(struct sess *f, const struct clobj *o, struct fz_run *run, unsigned i, int *pings_ok)
{
	struct fz_cmd c = { 0 };

	if (!fz_next(f, o, &c))
		return 1;
	run->templ += c.templ;
	run->lastlen = c.len < sizeof(run->last) ? c.len : sizeof(run->last);
	memcpy(run->last, g_msg, run->lastlen);
	if (!fz_send(f, run, i, c.api, c.func, c.len, c.lost, c.corrupt)) {
		diag("seed %#" PRIx64 ", last command (api %u, func %u, %u bytes):", run->seed, c.api, c.func, c.len);
		dump_cmd(run->last, run->lastlen);
		return 0;
	}
	if ((i + 1) % 1000 == 0) {
		int p = ping(f);

		*pings_ok &= p;
		if (!p) {
			diag("iteration %u: PING failed; seed %#" PRIx64 ", last command:", i, run->seed);
			dump_cmd(run->last, run->lastlen);
			return 0;
		}
	}
	return 1;
}

void t_fuzz(unsigned iterations, uint64_t seed)
{
	uint64_t st[AVA_STAT_COUNT] = { 0 };
	static struct fz_run run;
	struct sess f;
	struct clobj o;
	unsigned i;
	int ok = 1, pings_ok = 1;
	uint64_t t0 = ava_now_ns();

	memset(&run, 0, sizeof(run));
	run.seed = seed;
	if (sess_open(&f, 0) || mk_setup(&f, &o, 65536) || mk_buffer(&f, ID_BUF2, ID_CTX, 4096)) {
		tap(0, "fuzz: setup");
		sess_close(&f);
		return;
	}
	if (g_verbose)
		fz_show_templates(&f, &o);
	fz_seed(seed);
	fz_use(&o);
	for (i = 0; i < iterations && ok; i++)
		ok = fz_iteration(&f, &o, &run, i, &pings_ok);
	if (ok) {
		ok &= ping(&f);
		REQUIRE(stats(&f, st) == 0, "STATS failed after the fuzz");
		REQUIRE(pid_alive(f.worker), "the fuzzed worker died");
	}
	note("fuzz: seed %#" PRIx64 ", %lu commands sent (%lu mutated well-formed calls, %lu async without reply), "
	     "%lu refused, %lu accepted, %lu with lost framing, %.1f s", seed, run.sent, run.templ, run.async,
	     run.refused, run.okc, run.lost_n, (double)(ava_now_ns() - t0) / 1e9);
	if (ok)
		note("fuzz: worker STATS calls %" PRIu64 ", errors %" PRIu64 ", handles %" PRIu64 ", maps %" PRIu64,
		     st[AVA_STAT_CALLS], st[AVA_STAT_ERRORS], st[AVA_STAT_HANDLES], st[AVA_STAT_MAPS]);
	tap(ok && pings_ok, "fuzz: %u random commands (seed %#" PRIx64 "), every sync one answered, PING ok every 1000",
	    iterations, seed);
	sess_close(&f);
}

