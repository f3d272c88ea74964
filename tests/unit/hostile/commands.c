// SPDX-License-Identifier: MIT
/* hostile_worker: commands built by hand, control calls, the OpenCL objects the cases use. */
#include "hostile.h"

/* ------------------------------------------------------ command builder */

uint8_t *g_msg;	/* header at 0, inline part after it */

struct mb_state M;

struct ava_cmd_hdr *H(void)
{
	return (struct ava_cmd_hdr *)(void *)g_msg;
}

void mb_begin(uint16_t api, uint32_t func)
{
	M.nrefs = 0;
	M.api = api;
	M.func = func;
	M.flags = 0;
	ava_wbuf_init(&M.w, g_msg + HDR_LEN, MSG_CAP - HDR_LEN - sizeof(M.refs));
}

void put(uint64_t v)
{
	ava_wbuf_u64(&M.w, v);
}

static void *put_item(uint64_t word, const void *p, uint64_t n)
{
	void *d;

	put(word);
	d = ava_wbuf_reserve(&M.w, n);
	if (d && p && n)
		memcpy(d, p, n);
	return d;
}

void put_data(const void *p, uint64_t n)
{
	if (!p)
		put(0);
	else
		put_item((n << 2) | AVA_DATA_INLINE, p, n);
}

static void put_string(const char *str)
{
	put_data(str, strlen(str) + 1);
}

void put_ids(const uint64_t *ids, uint64_t n)
{
	put_data(ids, n * 8);
}

uint32_t add_ref(uint64_t off, uint64_t len, uint32_t flags)
{
	M.refs[M.nrefs].offset = off;
	M.refs[M.nrefs].len = len;
	M.refs[M.nrefs].flags = flags;
	M.refs[M.nrefs].reserved = 0;
	return M.nrefs++;
}

void put_data_ref(uint64_t idx, uint64_t n)
{
	put((n << 2) | AVA_DATA_REF);
	put(idx);
}

void put_out(uint64_t cap)
{
	put((cap << 2) | AVA_DATA_INLINE);
}

void put_out_ref(uint64_t idx, uint64_t cap)
{
	put((cap << 2) | AVA_DATA_REF);
	put(idx);
}

/* Assembles the command in g_msg; returns its length. */
uint32_t mb_finish(struct sess *s)
{
	struct ava_cmd_hdr *h = H();
	uint32_t il = (uint32_t)M.w.len;

	memcpy(g_msg + HDR_LEN + il, M.refs, M.nrefs * REF_LEN);
	memset(h, 0, sizeof(*h));
	h->magic = AVA_WIRE_MAGIC;
	h->version = AVA_WIRE_VERSION;
	h->api_id = M.api;
	h->func_id = M.func;
	h->flags = M.flags;
	h->call_id = ++s->call_id;
	h->inline_len = il;
	h->nrefs = M.nrefs;
	h->total_len = HDR_LEN + il + M.nrefs * REF_LEN;
	h->session = 0;
	return h->total_len;
}

/* Sends g_msg (len bytes, header as the caller left it); waits unless ASYNC. */
int send_msg(struct sess *s, uint32_t len, struct rep *r, unsigned timeout_ms)
{
	return xfer(s, g_msg, len, !(H()->flags & AVA_CMD_ASYNC), r, timeout_ms);
}

/* Builds, sends and waits; returns the status or -1 without a reply. */
int call_t(struct sess *s, struct rep *r, unsigned timeout_ms)
{
	uint32_t len = mb_finish(s);

	send_msg(s, len, r, timeout_ms);
	return r->got == 1 ? (int)r->status : -1;
}

int call(struct sess *s, struct rep *r)
{
	return call_t(s, r, TIMEOUT_MS);
}

int64_t rep_i64(struct rep *r)
{
	return (int64_t)ava_rbuf_u64(&r->r);
}

