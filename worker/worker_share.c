// SPDX-License-Identifier: MIT
/*
 * Memory the caller may map (AVA_CTL_SHARE_MEM): CUDA pinned host memory is
 * a memfd of the worker that the guest maps too, so both sides use the
 * same pages.  The API module that made it offers the fd here; the guest
 * asks for it by handle, and the transport passes it (the `local`
 * transport on its session socket; a transport that cannot pass
 * descriptors answers AVA_S_UNSUPPORTED).
 */
#include <stdlib.h>
#include <unistd.h>

#include "worker_call.h"

struct shared_mem {
	int fd;
	uint64_t size;
};

int avaw_share_possible(const struct avaw_session *s)
{
	return s->t->send_fd != NULL;
}

int avaw_share_add(struct avaw_session *s, void *obj, int fd, uint64_t size)
{
	struct shared_mem *m = malloc(sizeof(*m));

	if (!m || ava_hmap_put(&s->shared, (uint64_t)(uintptr_t)obj, m)) {
		free(m);
		return -1;
	}
	m->fd = fd;
	m->size = size;
	return 0;
}

void avaw_share_drop(struct avaw_session *s, void *obj)
{
	struct shared_mem *m = ava_hmap_del(&s->shared, (uint64_t)(uintptr_t)obj);

	if (m) {
		close(m->fd);
		free(m);
	}
}

static void drop_one(uint64_t key, void *val, void *arg)
{
	struct shared_mem *m = val;

	(void)key;
	(void)arg;
	close(m->fd);
	free(m);
}

void avaw_share_free_all(struct avaw_session *s)
{
	ava_hmap_each(&s->shared, drop_one, NULL);
	ava_hmap_free(&s->shared);
}

void avaw_share_control(struct avaw_call *c)
{
	struct avaw_session *s = c->s;
	uint64_t api = avaw_get_u64(c), id = avaw_get_u64(c);
	const struct avaw_handle *h = ava_hmap_get(&s->handles, id);
	const struct shared_mem *m = NULL;
	struct ava_shared_mem msg;

	if (c->r.bad || c->r.pos != c->r.len) {
		avaw_fail(c, AVA_S_MALFORMED);
		return;
	}
	if (h && h->api == api)
		m = ava_hmap_get(&s->shared, (uint64_t)(uintptr_t)h->obj);
	if (!m) {
		avaw_fail(c, AVA_S_BAD_HANDLE);
		return;
	}
	if (!avaw_share_possible(s)) {
		avaw_fail(c, AVA_S_UNSUPPORTED);
		return;
	}
	msg.handle = id;
	msg.size = m->size;
	if (s->t->send_fd(s, m->fd, &msg, sizeof(msg)))
		avaw_fail(c, AVA_S_NO_MEMORY);
}
