/* SPDX-License-Identifier: MIT */
/*
 * hostile_worker: a raw `local` client that attacks the worker.
 *
 *   hostile_worker SOCKET_PATH [--iterations N] [--seed S] [--verbose] [--trace]
 *
 * It speaks the protocol by hand (common/local_hello.h, common/shm_layout.h,
 * uapi/ava_wire.h): hello, map the session memory, then write commands
 * straight into the request ring and wait for the reply (spin, then futex on
 * reply_seq, like userlib/transport_local.c).  Every case prints a TAP line;
 * the run ends with "N passed, N failed" and exits 0 only if all passed.
 *
 * Cases: bad hellos; broken framing and headers (lengths, magic, version,
 * api/function ids, flags, reserved fields, buffer refs); control calls;
 * malformed items of real OpenCL calls (missing items, lengths that do not
 * match the call, absurd lengths, refs out of the arena or of the wrong
 * direction, out capacities, strings, handle arrays, property lists, new
 * ids); forged handles (random, worker-bit, wrong type, another session's);
 * the worker's trust in memory the caller writes (arena outs, overlapping
 * refs, a non-blocking read into worker memory, a failed create, shrinking
 * the memfd); streamed buffers; kernel-transport controls sent over the
 * local one; ring index abuse; a seeded fuzz loop (random commands and
 * mutated well-formed calls, PING every 1000); client death (idle, inside
 * a blocking vendor call, inside a stream).  Each case that could kill a
 * worker runs in a session of its own.
 *
 * The ids of the OpenCL functions come from the generated opencl_ids.h:
 * build with -I$(BUILD)/gen (the file falls back to build/gen/opencl_ids.h
 * relative to this source).  A fuzz failure prints the seed and the last
 * command; --trace logs every fuzz command to stderr to replay it.
 */

#ifndef HOSTILE_H
#define HOSTILE_H

#ifndef CL_TARGET_OPENCL_VERSION
#define CL_TARGET_OPENCL_VERSION 120
#endif
#include <CL/cl.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "../../../uapi/ava_wire.h"
#include "guest_codecs.h"	/* AVA_KARG_* (header only) */
#include "local_hello.h"
#include "shm_layout.h"
#include "wire_codec.h"

#if __has_include("opencl_ids.h")
#include "opencl_ids.h"
#elif __has_include("../../../build/gen/opencl_ids.h")
#include "../../../build/gen/opencl_ids.h"
#else
#error "opencl_ids.h not found: build with -I$(BUILD)/gen after generating it (make)"
#endif


#define FN(name) AVA_FN_OPENCL_##name
#define WBIT AVA_HANDLE_WORKER_BIT
#define HDR_LEN ((uint32_t)sizeof(struct ava_cmd_hdr))
#define REF_LEN ((uint32_t)sizeof(struct ava_buf_ref))
#define RING AVA_SHM_REQ_SIZE
/* the worker's private copy of one command (worker/worker_session.c) */
#define MSG_CAP ((2u << 20) + (64u << 10))
#define TIMEOUT_MS 5000
#define LOST 1		/* framing lost: the reply carries call id 0 */

_Static_assert(sizeof(struct ava_cmd_hdr) == 40, "command header layout");
_Static_assert(sizeof(struct ava_reply_hdr) == 32, "reply header layout");
_Static_assert(sizeof(struct ava_buf_ref) == 24, "buffer ref layout");


/* Records a failed expectation of the current case (needs `int ok`). */
#define REQUIRE(cond, ...)                  \
	do {                                \
		if (!(cond)) {              \
			ok = 0;             \
			diag(__VA_ARGS__);  \
		}                           \
	} while (0)

struct sess {
	int sock;
	int memfd;
	uint8_t *shm;
	uint64_t size;
	struct ava_shm_ctl *ctl;
	uint8_t *req, *reply, *arena;
	uint64_t arena_size;
	uint64_t head;		/* our req_head */
	uint64_t call_id;
	pid_t worker;
};

/* Sockets of open sessions, closed in forked children. */
#define MAX_OPEN 64

struct rep {
	int got;		/* 1 reply, 0 timeout, -1 worker gone, -2 garbled */
	uint32_t status;
	uint64_t call_id;
	uint32_t api, func;
	struct ava_rbuf r;
};

/* the command being built (commands.c) */
struct mb_state {
	struct ava_wbuf w;
	struct ava_buf_ref refs[AVA_MAX_REFS + 8];
	uint32_t nrefs;
	uint16_t api;
	uint32_t func;
	uint32_t flags;
};

/* Builds the pending command and expects `want` (and, for AVA_S_OK, CL error cl). */
#define NO_CL INT64_MIN

#define K_SRC "__kernel void fill(__global int *a, int v) { a[get_global_id(0)] = v; }\n"

/* Guest-chosen ids of the objects of a session. */
enum { ID_CTX = 0x100, ID_Q, ID_BUF, ID_PROG, ID_KERN, ID_UEV, ID_BUF2, ID_SCRATCH = 0x1000 };

struct clobj {
	uint64_t plat, dev, ctx, q, buf, prog, kern;
	uint64_t buf_size;
};

/*
 * Streamed buffers (AVA_REF_STREAM): the data moves through a ring of
 * AVA_STREAM_RING << shift bytes in the arena (the shift in the ref's
 * reserved field) while both sides advance counters in the ctl page.  The
 * worker must bound the caller's counter, refuse bad stream refs and ring
 * shifts, and never wait for a stream the caller abandoned forever.
 * tests/run runs these cases again with AVA_STREAM_DIRECT=1 (the worker's
 * pipelined path, worker/worker_stream_pipe.c).
 */
#define ID_SBUF 0x120

#define STREAM_LEN (4u << 20)

