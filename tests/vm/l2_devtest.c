// SPDX-License-Identifier: MIT
/*
 * l2_devtest: runs in the nested guest (L2) of the e2e suite and drives
 * /dev/ava directly (uapi/ava_dev.h): device info and sessions, zero
 * copy (buffers are pinned, never copied: the session counters), a
 * hostile user (fuzzed ioctl arguments: bad pointers, lengths, flags,
 * references, unknown commands), and the driver going away while a
 * session is open (rmmod refused; unbind fails the session cleanly and
 * rebind works).  Prints "@@TAP" lines.
 *
 *   l2_devtest [FUZZ_CALLS]      default 100000
 */
#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "uapi/ava_dev.h"
#include "uapi/ava_wire.h"

static int failures;

static void tap(int ok, const char *fmt, const char *detail)
{
	printf("@@TAP %s - L2: %s%s%s\n", ok ? "ok" : "not ok", fmt, detail ? ": " : "", detail ? detail : "");
	fflush(stdout);
	if (!ok)
		failures++;
}

static uint64_t rnd(void)
{
	static uint64_t x = 0x9e3779b97f4a7c15ull;

	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	return x;
}

/* A wire command: header, inline bytes, references. */
static uint32_t build(uint8_t *buf, uint16_t api, uint32_t func, uint32_t flags, uint32_t inl,
		      const struct ava_buf_ref *refs, uint32_t nrefs)
{
	struct ava_cmd_hdr *h = (struct ava_cmd_hdr *)buf;
	uint32_t len = sizeof(*h) + inl + nrefs * sizeof(*refs);

	memset(h, 0, sizeof(*h));
	h->magic = AVA_WIRE_MAGIC;
	h->version = AVA_WIRE_VERSION;
	h->api_id = api;
	h->func_id = func;
	h->flags = flags;
	h->call_id = 1;
	h->inline_len = inl;
	h->nrefs = nrefs;
	h->total_len = len;
	memset(buf + sizeof(*h), 0, inl);
	memcpy(buf + sizeof(*h) + inl, refs, nrefs * sizeof(*refs));
	return len;
}

static int call(int fd, void *cmd, uint32_t len, void *reply, uint32_t cap, uint32_t *rlen)
{
	struct ava_dev_call c;

	memset(&c, 0, sizeof(c));
	c.cmd = (uint64_t)(uintptr_t)cmd;
	c.cmd_len = len;
	c.reply = (uint64_t)(uintptr_t)reply;
	c.reply_cap = cap;
	if (ioctl(fd, AVA_DEV_CALL, &c))
		return -errno;
	if (rlen)
		*rlen = c.reply_len;
	return 0;
}

static int ping(int fd, const struct ava_buf_ref *refs, uint32_t nrefs, uint32_t *status)
{
	uint8_t cmd[256], reply[64];
	uint32_t len = build(cmd, AVA_API_CONTROL, AVA_CTL_PING, 0, 0, refs, nrefs), rlen = 0;
	int ret = call(fd, cmd, len, reply, sizeof(reply), &rlen);

	if (!ret && rlen >= sizeof(struct ava_reply_hdr))
		*status = ((struct ava_reply_hdr *)reply)->status;
	else if (!ret)
		ret = -EIO;
	return ret;
}

static int stats(int fd, struct ava_dev_stats *st)
{
	return ioctl(fd, AVA_DEV_STATS, st);
}

