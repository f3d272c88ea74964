/* SPDX-License-Identifier: MIT */
/*
 * Device-time sharing of one `local` ava-hostd (hostd_time.c): one policy
 * entity (common/ava_sched.h) per session, in a shared page the forked
 * workers report to and ask before each submission.  A session's weight
 * and cap come from the daemon's options: a default for every session,
 * and per client, the client named by its program (/proc/PID/comm of the
 * peer, as ps shows it).  Without any of these options nothing is
 * measured or held.
 */
#ifndef AVA_HOSTD_TIME_H
#define AVA_HOSTD_TIME_H

#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

#define AVA_TIME_RULES 16
#define AVA_TIME_NAME 16	/* a comm, NUL included */

struct avaw_time_rules {
	int on;				/* any option given */
	uint32_t weight, cap_pct;	/* every session's, unless a rule names its client */
	unsigned int n;
	struct {
		char name[AVA_TIME_NAME];
		uint32_t weight, cap_pct;	/* 0: the default's */
	} r[AVA_TIME_RULES];
};

/*
 * --time-weight [NAME=]W and --time-cap-pct [NAME=]P: 1 when opt is one
 * of these (arg consumed), 0 when not, -1 (with a message) when arg is bad.
 */
int avaw_time_option(struct avaw_time_rules *r, const char *opt, const char *arg);
void avaw_time_usage(FILE *f);

struct avaw_tpol;

struct avaw_tpol *avaw_tpol_create(const struct avaw_time_rules *r, unsigned int slots);
/* The daemon, before fork: slot's session is conn's client (its knobs);
 * after: its worker is pid (the status lines name it). */
void avaw_tpol_start(struct avaw_tpol *t, int slot, int conn);
void avaw_tpol_own(struct avaw_tpol *t, int slot, pid_t pid);
/* The session is over (its device time stays in the totals). */
void avaw_tpol_free_slot(struct avaw_tpol *t, int slot);
/* The forked worker: its session reports to and is held by this slot. */
void avaw_tpol_enter(struct avaw_tpol *t, int slot);
/* Writes the time_* lines and one line per live session. */
void avaw_tpol_status(struct avaw_tpol *t, FILE *f);

#endif
