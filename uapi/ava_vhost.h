/* SPDX-License-Identifier: (GPL-2.0 WITH Linux-syscall-note) OR MIT */
/*
 * /dev/vhost-ava: how a worker process takes the commands of one AvA
 * instance (an mdev) and answers them.
 *
 *   fd = open("/dev/vhost-ava", O_RDWR);
 *   ioctl(fd, AVA_VHOST_ATTACH, &attach);      bind to one instance
 *   ro = mmap(NULL, attach.window, PROT_READ, MAP_SHARED, fd, 0);
 *   rw = mmap(NULL, attach.window, PROT_READ | PROT_WRITE, MAP_SHARED,
 *             fd, attach.window);
 *   loop: poll(fd, POLLIN) or a blocking AVA_VHOST_GET_CMD, run the
 *         command, AVA_VHOST_COMPLETE.
 *
 * The command is the wire command (uapi/ava_wire.h) as the guest sent
 * it, except that every ava_buf_ref.offset is an offset into the fd's
 * mapping space: below attach.window for read-only data (AVA_REF_IN
 * only), from attach.window for writable data (AVA_REF_OUT).  The
 * guest pages stay mapped there until the command completes, the
 * device is reset, or the guest unmaps the memory.
 * Closing the fd detaches; commands not completed are answered with
 * AVA_S_WORKER_LOST and the instance waits for the next worker.
 */
#ifndef AVA_VHOST_UAPI_H
#define AVA_VHOST_UAPI_H

#include <linux/types.h>
#include <linux/ioctl.h>

#include "ava_wire.h"

#define AVA_VHOST_IOC		0xAF

struct ava_vhost_attach {
	char instance[64];	/* in: mdev name (UUID), NUL terminated */
	__u64 window;		/* out: bytes of each mapping window */
	__u32 flags;		/* in: AVA_VHOST_ATTACH_* */
	__u32 reserved;
};

/*
 * The worker wants to hear of device resets: AVA_VHOST_GET_CMD then
 * returns an event (flags AVA_VHOST_CMD_RESET, no command, token 0)
 * once after the guest reset the device, which ended every guest
 * session (the guest driver went away or the VM restarted).
 */
#define AVA_VHOST_ATTACH_RESETS	(1u << 0)

struct ava_vhost_cmd {
	__u64 buf;		/* in: user buffer for the command */
	__u32 buf_len;		/* in: its size */
	__u32 cmd_len;		/* out: size of the command */
	__u64 token;		/* out: id for AVA_VHOST_COMPLETE */
	__u32 flags;		/* in: 0; out: AVA_VHOST_CMD_* */
	union {
		__u32 reserved;	/* in: 0 */
		__u32 session;	/* out: session of an AVA_VHOST_CMD_SESSION
				 * or AVA_VHOST_CMD_CLOSING event */
	};
};

#define AVA_VHOST_CMD_RESET	(1u << 0)	/* a reset event, no command */

struct ava_vhost_complete {
	__u64 token;		/* in: from AVA_VHOST_GET_CMD */
	__u64 reply;		/* in: struct ava_reply_hdr + inline results */
	__u32 reply_len;	/* in: its size */
	__u32 reserved;
	__u64 exec_ns;		/* in: device time the command used */
};

/* per-session counters, as debugfs shows them */
struct ava_vhost_stats {
	__u64 cmds;		/* commands taken */
	__u64 completed;	/* commands answered */
	__u64 bytes_mapped;	/* buffer bytes mapped into the worker */
	__u64 exec_ns;		/* sum of reported exec_ns */
	__u64 errors;		/* bad completions, failed mappings */
};

/*
 * Device memory of the instance's guest sessions (docs/host-module.md,
 * share.c): a worker charges what its session allocates before the vendor
 * call and uncharges what the session frees; the dispatcher ends a
 * session whose worker is gone, and closing the file ends them all.  A
 * charge that would take the instance past its mem_quota_bytes fails with
 * ENOSPC and charges nothing.
 */
struct ava_vhost_mem {
	__u32 op;		/* in: AVA_VHOST_MEM_* */
	__u32 session;		/* in: the wire header's session */
	__u64 bytes;		/* in: CHARGE, UNCHARGE */
	__u64 quota;		/* out: mem_quota_bytes (0: none) */
	__u64 used;		/* out: mem_used_bytes after the op */
};

#define AVA_VHOST_MEM_QUERY	0
#define AVA_VHOST_MEM_CHARGE	1
#define AVA_VHOST_MEM_UNCHARGE	2	/* at most what the session holds */
#define AVA_VHOST_MEM_END	3	/* the session ended: all of it */

