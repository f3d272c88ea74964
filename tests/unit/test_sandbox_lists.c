// SPDX-License-Identifier: MIT
/*
 * Unit tests of the worker's system-call table (worker/sandbox_syscalls.c):
 * the filter tries argument rules first, then the allow list, then the
 * refused list, so a number in two places would be decided by whichever
 * comes first, not by what its entry says.  Each number is in at most one
 * list (NOT rules excepted: they fall through to the lists), and the
 * signal calls are decided by their self-only rules.
 */
#include <errno.h>
#include <sys/syscall.h>

#include "sandbox_syscalls.h"
#include "unit_check.h"

static int allowed(unsigned nr)
{
	unsigned i;

	for (i = 0; i < avaw_sc_nallowed; i++)
		if (avaw_sc_allowed[i] == nr)
			return 1;
	return 0;
}

static int refused(unsigned nr)
{
	unsigned i;

	for (i = 0; i < avaw_sc_nrefused; i++)
		if (avaw_sc_refused[i].nr == nr)
			return 1;
	return 0;
}

/* The rule that decides nr (not a NOT rule), or NULL. */
static const struct avaw_sc_arg *deciding_rule(unsigned nr)
{
	unsigned i;

	for (i = 0; i < avaw_sc_nargs; i++)
		if (avaw_sc_args[i].nr == nr && avaw_sc_args[i].test != AVAW_ARG_NOT)
			return &avaw_sc_args[i];
	return NULL;
}

static void disjoint(void)
{
	unsigned i, j;

	for (i = 0; i < avaw_sc_nallowed; i++) {
		CHECK(!refused(avaw_sc_allowed[i]));
		CHECK(!deciding_rule(avaw_sc_allowed[i]));
		for (j = i + 1; j < avaw_sc_nallowed; j++)
			CHECK(avaw_sc_allowed[i] != avaw_sc_allowed[j]);
	}
	for (i = 0; i < avaw_sc_nrefused; i++) {
		CHECK(!deciding_rule(avaw_sc_refused[i].nr));
		CHECK(avaw_sc_refused[i].err != 0);
		for (j = i + 1; j < avaw_sc_nrefused; j++)
			CHECK(avaw_sc_refused[i].nr != avaw_sc_refused[j].nr);
	}
	for (i = 0; i < avaw_sc_nargs; i++) {
		CHECK(avaw_sc_args[i].arg < 6);
		CHECK(avaw_sc_args[i].err != 0);
		/* a NOT rule lets other values through to a list that must take them */
		if (avaw_sc_args[i].test == AVAW_ARG_NOT)
			CHECK(allowed(avaw_sc_args[i].nr) || refused(avaw_sc_args[i].nr));
	}
}

static void signals(void)
{
	static const unsigned self_only[] = { SYS_kill, SYS_tgkill, SYS_rt_sigqueueinfo, SYS_rt_tgsigqueueinfo,
					      SYS_pidfd_open };
	const struct avaw_sc_arg *r;
	unsigned i;

	for (i = 0; i < sizeof(self_only) / sizeof(self_only[0]); i++) {
		r = deciding_rule(self_only[i]);
		CHECK(r && r->test == AVAW_ARG_SELF && r->arg == 0 && r->err == EPERM);
	}
	CHECK(refused(SYS_tkill) && !allowed(SYS_tkill));
	CHECK(refused(SYS_ptrace) && refused(SYS_process_vm_readv) && refused(SYS_process_vm_writev));
}

int main(void)
{
	RUN(disjoint, "each system call is in one place of the worker's table (NOT rules fall through to a list)");
	RUN(signals, "signals: to the worker itself only (kill, tgkill, sigqueue, pidfd_open), tkill and ptrace refused");
	return unit_done();
}