static void t_info(void)
{
	struct ava_dev_info a, b;
	int fa = open("/dev/ava", O_RDWR), fb = open("/dev/ava", O_RDWR);
	char d[160];
	uint32_t st = 99;

	tap(fa >= 0 && fb >= 0 && !ioctl(fa, AVA_DEV_INFO, &a) && !ioctl(fb, AVA_DEV_INFO, &b),
	    "two opens of /dev/ava, AVA_DEV_INFO", NULL);
	snprintf(d, sizeof(d), "abi %u wire %u sessions %u/%u queues %u worker %u max_chain %u max_refs %u",
		 a.abi_version, a.wire_version, a.session, b.session, a.num_queues, a.worker, a.max_chain,
		 a.max_refs);
	tap(a.abi_version == AVA_DEV_ABI_VERSION && a.wire_version == AVA_WIRE_VERSION &&
	    a.session && b.session && a.session != b.session && a.worker == 1 && a.max_refs == AVA_MAX_REFS,
	    "versions, limits, one session per open file", d);
	tap(!ping(fa, NULL, 0, &st) && st == AVA_S_OK, "PING answered", NULL);
	{
		/* round trips to the worker (STATS) and to the module (PING when idle) */
		uint8_t cmd[64], reply[128];
		uint32_t len = build(cmd, AVA_API_CONTROL, AVA_CTL_STATS, 0, 0, NULL, 0), rl;
		struct timespec t0, t1, t2;
		int i, ok = 1;

		clock_gettime(CLOCK_MONOTONIC, &t0);
		for (i = 0; i < 200 && ok; i++)
			ok = !call(fa, cmd, len, reply, sizeof(reply), &rl);
		clock_gettime(CLOCK_MONOTONIC, &t1);
		for (i = 0; i < 200 && ok; i++)
			ok = !ping(fa, NULL, 0, &st);
		clock_gettime(CLOCK_MONOTONIC, &t2);
		snprintf(d, sizeof(d), "%.0f us through the worker, %.0f us answered by the host module",
			 ((t1.tv_sec - t0.tv_sec) * 1e9 + (t1.tv_nsec - t0.tv_nsec)) / 200 / 1e3,
			 ((t2.tv_sec - t1.tv_sec) * 1e9 + (t2.tv_nsec - t1.tv_nsec)) / 200 / 1e3);
		tap(ok, "synchronous round trip (nested VM under TCG)", d);
	}
	close(fa);
	close(fb);
}

static void t_zero_copy(void)
{
	int fd = open("/dev/ava", O_RDWR);
	struct ava_dev_stats s0, s1;
	struct ava_buf_ref refs[3];
	uint8_t *in = aligned_alloc(4096, 1 << 20), *out = aligned_alloc(4096, 65536);
	uint32_t st = 99;
	char d[200];
	int ok;

	memset(in, 1, 1 << 20);
	memset(refs, 0, sizeof(refs));
	refs[0] = (struct ava_buf_ref){ (uint64_t)(uintptr_t)in, 4096, AVA_REF_IN, 0 };
	refs[1] = (struct ava_buf_ref){ (uint64_t)(uintptr_t)(in + 4096 + 100), (1 << 20) - 8192, AVA_REF_IN, 0 };
	refs[2] = (struct ava_buf_ref){ (uint64_t)(uintptr_t)out, 65536, AVA_REF_OUT, 0 };
	ok = fd >= 0 && !stats(fd, &s0) && !ping(fd, refs, 3, &st) && st == AVA_S_OK && !stats(fd, &s1);
	snprintf(d, sizeof(d), "pinned %llu bytes, copied %llu bytes (command %zu + reply %zu)",
		 (unsigned long long)(s1.bytes_pinned - s0.bytes_pinned),
		 (unsigned long long)(s1.bytes_copied - s0.bytes_copied),
		 sizeof(struct ava_cmd_hdr) + 3 * sizeof(struct ava_buf_ref), sizeof(struct ava_reply_hdr));
	tap(ok && s1.bytes_pinned - s0.bytes_pinned == 4096 + (1 << 20) - 8192 + 65536 &&
	    s1.bytes_copied - s0.bytes_copied ==
		    sizeof(struct ava_cmd_hdr) + 3 * sizeof(struct ava_buf_ref) + sizeof(struct ava_reply_hdr),
	    "buffers of 4 KiB and more are pinned, not copied; only command and reply are copied", d);
	tap(!stats(fd, &s1) && s1.pinned_pages == 0 && s1.inflight == 0,
	    "nothing stays pinned or in flight after the reply", NULL);
	close(fd);
	free(in);
	free(out);
}

