// SPDX-License-Identifier: MIT
/*
 * The session worker's seccomp filter (plain BPF, no libseccomp), an allow
 * list: the calls of sandbox_syscalls.c pass (some after a look at one
 * argument), the dangerous ones named there fail with their errno
 * (EPERM), and every other call fails with ENOSYS, which libraries treat
 * as "this kernel lacks it" and fall back from.  An unlisted call goes to
 * the worker's listener thread first (SECCOMP_RET_USER_NOTIF,
 * sandbox_notify.c), which logs it and answers ENOSYS: no signal is
 * involved, so a thread that blocks signals and the programs the worker
 * runs (the linker, whose handlers exec reset) get ENOSYS too, where
 * SECCOMP_RET_TRAP would kill them.  Where the kernel cannot give a
 * listener, unlisted calls get ENOSYS unlogged.
 */
#include <errno.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "sandbox.h"
#include "sandbox_syscalls.h"
#include "worker_call.h"

#define ARG(i) offsetof(struct seccomp_data, args[i])	/* low half on little-endian */

#define STMT(code, k) ((struct sock_filter)BPF_STMT((code), (k)))
#define JUMP(code, k, jt, jf) ((struct sock_filter)BPF_JUMP((code), (k), (jt), (jf)))
#define RET(action) STMT(BPF_RET | BPF_K, (action))
#define ERRNO(e) (SECCOMP_RET_ERRNO | ((e) & SECCOMP_RET_DATA))
#define IF_NR(nr, skip) JUMP(BPF_JMP | BPF_JEQ | BPF_K, (nr), 0, (skip))

/* arch and ABI checks, argument rules, allowed, refused, the unlisted action */
#define FILTER_LEN(nargs, nrefused, nallowed) (6 + 5 * (nargs) + 2 * (nrefused) + 2 * (nallowed) + 1)

/*
 * One argument rule, 5 instructions.  The accumulator holds the number
 * until a rule matches: IS and NONE_OF then return; NOT loads the number
 * back when it lets the call go on.
 */
static unsigned arg_rule(struct sock_filter *f, const struct avaw_sc_arg *r, unsigned self)
{
	unsigned n = 0;

	f[n++] = IF_NR(r->nr, 4);
	f[n++] = STMT(BPF_LD | BPF_W | BPF_ABS, ARG(r->arg));
	switch (r->test) {
	case AVAW_ARG_IS:
	case AVAW_ARG_SELF:
		f[n++] = JUMP(BPF_JMP | BPF_JEQ | BPF_K, r->test == AVAW_ARG_SELF ? self : r->value, 0, 1);
		f[n++] = RET(SECCOMP_RET_ALLOW);
		f[n++] = RET(ERRNO(r->err));
		break;
	case AVAW_ARG_NONE_OF:
		f[n++] = JUMP(BPF_JMP | BPF_JSET | BPF_K, r->value, 0, 1);
		f[n++] = RET(ERRNO(r->err));
		f[n++] = RET(SECCOMP_RET_ALLOW);
		break;
	case AVAW_ARG_NOT:
		f[n++] = JUMP(BPF_JMP | BPF_JEQ | BPF_K, r->value, 0, 1);
		f[n++] = RET(ERRNO(r->err));
		f[n++] = STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr));
		break;
	}
	return n;
}

/* Writes the program to f (FILTER_LEN entries); unlisted: what any other call gets. */
static unsigned build(struct sock_filter *f, unsigned unlisted)
{
	unsigned n = 0, i, self = (unsigned)getpid();

	f[n++] = STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch));
	f[n++] = JUMP(BPF_JMP | BPF_JEQ | BPF_K, AUDIT_ARCH_X86_64, 1, 0);
	f[n++] = RET(SECCOMP_RET_KILL_PROCESS);
	f[n++] = STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr));
	f[n++] = JUMP(BPF_JMP | BPF_JGE | BPF_K, 0x40000000u, 0, 1);	/* the x32 ABI */
	f[n++] = RET(SECCOMP_RET_KILL_PROCESS);
	for (i = 0; i < avaw_sc_nargs; i++)
		n += arg_rule(f + n, &avaw_sc_args[i], self);
	/* the two lists have no number in common: the more frequent first */
	for (i = 0; i < avaw_sc_nallowed; i++) {
		f[n++] = IF_NR(avaw_sc_allowed[i], 1);
		f[n++] = RET(SECCOMP_RET_ALLOW);
	}
	for (i = 0; i < avaw_sc_nrefused; i++) {
		f[n++] = IF_NR(avaw_sc_refused[i].nr, 1);
		f[n++] = RET(ERRNO(avaw_sc_refused[i].err));
	}
	f[n++] = RET(unlisted);
	return n;
}

