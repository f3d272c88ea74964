/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * virtio_ava: definitions shared by the files of the guest driver.
 *
 * Every request holds a reference on its session and every session one
 * on the device, so a request the waiter gave up on (killed), an
 * asynchronous one, or one still in flight when the file is closed is
 * freed when the host returns it, or when the device goes away.
 */
#ifndef AVA_GUEST_H
#define AVA_GUEST_H

#include <linux/kernel.h>
#include <linux/virtio.h>
#include <linux/miscdevice.h>
#include <linux/mutex.h>
#include <linux/wait.h>
#include <linux/completion.h>
#include <linux/kref.h>
#include <linux/sched.h>
#include <linux/workqueue.h>
#include <linux/scatterlist.h>
#include <linux/xarray.h>

#include "../uapi/ava_wire.h"
#include "../uapi/ava_virtio.h"
#include "../uapi/ava_dev.h"

#define AVA_MAX_QUEUES	8
#define AVA_HDR_LEN	sizeof(struct ava_cmd_hdr)
#define AVA_REF_LEN	sizeof(struct ava_buf_ref)
#define AVA_REPLY_HDR	sizeof(struct ava_reply_hdr)

struct ava_guest_dev;

struct ava_guest_queue {
	struct virtqueue *vq;
	struct ava_guest_dev *d;
	struct mutex lock;		/* ring: add, get, detach */
	wait_queue_head_t space;	/* descriptors freed */
	struct work_struct done_work;
	bool dead;			/* the device is going away */
};

struct ava_guest_counters {
	atomic64_t calls;
	atomic64_t async_calls;
	atomic64_t errors;
	atomic64_t bytes_pinned;
	atomic64_t bytes_copied;
	atomic64_t pinned_pages;
	atomic64_t inflight;
};

struct ava_guest_dev {
	struct kref ref;
	struct virtio_device *vdev;
	struct ava_guest_queue q[AVA_MAX_QUEUES];
	unsigned int nq;
	struct miscdevice misc;
	char name[16];
	int index;
	bool dead;
	/* device configuration, read at probe (worker: on change too) */
	u32 max_inline, max_refs, max_chain, worker;
	u64 max_ref_bytes;
	struct mutex lock;		/* sessions */
	struct list_head sessions;
	struct xarray ids;		/* live sessions by id, d->lock */
	u32 next_id;			/* where the next id search starts */
	u64 sessions_total;
	struct ava_guest_counters st;
	struct dentry *dbg;
};

struct ava_guest_sess {
	struct kref ref;
	struct ava_guest_dev *d;
	struct ava_guest_queue *q;
	u32 id;
	pid_t pid;
	char comm[TASK_COMM_LEN];
	bool used;			/* a command was sent */
	struct work_struct close_work;	/* tells the host the session ended */
	atomic_t async_inflight;
	wait_queue_head_t wq;		/* async completions */
	struct ava_guest_counters st;
	struct list_head node;		/* d->sessions */
};

struct ava_guest_req {
	struct kref ref;
	struct ava_guest_sess *s;
	struct completion done;
	bool async;
	bool failed;			/* the device went away */
	u32 used_len;
	void *cmd;
	u32 cmd_len;
	void *reply;			/* reply room */
	u32 reply_room;
	struct page **pages;		/* read-only pages first */
	u32 npages, nro;
	struct mm_struct *mm;		/* charged for the pinned pages */
	u64 charged;			/* pages in mm->pinned_vm */
	struct scatterlist *sg_out, *sg_in;
	u8 small_reply[AVA_REPLY_HDR];	/* reply room of async commands */
};

/* main.c */
extern unsigned int ava_guest_max_async;
extern struct workqueue_struct *ava_guest_wq;	/* completions, session ends */
void ava_guest_dev_release(struct kref *ref);

/* vq.c: virtqueues and the lifetime of requests */
void ava_guest_sess_release(struct kref *ref);
void ava_guest_req_put(struct ava_guest_req *r);
void ava_guest_req_free_bufs(struct ava_guest_req *r);
void ava_guest_req_finish(struct ava_guest_req *r, u32 len, bool failed);
void ava_guest_done_work(struct work_struct *work);
void ava_guest_vq_cb(struct virtqueue *vq);
int ava_guest_req_submit(struct ava_guest_req *r, unsigned int nout,
			 unsigned int nin);

/* pin.c: the user pages a command refers to */
struct ava_guest_ref_info;
struct ava_guest_refs {
	u32 n;				/* references */
	u64 bytes;			/* their bytes */
	u64 npages;			/* their pages */
	u32 nout, nin;			/* descriptors built */
	struct ava_guest_ref_info *ri;	/* while being set up */
};

int ava_guest_refs_prepare(struct ava_guest_dev *d, struct ava_guest_req *r,
			   struct ava_guest_refs *rs);
void ava_guest_unpin(struct ava_guest_req *r, bool dirty);

/* call.c: AVA_DEV_CALL and the session's end */
long ava_guest_do_call(struct ava_guest_sess *s,
		       struct ava_dev_call __user *ucall);
void ava_guest_send_close(struct ava_guest_sess *s);

/* chardev.c: /dev/ava */
extern const struct file_operations ava_guest_fops;

/* sysfs.c: counters in sysfs and sessions in debugfs */
extern const struct attribute_group ava_guest_attr_group;
void ava_guest_debugfs_add(struct ava_guest_dev *d, struct dentry *root);

/* Add v to a counter of the session and of its device. */
static inline void ava_guest_cnt_add(struct ava_guest_sess *s, size_t off,
				     s64 v)
{
	atomic64_add(v, (atomic64_t *)((u8 *)&s->st + off));
	atomic64_add(v, (atomic64_t *)((u8 *)&s->d->st + off));
}

#define AVA_GUEST_CNT(s, field, v) \
	ava_guest_cnt_add(s, offsetof(struct ava_guest_counters, field), v)

#endif /* AVA_GUEST_H */
