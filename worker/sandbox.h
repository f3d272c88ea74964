/* SPDX-License-Identifier: MIT */
/*
 * The session worker's sandbox (docs/security.md): after ava-hostd forks
 * a worker, and before the worker reads anything from its guest, the
 * worker keeps only its session's file descriptors, becomes an
 * unprivileged user without capabilities or a way to gain privileges, may
 * execute only the programs the vendor libraries run (Landlock, where the
 * kernel has it), and installs a seccomp filter allowing what it and the
 * vendor libraries need (an allow list: anything else fails, logged).
 */
#ifndef AVA_WORKER_SANDBOX_H
#define AVA_WORKER_SANDBOX_H

/*
 * From the command line: off for debugging; user (NULL: "nobody" when run
 * as root); report: each worker logs what it may execute and what its
 * filter does with three system calls (tests).
 */
void avaw_sandbox_configure(int enabled, const char *user, int report);
/*
 * Checks the configured user exists (0), so that ava-hostd fails at start,
 * not per session; says once when Landlock is unavailable.
 */
int avaw_sandbox_check(void);
/*
 * In a freshly forked worker (one thread): closes every descriptor but
 * 0-2 and the nkeep in keep (also when the sandbox is off), then drops
 * privileges and installs the filter.  Returns 0, or -1 (logged): the
 * worker must then exit.
 */
int avaw_sandbox_enter(const int *keep, unsigned nkeep);
/* The filter alone (sandbox_filter.c): 0, or -1 with errno. */
int avaw_seccomp_install(void);
/* After avaw_seccomp_install: logs what an allowed, a refused and an unlisted call get. */
void avaw_seccomp_report(void);
/* sandbox_notify.c: serves the filter's listener fd (unlisted calls: logged, ENOSYS) from a thread. */
int avaw_seccomp_listen(int fd);
/* sandbox_exec.c: the kernel's Landlock ABI version, or -errno (ENOSYS, EOPNOTSUPP: none). */
int avaw_landlock_abi(void);
/* Why a kernel with that Landlock ABI (or -errno) leaves exec unconfined, or NULL: it confines it. */
const char *avaw_exec_unconfined(int abi);
/* Allows exec of the vendor libraries' programs only: 0 (also without Landlock), or -1 with errno. */
int avaw_exec_confine(void);
/* After avaw_exec_confine: logs whether /bin/sh and the linker can be executed, and why. */
void avaw_exec_report(void);

#endif
