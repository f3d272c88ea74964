/* SPDX-License-Identifier: MIT */
/*
 * The session worker's system-call table (sandbox_syscalls.c), which
 * sandbox_filter.c turns into its seccomp filter: calls allowed outright,
 * calls refused with an errno of their own, and calls allowed or refused
 * for some values of one argument.  Any other call is unlisted: it
 * fails with ENOSYS and is logged (sandbox_notify.c).  x86-64 numbers.
 */
#ifndef AVA_WORKER_SANDBOX_SYSCALLS_H
#define AVA_WORKER_SANDBOX_SYSCALLS_H

struct avaw_sc_refused {
	unsigned nr;
	unsigned err;		/* the errno the caller gets */
};

/*
 * A look at the low 32 bits of one argument: IS and NONE_OF allow the call
 * when the argument is value or has none of its bits, and refuse it with
 * err otherwise; SELF is IS with the worker's own pid for value (known when
 * the filter is installed); NOT refuses it when the argument is value and
 * otherwise leaves the call to the rest of the table.
 */
struct avaw_sc_arg {
	unsigned nr;
	unsigned arg;		/* which argument, 0-5 */
	enum { AVAW_ARG_IS, AVAW_ARG_NONE_OF, AVAW_ARG_SELF, AVAW_ARG_NOT } test;
	unsigned value;
	unsigned err;
};

extern const unsigned avaw_sc_allowed[];
extern const unsigned avaw_sc_nallowed;
extern const struct avaw_sc_refused avaw_sc_refused[];
extern const unsigned avaw_sc_nrefused;
extern const struct avaw_sc_arg avaw_sc_args[];
extern const unsigned avaw_sc_nargs;

#endif
