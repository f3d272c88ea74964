// SPDX-License-Identifier: MIT
/*
 * The `local` ava-hostd's device-time policy (hostd_time.h), in memory
 * shared with the workers under a robust lock (hostd_shared.h): a worker
 * killed holding it leaves the entities whole (each update is a few stores
 * of one slot).  The arithmetic is common/ava_sched.c, meant for the host
 * module too.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "../common/ava_sched.h"
#include "hostd_shared.h"
#include "hostd_time.h"
#include "worker_time.h"

struct tpol_slot {
	pid_t pid;		/* the worker (-1: not forked yet) */
	char client[AVA_TIME_NAME];
};

struct avaw_tpol {
	pthread_mutex_t lock;
	struct avaw_time_rules rules;
	uint64_t ended_device_ns, ended_throttled_ns;	/* of reaped sessions */
	unsigned int nslots, hi;	/* hi: slots [0, hi) may be in use */
	struct tpol_slot *slot;
	struct ava_sched_ent ent[];
};

static struct ava_sched_ent *my_ent;	/* in a worker: its session's */

int avaw_time_option(struct avaw_time_rules *r, const char *opt, const char *arg)
{
	int cap = !strcmp(opt, "--time-cap-pct");
	const char *eq = strchr(arg, '='), *num = eq ? eq + 1 : arg;
	unsigned long v;
	unsigned int i;
	char *end;

	if (!cap && strcmp(opt, "--time-weight"))
		return 0;
	errno = 0;
	v = strtoul(num, &end, 10);
	if (*num < '0' || *num > '9' || *end || errno || !v || v > (cap ? 100 : AVA_SCHED_WEIGHT_MAX) ||
	    (eq && (eq == arg || eq - arg >= AVA_TIME_NAME))) {
		fprintf(stderr, "ava-hostd: %s takes [NAME=]N, N from 1 to %u (NAME: a program, up to %d characters)\n",
			opt, cap ? 100 : AVA_SCHED_WEIGHT_MAX, AVA_TIME_NAME - 1);
		return -1;
	}
	r->on = 1;
	if (!eq) {
		*(cap ? &r->cap_pct : &r->weight) = (uint32_t)v;
		return 1;
	}
	for (i = 0; i < r->n && strncmp(r->r[i].name, arg, (size_t)(eq - arg)); i++)
		;
	if (i == AVA_TIME_RULES) {
		fprintf(stderr, "ava-hostd: %d clients with their own --time-* at most\n", AVA_TIME_RULES);
		return -1;
	}
	if (i == r->n) {
		memset(&r->r[i], 0, sizeof(r->r[i]));
		memcpy(r->r[i].name, arg, (size_t)(eq - arg));
		r->n++;
	}
	*(cap ? &r->r[i].cap_pct : &r->r[i].weight) = (uint32_t)v;
	return 1;
}

void avaw_time_usage(FILE *f)
{
	fprintf(f, "  --time-weight [NAME=]W  share of device time of each session (of client NAME's): weight W,\n"
		   "                    1-%u (default 1); sessions compete by device time only with a --time-* option\n"
		   "  --time-cap-pct [NAME=]P at most P %% of the device for each session (of client NAME's), even idle\n"
		   "                    (NAME: the client's program name as ps shows it; docs/device-time.md)\n",
		AVA_SCHED_WEIGHT_MAX);
}

static void lock(struct avaw_tpol *t)
{
	avaw_shared_lock(&t->lock);
}

struct avaw_tpol *avaw_tpol_create(const struct avaw_time_rules *r, unsigned int slots)
{
	size_t len = sizeof(struct avaw_tpol) + slots * (sizeof(struct ava_sched_ent) + sizeof(struct tpol_slot));
	struct avaw_tpol *t;

	if (!r->on)
		return NULL;
	t = avaw_shared_alloc(len);
	if (!t)
		return NULL;
	t->rules = *r;
	t->nslots = slots;
	t->slot = (struct tpol_slot *)&t->ent[slots];
	return t;
}

