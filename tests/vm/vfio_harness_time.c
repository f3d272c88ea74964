// SPDX-License-Identifier: MIT
/*
 * The host module's device-time policy (time.c) through its interface
 * alone: a worker's AVA_VHOST_TIME reports against the sysfs counters, the
 * reports refused, and a flagged submission of a VM over its cap held in
 * the module (GET_CMD finds nothing) until the budget refills.  With two
 * instances (devdrain): a VM whose worker reports work in flight keeps the
 * other's submission waiting past the window of its asks until it
 * reports the work done, and 250 ms after its last submission at most.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "vfio_harness.h"

#define MS 1000000ull

static int report_n(int fd, uint64_t ns, uint32_t flags, uint32_t inflight)
{
	struct ava_vhost_time t = { .device_ns = ns, .flags = flags, .inflight = inflight };

	return ioctl(fd, AVA_VHOST_TIME, &t) ? -errno : 0;
}

static int report(int fd, uint64_t ns, uint32_t flags)
{
	return report_n(fd, ns, flags, 0);
}

/* GET_CMD until it gives a command or ms pass: seconds it took, or -1. */
static double take_within(int fd, void *buf, size_t n, struct ava_vhost_cmd *c, int ms)
{
	double t0 = now_s();
	struct pollfd p = { .fd = fd, .events = POLLIN };

	for (;;) {
		*c = (struct ava_vhost_cmd){ .buf = (uintptr_t)buf, .buf_len = n };
		if (!ioctl(fd, AVA_VHOST_GET_CMD, c))
			return now_s() - t0;
		if (errno != EAGAIN || now_s() - t0 > ms / 1000.0)
			return -1;
		poll(&p, 1, 10);
	}
}

/* The guest posts one command flagged AVA_CMD_SUBMIT. */
static void post_submit(struct dev *d, void *cmd, struct rep *r)
{
	size_t n = cmd_build(cmd, AVA_API_OPENCL, 1, 1, NULL, 0, NULL, 0);

	((struct ava_cmd_hdr *)cmd)->flags = AVA_CMD_SUBMIT;
	chain2(d, 0, 0, cmd, n, r, sizeof(*r));
	push_avail(d, 0, 0);
	notify(d, 0);
}

static bool answer(struct dev *d, int fd, struct ava_vhost_cmd *c)
{
	struct ava_reply_hdr rh = { .magic = AVA_WIRE_MAGIC };
	struct ava_vhost_complete done = { .token = c->token, .reply = (uintptr_t)&rh,
					   .reply_len = sizeof(rh) };

	return !ioctl(fd, AVA_VHOST_COMPLETE, &done) && !wait_used(d, 0, ++d->q[0].last_used, 5000);
}

void t_devtime(void)
{
	struct ava_vhost_attach a;
	struct ava_vhost_cmd c;
	uint8_t buf[256];
	struct dev d;
	struct rep *r;
	uint64_t refused;
	void *cmd;
	double took;
	int fd;

	if (open_init(&d, 1, 64))
		return;
	fd = open("/dev/vhost-ava", O_RDWR | O_NONBLOCK);
	memset(&a, 0, sizeof(a));
	snprintf(a.instance, sizeof(a.instance), "%s", uuid);
	tap(fd >= 0 && !ioctl(fd, AVA_VHOST_ATTACH, &a), "devtime: a worker attaches");
	tap(sysfs_get("time_weight") == 1 && sysfs_get("time_cap_pct") == 0 && sysfs_get("device_time_ns") == 0,
	    "devtime: a new VM has weight 1, no cap, no device time");
	refused = stat_get("time_refused");
	tap(report(fd, AVA_VHOST_TIME_MAX_NS + 1, 0) == -EINVAL && report(fd, 1, 4) == -EINVAL &&
	    report_n(fd, 1, 0, AVA_VHOST_TIME_INFLIGHT_MAX + 1) == -EINVAL &&
	    report_n(fd, 1, 0, ~0u) == -EINVAL && sysfs_get("device_time_ns") == 0 &&
	    stat_get("time_refused") == refused + 4,
	    "devtime: a report over 10 s, with unknown flags or over 1024 in flight is refused and counted (time_refused)");
	tap(!report(fd, 50 * MS, 0) && sysfs_get("device_time_ns") == 50 * MS,
	    "devtime: reported device time shows in device_time_ns");
	tap(!report(fd, 0, AVA_VHOST_TIME_UNFLAGGED) && stat_get("submit_unflagged") == 1,
	    "devtime: a refused unflagged submission is counted (submit_unflagged)");
	tap(sysfs_set("time_weight", 0) && sysfs_set("time_cap_pct", 101) && !sysfs_set("time_weight", 3) &&
	    sysfs_get("time_weight") == 3, "devtime: time_weight takes 1..10000, time_cap_pct 0..100");
	tap(sysfs_get("time_want_ms") == 5 && sysfs_set("time_want_ms", 0) && sysfs_set("time_want_ms", 251) &&
	    !sysfs_set("time_want_ms", 250) && sysfs_get("time_want_ms") == 250 && !sysfs_set("time_want_ms", 5),
	    "devtime: time_want_ms is 5 by default and takes 1..250");
	/*
	 * 10 %: the budget (25 ms at most) fills 1 ms per 10 ms.  A first
	 * submission goes (the budget is full), then 50 ms of device time
	 * leave 25 ms owed: about 0.25 s to wait.
	 */
	sysfs_set("time_cap_pct", 10);
	cmd = balloc(&d, 256, 64);
	r = balloc(&d, sizeof(*r), 64);
	post_submit(&d, cmd, r);
	took = take_within(fd, buf, sizeof(buf), &c, 5000);
	tap(took >= 0 && answer(&d, fd, &c) && !report(fd, 50 * MS, 0),
	    "devtime: under a 10 %% cap with its budget full, a submission goes");
	post_submit(&d, cmd, r);
	took = take_within(fd, buf, sizeof(buf), &c, 5000);
	tap(took > 0.2, "devtime: a submission of a VM over its 10 %% cap waits in the module (%.2f s)", took);
	tap(took > 0 && answer(&d, fd, &c) && sysfs_get("time_throttled_ns") > 100 * MS,
	    "devtime: the time it was held shows in time_throttled_ns (%llu ns)", sysfs_get("time_throttled_ns"));
	sysfs_set("time_cap_pct", 0);
	sysfs_set("time_weight", 1);
	post_submit(&d, cmd, r);
	took = take_within(fd, buf, sizeof(buf), &c, 5000);
	tap(took >= 0 && took < 0.2 && answer(&d, fd, &c),
	    "devtime: without the cap the next submission goes at once (%.3f s)", took);
	if (fd >= 0)
		close(fd);
	dev_close(&d);
}