/*
 * Device time (docs/device-time.md, host-vhost-ava/time.c): a worker
 * reports the measured device time of its session's work; on a session
 * file it is charged to the file's own session and to the instance (VM),
 * on a plain attached file to the instance only.  At most
 * AVA_VHOST_TIME_MAX_NS per report (EINVAL).  With
 * AVA_VHOST_TIME_UNFLAGGED (device_ns 0) the worker says it refused a
 * submission that came without AVA_CMD_SUBMIT (counted: debugfs stats
 * submit_unflagged).
 *
 * inflight: how many of the file's submissions are on the device, not yet
 * measured, as of this report (at most AVA_VHOST_TIME_INFLIGHT_MAX,
 * EINVAL).  While some are, the module counts the VM and the session
 * active and lets no other VM's (session's) work on the device, for
 * AVA_SCHED_INFLIGHT_NS (250 ms) after a submission last went at most.
 * 0 means nothing in flight, or, from a worker that never reports a
 * count (the field was reserved, 0), not reported: a file's count is
 * used from its first report of a nonzero count on.  Refused reports are
 * counted (debugfs stats: time_refused).
 */
struct ava_vhost_time {
	__u64 device_ns;	/* in: device time measured since the last report */
	__u32 flags;		/* in: 0 or AVA_VHOST_TIME_UNFLAGGED */
	__u32 inflight;		/* in: submissions in flight, unmeasured (0: none or not reported) */
};

#define AVA_VHOST_TIME_MAX_NS		10000000000ull
#define AVA_VHOST_TIME_UNFLAGGED	(1u << 0)
#define AVA_VHOST_TIME_INFLIGHT_MAX	1024u

#define AVA_VHOST_ATTACH	_IOWR(AVA_VHOST_IOC, 1, struct ava_vhost_attach)
#define AVA_VHOST_GET_CMD	_IOWR(AVA_VHOST_IOC, 2, struct ava_vhost_cmd)
#define AVA_VHOST_COMPLETE	_IOW(AVA_VHOST_IOC, 3, struct ava_vhost_complete)
#define AVA_VHOST_GET_STATS	_IOR(AVA_VHOST_IOC, 4, struct ava_vhost_stats)
#define AVA_VHOST_MEM		_IOWR(AVA_VHOST_IOC, 16, struct ava_vhost_mem)
#define AVA_VHOST_TIME		_IOW(AVA_VHOST_IOC, 17, struct ava_vhost_time)

/*
 * Sessions (decision 11: the module, not the worker, keeps the guest
 * sessions of one instance apart).  A file attached with
 * AVA_VHOST_ATTACH_SESSIONS (the dispatcher) takes no commands: its
 * AVA_VHOST_GET_CMD reports events (no command, token 0):
 *   AVA_VHOST_CMD_SESSION  commands of session c.session wait and the
 *                          session has no file: open it or refuse it
 *                          (reported until one of the two is done);
 *   AVA_VHOST_CMD_CLOSING  the guest closed session c.session (its
 *                          AVA_CTL_CLOSE is queued to the session file).
 *
 *   struct ava_vhost_session s = { .session = c.session };
 *   sfd = ioctl(fd, AVA_VHOST_OPEN_SESSION, &s);   a new file (O_CLOEXEC)
 *
 * sfd works like an attached file (mmap its two windows, GET_CMD,
 * COMPLETE, poll, GET_STATS) but sees only the session's commands and
 * guest pages.  A COMPLETE of a token of another file, or a fault on a
 * page the file does not hold, is refused (-EPERM, SIGBUS) and counted
 * (debugfs stats: foreign_refused).  Commands of a live session go only
 * to its file; a command of session 0, one of a refused session
 * (AVA_VHOST_SESSION_REFUSE) and one that comes after its session's
 * AVA_CTL_CLOSE are answered AVA_S_BAD_SESSION (bad_session); one that
 * would make its session hold more than session_backlog_pct of
 * backlog_mb is answered AVA_S_NO_MEMORY (session_full), AVA_CTL_CLOSE
 * excepted.  Closing sfd ends the session: what it did not complete is
 * answered AVA_S_WORKER_LOST, its pages are unpinned, and its id is
 * retired: later commands with it are answered AVA_S_BAD_SESSION, until
 * a device reset (the guest starts over).  A device reset or the
 * dispatcher's detach ends every session (GET_CMD on sfd then fails with
 * ENODEV, poll says POLLHUP).
 */
#define AVA_VHOST_ATTACH_SESSIONS	(1u << 1)
#define AVA_VHOST_CMD_SESSION		(1u << 1)
#define AVA_VHOST_CMD_CLOSING		(1u << 2)

struct ava_vhost_session {
	__u32 session;		/* in: a session id of an event, not 0 */
	__u32 flags;		/* in: 0 or AVA_VHOST_SESSION_REFUSE */
};

/* answer the session's waiting commands AVA_S_BAD_SESSION, open nothing */
#define AVA_VHOST_SESSION_REFUSE	(1u << 0)

#define AVA_VHOST_OPEN_SESSION	_IOW(AVA_VHOST_IOC, 0x20, struct ava_vhost_session)

#endif /* AVA_VHOST_UAPI_H */
