/* SPDX-License-Identifier: MIT */
/*
 * Layout of the shared memory of one `local` session, shared by the guest
 * library and the worker.  The worker creates the region (a memfd) and
 * passes it over the session's Unix socket; both sides map it.
 *
 *   [ctl page][request ring][reply area][notification ring][bulk arena]
 *
 * The caller writes commands into the request ring, the worker writes the
 * reply of a synchronous call into the reply area, callback notifications
 * into the notification ring, and bulk data of either direction lives in
 * the arena, which the caller allocates FIFO.  The worker treats every
 * word the caller can write as hostile (see worker/worker_session.c).
 */
#ifndef AVA_SHM_LAYOUT_H
#define AVA_SHM_LAYOUT_H

#include <stdatomic.h>
#include <stdint.h>

#define AVA_SHM_MAGIC		0x4d485341u	/* "ASHM" */
#define AVA_SHM_CTL_SIZE	4096u
#define AVA_SHM_REQ_SIZE	(4u << 20)
#define AVA_SHM_REPLY_SIZE	((1u << 20) + 4096u)
#define AVA_SHM_NOTE_SIZE	(64u << 10)
#define AVA_SHM_ARENA_DEFAULT	(256ull << 20)

/*
 * Large transfers of calls that support it stream through a small ring in
 * the arena, in chunks that stay in cache: the producer copies a chunk in
 * while the consumer copies the previous one out (docs/protocol.md).  A
 * ring is AVA_STREAM_RING << shift bytes, the shift (at most
 * AVA_STREAM_SHIFT_MAX) given in the stream's reference: the worker asks
 * for a larger ring (stream_ring_shift) where the backend itself moves the
 * chunks, several at a time (worker/opencl_stream.c).
 */
#define AVA_STREAM_RING		(1u << 20)
#define AVA_STREAM_SHIFT_MAX	4u
#define AVA_STREAM_CHUNK	(256u << 10)
#define AVA_STREAM_MIN		(2u << 20)	/* smaller transfers do not stream */
#define AVA_STREAM_ABORT	UINT64_MAX	/* the worker gave the stream up */

/* The ring of a stream reference's shift; 0 for a shift out of range. */
static inline uint64_t ava_stream_ring_bytes(uint32_t shift)
{
	return shift <= AVA_STREAM_SHIFT_MAX ? (uint64_t)AVA_STREAM_RING << shift : 0;
}

/* A ring entry that only tells the reader to wrap to offset 0. */
#define AVA_RING_PAD_MAGIC	0x44415041u	/* "APAD" */

struct ava_note {
	uint64_t cookie;
	int64_t status;
};

#define AVA_CACHELINE 64

struct ava_shm_ctl {
	uint32_t magic;
	uint32_t version;
	uint64_t req_size;
	uint64_t reply_size;
	uint64_t note_size;
	uint64_t arena_size;
	uint64_t total_size;
	uint32_t worker_pid;

	/* written by the caller */
	_Alignas(AVA_CACHELINE) _Atomic uint64_t req_head;
	_Atomic uint32_t req_seq;		/* futex word the worker sleeps on */
	_Atomic uint32_t client_waiting;	/* caller sleeps on reply_seq */
	_Atomic uint64_t note_tail;
	_Alignas(AVA_CACHELINE) _Atomic uint64_t stream_guest;	/* bytes the caller produced/consumed */

	/* written by the worker */
	_Alignas(AVA_CACHELINE) _Atomic uint64_t req_tail;
	_Atomic uint32_t reply_seq;		/* futex word the caller sleeps on */
	_Atomic uint32_t worker_waiting;
	_Atomic uint32_t reply_len;
	_Atomic uint64_t note_head;
	_Atomic uint32_t note_seq;		/* futex word of the callback thread */
	_Alignas(AVA_CACHELINE) _Atomic uint64_t stream_worker;	/* bytes the worker consumed/produced */
	_Atomic uint32_t stream_ring_shift;	/* the ring the worker wants for later streams */
};

static inline uint64_t ava_shm_req_off(void) { return AVA_SHM_CTL_SIZE; }
static inline uint64_t ava_shm_reply_off(void) { return AVA_SHM_CTL_SIZE + AVA_SHM_REQ_SIZE; }
static inline uint64_t ava_shm_note_off(void) { return ava_shm_reply_off() + AVA_SHM_REPLY_SIZE; }
static inline uint64_t ava_shm_arena_off(void) { return ava_shm_note_off() + AVA_SHM_NOTE_SIZE; }

/* Where the parts of a mapped session region are (both sides use it). */
struct ava_shm_view {
	uint8_t *base;
	uint64_t size;
	struct ava_shm_ctl *ctl;
	uint8_t *req;
	uint8_t *reply;
	struct ava_note *notes;
	uint64_t note_count;
	uint8_t *arena;
	uint64_t arena_size;
};

static inline void ava_shm_view_init(struct ava_shm_view *v, void *base, uint64_t size)
{
	v->base = base;
	v->size = size;
	v->ctl = base;
	v->req = v->base + ava_shm_req_off();
	v->reply = v->base + ava_shm_reply_off();
	v->notes = (struct ava_note *)(v->base + ava_shm_note_off());
	v->note_count = AVA_SHM_NOTE_SIZE / sizeof(struct ava_note);
	v->arena = v->base + ava_shm_arena_off();
	v->arena_size = size - ava_shm_arena_off();
}

/* futex on a shared (not process-private) word */
int ava_futex_wait(_Atomic uint32_t *word, uint32_t expect, int timeout_ms);
void ava_futex_wake(_Atomic uint32_t *word);

static inline void ava_cpu_relax(void)
{
#if defined(__x86_64__) || defined(__i386__)
	__builtin_ia32_pause();
#endif
}

/* Waiting on the peer: spin first, then yield, then sleep a little. */
void ava_backoff(unsigned int round);

/* Monotonic nanoseconds. */
uint64_t ava_now_ns(void);

#endif