/*
 * Pinned pages count against RLIMIT_MEMLOCK for a user without
 * CAP_IPC_LOCK: at 256 KiB a 1 MiB buffer is refused (ENOMEM), 64 KiB
 * passes, and the charge is given back (the second 64 KiB call passes too).
 */
static void t_memlock(void)
{
	pid_t pid = fork();
	int st = -1;

	if (!pid) {
		struct rlimit rl = { 256 << 10, 256 << 10 };
		uint8_t *buf = aligned_alloc(4096, 1 << 20);
		struct ava_buf_ref big = { (uint64_t)(uintptr_t)buf, 1 << 20, AVA_REF_IN, 0 };
		struct ava_buf_ref small = { (uint64_t)(uintptr_t)buf, 64 << 10, AVA_REF_IN, 0 };
		uint32_t s1 = 99, s2 = 99;
		int fd, r0, r1, r2;

		memset(buf, 1, 1 << 20);
		if (setrlimit(RLIMIT_MEMLOCK, &rl) || setgid(65534) || setuid(65534))
			_exit(2);
		fd = open("/dev/ava", O_RDWR);
		r0 = ping(fd, &big, 1, &s1);
		r1 = ping(fd, &small, 1, &s1);
		r2 = ping(fd, &small, 1, &s2);
		_exit(fd >= 0 && r0 == -ENOMEM && !r1 && !r2 && s1 == AVA_S_OK && s2 == AVA_S_OK ? 0 : 1);
	}
	if (pid > 0)
		waitpid(pid, &st, 0);
	tap(pid > 0 && WIFEXITED(st) && WEXITSTATUS(st) == 0,
	    "without CAP_IPC_LOCK pins count against RLIMIT_MEMLOCK (1 MiB refused at 256 KiB, 64 KiB passes twice)",
	    NULL);
}

/* Session ids stay unique among live sessions when the id counter wraps onto them. */
static void t_session_ids(void)
{
	int fa = open("/dev/ava", O_RDWR), fb, fc;
	struct ava_dev_info a, b, c;
	char path[160] = "", val[32];
	glob_t g;
	FILE *f;

	if (!glob("/sys/kernel/debug/virtio_ava/*/next_session", 0, NULL, &g) && g.gl_pathc)
		snprintf(path, sizeof(path), "%s", g.gl_pathv[0]);
	if (g.gl_pathc)
		globfree(&g);
	if (fa < 0 || ioctl(fa, AVA_DEV_INFO, &a) || !path[0] || !(f = fopen(path, "w"))) {
		tap(0, "session ids: debugfs next_session", path);
		if (fa >= 0)
			close(fa);
		return;
	}
	fprintf(f, "%u\n", a.session);	/* the search starts at a live id */
	fclose(f);
	fb = open("/dev/ava", O_RDWR);
	fc = open("/dev/ava", O_RDWR);
	snprintf(val, sizeof(val), "%u %u %u", a.session, fb >= 0 && !ioctl(fb, AVA_DEV_INFO, &b) ? b.session : 0,
		 fc >= 0 && !ioctl(fc, AVA_DEV_INFO, &c) ? c.session : 0);
	tap(fb >= 0 && fc >= 0 && b.session && c.session && b.session != a.session && c.session != a.session &&
	    b.session != c.session, "a wrapping session id skips the live ones", val);
	close(fa);
	if (fb >= 0)
		close(fb);
	if (fc >= 0)
		close(fc);
}

