// SPDX-License-Identifier: MIT
/*
 * What a session worker may call (sandbox_syscalls.h).  The allow list is
 * what an ordinary user-space process with threads, files, memory and
 * ioctls on its device nodes does: measured with strace on the OpenCL,
 * pyopencl, hostile and CUDA suites through PoCL (the linker PoCL runs
 * included), widened to what a GPU driver library (libcuda, NVIDIA's
 * OpenCL) is known to use (docs/security.md, the worker sandbox).
 */
#include "sandbox_syscalls.h"

#include <errno.h>
#include <sched.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>

#if !defined(__x86_64__)
#error "the worker's system-call table is written for x86-64"
#endif

/* newer than the C library's headers (Linux 6.6 to 6.10) */
#ifndef SYS_fchmodat2
#define SYS_fchmodat2 452
#endif
#ifndef SYS_map_shadow_stack
#define SYS_map_shadow_stack 453
#endif
#ifndef SYS_futex_wake
#define SYS_futex_wake 454
#define SYS_futex_wait 455
#define SYS_futex_requeue 456
#endif
#ifndef SYS_mseal
#define SYS_mseal 462
#endif

#define NS_FLAGS (CLONE_NEWNS | CLONE_NEWUSER | CLONE_NEWPID | CLONE_NEWNET | CLONE_NEWIPC | \
		  CLONE_NEWUTS | CLONE_NEWCGROUP)

