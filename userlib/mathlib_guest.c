// SPDX-License-Identifier: MIT
/*
 * What the math-library shims keep in the guest with a library handle:
 * its pointer mode (which decides how scalars travel) and its stream.
 * Linked into every math-library shim.
 */
#include "mathlib_guest.h"

#include <pthread.h>

struct ava_obj *ava_mathlib_obj(const void *handle, uint32_t api, uint32_t type)
{
	struct ava_obj *o = ava_obj_check(handle, type);

	return o && o->api == api ? o : NULL;
}

static struct ava_mathlib_state *state_of(struct ava_obj *o, int create)
{
	return (struct ava_mathlib_state *)ava_obj_state(o, sizeof(struct ava_mathlib_state), create);
}

struct ava_mathlib_state *ava_mathlib_state(const void *handle, uint32_t api, uint32_t type, int create)
{
	return state_of(ava_mathlib_obj(handle, api, type), create);
}

int ava_mathlib_pmode(const void *handle, uint32_t api, uint32_t type)
{
	struct ava_mathlib_state *s = ava_mathlib_state(handle, api, type, 0);

	return s ? atomic_load(&s->pmode) : 0;
}

void ava_mathlib_set_pmode(const void *handle, uint32_t api, uint32_t type, int device)
{
	struct ava_mathlib_state *s = ava_mathlib_state(handle, api, type, 1);

	if (s)
		atomic_store(&s->pmode, device);
}

/* ------------------------------------------------------------------ streams */
/* A live stream's id plus one; 0 for a pointer that is no live stream. */
static uint64_t stream_tag(const void *stream)
{
	uint64_t id = ava_mathlib_stream_id(stream, 0);

	return id == AVA_ID_INVALID ? 0 : id + 1;
}

void *ava_mathlib_stream(struct ava_obj *o)
{
	struct ava_mathlib_state *s = state_of(o, 0);

	return s ? atomic_load(&s->stream) : NULL;
}

int ava_mathlib_stream_same(struct ava_obj *o, const void *stream)
{
	struct ava_mathlib_state *s = state_of(o, 0);
	uint64_t tag = stream_tag(stream);

	if (!s || !tag || atomic_load(&s->stream_tag) != tag)
		return 0;
	ava_trace_answered();
	return 1;
}

/* Held from the send to the record: the order of the records is the order
 * in which the worker ran the calls. */
static pthread_mutex_t send_lock = PTHREAD_MUTEX_INITIALIZER;

int ava_mathlib_stream_send(struct ava_obj *o, void *stream, int ok, int (*send)(void *ctx), void *ctx)
{
	struct ava_mathlib_state *s = state_of(o, 1);
	uint64_t tag = stream_tag(stream);
	int r;

	pthread_mutex_lock(&send_lock);
	if (s)
		atomic_store(&s->stream_tag, 0);
	r = send(ctx);
	if (s && r == ok) {
		atomic_store(&s->stream, stream);
		atomic_store(&s->stream_tag, tag);
	}
	pthread_mutex_unlock(&send_lock);
	return r;
}

void ava_mathlib_stream_forget(struct ava_obj *o)
{
	struct ava_mathlib_state *s = state_of(o, 0);

	pthread_mutex_lock(&send_lock);
	if (s)
		atomic_store(&s->stream_tag, 0);
	pthread_mutex_unlock(&send_lock);
}