/* Reads an out item of the reply into dst (at most cap); returns its length or -1. */
int64_t rep_out(struct rep *r, void *dst, uint64_t cap)
{
	uint64_t w = ava_rbuf_u64(&r->r), len = w >> 2;
	const void *p;

	if (r->r.bad || w == 0)
		return -1;
	if ((w & 3) == AVA_DATA_REF)
		return (int64_t)len;
	if ((w & 3) != AVA_DATA_INLINE || !(p = ava_rbuf_bytes(&r->r, len)))
		return -1;
	if (dst)
		memcpy(dst, p, len < cap ? len : cap);
	return (int64_t)len;
}

/* ------------------------------------------------------ control helpers */

int ping(struct sess *s)
{
	struct rep r;
	int ok = 1;

	mb_begin(AVA_API_CONTROL, AVA_CTL_PING);
	call(s, &r);
	REQUIRE(r.got == 1, "PING: no reply (%s)", got_name(r.got));
	if (r.got == 1) {
		REQUIRE(r.status == AVA_S_OK, "PING: status %u (%s)", r.status, sname(r.status));
		REQUIRE(r.call_id == s->call_id, "PING: reply call id %" PRIu64 ", sent %" PRIu64,
			r.call_id, s->call_id);
	}
	return ok;
}

int stats(struct sess *s, uint64_t st[AVA_STAT_COUNT])
{
	struct rep r;
	unsigned i;

	mb_begin(AVA_API_CONTROL, AVA_CTL_STATS);
	if (call(s, &r) != AVA_S_OK)
		return -1;
	for (i = 0; i < AVA_STAT_COUNT; i++)
		st[i] = ava_rbuf_u64(&r.r);
	return r.r.bad ? -1 : 0;
}

/* AVA_CTL_RELEASE of id under api. */
void mb_release(uint64_t api, uint64_t id)
{
	mb_begin(AVA_API_CONTROL, AVA_CTL_RELEASE);
	put(api);
	put(id);
}

int release(struct sess *s, uint32_t api, uint64_t id)
{
	struct rep r;

	mb_release(api, id);
	return call(s, &r);
}

/*
 * The current command (already in g_msg, len bytes) must be answered with
 * status `want` (call id echoed, or 0 when framing is lost), and the session
 * must still answer PING afterwards.
 */
int expect_raw(struct sess *s, uint32_t len, uint32_t want, int lost, const char *fmt, ...)
{
	uint64_t id = lost ? 0 : H()->call_id;
	struct rep r;
	char desc[256];
	va_list ap;
	int ok = 1;

	va_start(ap, fmt);
	vsnprintf(desc, sizeof(desc), fmt, ap);
	va_end(ap);
	send_msg(s, len, &r, TIMEOUT_MS);
	REQUIRE(r.got == 1, "no reply (%s)", got_name(r.got));
	if (r.got == 1) {
		REQUIRE(r.status == want, "status %u (%s), expected %u (%s)", r.status, sname(r.status),
			want, sname(want));
		REQUIRE(r.call_id == id, "reply call id %" PRIu64 ", expected %" PRIu64, r.call_id, id);
	}
	if (r.got != -1)
		ok &= ping(s);
	return tap(ok, "%s -> %s, session still answers PING", desc, sname(want));
}

int expect_call(struct sess *s, uint32_t want, int64_t cl, const char *fmt, ...)
{
	struct rep r;
	char desc[256];
	va_list ap;
	int64_t ret;
	int ok = 1;

	va_start(ap, fmt);
	vsnprintf(desc, sizeof(desc), fmt, ap);
	va_end(ap);
	call(s, &r);
	REQUIRE(r.got == 1, "no reply (%s)", got_name(r.got));
	if (r.got == 1) {
		REQUIRE(r.status == want, "status %u (%s), expected %u (%s)", r.status, sname(r.status),
			want, sname(want));
		REQUIRE(r.call_id == s->call_id, "reply call id %" PRIu64 ", sent %" PRIu64, r.call_id,
			s->call_id);
		if (r.status == AVA_S_OK && cl != NO_CL) {
			ret = rep_i64(&r);
			REQUIRE(ret == cl, "CL result %" PRId64 ", expected %" PRId64, ret, cl);
		}
	}
	if (r.got != -1)
		ok &= ping(s);
	if (want == AVA_S_OK && cl != NO_CL)
		return tap(ok, "%s -> AVA_S_OK + CL error %" PRId64 ", session still answers PING", desc, cl);
	return tap(ok, "%s -> %s, session still answers PING", desc, sname(want));
}

