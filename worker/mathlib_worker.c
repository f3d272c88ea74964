// SPDX-License-Identifier: MIT
/*
 * What the math libraries' worker halves share: opening each library on
 * first use, registering their APIs, and the checks their specs name.
 * Every library runs in the session's worker on its CUDA context: device
 * addresses must be this session's device memory, and a library's stream
 * is one of the session's CUDA streams.
 */
#include "cuda_worker_internal.h"

static struct avaw_mathlib *mathlib_of(uint32_t api)
{
	unsigned i;

	for (i = 0; i < avaw_nmathlibs; i++)
		if (avaw_mathlibs[i].api == api)
			return &avaw_mathlibs[i];
	return NULL;
}

void avaw_mathlibs_register(void)
{
	unsigned i;

	for (i = 0; i < avaw_nmathlibs; i++)
		avaw_apis[avaw_mathlibs[i].api] = &avaw_mathlibs[i].tables;
}

int avaw_mathlib_ready(struct avaw_call *c, uint32_t api)
{
	struct avaw_mathlib *m = mathlib_of(api);

	return m && (!m->needs_cuda || avaw_cuda_ready(c)) && avaw_lib_ready(&m->lib);
}

int avaw_mathlib_handle(struct avaw_call *c, uint64_t id, uint32_t type, void **obj)
{
	*obj = NULL;
	return id != 0 && avaw_handle(c, id, type, obj);
}

int avaw_mathlib_foreign_handle(struct avaw_call *c, uint32_t api, uint64_t id, uint32_t type, void **obj)
{
	uint32_t own = c->api;
	int found;

	c->api = api;
	found = avaw_handle(c, id, type, obj);
	c->api = own;
	return found;
}

int avaw_mathlib_stream_handle(struct avaw_call *c, uint64_t id, uint32_t type, void **obj)
{
	uint32_t api = c->api;
	int found;

	(void)type;	/* the library spec's stream type; the object is the CUDA API's */
	c->api = AVA_API_CUDA;
	found = avaw_cu_stream_handle(c, id, AVA_HT_CUDA_stream, obj);
	c->api = api;
	return found;
}
