/* SPDX-License-Identifier: MIT */
/*
 * The session worker's system-call table (sandbox_syscalls.c), which
 * sandbox_filter.c turns into its seccomp filter: calls allowed outright,
 * calls refused with an errno of their own, and calls allowed for some
 * values of their first argument only.  Any other call is unlisted: it
 * fails with ENOSYS and is logged (sandbox_notify.c).  x86-64 numbers.
 */
#ifndef AVA_WORKER_SANDBOX_SYSCALLS_H
#define AVA_WORKER_SANDBOX_SYSCALLS_H

struct avaw_sc_refused {
	unsigned nr;
	unsigned err;		/* the errno the caller gets */
};

/* Allowed when the low 32 bits of the first argument pass the test, else refused with err. */
struct avaw_sc_arg0 {
	unsigned nr;
	enum { AVAW_ARG0_IS, AVAW_ARG0_NONE_OF } test;
	unsigned value;		/* the value it must be, or the bits it must not have */
	unsigned err;
};

extern const unsigned avaw_sc_allowed[];
extern const unsigned avaw_sc_nallowed;
extern const struct avaw_sc_refused avaw_sc_refused[];
extern const unsigned avaw_sc_nrefused;
extern const struct avaw_sc_arg0 avaw_sc_arg0[];
extern const unsigned avaw_sc_narg0;

#endif
