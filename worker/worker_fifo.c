// SPDX-License-Identifier: MIT
#include "worker_fifo.h"

#include <stdlib.h>
#include <string.h>

void *avaw_fifo_at(const struct avaw_fifo *f, size_t i)
{
	return f->v + ((f->head + i) % f->cap) * f->esize;
}

/* Doubles the room, the elements in order from index 0. */
static int grow(struct avaw_fifo *f)
{
	size_t cap = f->cap ? f->cap * 2 : 64, i;
	uint8_t *nv = malloc(cap * f->esize);

	if (!nv)
		return -1;
	for (i = 0; i < f->n; i++)
		memcpy(nv + i * f->esize, avaw_fifo_at(f, i), f->esize);
	free(f->v);
	f->v = nv;
	f->head = 0;
	f->cap = cap;
	return 0;
}

int avaw_fifo_push(struct avaw_fifo *f, const void *e)
{
	if (f->n == f->cap && grow(f))
		return -1;
	memcpy(avaw_fifo_at(f, f->n), e, f->esize);
	f->n++;
	return 0;
}

void avaw_fifo_drop(struct avaw_fifo *f, size_t k)
{
	if (!k)
		return;
	f->head = (f->head + k) % f->cap;
	f->n -= k;
}

void avaw_fifo_free(struct avaw_fifo *f)
{
	free(f->v);
	f->v = NULL;
	f->head = f->n = f->cap = 0;
}
