/* SPDX-License-Identifier: (GPL-2.0 WITH Linux-syscall-note) OR MIT */
/*
 * /dev/ava: the guest driver's interface (guest-kmod/virtio_ava.ko,
 * docs/guest-driver.md).  Each open file is one AvA session: the host
 * gives it its own worker process and handle table, and closing the file
 * (also when the process dies) ends it on the host.
 *
 *   fd = open("/dev/ava", O_RDWR | O_CLOEXEC);
 *   ioctl(fd, AVA_DEV_INFO, &info);            versions, limits
 *   ioctl(fd, AVA_DEV_CALL, &call);            one wire command
 *   ioctl(fd, AVA_DEV_DRAIN);                  wait for async commands
 *   ioctl(fd, AVA_DEV_STATS, &stats);          this session's counters
 *
 * AVA_DEV_CALL takes a wire command (uapi/ava_wire.h) in user memory.  The
 * driver copies the command (header, inline arguments, reference table)
 * and sets its session field; each buffer reference's offset is the user
 * address of its data, whose pages the driver pins and places in the
 * virtqueue descriptors without copying (read-only for AVA_REF_IN only,
 * writable when AVA_REF_OUT).  A command without AVA_CMD_ASYNC waits for
 * its reply, which is written to call.reply; an asynchronous one returns
 * once queued and its pages stay pinned until the host completes it.
 *
 * Limits (see struct ava_dev_info): the command at most max_cmd bytes;
 * all references of one command at most max_ref_bytes bytes and
 * max_pieces physically contiguous pieces (with 4 KiB pages and the
 * host's default max_chain of 4096: at least 16 MiB, more when the
 * memory is in huge pages); at most max_async asynchronous commands of
 * a session in flight (AVA_DEV_CALL waits for one to finish).
 *
 * Errors: EFAULT (bad user address), EINVAL (malformed command or
 * argument, unknown flags), E2BIG (over a limit), ENOMEM, EINTR (killed
 * while waiting: the command still completes on the host), ENODEV (the
 * device went away or was reset), ENOTTY (unknown ioctl).  A command the
 * host refused still returns 0: the reply's status says why.
 */
#ifndef AVA_UAPI_DEV_H
#define AVA_UAPI_DEV_H

#include <linux/types.h>
#include <linux/ioctl.h>

#define AVA_DEV_ABI_VERSION	1u
#define AVA_DEV_IOC		0xAF	/* shared with /dev/vhost-ava; numbers 0x40+ */

struct ava_dev_info {
	__u32 abi_version;	/* AVA_DEV_ABI_VERSION */
	__u32 wire_version;	/* AVA_WIRE_VERSION the host speaks */
	__u32 session;		/* this file's session id */
	__u32 queue;		/* the virtqueue it uses */
	__u32 num_queues;
	__u32 worker;		/* 1 while a host worker is attached */
	__u32 max_inline;	/* bytes of inline arguments per command */
	__u32 max_refs;		/* references per command */
	__u32 max_cmd;		/* bytes of one command */
	__u32 max_pieces;	/* contiguous pieces of all references */
	__u64 max_ref_bytes;	/* bytes of all references of one command */
	__u32 max_async;	/* async commands of a session in flight */
	__u32 max_chain;	/* descriptors per chain (the host's) */
	__u64 reserved[2];
};

struct ava_dev_call {
	__u64 cmd;		/* in: user address of the wire command */
	__u32 cmd_len;		/* in: its length (its total_len) */
	__u32 flags;		/* in: 0 */
	__u64 reply;		/* in: user buffer for the reply (sync only) */
	__u32 reply_cap;	/* in: its size, at least 32 (sync only) */
	__u32 reply_len;	/* out: bytes of reply written */
	__u64 reserved;		/* in: 0 */
};

/* Counters of one session (AVA_DEV_STATS); device-wide ones are in sysfs. */
struct ava_dev_stats {
	__u64 calls;		/* commands submitted */
	__u64 async_calls;	/* of which asynchronous */
	__u64 errors;		/* replies with a status other than AVA_S_OK */
	__u64 bytes_pinned;	/* reference bytes pinned (not copied) */
	__u64 bytes_copied;	/* command and reply bytes copied */
	__u64 inflight;		/* commands not yet completed, now */
	__u64 pinned_pages;	/* pages pinned now */
	__u64 reserved;
};

#define AVA_DEV_INFO	_IOR(AVA_DEV_IOC, 0x40, struct ava_dev_info)
#define AVA_DEV_CALL	_IOWR(AVA_DEV_IOC, 0x41, struct ava_dev_call)
#define AVA_DEV_DRAIN	_IO(AVA_DEV_IOC, 0x42)
#define AVA_DEV_STATS	_IOR(AVA_DEV_IOC, 0x43, struct ava_dev_stats)

#endif /* AVA_UAPI_DEV_H */
