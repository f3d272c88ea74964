// SPDX-License-Identifier: MIT
/*
 * Device time on the kernel transport (docs/device-time.md, the VM path).
 * The host module keeps the policy of the VM and of its sessions and holds
 * their flagged submissions itself, so the worker never waits: it reports
 * the measured device time of its session through its session file
 * (AVA_VHOST_TIME).  The check below makes the module's hold binding: a
 * @submit call that came without AVA_CMD_SUBMIT (a guest that cleared it
 * to pass the module) is refused, and the module counts it.  On the local
 * transport the worker holds submissions itself (worker_time.c), so the
 * flag decides nothing there and is not required.
 */
#include <stdint.h>
#include <sys/ioctl.h>

#include "../uapi/ava_vhost.h"
#include "transport_kernel.h"
#include "worker_call.h"
#include "worker_time.h"

static int report_fd = -1;	/* the session file, once in use */

static void report(uint64_t ns, uint32_t flags)
{
	struct ava_vhost_time t = { .device_ns = ns, .flags = flags };

	/* the module's policy is advisory to the worker: a refusal changes nothing here */
	(void)ioctl(report_fd, AVA_VHOST_TIME, &t);
}

static uint64_t vh_wait(void *ctx, uint64_t now)
{
	(void)ctx;
	(void)now;
	return 0;	/* the module held the command until it may go */
}

/* Only time that completed goes to the module; it does not use the worker's
 * in-flight count (its device token is handed without a drain). */
static void vh_report(void *ctx, uint64_t ns, unsigned int inflight, uint64_t now)
{
	(void)ctx;
	(void)inflight;
	(void)now;
	if (!ns)
		return;
	for (; ns > AVA_VHOST_TIME_MAX_NS; ns -= AVA_VHOST_TIME_MAX_NS)
		report(AVA_VHOST_TIME_MAX_NS, 0);
	report(ns, 0);
}

static void vh_held(void *ctx, uint64_t ns)
{
	(void)ctx;
	(void)ns;	/* never held here */
}

static const struct avaw_time_ops vhost_time_ops = { vh_wait, vh_report, vh_held };

void avaw_time_use_vhost(int vfd)
{
	report_fd = vfd;
	avaw_time_use(&vhost_time_ops, NULL);
}

int avaw_submit_unflagged(struct avaw_call *c)
{
	if (report_fd < 0 || (c->flags & AVA_CMD_SUBMIT))
		return 0;
	report(0, AVA_VHOST_TIME_UNFLAGGED);
	return 1;
}
