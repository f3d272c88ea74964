/* SPDX-License-Identifier: MIT */
/* A growable first-in first-out queue of fixed-size elements (worker_fifo.c). */
#ifndef AVA_WORKER_FIFO_H
#define AVA_WORKER_FIFO_H

#include <stddef.h>
#include <stdint.h>

struct avaw_fifo {
	uint8_t *v;
	size_t esize;		/* set before the first push */
	size_t head, n, cap;
};

/* Appends the element at e; returns 0, or -1 when out of memory. */
int avaw_fifo_push(struct avaw_fifo *f, const void *e);
/* The i-th element from the head (i < f->n). */
void *avaw_fifo_at(const struct avaw_fifo *f, size_t i);
/* Drops k <= f->n elements from the head. */
void avaw_fifo_drop(struct avaw_fifo *f, size_t k);
void avaw_fifo_free(struct avaw_fifo *f);

#endif