/* ------------------------------------------------------- OpenCL helpers */




/* Runs the built command; the first reply item must be CL_SUCCESS. */
int cl_ok(struct sess *s, struct rep *r, const char *what, unsigned timeout_ms)
{
	int st = call_t(s, r, timeout_ms);
	int64_t ret;

	if (st != AVA_S_OK) {
		diag("%s: status %d (%s)", what, st, st < 0 ? got_name(r->got) : sname((uint32_t)st));
		return -1;
	}
	ret = rep_i64(r);
	if (ret != CL_SUCCESS) {
		diag("%s: CL error %" PRId64, what, ret);
		return -1;
	}
	return 0;
}

static int mk_platform(struct sess *s, uint64_t *plat)
{
	struct rep r;

	mb_begin(AVA_API_OPENCL, FN(clGetPlatformIDs));
	put(1);
	put_out(8);
	put_out(4);
	if (cl_ok(s, &r, "clGetPlatformIDs", TIMEOUT_MS) || rep_out(&r, plat, 8) != 8)
		return -1;
	if (!(*plat & WBIT)) {
		diag("clGetPlatformIDs: id %#" PRIx64 " without the worker bit", *plat);
		return -1;
	}
	return 0;
}

static int mk_device(struct sess *s, uint64_t plat, uint64_t *dev)
{
	struct rep r;

	mb_device_ids(plat);
	if (cl_ok(s, &r, "clGetDeviceIDs", TIMEOUT_MS) || rep_out(&r, dev, 8) != 8)
		return -1;
	return 0;
}

int mk_context(struct sess *s, uint64_t id, uint64_t dev)
{
	struct rep r;

	mb_create_context(id, NULL, 0, 1, &dev, 1);
	return cl_ok(s, &r, "clCreateContext", TIMEOUT_MS);
}

int mk_queue(struct sess *s, uint64_t id, uint64_t ctx, uint64_t dev)
{
	struct rep r;

	mb_begin(AVA_API_OPENCL, FN(clCreateCommandQueue));
	put(id);
	put(ctx);
	put(dev);
	put(0);
	return cl_ok(s, &r, "clCreateCommandQueue", TIMEOUT_MS);
}

int mk_buffer(struct sess *s, uint64_t id, uint64_t ctx, uint64_t size)
{
	struct rep r;

	mb_create_buffer(id, ctx, CL_MEM_READ_WRITE, size);
	put(0);			/* host_ptr: NULL */
	return cl_ok(s, &r, "clCreateBuffer", TIMEOUT_MS);
}

int mk_user_event(struct sess *s, uint64_t id, uint64_t ctx)
{
	struct rep r;

	mb_begin(AVA_API_OPENCL, FN(clCreateUserEvent));
	put(id);
	put(ctx);
	return cl_ok(s, &r, "clCreateUserEvent", TIMEOUT_MS);
}

void mb_finish_queue(uint64_t q)
{
	mb_begin(AVA_API_OPENCL, FN(clFinish));
	put(q);
}

int do_finish(struct sess *s, uint64_t q)
{
	struct rep r;

	mb_finish_queue(q);
	return cl_ok(s, &r, "clFinish", TIMEOUT_MS);
}

int mk_program(struct sess *s, uint64_t id, uint64_t ctx, uint64_t dev)
{
	struct rep r;

	mb_begin(AVA_API_OPENCL, FN(clCreateProgramWithSource));
	put(id);
	put(ctx);
	put(1);
	put(1);			/* strings present */
	put_data(K_SRC, strlen(K_SRC));
	if (cl_ok(s, &r, "clCreateProgramWithSource", TIMEOUT_MS))
		return -1;
	mb_begin(AVA_API_OPENCL, FN(clBuildProgram));
	put(id);
	put(1);
	put_ids(&dev, 1);
	put_string("");
	put(0);
	put(0);
	return cl_ok(s, &r, "clBuildProgram", 60000);
}

