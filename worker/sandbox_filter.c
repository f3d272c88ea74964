// SPDX-License-Identifier: MIT
/*
 * The session worker's seccomp filter (plain BPF, no libseccomp).  It is a
 * deny list: the vendor libraries are large and use much of the system
 * call table (threads, futexes, mmap, ioctls on their device nodes, files
 * under their own directories, and PoCL runs /usr/bin/ld for every kernel
 * it compiles, so execve stays allowed); what no worker needs is refused
 * with EPERM: tracing and other processes' memory, kernel and system
 * administration, namespaces, and sockets other than Unix ones.
 */
#include <errno.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sched.h>
#include <stddef.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>

#include "sandbox.h"

#if !defined(__x86_64__)
#error "the worker's seccomp filter is written for x86-64"
#endif

static const unsigned denied[] = {
	SYS_ptrace, SYS_process_vm_readv, SYS_process_vm_writev, SYS_pidfd_getfd, SYS_kcmp,
	SYS_kexec_load, SYS_kexec_file_load, SYS_reboot, SYS_init_module, SYS_finit_module,
	SYS_delete_module, SYS_mount, SYS_umount2, SYS_pivot_root, SYS_chroot, SYS_move_mount,
	SYS_open_tree, SYS_fsopen, SYS_fsconfig, SYS_fsmount, SYS_fspick, SYS_mount_setattr,
	SYS_swapon, SYS_swapoff, SYS_setns, SYS_unshare, SYS_bpf, SYS_perf_event_open,
	SYS_userfaultfd, SYS_keyctl, SYS_add_key, SYS_request_key, SYS_open_by_handle_at,
	SYS_name_to_handle_at, SYS_iopl, SYS_ioperm, SYS_quotactl, SYS_acct, SYS_settimeofday,
	SYS_clock_settime, SYS_clock_adjtime, SYS_adjtimex, SYS_syslog, SYS_fanotify_init,
	SYS_lookup_dcookie, SYS_vhangup, SYS_uselib, SYS_sethostname, SYS_setdomainname,
};

#define NS_FLAGS (CLONE_NEWNS | CLONE_NEWUSER | CLONE_NEWPID | CLONE_NEWNET | CLONE_NEWIPC | \
		  CLONE_NEWUTS | CLONE_NEWCGROUP)
#define ARG0 offsetof(struct seccomp_data, args[0])	/* low half on little-endian */
#define NDENIED (sizeof(denied) / sizeof(denied[0]))

#define STMT(code, k) ((struct sock_filter)BPF_STMT((code), (k)))
#define JUMP(code, k, jt, jf) ((struct sock_filter)BPF_JUMP((code), (k), (jt), (jf)))
#define RET_ERRNO(e) STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | (e))
#define RET_ALLOW STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW)

int avaw_seccomp_install(void)
{
	struct sock_filter f[8 + 2 * NDENIED + 12];
	struct sock_fprog prog = { 0, f };
	unsigned n = 0, i;

	f[n++] = STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch));
	f[n++] = JUMP(BPF_JMP | BPF_JEQ | BPF_K, AUDIT_ARCH_X86_64, 1, 0);
	f[n++] = STMT(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS);
	f[n++] = STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr));
	f[n++] = JUMP(BPF_JMP | BPF_JGE | BPF_K, 0x40000000u, 0, 1);	/* the x32 ABI */
	f[n++] = STMT(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS);
	for (i = 0; i < NDENIED; i++) {
		f[n++] = JUMP(BPF_JMP | BPF_JEQ | BPF_K, denied[i], 0, 1);
		f[n++] = RET_ERRNO(EPERM);
	}
	/* clone3's flags are in memory the filter cannot read: glibc falls back to clone */
	f[n++] = JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_clone3, 0, 1);
	f[n++] = RET_ERRNO(ENOSYS);
	f[n++] = JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_clone, 0, 4);
	f[n++] = STMT(BPF_LD | BPF_W | BPF_ABS, ARG0);
	f[n++] = JUMP(BPF_JMP | BPF_JSET | BPF_K, NS_FLAGS, 0, 1);
	f[n++] = RET_ERRNO(EPERM);
	f[n++] = RET_ALLOW;
	f[n++] = JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_socket, 0, 4);
	f[n++] = STMT(BPF_LD | BPF_W | BPF_ABS, ARG0);
	f[n++] = JUMP(BPF_JMP | BPF_JEQ | BPF_K, AF_UNIX, 0, 1);
	f[n++] = RET_ALLOW;
	f[n++] = RET_ERRNO(EAFNOSUPPORT);
	f[n++] = RET_ALLOW;
	prog.len = (unsigned short)n;
	return prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog, 0, 0);
}