/* Hostile user: every call fails cleanly or is answered; no oops anywhere. */
/* nrefs random references: flags, lengths and addresses good and bad. */
static void fuzz_refs(struct ava_buf_ref *refs, uint32_t nrefs, uint8_t *ro, uint8_t *buf, uint8_t *hole)
{
	static const uint64_t addrs[] = { 0, 1, 0xffff800000000000ull, 0xffffffffffffff00ull };
	uint32_t k;

	for (k = 0; k < nrefs && k < 4; k++) {
		uint64_t r = rnd();

		refs[k].flags = (r & 7) == 0 ? (uint32_t)rnd() : (r & 1 ? AVA_REF_IN : AVA_REF_OUT);
		refs[k].reserved = (r & 0x70) == 0 ? 1 : 0;
		refs[k].len = (r >> 8) % 16 == 0 ? rnd() : (r >> 12) % 70000 + ((r >> 40) & 1 ? 0 : 1);
		switch ((r >> 32) % 8) {
		case 0: refs[k].offset = addrs[(r >> 36) % 4]; break;
		case 1: refs[k].offset = (uint64_t)(uintptr_t)hole; break;
		case 2: refs[k].offset = (uint64_t)(uintptr_t)ro; break;	/* OUT into read-only memory */
		case 3: refs[k].offset = rnd(); break;
		default: refs[k].offset = (uint64_t)(uintptr_t)buf + (rnd() % (1 << 20)); break;
		}
	}
}

/* counts: answered, EFAULT, EINVAL, E2BIG, ENOTTY, ENOMEM, EIO, other. */
static void count_errno(long *counts, int e)
{
	switch (e) {
	case 0: counts[0]++; break;
	case EFAULT: counts[1]++; break;
	case EINVAL: counts[2]++; break;
	case E2BIG: counts[3]++; break;
	case ENOTTY: counts[4]++; break;
	case ENOMEM: counts[5]++; break;
	case EIO: counts[6]++; break;
	default: counts[7]++; break;
	}
}