const unsigned avaw_sc_allowed[] = {
	/* descriptors, and waiting on them (first: the filter scans in order, and ioctl's
	 * TIOCSTI check keeps it from the kernel's cache of always-allowed calls) */
	SYS_ioctl, SYS_read, SYS_write, SYS_pread64, SYS_pwrite64, SYS_readv, SYS_writev, SYS_preadv,
	SYS_pwritev, SYS_preadv2, SYS_pwritev2, SYS_close, SYS_close_range, SYS_lseek,
	SYS_dup, SYS_dup2, SYS_dup3, SYS_pipe, SYS_pipe2, SYS_fcntl, SYS_flock,
	SYS_eventfd, SYS_eventfd2, SYS_poll, SYS_ppoll, SYS_select, SYS_pselect6,
	SYS_epoll_create, SYS_epoll_create1, SYS_epoll_ctl, SYS_epoll_wait, SYS_epoll_pwait,
	SYS_epoll_pwait2, SYS_sendfile, SYS_splice, SYS_tee, SYS_vmsplice, SYS_copy_file_range,
	/* memory: map, share, pin and place (NUMA) its own memory */
	SYS_brk, SYS_mmap, SYS_munmap, SYS_mremap, SYS_mprotect, SYS_madvise, SYS_msync,
	SYS_mincore, SYS_mlock, SYS_mlock2, SYS_munlock, SYS_mlockall, SYS_munlockall,
	SYS_memfd_create, SYS_membarrier, SYS_pkey_mprotect, SYS_pkey_alloc, SYS_pkey_free,
	SYS_get_mempolicy, SYS_set_mempolicy, SYS_set_mempolicy_home_node, SYS_mbind,
	SYS_map_shadow_stack, SYS_mseal,
	/* threads and their synchronization, scheduling (the vendor's worker threads) */
	SYS_futex, SYS_futex_waitv, SYS_futex_wake, SYS_futex_wait, SYS_futex_requeue,
	SYS_set_robust_list, SYS_set_tid_address, SYS_rseq, SYS_arch_prctl, SYS_prctl,
	SYS_gettid, SYS_sched_yield, SYS_sched_getaffinity, SYS_sched_setaffinity, SYS_getcpu,
	SYS_sched_getparam, SYS_sched_setparam, SYS_sched_getscheduler, SYS_sched_setscheduler,
	SYS_sched_getattr, SYS_sched_setattr, SYS_sched_get_priority_max,
	SYS_sched_get_priority_min, SYS_sched_rr_get_interval, SYS_getpriority, SYS_setpriority,
	/* processes: the linker PoCL runs (exec confined by Landlock), waiting for it, exiting */
	SYS_fork, SYS_vfork, SYS_execve, SYS_execveat, SYS_wait4, SYS_waitid, SYS_exit,
	SYS_exit_group, SYS_getpid, SYS_getppid, SYS_getpgrp, SYS_getpgid, SYS_getsid,
	/* signals, timers and clocks */
	SYS_rt_sigaction, SYS_rt_sigprocmask, SYS_rt_sigreturn, SYS_rt_sigpending,
	SYS_rt_sigtimedwait, SYS_rt_sigsuspend,
	SYS_sigaltstack, SYS_restart_syscall, SYS_pause, SYS_pidfd_send_signal, SYS_signalfd,
	SYS_signalfd4, SYS_alarm,
	SYS_getitimer, SYS_setitimer, SYS_timer_create, SYS_timer_settime, SYS_timer_gettime,
	SYS_timer_getoverrun, SYS_timer_delete, SYS_timerfd_create, SYS_timerfd_settime,
	SYS_timerfd_gettime, SYS_clock_gettime, SYS_clock_getres, SYS_clock_nanosleep,
	SYS_nanosleep, SYS_gettimeofday, SYS_time, SYS_times,
	/* files, within what the worker's user may reach: caches, device nodes, /proc, /sys */
	SYS_open, SYS_openat, SYS_openat2, SYS_creat, SYS_stat, SYS_fstat, SYS_lstat,
	SYS_newfstatat, SYS_statx, SYS_statfs, SYS_fstatfs, SYS_access, SYS_faccessat,
	SYS_faccessat2, SYS_readlink, SYS_readlinkat, SYS_getdents, SYS_getdents64, SYS_getcwd,
	SYS_chdir, SYS_fchdir, SYS_mkdir, SYS_mkdirat, SYS_rmdir, SYS_unlink, SYS_unlinkat,
	SYS_rename, SYS_renameat, SYS_renameat2, SYS_link, SYS_linkat, SYS_symlink,
	SYS_symlinkat, SYS_chmod, SYS_fchmod, SYS_fchmodat, SYS_fchmodat2, SYS_chown,
	SYS_fchown, SYS_lchown, SYS_fchownat, SYS_umask, SYS_truncate, SYS_ftruncate,
	SYS_fallocate, SYS_fsync, SYS_fdatasync, SYS_sync_file_range, SYS_readahead,
	SYS_fadvise64, SYS_utime, SYS_utimes, SYS_utimensat, SYS_futimesat, SYS_getxattr,
	SYS_lgetxattr, SYS_fgetxattr, SYS_listxattr, SYS_llistxattr, SYS_flistxattr,
	SYS_inotify_init, SYS_inotify_init1, SYS_inotify_add_watch, SYS_inotify_rm_watch,
	/* Unix sockets (socket() itself is checked below): the session, a driver's daemon */
	SYS_connect, SYS_accept, SYS_accept4, SYS_bind, SYS_listen, SYS_shutdown,
	SYS_sendto, SYS_recvfrom, SYS_sendmsg, SYS_recvmsg, SYS_sendmmsg, SYS_recvmmsg,
	SYS_getsockname, SYS_getpeername, SYS_getsockopt, SYS_setsockopt,
	/* who and where it runs: ids, limits (prlimit64 below), the system's description */
	SYS_getuid, SYS_geteuid, SYS_getgid, SYS_getegid, SYS_getresuid, SYS_getresgid,
	SYS_getgroups, SYS_capget, SYS_getrlimit, SYS_setrlimit, SYS_getrusage, SYS_uname,
	SYS_sysinfo, SYS_getrandom,
};
const unsigned avaw_sc_nallowed = sizeof(avaw_sc_allowed) / sizeof(avaw_sc_allowed[0]);

#define PERM(nr) { (nr), EPERM }

