// SPDX-License-Identifier: MIT
/*
 * Device-memory charges of a VM's sessions, kept by the host module
 * (uapi/ava_vhost.h AVA_VHOST_MEM, host-vhost-ava/share.c).  Only a
 * refusal (ENOSPC) refuses an allocation: a module that cannot answer
 * leaves the vendor to decide.
 */
#include <errno.h>
#include <stdint.h>
#include <sys/ioctl.h>

#include "../uapi/ava_vhost.h"
#include "mem_quota_vhost.h"
#include "worker_mem.h"

static int mem_op(int vfd, uint32_t op, uint32_t session, uint64_t bytes, struct ava_vhost_mem *m)
{
	*m = (struct ava_vhost_mem){ .op = op, .session = session, .bytes = bytes };
	return ioctl(vfd, AVA_VHOST_MEM, m);
}

static int charge(void *ctx, uint32_t session, uint64_t bytes)
{
	struct ava_vhost_mem m;

	return mem_op((int)(intptr_t)ctx, AVA_VHOST_MEM_CHARGE, session, bytes, &m) && errno == ENOSPC ? -1 : 0;
}

static void uncharge(void *ctx, uint32_t session, uint64_t bytes)
{
	struct ava_vhost_mem m;

	mem_op((int)(intptr_t)ctx, AVA_VHOST_MEM_UNCHARGE, session, bytes, &m);
}

static void query(void *ctx, uint64_t *quota, uint64_t *used)
{
	struct ava_vhost_mem m;

	if (mem_op((int)(intptr_t)ctx, AVA_VHOST_MEM_QUERY, 0, 0, &m))
		m.quota = m.used = 0;
	*quota = m.quota;
	*used = m.used;
}

static const struct avaw_mem_ops vhost_ops = { charge, uncharge, query };

void avaw_mem_use_vhost(int vfd)
{
	avaw_mem_use(&vhost_ops, (void *)(intptr_t)vfd);
}