static void t_fuzz(long n)
{
	static uint8_t cmd[8192], reply[4096];
	int fd = open("/dev/ava", O_RDWR);
	uint8_t *ro = mmap(NULL, 65536, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
	uint8_t *buf = mmap(NULL, 1 << 20, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	uint8_t *hole = mmap(NULL, 65536, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	long counts[8] = { 0 }, i;
	struct ava_dev_stats st;
	uint32_t s = 99;
	char d[300];
	time_t t0 = time(NULL);

	munmap(hole, 65536);	/* an address nothing is mapped at */
	for (i = 0; i < n; i++) {
		struct ava_dev_call c;
		struct ava_buf_ref refs[4];
		uint32_t nrefs = (uint32_t)(rnd() % 5), len, func, flags;
		uint16_t api;
		unsigned long req;
		void *arg = &c;
		int ret, e;

		fuzz_refs(refs, nrefs, ro, buf, hole);
		api = (uint16_t)(rnd() % 5);
		func = (uint32_t)(rnd() % 300);
		flags = rnd() % 3 ? 0 : AVA_CMD_ASYNC;
		/* a synchronous NOTE_WAIT would rightly wait for callbacks forever */
		if (api == AVA_API_CONTROL && func == AVA_CTL_NOTE_WAIT)
			flags = AVA_CMD_ASYNC;
		len = build(cmd, api, func, flags, (uint32_t)(rnd() % 4) * 8, refs, nrefs);
		switch (rnd() % 12) {	/* break the header now and then */
		case 0: ((struct ava_cmd_hdr *)cmd)->total_len = (uint32_t)rnd(); break;
		case 1: ((struct ava_cmd_hdr *)cmd)->inline_len = (uint32_t)rnd(); break;
		case 2: ((struct ava_cmd_hdr *)cmd)->nrefs = (uint32_t)rnd() % 100; break;
		case 3: ((struct ava_cmd_hdr *)cmd)->flags = (uint32_t)rnd(); break;
		case 4: ((struct ava_cmd_hdr *)cmd)->magic = (uint32_t)rnd(); break;
		case 5: len = (uint32_t)rnd() % sizeof(cmd); break;
		}
		memset(&c, 0, sizeof(c));
		c.cmd = (uint64_t)(uintptr_t)cmd;
		c.cmd_len = len;
		c.reply = (uint64_t)(uintptr_t)reply;
		c.reply_cap = sizeof(reply);
		req = AVA_DEV_CALL;
		switch (rnd() % 16) {	/* and the call itself */
		case 0: c.cmd = rnd() % 2 ? 0 : 0xffff880000000000ull; break;
		case 1: c.cmd_len = (uint32_t)rnd(); break;
		case 2: c.flags = (uint32_t)rnd() | 1; break;
		case 3: c.reply = (uint64_t)(uintptr_t)ro; break;
		case 4: c.reply_cap = (uint32_t)rnd() % 64; break;
		case 5: c.reserved = rnd() | 1; break;
		case 6: arg = rnd() % 2 ? NULL : (void *)0xffffffffff600000ull; break;
		case 7: req = _IOC(_IOC_READ | _IOC_WRITE, AVA_DEV_IOC, rnd() % 256, rnd() % 128); break;
		case 8: req = (unsigned long)rnd(); break;
		case 9: c.reply = (uint64_t)(uintptr_t)hole; break;
		}
		ret = ioctl(fd, req, arg);
		e = ret ? errno : 0;
		count_errno(counts, e);
	}
	ioctl(fd, AVA_DEV_DRAIN);
	snprintf(d, sizeof(d),
		 "%ld calls in %lld s: answered %ld, EFAULT %ld, EINVAL %ld, E2BIG %ld, ENOTTY %ld, ENOMEM %ld, EIO %ld, other %ld",
		 n, (long long)(time(NULL) - t0), counts[0], counts[1], counts[2], counts[3], counts[4], counts[5],
		 counts[6], counts[7]);
	tap(fd >= 0 && counts[7] == 0 && counts[1] && counts[2] && counts[4], "fuzzed ioctls fail cleanly", d);
	tap(!ping(fd, NULL, 0, &s) && s == AVA_S_OK && !stats(fd, &st) && st.pinned_pages == 0,
	    "the session still works after the fuzzing; nothing stays pinned", NULL);
	close(fd);
}

static int write_file(const char *path, const char *s)
{
	int fd = open(path, O_WRONLY);
	int ok = fd >= 0 && write(fd, s, strlen(s)) == (ssize_t)strlen(s);

	if (fd >= 0)
		close(fd);
	return ok ? 0 : -1;
}

/* The driver goes away while a session is open. */
static void t_unbind(void)
{
	int fd = open("/dev/ava", O_RDWR), fd2;
	char name[64] = "", *p;
	uint32_t st = 99;
	glob_t g;
	int rc;

	rc = system("rmmod virtio_ava 2>/dev/null");
	tap(fd >= 0 && rc != 0 && access("/sys/module/virtio_ava", F_OK) == 0,
	    "rmmod virtio_ava is refused while a session is open", NULL);
	if (!glob("/sys/bus/virtio/drivers/virtio_ava/virtio*", 0, NULL, &g) && g.gl_pathc) {
		p = strrchr(g.gl_pathv[0], '/');
		snprintf(name, sizeof(name), "%s", p + 1);
	}
	if (g.gl_pathc)
		globfree(&g);
	tap(name[0] && !write_file("/sys/bus/virtio/drivers/virtio_ava/unbind", name),
	    "unbinding the device with a session open", name);
	tap(ping(fd, NULL, 0, &st) == -ENODEV, "the open session then fails with ENODEV", NULL);
	close(fd);
	tap(!write_file("/sys/bus/virtio/drivers/virtio_ava/bind", name), "binding the device again", NULL);
	fd2 = open("/dev/ava", O_RDWR);
	tap(fd2 >= 0 && !ping(fd2, NULL, 0, &st) && st == AVA_S_OK, "a new session works after the rebind",
	    NULL);
	if (fd2 >= 0)
		close(fd2);
	rc = system("rmmod virtio_ava && insmod /lib/modules/virtio_ava.ko");
	tap(rc == 0 && access("/dev/ava", F_OK) == 0, "unload and reload with no session open", NULL);
}

int main(int argc, char **argv)
{
	long n = argc > 1 ? atol(argv[1]) : 100000;

	t_info();
	t_zero_copy();
	t_memlock();
	t_session_ids();
	t_fuzz(n);
	t_unbind();
	return failures ? 1 : 0;
}
