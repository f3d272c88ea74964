/* SPDX-License-Identifier: (GPL-2.0 WITH Linux-syscall-note) OR MIT */
/*
 * AvA wire protocol: the one command format every transport carries
 * (the `local` shared-memory ring and the virtio device of the `kernel`
 * transport).  Every field is little-endian and fixed-size; the layout
 * never depends on the sender's ABI.  docs/protocol.md describes it.
 *
 * This header is shared by user space and the kernel modules, so it only
 * uses the __u8/__le32 style types (from <linux/types.h>).
 */
#ifndef AVA_UAPI_WIRE_H
#define AVA_UAPI_WIRE_H

#include <linux/types.h>

#define AVA_WIRE_MAGIC		0x31415641u	/* "AVA1" read as LE bytes */
#define AVA_WIRE_VERSION	1u

/* API ids: which generated dispatch table a command is for. */
#define AVA_API_CONTROL		0u	/* session control, no vendor call */
#define AVA_API_OPENCL		1u
#define AVA_API_CUDA		2u	/* CUDA driver API */
#define AVA_API_CUDART		3u	/* CUDA runtime API */
#define AVA_API_CUBLAS		4u	/* cuBLAS (libcublas.so.13) */
#define AVA_API_CUFFT		5u	/* cuFFT (libcufft.so.12) */
#define AVA_API_CURAND		6u	/* cuRAND (libcurand.so.10) */
#define AVA_API_CUDNN		7u	/* cuDNN (libcudnn.so.9) */
#define AVA_API_CUBLASLT	8u	/* cuBLASLt (libcublasLt.so.13) */
#define AVA_API_CUSOLVER	9u	/* cuSOLVER (libcusolver.so.12) */
#define AVA_API_CUSPARSE	10u	/* cuSPARSE (libcusparse.so.12) */
#define AVA_API_COUNT		11u

/* Command flags. */
#define AVA_CMD_ASYNC		(1u << 0)	/* no reply awaited */
/*
 * The call submits device work (spec @submit), set by the guest stub: the
 * host module may hold it while its VM or session is over its share of
 * device time; the kernel transport's worker refuses a @submit call
 * without it (AVA_S_MALFORMED), so clearing it does not escape the policy.
 */
#define AVA_CMD_SUBMIT		(1u << 1)
#define AVA_CMD_KNOWN_FLAGS	(AVA_CMD_ASYNC | AVA_CMD_SUBMIT)

/*
 * Command header: 40 bytes, then inline_len bytes of inline arguments,
 * then nrefs buffer references (struct ava_buf_ref).  The whole command
 * is 8-byte aligned in size.
 */
struct ava_cmd_hdr {
	__le32 magic;
	__le16 version;
	__le16 api_id;
	__le32 func_id;
	__le32 flags;
	__le64 call_id;		/* per session, increasing */
	__le32 inline_len;	/* bytes of inline arguments */
	__le32 nrefs;		/* buffer references after the inline part */
	__le32 total_len;	/* header + inline + refs, multiple of 8 */
	__le32 session;		/* kernel transport: the guest session, set by
				 * the guest driver; local transport: zero */
};

/* Reference to bulk data outside the command (shared arena, guest pages). */
#define AVA_REF_IN		(1u << 0)	/* data flows to the worker */
#define AVA_REF_OUT		(1u << 1)	/* data flows back to the caller */
#define AVA_REF_STREAM		(1u << 2)	/* streamed through a ring (local transport) */
#define AVA_REF_KNOWN_FLAGS	(AVA_REF_IN | AVA_REF_OUT | AVA_REF_STREAM)

struct ava_buf_ref {
	__le64 offset;		/* transport-defined: arena offset, or guest address */
	__le64 len;
	__le32 flags;
	__le32 reserved;	/* zero; AVA_REF_STREAM: the ring's size as a
				 * shift (common/shm_layout.h) */
};

/* Reply header: 32 bytes, then inline_len bytes of inline results. */
struct ava_reply_hdr {
	__le32 magic;
	__le16 version;
	__le16 api_id;
	__le32 func_id;
	__le32 status;		/* AVA_S_*: transport-level outcome */
	__le64 call_id;
	__le32 inline_len;
	__le32 exec_ns_lo;	/* worker time spent in the vendor call, ns */
};

/*
 * Transport-level status.  AVA_S_OK means the call reached the vendor API
 * (whose own result is in the inline part); anything else means it did
 * not, and the stub converts it to the API's own error code.
 */
