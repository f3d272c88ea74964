// SPDX-License-Identifier: MIT
/*
 * The host module's device-memory accounting (share.c) through its
 * interface alone: a worker's AVA_VHOST_MEM charges against the sysfs
 * quota, the counters in sysfs, and what a session held dropped when the
 * dispatcher ends it or the file goes away.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "vfio_harness.h"

#define MQ (64ull << 20)

static int mem(int fd, uint32_t op, uint32_t session, uint64_t bytes)
{
	struct ava_vhost_mem m = { .op = op, .session = session, .bytes = bytes };

	return ioctl(fd, AVA_VHOST_MEM, &m) ? -errno : 0;
}

void t_memquota(void)
{
	int fd = attach_worker(uuid, O_RDWR);

	tap(fd >= 0, "memquota: a worker attaches");
	if (fd < 0)
		return;
	tap(!mem(fd, AVA_VHOST_MEM_CHARGE, 1, 1ull << 40) && sysfs_get("mem_used_bytes") == 1ull << 40 &&
	    !mem(fd, AVA_VHOST_MEM_END, 1, 0) && sysfs_get("mem_used_bytes") == 0,
	    "memquota: without a quota, charges are counted, not refused");
	tap(!sysfs_set("mem_quota_bytes", MQ) && sysfs_get("mem_quota_bytes") == MQ,
	    "memquota: mem_quota_bytes set by sysfs");
	sysfs_set("mem_peak_bytes", 0);
	tap(!mem(fd, AVA_VHOST_MEM_CHARGE, 1, MQ / 2) && !mem(fd, AVA_VHOST_MEM_CHARGE, 2, MQ / 4),
	    "memquota: two sessions charge under the quota");
	tap(mem(fd, AVA_VHOST_MEM_CHARGE, 2, MQ / 4 + 1) == -ENOSPC && sysfs_get("mem_used_bytes") == MQ / 4 * 3,
	    "memquota: a charge past the quota fails with ENOSPC and charges nothing");
	tap(!mem(fd, AVA_VHOST_MEM_UNCHARGE, 1, MQ) && sysfs_get("mem_used_bytes") == MQ / 4,
	    "memquota: an uncharge returns at most what the session holds");
	tap(mem(fd, AVA_VHOST_MEM_END + 1, 0, 0) == -EINVAL, "memquota: an unknown op is refused");
	tap(!mem(fd, AVA_VHOST_MEM_CHARGE, 1, MQ / 2) && !mem(fd, AVA_VHOST_MEM_END, 2, 0) &&
	    sysfs_get("mem_used_bytes") == MQ / 2, "memquota: ending a session drops what it held");
	tap(sysfs_get("mem_peak_bytes") == MQ / 4 * 3, "memquota: mem_peak_bytes is the high mark, within the quota");
	close(fd);
	tap(sysfs_get("mem_used_bytes") == 0, "memquota: closing the worker's file drops every session's memory");
	sysfs_set("mem_quota_bytes", 0);
}
