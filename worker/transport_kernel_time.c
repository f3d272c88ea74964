// SPDX-License-Identifier: MIT
/*
 * Device time on the kernel transport (docs/device-time.md, the VM path).
 * The host module keeps the policy of the VM and of its sessions and holds
 * their flagged submissions itself, so the worker never waits: it reports
 * the measured device time of its session, and how many of its
 * submissions are in flight, through its session file (AVA_VHOST_TIME):
 * while some are, the module lets no other VM's work on the device, so
 * that a VM whose kernels outlast the activity window is not idle while
 * they run.  The check below makes the module's hold binding: a
 * @submit call that came without AVA_CMD_SUBMIT (a guest that cleared it
 * to pass the module) is refused, and the module counts it.  On the local
 * transport the worker holds submissions itself (worker_time.c), so the
 * flag decides nothing there and is not required.
 */
#include <errno.h>
#include <stdint.h>
#include <sys/ioctl.h>

#include "../uapi/ava_vhost.h"
#include "transport_kernel.h"
#include "worker_call.h"
#include "worker_time.h"

static int report_fd = -1;	/* the session file, once in use */
static unsigned int told;	/* the count of work in flight the module has */
static int no_count;		/* a module without the count refused it */

static void report(uint64_t ns, uint32_t flags, unsigned int inflight)
{
	struct ava_vhost_time t = { .device_ns = ns, .flags = flags };

	if (!no_count)
		t.inflight = inflight < AVA_VHOST_TIME_INFLIGHT_MAX ? inflight : AVA_VHOST_TIME_INFLIGHT_MAX;
	/* the module's policy is advisory to the worker: a refusal changes nothing here */
	if (!ioctl(report_fd, AVA_VHOST_TIME, &t)) {
		told = t.inflight;
	} else if (errno == EINVAL && t.inflight) {
		no_count = 1;	/* the field was reserved there: report time alone */
		report(ns, flags, 0);
	}
}

static uint64_t vh_wait(void *ctx, uint64_t now)
{
	(void)ctx;
	(void)now;
	return 0;	/* the module held the command until it may go */
}

/* Completed time, or a count of work in flight the module does not have yet. */
static void vh_report(void *ctx, uint64_t ns, unsigned int inflight, uint64_t now)
{
	(void)ctx;
	(void)now;
	if (!ns && (inflight == told || no_count))
		return;
	for (; ns > AVA_VHOST_TIME_MAX_NS; ns -= AVA_VHOST_TIME_MAX_NS)
		report(AVA_VHOST_TIME_MAX_NS, 0, inflight);
	report(ns, 0, inflight);
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
	report(0, AVA_VHOST_TIME_UNFLAGGED, told);
	return 1;
}