/*
 * Where the kernel mitigates Spectre for every seccomp process
 * (spec_store_bypass_disable=seccomp, the default before Linux 5.16),
 * the store-bypass part would slow all of the vendor library's CPU work
 * (cuBLAS's per-call host code is most of a small call's time) and guards
 * only against code in the same process, which can read the worker's
 * memory anyway.  The indirect-branch part does guard the worker against
 * other processes (other tenants' workers), so it is asked for explicitly.
 */
#define FILTER_FLAGS SECCOMP_FILTER_FLAG_SPEC_ALLOW

static void keep_branch_isolation(void)
{
	/* fails harmlessly (ENXIO, EPERM) where the kernel offers no choice */
	prctl(PR_SET_SPECULATION_CTRL, PR_SPEC_INDIRECT_BRANCH, PR_SPEC_FORCE_DISABLE, 0, 0);
}

int avaw_seccomp_install(void)
{
	static struct sock_filter f[FILTER_LEN(64, 128, 512)];
	struct sock_fprog prog = { 0, f };
	int listener, e;

	if (FILTER_LEN(avaw_sc_nargs, avaw_sc_nrefused, avaw_sc_nallowed) > sizeof(f) / sizeof(f[0])) {
		errno = E2BIG;
		return -1;
	}
	prog.len = (unsigned short)build(f, SECCOMP_RET_USER_NOTIF);
	keep_branch_isolation();
	listener = (int)syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, FILTER_FLAGS | SECCOMP_FILTER_FLAG_NEW_LISTENER,
				&prog);
	if (listener >= 0)
		return avaw_seccomp_listen(listener);
	/* before Linux 5.0, or a listener further up the chain (EBUSY): no log */
	e = errno;
	f[prog.len - 1] = RET(ERRNO(ENOSYS));
	if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, FILTER_FLAGS, &prog) &&
	    prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog, 0, 0))
		return -1;
	avaw_log("sandbox: no seccomp listener (%s): unlisted system calls get ENOSYS unlogged", strerror(e));
	return 0;
}

/* What one call got: "allowed", or the error it failed with. */
static const char *outcome(long r)
{
	return r < 0 ? strerror(errno) : "allowed";
}

/* --sandbox-report: one call of each kind, and what it got. */
void avaw_seccomp_report(void)
{
	const char *allowed = outcome(syscall(SYS_getppid));
	const char *refused = outcome(syscall(SYS_kcmp, getpid(), getpid(), 0 /* KCMP_FILE */, 0, 0));
	char c = 0;
	/* on no descriptor: EBADF where the filter lets it through */
	const char *tiocsti = outcome(syscall(SYS_ioctl, -1, TIOCSTI, &c));
	long inet = syscall(SYS_socket, AF_INET, SOCK_STREAM, 0);
	const char *socket_inet = outcome(inet);
	/* sysfs(2), obsolete, called by no library; where allowed, option 3 counts file system types */
	const char *unlisted = outcome(syscall(SYS_sysfs, 3));
	/* signal 0 only checks: to itself, and to every process it could signal */
	const char *kill_self = outcome(syscall(SYS_kill, getpid(), 0));
	const char *kill_all = outcome(syscall(SYS_kill, -1, 0));

	if (inet >= 0)
		close((int)inet);
	avaw_log("sandbox: seccomp: getppid %s, kcmp %s, ioctl TIOCSTI %s, socket AF_INET %s, sysfs %s, "
		 "kill self %s, kill -1 %s, dumpable %d", allowed, refused, tiocsti, socket_inet, unlisted, kill_self,
		 kill_all, prctl(PR_GET_DUMPABLE));
}