#define AVA_S_OK		0u
#define AVA_S_BAD_MAGIC		1u	/* magic or version mismatch */
#define AVA_S_BAD_API		2u	/* unknown API id */
#define AVA_S_BAD_FUNC		3u	/* unknown function id */
#define AVA_S_MALFORMED		4u	/* lengths, flags or encoding wrong */
#define AVA_S_BAD_HANDLE	5u	/* handle not in this session's table */
#define AVA_S_TOO_LARGE		6u	/* a size exceeds a limit */
#define AVA_S_NO_MEMORY		7u	/* worker could not allocate */
#define AVA_S_UNSUPPORTED	8u	/* function cannot be remoted */
#define AVA_S_BAD_REF		9u	/* buffer reference out of bounds */
#define AVA_S_WORKER_LOST	10u	/* the worker went away before answering */
#define AVA_S_BAD_SESSION	11u	/* not a live session of the instance */

/*
 * Inline argument encoding: a sequence of 8-byte aligned items in
 * parameter order.  Scalars take 8 bytes (zero- or sign-extended).
 * Variable data is a u64 byte count followed by the bytes, padded to 8.
 * A pointer argument is preceded by a u64 presence word (0 = NULL).
 * Handles are u64 ids chosen per session; 0 is the NULL handle.
 */
#define AVA_ITEM_ALIGN		8u

/* Handle ids: ids with the top bit set are chosen by the worker. */
#define AVA_HANDLE_WORKER_BIT	(1ull << 63)

/* Limits every side enforces. */
#define AVA_MAX_INLINE		(1u << 20)	/* inline part of one command */
#define AVA_MAX_REFS		64u
#define AVA_MAX_REPLY_INLINE	(1u << 20)
/* the largest command and reply any side sends or accepts */
#define AVA_MAX_CMD		(sizeof(struct ava_cmd_hdr) + AVA_MAX_INLINE + \
				 AVA_MAX_REFS * sizeof(struct ava_buf_ref))
#define AVA_MAX_REPLY		(sizeof(struct ava_reply_hdr) + AVA_MAX_REPLY_INLINE)

/* Control functions (api_id == AVA_API_CONTROL). */
#define AVA_CTL_HELLO		1u	/* inline: u64 wire version, u64 api id */
#define AVA_CTL_PING		2u	/* empty; replies empty */
#define AVA_CTL_RELEASE		3u	/* inline: u64 api id, u64 handle id */
#define AVA_CTL_STATS		4u	/* replies AVA_STAT_COUNT u64 counters */
#define AVA_CTL_PENDING		5u	/* inline: u64 pending id, out item; replies
					 * u64 state (0 running, 1 done, 2 failed)
					 * and the data once done */
#define AVA_CTL_CLOSE		6u	/* kernel transport: the session ends; the
					 * worker releases what it held; empty */
#define AVA_CTL_NOTE_WAIT	7u	/* kernel transport: empty; answered once
					 * callback notifications are due: u64 n,
					 * then n x (u64 cookie, s64 status); n = 0
					 * when the session ends */
#define AVA_CTL_SHARE_MEM	8u	/* local transport: inline: u64 api id, u64
					 * handle id of memory the worker can share
					 * (CUDA pinned host memory); the worker sends
					 * struct ava_shared_mem with the memory's file
					 * descriptor on the session socket, then
					 * replies empty */

/* Sent with the file descriptor (SCM_RIGHTS) for AVA_CTL_SHARE_MEM. */
struct ava_shared_mem {
	__le64 handle;		/* the handle id the caller asked for */
	__le64 size;		/* bytes the caller may map */
};

/* Most notifications in one AVA_CTL_NOTE_WAIT reply. */
#define AVA_NOTE_BATCH		256u

/* Counters of AVA_CTL_STATS, in reply order. */
#define AVA_STAT_CALLS		0u	/* commands processed */
#define AVA_STAT_ERRORS		1u	/* commands refused (bad input) */
#define AVA_STAT_HANDLES	2u	/* live handles in the session table */
#define AVA_STAT_MAPS		3u	/* live mappings */
#define AVA_STAT_INLINE_BYTES	4u	/* bytes received inline */
#define AVA_STAT_ARENA_BYTES	5u	/* bytes passed through the arena */
#define AVA_STAT_VENDOR_NS	6u	/* worker time inside the vendor's calls */
#define AVA_STAT_OWN_NS		7u	/* ... handling commands around them */
#define AVA_STAT_WAIT_NS	8u	/* ... waiting for the next command */
#define AVA_STAT_COUNT		9u

#endif /* AVA_UAPI_WIRE_H */