/* shared between the files of tests/unit/hostile/ */
extern int g_n, g_pass, g_fail, g_verbose, g_trace;
void diag(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int tap(int ok, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void note(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
const char *sname(uint32_t st);
uint32_t unknown_bit(uint32_t known);
extern const char *g_path;
extern int g_open[MAX_OPEN];
void track(int fd, int add);
void close_inherited(void);
int connect_sock(void);
ssize_t recv_hello_reply(int sock, struct ava_hello_reply *rep, int *fd);
int sess_open(struct sess *s, int keep_fd);
void sess_close(struct sess *s);
int peer_gone(struct sess *s);
int pid_alive(pid_t pid);
void sleep_ms(unsigned ms);
int wait_pid_gone(pid_t pid, unsigned timeout_ms);
int wait_worker_exit(struct sess *s, unsigned timeout_ms);
void publish(struct sess *s, uint64_t head);
int ring_put(struct sess *s, const void *msg, uint32_t len, int do_publish);
extern uint8_t *g_repbuf;
int client_init(void);
int wait_reply(struct sess *s, uint32_t seq0, unsigned timeout_ms);
int xfer(struct sess *s, const void *msg, uint32_t len, int wait, struct rep *r, unsigned timeout_ms);
const char *got_name(int got);
extern uint8_t *g_msg;
extern struct mb_state M;
struct ava_cmd_hdr *H(void);
void mb_begin(uint16_t api, uint32_t func);
void put(uint64_t v);
void put_data(const void *p, uint64_t n);
void put_ids(const uint64_t *ids, uint64_t n);
uint32_t add_ref(uint64_t off, uint64_t len, uint32_t flags);
void put_data_ref(uint64_t idx, uint64_t n);
void put_out(uint64_t cap);
void put_out_ref(uint64_t idx, uint64_t cap);
uint32_t mb_finish(struct sess *s);
int send_msg(struct sess *s, uint32_t len, struct rep *r, unsigned timeout_ms);
int call_t(struct sess *s, struct rep *r, unsigned timeout_ms);
int call(struct sess *s, struct rep *r);
int64_t rep_i64(struct rep *r);
int64_t rep_out(struct rep *r, void *dst, uint64_t cap);
int ping(struct sess *s);
int stats(struct sess *s, uint64_t st[AVA_STAT_COUNT]);
int release(struct sess *s, uint32_t api, uint64_t id);
int expect_raw(struct sess *s, uint32_t len, uint32_t want, int lost, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));
int expect_call(struct sess *s, uint32_t want, int64_t cl, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
int cl_ok(struct sess *s, struct rep *r, const char *what, unsigned timeout_ms);
int mk_context(struct sess *s, uint64_t id, uint64_t dev);
int mk_queue(struct sess *s, uint64_t id, uint64_t ctx, uint64_t dev);
int mk_buffer(struct sess *s, uint64_t id, uint64_t ctx, uint64_t size);
int mk_user_event(struct sess *s, uint64_t id, uint64_t ctx);
int do_finish(struct sess *s, uint64_t q);
int mk_program(struct sess *s, uint64_t id, uint64_t ctx, uint64_t dev);
int mk_kernel(struct sess *s, uint64_t id, uint64_t prog);
int mk_setup(struct sess *s, struct clobj *o, uint64_t buf_size);
void mb_write_head(uint64_t q, uint64_t buf, uint64_t offset, uint64_t size);
void mb_write_tail(void);
void mb_device_info(uint64_t dev, uint64_t param, uint64_t size);
void mb_create_context(uint64_t id, const intptr_t *props, size_t nprops, uint64_t num_devices, const uint64_t *ids,
		       uint64_t nids);
void mb_create_buffer(uint64_t id, uint64_t ctx, uint64_t flags, uint64_t size);
void mb_set_kernel_arg(uint64_t kern, uint64_t index, uint64_t size, uint64_t kind);
void mb_device_ids(uint64_t plat);
void mb_device_name(uint64_t dev);
void mb_release(uint64_t api, uint64_t id);
void mb_finish_queue(uint64_t q);
void t_hello(void);
uint32_t build_ping(struct sess *s, uint32_t extra);
void t_framing(struct sess *s);
void t_control(struct sess *s, const struct clobj *o);
void t_malformed(struct sess *s, const struct clobj *o);
void stream_reset(struct sess *s, uint64_t guest);
void mb_stream_write(const struct clobj *o, uint64_t off, uint64_t rlen, uint32_t flags, uint64_t len);
void t_stream(struct sess *s, const struct clobj *o);
void t_forged(struct sess *s, const struct clobj *o);
void t_trust(struct sess *s, const struct clobj *o);
void t_nonblocking_read(void);
void t_failed_create(void);
void t_async_create(void);
void t_null_arrays(void);
void t_memfd_shrink(void);
int daemon_serves(void);
void t_kernel_controls(void);
void t_ring(void);
void t_fuzz(unsigned iterations, uint64_t seed);
void t_flood(void);
void t_spec_constant(struct sess *s, const struct clobj *o);
void t_svm(struct sess *s, const struct clobj *o);

/* The seeded generator of t_fuzz, also driven by the long run (tests/fuzz/worker_fuzz.c). */
struct fz_cmd {
	uint16_t api;
	uint32_t func;
	uint32_t len;		/* of the command in g_msg */
	uint64_t call_id;	/* the reply's call id: 0 when framing is lost */
	int lost, corrupt, async, templ;
};
void fz_seed(uint64_t seed);
void fz_use(const struct clobj *o);	/* the session's handles among the values it tries */
int fz_next(struct sess *f, const struct clobj *o, struct fz_cmd *c);

#endif /* HOSTILE_H */
