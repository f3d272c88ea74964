// SPDX-License-Identifier: MIT
/* The session worker's sandbox (sandbox.h). */
#include "sandbox.h"

#include <errno.h>
#include <grp.h>
#include <linux/capability.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "worker_call.h"

static int enabled = 1, report;
static const char *user;

void avaw_sandbox_configure(int on, const char *name, int report_on)
{
	enabled = on;
	user = name;
	report = report_on;
}

static const char *target_user(void)
{
	return user ? user : geteuid() == 0 ? "nobody" : NULL;
}

int avaw_sandbox_check(void)
{
	const char *u = target_user();
	int abi = avaw_landlock_abi();

	if (!enabled)
		return 0;
	if (avaw_exec_unconfined(abi))
		fprintf(stderr, "ava-hostd: Landlock unavailable (%s): the workers may execute any program\n",
			avaw_exec_unconfined(abi));
	if (u && !getpwnam(u)) {
		fprintf(stderr, "ava-hostd: no user '%s' for the workers (--user, or --no-sandbox)\n", u);
		return -1;
	}
	return 0;
}

static int cmp_int(const void *a, const void *b)
{
	return *(const int *)a - *(const int *)b;
}

/* Closes every descriptor above 2 that is not in keep. */
static int close_others(const int *keep, unsigned nkeep)
{
	int k[16], from = 3;
	unsigned i;

	if (nkeep > 16)
		return -1;
	memcpy(k, keep, nkeep * sizeof(int));
	qsort(k, nkeep, sizeof(int), cmp_int);
	for (i = 0; i < nkeep; i++) {
		if (k[i] < from)
			continue;
		if (k[i] > from && syscall(SYS_close_range, from, k[i] - 1, 0))
			return -1;
		from = k[i] + 1;
	}
	return (int)syscall(SYS_close_range, from, ~0u, 0);
}

/*
 * The vendor library writes its kernel cache under $XDG_CACHE_HOME (PoCL:
 * pocl/kcache): a directory of the worker's user, made by root before the
 * switch and checked not to be someone else's (the bases are shared).
 * The first base where that works: the daemon's $XDG_CACHE_HOME (a cache
 * kept across runs), /var/tmp, $TMPDIR, /tmp (read-only roots).
 */
static int cache_dir_in(const char *base, const struct passwd *pw)
{
	char dir[4096];
	struct stat st;

	if (!base || !*base || snprintf(dir, sizeof(dir), "%s/ava-worker-%u", base, (unsigned)pw->pw_uid) >=
	    (int)sizeof(dir))
		return -1;
	if (mkdir(dir, 0700) && errno != EEXIST)
		return -1;
	if (lstat(dir, &st) || !S_ISDIR(st.st_mode) || (st.st_uid != pw->pw_uid && st.st_uid != 0))
		return -1;
	if (st.st_uid != pw->pw_uid && chown(dir, pw->pw_uid, pw->pw_gid))
		return -1;
	return setenv("HOME", dir, 1) || setenv("XDG_CACHE_HOME", dir, 1);
}

static int cache_dir(const struct passwd *pw)
{
	const char *bases[] = { getenv("XDG_CACHE_HOME"), "/var/tmp", getenv("TMPDIR"), "/tmp" };
	unsigned i;

	for (i = 0; i < sizeof(bases) / sizeof(bases[0]); i++)
		if (cache_dir_in(bases[i], pw) == 0)
			return 0;
	return -1;
}

static int drop_user(void)
{
	const char *u = target_user();
	struct passwd *pw;
	unsigned long cap;

	if (!u)
		return 0;	/* not root and no --user: already unprivileged */
	pw = getpwnam(u);
	if (!pw || cache_dir(pw))
		return -1;
	for (cap = 0; cap <= CAP_LAST_CAP; cap++)
		if (prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) && errno != EINVAL && errno != EPERM)
			return -1;
	if (setgroups(0, NULL) || setresgid(pw->pw_gid, pw->pw_gid, pw->pw_gid) ||
	    setresuid(pw->pw_uid, pw->pw_uid, pw->pw_uid))
		return -1;
	return 0;
}

/* Effective, permitted and inheritable capabilities: none, whatever the user. */
static int drop_caps(void)
{
	struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct d[2];

	memset(d, 0, sizeof(d));
	prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0);
	return (int)syscall(SYS_capset, &h, d);
}

/*
 * No gaining privileges through exec, and not dumpable: processes of the
 * same user (the other sessions' workers) can then neither attach to it
 * nor open its /proc/PID/mem (switching users makes it so already; a
 * daemon run unprivileged does not switch).
 */
static int no_new_privs(void)
{
	return prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) || prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
}

int avaw_sandbox_enter(const int *keep, unsigned nkeep)
{
	static const struct {
		const char *what;
		int (*fn)(void);
	} steps[] = {
		{ "switching user", drop_user },
		{ "dropping capabilities", drop_caps },
		{ "setting no_new_privs and not dumpable", no_new_privs },
		{ "confining exec (Landlock)", avaw_exec_confine },
		{ "installing the seccomp filter", avaw_seccomp_install },
	};
	unsigned i;

	/* even unsandboxed, a worker holds no other session's descriptor */
	if (close_others(keep, nkeep)) {
		avaw_log("sandbox: closing descriptors failed: %s", strerror(errno));
		return -1;
	}
	if (!enabled)
		return 0;
	for (i = 0; i < sizeof(steps) / sizeof(steps[0]); i++)
		if (steps[i].fn()) {
			avaw_log("sandbox: %s failed: %s", steps[i].what, strerror(errno));
			return -1;
		}
	if (report) {
		avaw_exec_report();
		avaw_seccomp_report();
	}
	return 0;
}