int mk_kernel(struct sess *s, uint64_t id, uint64_t prog)
{
	struct rep r;

	mb_begin(AVA_API_OPENCL, FN(clCreateKernel));
	put(id);
	put(prog);
	put_string("fill");
	return cl_ok(s, &r, "clCreateKernel", TIMEOUT_MS);
}

/* platform, device, context, queue and a buffer of buf_size bytes */
int mk_setup(struct sess *s, struct clobj *o, uint64_t buf_size)
{
	memset(o, 0, sizeof(*o));
	if (mk_platform(s, &o->plat) || mk_device(s, o->plat, &o->dev) ||
	    mk_context(s, ID_CTX, o->dev) || mk_queue(s, ID_Q, ID_CTX, o->dev))
		return -1;
	o->ctx = ID_CTX;
	o->q = ID_Q;
	if (buf_size) {
		if (mk_buffer(s, ID_BUF, ID_CTX, buf_size))
			return -1;
		o->buf = ID_BUF;
		o->buf_size = buf_size;
	}
	return 0;
}

/* clEnqueueWriteBuffer, blocking; the data item comes from the caller. */
void mb_write_head(uint64_t q, uint64_t buf, uint64_t offset, uint64_t size)
{
	mb_begin(AVA_API_OPENCL, FN(clEnqueueWriteBuffer));
	put(q);
	put(buf);
	put(CL_TRUE);
	put(offset);
	put(size);
}

void mb_write_tail(void)
{
	put(0);			/* num_events_in_wait_list */
	put(0);			/* event_wait_list: NULL */
	put(0);			/* event: none */
}

void mb_device_info(uint64_t dev, uint64_t param, uint64_t size)
{
	mb_begin(AVA_API_OPENCL, FN(clGetDeviceInfo));
	put(dev);
	put(param);
	put(size);
}

/* clCreateContext(id, properties, num_devices, devices): no callback; props NULL puts a NULL list. */
void mb_create_context(uint64_t id, const intptr_t *props, size_t nprops, uint64_t num_devices, const uint64_t *ids,
		       uint64_t nids)
{
	mb_begin(AVA_API_OPENCL, FN(clCreateContext));
	put(id);
	if (props)
		put_data(props, nprops * sizeof(intptr_t));
	else
		put(0);		/* properties: NULL */
	put(num_devices);
	put_ids(ids, nids);
	put(0);			/* pfn_notify */
	put(0);			/* user_data */
}

/* clCreateBuffer(id, ctx, flags, size); the host_ptr item comes from the caller. */
void mb_create_buffer(uint64_t id, uint64_t ctx, uint64_t flags, uint64_t size)
{
	mb_begin(AVA_API_OPENCL, FN(clCreateBuffer));
	put(id);
	put(ctx);
	put(flags);
	put(size);
}

/* clSetKernelArg(kern, index, size) of this argument kind; its item comes from the caller. */
void mb_set_kernel_arg(uint64_t kern, uint64_t index, uint64_t size, uint64_t kind)
{
	mb_begin(AVA_API_OPENCL, FN(clSetKernelArg));
	put(kern);
	put(index);
	put(size);
	put(kind);
}

/* clGetDeviceIDs(plat, CL_DEVICE_TYPE_ALL) for one device, with its outs. */
void mb_device_ids(uint64_t plat)
{
	mb_begin(AVA_API_OPENCL, FN(clGetDeviceIDs));
	put(plat);
	put(CL_DEVICE_TYPE_ALL);
	put(1);
	put_out(8);
	put_out(4);
}

/* clGetDeviceInfo(dev, CL_DEVICE_NAME) of 64 bytes, with its outs. */
void mb_device_name(uint64_t dev)
{
	mb_device_info(dev, CL_DEVICE_NAME, 64);
	put_out(64);
	put_out(8);
}