/* The peer's program name (its comm), or "" when it cannot be read. */
static void client_of(int conn, char *name)
{
	struct ucred cr;
	socklen_t len = sizeof(cr);
	char path[64];
	ssize_t n = 0;
	int fd;

	name[0] = 0;
	if (getsockopt(conn, SOL_SOCKET, SO_PEERCRED, &cr, &len))
		return;
	snprintf(path, sizeof(path), "/proc/%d/comm", (int)cr.pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd >= 0) {
		n = read(fd, name, AVA_TIME_NAME - 1);
		close(fd);
	}
	name[n > 0 ? n : 0] = 0;
	name[strcspn(name, "\n")] = 0;
}

void avaw_tpol_start(struct avaw_tpol *t, int slot, int conn)
{
	const struct avaw_time_rules *r;
	uint32_t w, cap;
	unsigned int i;
	char name[AVA_TIME_NAME];

	if (!t)
		return;
	r = &t->rules;
	w = r->weight;
	cap = r->cap_pct;
	client_of(conn, name);
	for (i = 0; i < r->n; i++)
		if (name[0] && !strcmp(r->r[i].name, name)) {
			w = r->r[i].weight ? r->r[i].weight : w;
			cap = r->r[i].cap_pct ? r->r[i].cap_pct : cap;
		}
	lock(t);
	ava_sched_init(&t->ent[slot], w, cap, avaw_time_now());
	t->slot[slot].pid = -1;
	memcpy(t->slot[slot].client, name, sizeof(name));
	if ((unsigned int)slot >= t->hi)
		t->hi = (unsigned int)slot + 1;
	pthread_mutex_unlock(&t->lock);
}

void avaw_tpol_own(struct avaw_tpol *t, int slot, pid_t pid)
{
	if (!t)
		return;
	lock(t);
	t->slot[slot].pid = pid;
	pthread_mutex_unlock(&t->lock);
}

void avaw_tpol_free_slot(struct avaw_tpol *t, int slot)
{
	if (!t)
		return;
	lock(t);
	t->ended_device_ns += t->ent[slot].device_ns;
	t->ended_throttled_ns += t->ent[slot].throttled_ns;
	memset(&t->ent[slot], 0, sizeof(t->ent[slot]));
	t->slot[slot].pid = 0;
	pthread_mutex_unlock(&t->lock);
}

void avaw_tpol_status(struct avaw_tpol *t, FILE *f)
{
	uint64_t dev, thr;
	unsigned int i;

	if (!t)
		return;
	lock(t);
	dev = t->ended_device_ns;
	thr = t->ended_throttled_ns;
	for (i = 0; i < t->hi; i++) {
		dev += t->ent[i].device_ns;
		thr += t->ent[i].throttled_ns;
	}
	fprintf(f, "device_time_ns %llu\nthrottled_ns %llu\n", (unsigned long long)dev, (unsigned long long)thr);
	for (i = 0; i < t->hi; i++)
		if (t->ent[i].in_use)
			fprintf(f, "session %d client=%s time_weight=%u time_cap_pct=%u device_time_ns=%llu throttled_ns=%llu\n",
				(int)t->slot[i].pid, t->slot[i].client[0] ? t->slot[i].client : "-", t->ent[i].weight,
				t->ent[i].cap_pct, (unsigned long long)t->ent[i].device_ns,
				(unsigned long long)t->ent[i].throttled_ns);
	pthread_mutex_unlock(&t->lock);
}

static uint64_t pol_wait(void *ctx, uint64_t now)
{
	struct avaw_tpol *t = ctx;
	uint64_t w;

	lock(t);
	w = ava_sched_wait(t->ent, t->hi, my_ent, now);
	pthread_mutex_unlock(&t->lock);
	return w;
}

static void pol_report(void *ctx, uint64_t ns, unsigned int inflight, uint64_t now)
{
	struct avaw_tpol *t = ctx;

	lock(t);
	if (ns)
		ava_sched_charge(my_ent, ns, now);
	ava_sched_inflight(my_ent, inflight);
	pthread_mutex_unlock(&t->lock);
}

static void pol_held(void *ctx, uint64_t ns)
{
	struct avaw_tpol *t = ctx;

	lock(t);
	my_ent->throttled_ns += ns;
	pthread_mutex_unlock(&t->lock);
}

static const struct avaw_time_ops pol_ops = { pol_wait, pol_report, pol_held };

void avaw_tpol_enter(struct avaw_tpol *t, int slot)
{
	if (!t)
		return;
	my_ent = &t->ent[slot];
	avaw_time_use(&pol_ops, t);
}