/* Two VMs of weight 1: uuid's (A) and other's (B). */
void t_devdrain(const char *other)
{
	const char *mine = uuid;
	struct ava_vhost_cmd c;
	uint8_t buf[256];
	struct dev da, db;
	struct rep *ra, *rb;
	void *ca, *cb;
	double took;
	int fa, fb, bad;

	if (open_init(&da, 1, 64))
		return;
	uuid = other;
	bad = open_init(&db, 1, 64);
	uuid = mine;
	if (bad) {
		dev_close(&da);
		return;
	}
	/* non-blocking GET_CMD */
	fa = attach_worker(mine, O_RDWR | O_NONBLOCK);
	fb = attach_worker(other, O_RDWR | O_NONBLOCK);
	tap(fa >= 0 && fb >= 0, "devdrain: a worker attaches to each of two instances");
	ca = balloc(&da, 256, 64);
	ra = balloc(&da, sizeof(*ra), 64);
	cb = balloc(&db, 256, 64);
	rb = balloc(&db, sizeof(*rb), 64);

	/* A's submission goes; its worker says it is on the device */
	post_submit(&da, ca, ra);
	took = take_within(fa, buf, sizeof(buf), &c, 5000);
	tap(took >= 0 && answer(&da, fa, &c) && !report_n(fa, 0, 0, 1),
	    "devdrain: VM A's submission goes, its worker reports it in flight");
	post_submit(&db, cb, rb);
	took = take_within(fb, buf, sizeof(buf), &c, 150);
	tap(took < 0, "devdrain: VM B's submission waits while A's work is in flight, past the window in which it counts as asking (150 ms)");
	tap(!report_n(fa, 10 * MS, 0, 0), "devdrain: A reports its work done (10 ms, nothing in flight)");
	took = take_within(fb, buf, sizeof(buf), &c, 5000);
	tap(took >= 0 && took < 0.2 && answer(&db, fb, &c),
	    "devdrain: then B's submission goes (%.3f s)", took);

	/* A goes again and never reports: B waits 250 ms at most */
	post_submit(&da, ca, ra);
	took = take_within(fa, buf, sizeof(buf), &c, 5000);
	tap(took >= 0 && answer(&da, fa, &c) && !report_n(fa, 0, 0, 1),
	    "devdrain: A's next submission goes (%.3f s), reported in flight", took);
	post_submit(&db, cb, rb);
	took = take_within(fb, buf, sizeof(buf), &c, 5000);
	tap(took > 0.15 && took < 1.5 && answer(&db, fb, &c),
	    "devdrain: work A never reports done holds B about 250 ms, no longer (%.3f s)", took);
	report_n(fa, 10 * MS, 0, 0);
	if (fa >= 0)
		close(fa);
	if (fb >= 0)
		close(fb);
	dev_close(&db);
	dev_close(&da);
}