/* named so that their errno stays EPERM (not the ENOSYS of an unlisted call) */
const struct avaw_sc_refused avaw_sc_refused[] = {
	/* other processes: tracing them, reading or writing their memory, taking their files */
	PERM(SYS_ptrace), PERM(SYS_process_vm_readv), PERM(SYS_process_vm_writev),
	PERM(SYS_pidfd_getfd), PERM(SYS_kcmp),
	/* a thread id alone may name another process's thread (tgkill names the process) */
	PERM(SYS_tkill),
	/* the kernel and the machine: modules, kexec, reboot, swap, clocks, names, logs */
	PERM(SYS_kexec_load), PERM(SYS_kexec_file_load), PERM(SYS_reboot), PERM(SYS_init_module),
	PERM(SYS_finit_module), PERM(SYS_delete_module), PERM(SYS_swapon), PERM(SYS_swapoff),
	PERM(SYS_iopl), PERM(SYS_ioperm), PERM(SYS_quotactl), PERM(SYS_acct),
	PERM(SYS_settimeofday), PERM(SYS_clock_settime), PERM(SYS_clock_adjtime),
	PERM(SYS_adjtimex), PERM(SYS_syslog), PERM(SYS_sethostname), PERM(SYS_setdomainname),
	PERM(SYS_vhangup), PERM(SYS_uselib), PERM(SYS_lookup_dcookie),
	/* mounts and namespaces */
	PERM(SYS_mount), PERM(SYS_umount2), PERM(SYS_pivot_root), PERM(SYS_chroot),
	PERM(SYS_move_mount), PERM(SYS_open_tree), PERM(SYS_fsopen), PERM(SYS_fsconfig),
	PERM(SYS_fsmount), PERM(SYS_fspick), PERM(SYS_mount_setattr), PERM(SYS_setns),
	PERM(SYS_unshare),
	/* large attack surface no worker needs: BPF, perf, userfaultfd, key rings, handles */
	PERM(SYS_bpf), PERM(SYS_perf_event_open), PERM(SYS_userfaultfd), PERM(SYS_keyctl),
	PERM(SYS_add_key), PERM(SYS_request_key), PERM(SYS_open_by_handle_at),
	PERM(SYS_name_to_handle_at), PERM(SYS_fanotify_init),
	/* its flags are in memory the filter cannot read: glibc falls back to clone */
	{ SYS_clone3, ENOSYS },
};
const unsigned avaw_sc_nrefused = sizeof(avaw_sc_refused) / sizeof(avaw_sc_refused[0]);

const struct avaw_sc_arg avaw_sc_args[] = {
	/* threads and processes, but no new namespaces */
	{ SYS_clone, 0, AVAW_ARG_NONE_OF, NS_FLAGS, EPERM },
	/* Unix sockets only */
	{ SYS_socket, 0, AVAW_ARG_IS, AF_UNIX, EAFNOSUPPORT },
	{ SYS_socketpair, 0, AVAW_ARG_IS, AF_UNIX, EAFNOSUPPORT },
	/*
	 * signals to itself only: every worker runs as the same user, so kill
	 * (-1 included), sigqueue or a pidfd could reach another session's
	 */
	{ SYS_kill, 0, AVAW_ARG_SELF, 0, EPERM },
	{ SYS_tgkill, 0, AVAW_ARG_SELF, 0, EPERM },
	{ SYS_rt_sigqueueinfo, 0, AVAW_ARG_SELF, 0, EPERM },
	{ SYS_rt_tgsigqueueinfo, 0, AVAW_ARG_SELF, 0, EPERM },
	{ SYS_pidfd_open, 0, AVAW_ARG_SELF, 0, EPERM },
	/* its own limits and pages only (pid 0), not those of another process of its user */
	{ SYS_prlimit64, 0, AVAW_ARG_IS, 0, EPERM },
	{ SYS_migrate_pages, 0, AVAW_ARG_IS, 0, EPERM },
	{ SYS_move_pages, 0, AVAW_ARG_IS, 0, EPERM },
	/* no typing into the terminal of the daemon's descriptors 0-2 (then allowed below) */
	{ SYS_ioctl, 1, AVAW_ARG_NOT, TIOCSTI, EPERM },
	{ SYS_ioctl, 1, AVAW_ARG_NOT, TIOCLINUX, EPERM },
};
const unsigned avaw_sc_nargs = sizeof(avaw_sc_args) / sizeof(avaw_sc_args[0]);
