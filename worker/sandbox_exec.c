// SPDX-License-Identifier: MIT
/*
 * What a session worker may execute (sandbox.h): with Landlock, handling
 * only LANDLOCK_ACCESS_FS_EXECUTE, so that reading, writing and everything
 * else stay as the worker's user may, while execve works only for the
 * programs the vendor libraries run: PoCL runs /usr/bin/ld for every
 * kernel it builds (strace -f -e execve of a build shows nothing else);
 * NVIDIA's libraries run nothing.
 *
 * The kernel checks EXECUTE when it opens a file for exec (__FMODE_EXEC):
 * the program, and for an ELF with a PT_INTERP, the program interpreter
 * (load_elf_binary opens it with open_exec); the libraries the interpreter
 * then maps are not checked.  So each program and its interpreter get a
 * rule.  A rule holds the file an O_PATH open resolves to, so symbolic
 * links (/usr/bin/ld -> x86_64-linux-gnu-ld.bfd) need no resolving here.
 *
 * A Landlock domain refuses to move a file to another directory (rename,
 * link: EXDEV) unless LANDLOCK_ACCESS_FS_REFER is handled and allowed, and
 * PoCL renames each kernel it links into its cache: so REFER is handled
 * too and allowed beneath "/", which needs ABI 2 (Linux 5.19).
 */
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/landlock.h>
#include <spawn.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "sandbox.h"
#include "worker_call.h"

static const char *const programs[] = { "/usr/bin/ld" };
static int abi;	/* what avaw_exec_confine found, for avaw_exec_report */

int avaw_landlock_abi(void)
{
	long v = syscall(SYS_landlock_create_ruleset, NULL, 0, LANDLOCK_CREATE_RULESET_VERSION);

	return v < 0 ? -errno : (int)v;
}

/* The PT_INTERP path of the ELF program at path into out (n bytes): 0, or -1 (none, or not ELF64). */
static int elf_interp(const char *path, char *out, size_t n)
{
	Elf64_Ehdr eh;
	Elf64_Phdr ph;
	int fd = open(path, O_RDONLY | O_CLOEXEC), r = -1;

	if (fd < 0)
		return -1;
	if (pread(fd, &eh, sizeof(eh), 0) != (ssize_t)sizeof(eh) || memcmp(eh.e_ident, ELFMAG, SELFMAG) ||
	    eh.e_ident[EI_CLASS] != ELFCLASS64 || eh.e_phentsize != sizeof(ph))
		goto out;
	for (unsigned i = 0; i < eh.e_phnum; i++) {
		if (pread(fd, &ph, sizeof(ph), (off_t)(eh.e_phoff + (Elf64_Off)i * sizeof(ph))) != (ssize_t)sizeof(ph))
			break;
		if (ph.p_type != PT_INTERP)
			continue;
		if (ph.p_filesz < 2 || ph.p_filesz > n ||
		    pread(fd, out, ph.p_filesz, (off_t)ph.p_offset) != (ssize_t)ph.p_filesz)
			break;
		out[ph.p_filesz - 1] = '\0';
		r = 0;
		break;
	}
out:
	close(fd);
	return r;
}

/* Allows access beneath (or to) path: 0; 1 when there is no such file; -1 with errno. */
static int add_rule(int ruleset, const char *path, __u64 access)
{
	struct landlock_path_beneath_attr rule = { .allowed_access = access };
	long r;

	rule.parent_fd = open(path, O_PATH | O_CLOEXEC);
	if (rule.parent_fd < 0)
		return errno == ENOENT ? 1 : -1;
	r = syscall(SYS_landlock_add_rule, ruleset, LANDLOCK_RULE_PATH_BENEATH, &rule, 0);
	close(rule.parent_fd);
	return r ? -1 : 0;
}

static int add_programs(int ruleset)
{
	char interp[4096];

	for (size_t i = 0; i < sizeof(programs) / sizeof(programs[0]); i++) {
		int r = add_rule(ruleset, programs[i], LANDLOCK_ACCESS_FS_EXECUTE);

		if (r < 0)
			return -1;
		if (r == 0 && elf_interp(programs[i], interp, sizeof(interp)) == 0 &&
		    add_rule(ruleset, interp, LANDLOCK_ACCESS_FS_EXECUTE) < 0)
			return -1;
	}
	return 0;
}

const char *avaw_exec_unconfined(int abi_version)
{
	return abi_version < 0 ? strerror(-abi_version) : abi_version < 2 ? "ABI 1: renames across directories refused" : NULL;
}

int avaw_exec_confine(void)
{
	struct landlock_ruleset_attr attr = {
		.handled_access_fs = LANDLOCK_ACCESS_FS_EXECUTE | LANDLOCK_ACCESS_FS_REFER,
	};
	int ruleset, r;

	abi = avaw_landlock_abi();
	if (avaw_exec_unconfined(abi))
		return 0;	/* said once at start (avaw_sandbox_check) */
	ruleset = (int)syscall(SYS_landlock_create_ruleset, &attr, sizeof(attr), 0);
	if (ruleset < 0)
		return -1;
	/* files may still move between directories anywhere */
	r = add_rule(ruleset, "/", LANDLOCK_ACCESS_FS_REFER) || add_programs(ruleset) ||
	    syscall(SYS_landlock_restrict_self, ruleset, 0) ? -1 : 0;
	close(ruleset);
	return r;
}

/* Runs argv with no input or output: 0 when it ran (whatever its exit status), else the errno of execve. */
static int try_exec(char *const argv[])
{
	char *const envp[] = { NULL };
	posix_spawn_file_actions_t fa;
	pid_t pid;
	int r;

	if (posix_spawn_file_actions_init(&fa))
		return ENOMEM;
	for (int fd = 0; fd < 3; fd++)
		posix_spawn_file_actions_addopen(&fa, fd, "/dev/null", fd ? O_WRONLY : O_RDONLY, 0);
	r = posix_spawn(&pid, argv[0], &fa, NULL, argv, envp);
	posix_spawn_file_actions_destroy(&fa);
	if (r == 0)
		waitpid(pid, NULL, 0);
	return r;
}

void avaw_exec_report(void)
{
	char *const sh_argv[] = { "/bin/sh", "-c", "exit 0", NULL };
	char *const ld_argv[] = { (char *)programs[0], "-v", NULL };
	int sh = try_exec(sh_argv), ld = try_exec(ld_argv);
	const char *why = avaw_exec_unconfined(abi);
	char how[128];

	if (why)
		snprintf(how, sizeof(how), "not confined: Landlock unavailable (%s)", why);
	else
		snprintf(how, sizeof(how), "confined (Landlock ABI %d)", abi);
	avaw_log("sandbox: exec %s: /bin/sh %s, %s %s", how, sh ? strerror(sh) : "runs", programs[0],
		 ld ? strerror(ld) : "runs");
}
