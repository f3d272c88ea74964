// SPDX-License-Identifier: GPL-2.0-only
/*
 * virtio_ava: the guest driver of the AvA virtual accelerator.
 *
 * The device (uapi/ava_virtio.h) takes AvA wire commands (uapi/ava_wire.h)
 * on its virtqueues, one descriptor chain per command, and hands them to
 * a host worker that runs them on the host's accelerator API.  This
 * driver gives user space /dev/ava (uapi/ava_dev.h): every open file is
 * one session, whose commands carry its id in the wire header; buffers a
 * command refers to are pinned and placed in the descriptors, never
 * copied.  Closing the file ends the session on the host.
 *
 * Completions come by interrupt; the queue's work item returns them.
 * Every request holds a reference on its session and every session one
 * on the device, so a request the waiter gave up on (killed), an
 * asynchronous one, or one still in flight when the file is closed is
 * freed when the host returns it, or when the device goes away.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/kernel.h>
#include <linux/virtio.h>
#include <linux/virtio_config.h>
#include <linux/miscdevice.h>
#include <linux/fs.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>
#include <linux/scatterlist.h>
#include <linux/uaccess.h>
#include <linux/wait.h>
#include <linux/completion.h>
#include <linux/kref.h>
#include <linux/idr.h>
#include <linux/debugfs.h>
#include <linux/seq_file.h>
#include <linux/sched.h>
#include <linux/workqueue.h>

#include "../uapi/ava_wire.h"
#include "../uapi/ava_virtio.h"
#include "../uapi/ava_dev.h"

#define AVA_MAX_QUEUES	8
#define AVA_HDR_LEN	sizeof(struct ava_cmd_hdr)
#define AVA_REF_LEN	sizeof(struct ava_buf_ref)
#define AVA_REPLY_HDR	sizeof(struct ava_reply_hdr)

static unsigned int virtio_id = AVA_VIRTIO_ID_DEFAULT;
module_param(virtio_id, uint, 0444);
MODULE_PARM_DESC(virtio_id, "virtio device id of the AvA device (1-63, default 63; provisional)");

static unsigned int max_async = 256;
module_param(max_async, uint, 0444);
MODULE_PARM_DESC(max_async, "asynchronous commands of one session in flight (1-65536)");

struct ava_dev;

struct ava_queue {
	struct virtqueue *vq;
	struct ava_dev *d;
	struct mutex lock;		/* ring: add, get, detach */
	wait_queue_head_t space;	/* descriptors freed */
	struct work_struct done_work;
	bool dead;			/* the device is going away */
};

struct ava_counters {
	atomic64_t calls;
	atomic64_t async_calls;
	atomic64_t errors;
	atomic64_t bytes_pinned;
	atomic64_t bytes_copied;
	atomic64_t pinned_pages;
	atomic64_t inflight;
};

struct ava_dev {
	struct kref ref;
	struct virtio_device *vdev;
	struct ava_queue q[AVA_MAX_QUEUES];
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
	atomic_t next_id;
	u64 sessions_total;
	struct ava_counters st;
	struct dentry *dbg;
};

struct ava_sess {
	struct kref ref;
	struct ava_dev *d;
	struct ava_queue *q;
	u32 id;
	pid_t pid;
	char comm[TASK_COMM_LEN];
	bool used;			/* a command was sent */
	struct work_struct close_work;	/* tells the host the session ended */
	atomic_t async_inflight;
	wait_queue_head_t wq;		/* async completions */
	struct ava_counters st;
	struct list_head node;		/* d->sessions */
};

struct ava_req {
	struct kref ref;
	struct ava_sess *s;
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
	struct scatterlist *sg_out, *sg_in;
	u8 small_reply[AVA_REPLY_HDR];	/* reply room of async commands */
};

static struct workqueue_struct *ava_wq;	/* completions, session ends */
static struct dentry *ava_dbg_root;
static DEFINE_IDA(ava_ida);

static struct virtio_device_id id_table[] = {
	{ AVA_VIRTIO_ID_DEFAULT, VIRTIO_DEV_ANY_ID },
	{ 0 },
};

/* ------------------------------------------------------------ counters */

static void cnt_add(struct ava_sess *s, size_t off, s64 v)
{
	atomic64_add(v, (atomic64_t *)((u8 *)&s->st + off));
	atomic64_add(v, (atomic64_t *)((u8 *)&s->d->st + off));
}

#define CNT(s, field, v) cnt_add(s, offsetof(struct ava_counters, field), v)

/* ------------------------------------------------------ object lifetime */

static void ava_dev_release(struct kref *ref)
{
	struct ava_dev *d = container_of(ref, struct ava_dev, ref);

	ida_free(&ava_ida, d->index);
	kfree(d);
}

static void ava_sess_release(struct kref *ref)
{
	struct ava_sess *s = container_of(ref, struct ava_sess, ref);
	struct ava_dev *d = s->d;

	mutex_lock(&d->lock);
	list_del(&s->node);
	mutex_unlock(&d->lock);
	kfree(s);
	kref_put(&d->ref, ava_dev_release);
}

static void ava_req_release(struct kref *ref)
{
	struct ava_req *r = container_of(ref, struct ava_req, ref);
	struct ava_sess *s = r->s;

	if (r->npages) {
		unpin_user_pages(r->pages, r->nro);
		unpin_user_pages_dirty_lock(r->pages + r->nro,
					    r->npages - r->nro, true);
		CNT(s, pinned_pages, -(s64)r->npages);
	}
	kvfree(r->pages);
	kfree(r->sg_out);
	kfree(r->sg_in);
	kvfree(r->cmd);
	if (r->reply != r->small_reply)
		kfree(r->reply);
	CNT(s, inflight, -1);
	if (r->async && atomic_dec_return(&s->async_inflight) < (int)max_async)
		wake_up_all(&s->wq);
	kfree(r);
	kref_put(&s->ref, ava_sess_release);
}

static void req_put(struct ava_req *r)
{
	kref_put(&r->ref, ava_req_release);
}

/* The host returned r (len bytes written), or the device went away. */
static void req_finish(struct ava_req *r, u32 len, bool failed)
{
	const struct ava_reply_hdr *rh = r->reply;

	r->used_len = min(len, r->reply_room);
	r->failed = failed;
	if (failed || r->used_len < AVA_REPLY_HDR || le32_to_cpu(rh->status))
		CNT(r->s, errors, 1);
	CNT(r->s, bytes_copied, r->used_len);
	complete(&r->done);
	req_put(r);		/* the device's reference */
}

/* ---------------------------------------------------------- virtqueues */

static void ava_done_work(struct work_struct *work)
{
	struct ava_queue *q = container_of(work, struct ava_queue, done_work);
	struct ava_req *r;
	unsigned int len;

	mutex_lock(&q->lock);
	if (q->dead)
		goto out;
	do {
		virtqueue_disable_cb(q->vq);
		while ((r = virtqueue_get_buf(q->vq, &len)))
			req_finish(r, len, false);
	} while (!virtqueue_enable_cb(q->vq));
out:
	mutex_unlock(&q->lock);
	wake_up_all(&q->space);
}

static void ava_vq_cb(struct virtqueue *vq)
{
	struct ava_dev *d = vq->vdev->priv;

	queue_work(ava_wq, &d->q[vq->index].done_work);
}

/* Put r on its session's queue and notify the device. */
static int req_submit(struct ava_req *r, unsigned int nout, unsigned int nin)
{
	struct ava_queue *q = r->s->q;
	struct scatterlist *sgs[2] = { r->sg_out, r->sg_in };
	unsigned int need = 1, size;
	bool notify;
	int ret;

	for (;;) {
		mutex_lock(&q->lock);
		if (q->dead) {
			mutex_unlock(&q->lock);
			return -ENODEV;
		}
		ret = virtqueue_add_sgs(q->vq, sgs, 1, 1, r, GFP_KERNEL);
		if (ret != -ENOSPC)
			break;
		size = virtqueue_get_vring_size(q->vq);
		if (q->vq->num_free == size) {
			/* it will never fit: too many pieces without indirect */
			mutex_unlock(&q->lock);
			return -E2BIG;
		}
		/*
		 * With an indirect table one free descriptor is enough; if
		 * that failed with room, the table could not be allocated
		 * and the chain needs all its descriptors in the ring.
		 */
		if (q->vq->num_free >= need)
			need = min(nout + nin, size);
		mutex_unlock(&q->lock);
		if (wait_event_killable(q->space, READ_ONCE(q->dead) ||
					READ_ONCE(q->vq->num_free) >= need))
			return -EINTR;
	}
	if (ret) {
		mutex_unlock(&q->lock);
		return ret == -ENOMEM ? -ENOMEM : -EIO;
	}
	notify = virtqueue_kick_prepare(q->vq);
	mutex_unlock(&q->lock);
	if (notify)
		virtqueue_notify(q->vq);
	return 0;
}

/* ------------------------------------------------------------ commands */

struct ava_ref_info {
	u64 addr;
	u64 len;
	bool write;
	u32 first;		/* index of its first page */
	u32 npages;
	u32 pieces;
};

static u32 span_pages(u64 addr, u64 len)
{
	return (PAGE_ALIGN(addr + len) - (addr & PAGE_MASK)) >> PAGE_SHIFT;
}

/* Pieces of a reference: runs of physically contiguous pages. */
static u32 count_pieces(struct page **p, u32 n)
{
	u32 i, pieces = n ? 1 : 0;

	for (i = 1; i < n; i++)
		if (page_to_pfn(p[i]) != page_to_pfn(p[i - 1]) + 1)
			pieces++;
	return pieces;
}

static struct scatterlist *add_ref_sg(struct scatterlist *sg, struct page **p,
				      const struct ava_ref_info *ri)
{
	u64 off = offset_in_page(ri->addr), left = ri->len;
	u32 i = 0;

	while (left) {
		u32 j = i + 1;
		u64 run;

		while (j < ri->npages &&
		       page_to_pfn(p[j]) == page_to_pfn(p[j - 1]) + 1)
			j++;
		run = min_t(u64, left, (u64)(j - i) * PAGE_SIZE - off);
		sg_set_page(sg, p[i], run, off);
		sg = sg_next(sg);
		left -= run;
		off = 0;
		i = j;
	}
	return sg;
}

/* Pieces of a kernel buffer (kmalloc: one; vmalloc: one per page). */
static u32 buf_pieces(const void *buf, u32 len)
{
	if (!is_vmalloc_addr(buf))
		return 1;
	return span_pages((unsigned long)buf, len);
}

static struct scatterlist *add_buf_sg(struct scatterlist *sg, void *buf,
				      u32 len)
{
	if (!is_vmalloc_addr(buf)) {
		sg_set_buf(sg, buf, len);
		return sg_next(sg);
	}
	while (len) {
		u32 n = min_t(u32, len, PAGE_SIZE - offset_in_page(buf));

		sg_set_page(sg, vmalloc_to_page(buf), n, offset_in_page(buf));
		sg = sg_next(sg);
		buf += n;
		len -= n;
	}
	return sg;
}

/* Checks the wire framing that the driver itself relies on. */
static int check_cmd(struct ava_dev *d, const struct ava_cmd_hdr *h, u32 len)
{
	u32 inl = le32_to_cpu(h->inline_len);
	u32 nrefs = le32_to_cpu(h->nrefs);

	if (le32_to_cpu(h->magic) != AVA_WIRE_MAGIC ||
	    le16_to_cpu(h->version) != AVA_WIRE_VERSION ||
	    (le32_to_cpu(h->flags) & ~AVA_CMD_KNOWN_FLAGS) ||
	    inl % AVA_ITEM_ALIGN || le32_to_cpu(h->total_len) != len)
		return -EINVAL;
	if (inl > d->max_inline || nrefs > d->max_refs || nrefs > AVA_MAX_REFS)
		return -E2BIG;
	if ((u64)AVA_HDR_LEN + inl + (u64)nrefs * AVA_REF_LEN != len)
		return -EINVAL;
	return 0;
}

static int pin_ref(struct ava_ref_info *ri, struct page **pages)
{
	unsigned int flags = ri->write ? FOLL_WRITE : 0;
	u64 start = ri->addr & PAGE_MASK;
	u32 done = 0;

	while (done < ri->npages) {
		int n = pin_user_pages_fast(start + (u64)done * PAGE_SIZE,
					    ri->npages - done, flags,
					    pages + ri->first + done);

		if (n <= 0) {
			unpin_user_pages(pages + ri->first, done);
			return n < 0 ? n : -EFAULT;
		}
		done += n;
	}
	return 0;
}

static long ava_do_call(struct ava_sess *s, struct ava_dev_call __user *ucall)
{
	struct ava_dev *d = s->d;
	struct ava_ref_info *ri = NULL;
	struct ava_dev_call call;
	struct ava_cmd_hdr *h;
	struct ava_buf_ref *refs;
	struct scatterlist *sg;
	struct ava_req *r;
	u32 nrefs, i, nout, nin, pinned = 0;
	u64 total = 0, npages = 0;
	long ret;

	if (copy_from_user(&call, ucall, sizeof(call)))
		return -EFAULT;
	if (call.flags || call.reserved)
		return -EINVAL;
	if (call.cmd_len < AVA_HDR_LEN || call.cmd_len % AVA_ITEM_ALIGN)
		return -EINVAL;
	if (call.cmd_len > AVA_MAX_CMD)
		return -E2BIG;
	if (READ_ONCE(d->dead))
		return -ENODEV;

	r = kzalloc(sizeof(*r), GFP_KERNEL);
	if (!r)
		return -ENOMEM;
	kref_init(&r->ref);
	init_completion(&r->done);
	r->cmd_len = call.cmd_len;
	r->cmd = kvmalloc(call.cmd_len, GFP_KERNEL);
	if (!r->cmd) {
		kfree(r);
		return -ENOMEM;
	}
	if (copy_from_user(r->cmd, u64_to_user_ptr(call.cmd), call.cmd_len)) {
		ret = -EFAULT;
		goto free_early;
	}
	h = r->cmd;
	ret = check_cmd(d, h, call.cmd_len);
	if (ret)
		goto free_early;
	r->async = le32_to_cpu(h->flags) & AVA_CMD_ASYNC;
	if (r->async) {
		r->reply = r->small_reply;
		r->reply_room = sizeof(r->small_reply);
	} else {
		if (call.reply_cap < AVA_REPLY_HDR) {
			ret = -EINVAL;
			goto free_early;
		}
		r->reply_room = min_t(u32, call.reply_cap, AVA_MAX_REPLY);
		r->reply = kmalloc(r->reply_room, GFP_KERNEL | __GFP_NOWARN);
		if (!r->reply) {
			ret = -ENOMEM;
			goto free_early;
		}
	}
	h->session = cpu_to_le32(s->id);

	/* references: user addresses in, zero offsets out */
	nrefs = le32_to_cpu(h->nrefs);
	refs = r->cmd + call.cmd_len - nrefs * AVA_REF_LEN;
	if (nrefs) {
		ri = kmalloc_array(nrefs, sizeof(*ri), GFP_KERNEL);
		if (!ri) {
			ret = -ENOMEM;
			goto free_early;
		}
	}
	for (i = 0; i < nrefs; i++) {
		u32 fl = le32_to_cpu(refs[i].flags);

		ri[i].addr = le64_to_cpu(refs[i].offset);
		ri[i].len = le64_to_cpu(refs[i].len);
		ri[i].write = fl & AVA_REF_OUT;
		if (!fl || (fl & ~(AVA_REF_IN | AVA_REF_OUT)) ||
		    refs[i].reserved || !ri[i].len) {
			ret = -EINVAL;
			goto free_early;
		}
		if (ri[i].len > d->max_ref_bytes ||
		    total + ri[i].len > d->max_ref_bytes) {
			ret = -E2BIG;
			goto free_early;
		}
		if (ri[i].addr + ri[i].len < ri[i].addr ||
		    !access_ok(u64_to_user_ptr(ri[i].addr), ri[i].len)) {
			ret = -EFAULT;
			goto free_early;
		}
		total += ri[i].len;
		ri[i].npages = span_pages(ri[i].addr, ri[i].len);
		npages += ri[i].npages;
		refs[i].offset = 0;
	}
	if (npages) {
		r->pages = kvcalloc(npages, sizeof(*r->pages), GFP_KERNEL);
		if (!r->pages) {
			ret = -ENOMEM;
			goto free_early;
		}
	}
	/* read-only pages first, so that unpinning knows which were written */
	for (i = 0; i < nrefs; i++)
		if (!ri[i].write) {
			ri[i].first = r->npages;
			r->npages += ri[i].npages;
		}
	r->nro = r->npages;
	for (i = 0; i < nrefs; i++)
		if (ri[i].write) {
			ri[i].first = r->npages;
			r->npages += ri[i].npages;
		}
	for (i = 0; i < nrefs; i++) {
		ret = pin_ref(&ri[i], r->pages);
		if (ret)
			break;
		pinned++;
	}
	if (ret) {
		for (i = 0; i < pinned; i++)
			unpin_user_pages(r->pages + ri[i].first, ri[i].npages);
		r->npages = 0;
		goto free_early;
	}

	/* descriptors: command, IN data | reply room, OUT data */
	nout = buf_pieces(r->cmd, r->cmd_len);
	nin = 1;
	for (i = 0; i < nrefs; i++) {
		ri[i].pieces = count_pieces(r->pages + ri[i].first,
					    ri[i].npages);
		if (ri[i].write)
			nin += ri[i].pieces;
		else
			nout += ri[i].pieces;
	}
	if (nout + nin > d->max_chain) {
		ret = -E2BIG;
		goto free_pinned;
	}
	r->sg_out = kmalloc_array(nout, sizeof(*sg), GFP_KERNEL);
	r->sg_in = kmalloc_array(nin, sizeof(*sg), GFP_KERNEL);
	if (!r->sg_out || !r->sg_in) {
		ret = -ENOMEM;
		goto free_pinned;
	}
	sg_init_table(r->sg_out, nout);
	sg_init_table(r->sg_in, nin);
	sg = add_buf_sg(r->sg_out, r->cmd, r->cmd_len);
	for (i = 0; i < nrefs; i++)
		if (!ri[i].write)
			sg = add_ref_sg(sg, r->pages + ri[i].first, &ri[i]);
	sg_set_buf(r->sg_in, r->reply, r->reply_room);
	sg = sg_next(r->sg_in);
	for (i = 0; i < nrefs; i++)
		if (ri[i].write)
			sg = add_ref_sg(sg, r->pages + ri[i].first, &ri[i]);

	/* an async command waits for a slot of its session */
	if (r->async &&
	    wait_event_killable(s->wq, atomic_read(&s->async_inflight) <
				(int)max_async || READ_ONCE(d->dead))) {
		ret = -EINTR;
		goto free_pinned;
	}
	kfree(ri);
	ri = NULL;
	/* from here on, ava_req_release() undoes everything */
	kref_get(&s->ref);
	r->s = s;
	s->used = true;
	CNT(s, pinned_pages, r->npages);
	CNT(s, inflight, 1);
	if (r->async)
		atomic_inc(&s->async_inflight);
	kref_get(&r->ref);		/* the device's */
	ret = req_submit(r, nout, nin);
	if (ret) {
		req_put(r);
		req_put(r);
		return ret;
	}
	CNT(s, calls, 1);
	CNT(s, bytes_pinned, total);
	CNT(s, bytes_copied, r->cmd_len);
	if (r->async) {
		CNT(s, async_calls, 1);
		req_put(r);
		return 0;
	}
	if (wait_for_completion_killable(&r->done)) {
		/* the host still owns the buffers; the device's put frees r */
		req_put(r);
		return -EINTR;
	}
	if (r->failed) {
		ret = -ENODEV;
	} else if (r->used_len < AVA_REPLY_HDR) {
		ret = -EIO;	/* the device could not parse the chain */
	} else if (copy_to_user(u64_to_user_ptr(call.reply), r->reply,
				r->used_len) ||
		   put_user(r->used_len, &ucall->reply_len)) {
		ret = -EFAULT;
	} else {
		ret = 0;
	}
	req_put(r);
	return ret;

free_pinned:
	unpin_user_pages(r->pages, r->nro);
	unpin_user_pages(r->pages + r->nro, r->npages - r->nro);
free_early:
	kfree(ri);
	kfree(r->sg_out);
	kfree(r->sg_in);
	kvfree(r->pages);
	if (r->reply != r->small_reply)
		kfree(r->reply);
	kvfree(r->cmd);
	kfree(r);
	return ret;
}

/* The session ends: tell the host (asynchronously, the file is closing). */
static void ava_send_close(struct ava_sess *s)
{
	struct ava_cmd_hdr *h;
	struct ava_req *r;

	r = kzalloc(sizeof(*r), GFP_KERNEL);
	h = kzalloc(sizeof(*h), GFP_KERNEL);
	if (!r || !h) {
		kfree(h);
		kfree(r);
		pr_warn("session %u: no memory to end it on the host\n", s->id);
		return;
	}
	h->magic = cpu_to_le32(AVA_WIRE_MAGIC);
	h->version = cpu_to_le16(AVA_WIRE_VERSION);
	h->api_id = cpu_to_le16(AVA_API_CONTROL);
	h->func_id = cpu_to_le32(AVA_CTL_CLOSE);
	h->flags = cpu_to_le32(AVA_CMD_ASYNC);
	h->total_len = cpu_to_le32(AVA_HDR_LEN);
	h->session = cpu_to_le32(s->id);
	kref_init(&r->ref);
	init_completion(&r->done);
	r->cmd = h;
	r->cmd_len = AVA_HDR_LEN;
	r->reply = r->small_reply;
	r->reply_room = sizeof(r->small_reply);
	r->sg_out = kmalloc_array(1, sizeof(*r->sg_out), GFP_KERNEL);
	r->sg_in = kmalloc_array(1, sizeof(*r->sg_in), GFP_KERNEL);
	if (!r->sg_out || !r->sg_in) {
		kfree(r->sg_out);
		kfree(r->sg_in);
		kfree(h);
		kfree(r);
		return;
	}
	sg_init_one(r->sg_out, h, AVA_HDR_LEN);
	sg_init_one(r->sg_in, r->reply, r->reply_room);
	kref_get(&s->ref);
	r->s = s;
	r->async = true;
	atomic_inc(&s->async_inflight);
	CNT(s, inflight, 1);
	kref_get(&r->ref);
	if (req_submit(r, 1, 1))
		req_put(r);
	req_put(r);
}

/* ------------------------------------------------------------- /dev/ava */

static int ava_open(struct inode *inode, struct file *file)
{
	struct miscdevice *m = file->private_data;
	struct ava_dev *d = container_of(m, struct ava_dev, misc);
	struct ava_sess *s;
	u32 id;

	/* misc_open holds misc_mtx: the device cannot be deregistered now */
	if (READ_ONCE(d->dead))
		return -ENODEV;
	s = kzalloc(sizeof(*s), GFP_KERNEL);
	if (!s)
		return -ENOMEM;
	do {
		id = (u32)atomic_inc_return(&d->next_id);
	} while (!id);
	kref_init(&s->ref);
	init_waitqueue_head(&s->wq);
	atomic_set(&s->async_inflight, 0);
	s->d = d;
	s->id = id;
	s->q = &d->q[id % d->nq];
	s->pid = task_tgid_nr(current);
	get_task_comm(s->comm, current);
	kref_get(&d->ref);
	mutex_lock(&d->lock);
	list_add_tail(&s->node, &d->sessions);
	d->sessions_total++;
	mutex_unlock(&d->lock);
	file->private_data = s;
	return stream_open(inode, file);
}

/*
 * In a worker thread: a process being killed could not wait for room in
 * the ring, and the host must hear of the end in any case.
 */
static void ava_close_work(struct work_struct *work)
{
	struct ava_sess *s = container_of(work, struct ava_sess, close_work);

	if (!READ_ONCE(s->d->dead))
		ava_send_close(s);
	kref_put(&s->ref, ava_sess_release);
}

static int ava_release(struct inode *inode, struct file *file)
{
	struct ava_sess *s = file->private_data;

	if (s->used && !READ_ONCE(s->d->dead)) {
		/* the file's reference goes to the work item */
		INIT_WORK(&s->close_work, ava_close_work);
		queue_work(ava_wq, &s->close_work);
		return 0;
	}
	kref_put(&s->ref, ava_sess_release);
	return 0;
}

static void fill_info(struct ava_sess *s, struct ava_dev_info *in)
{
	struct ava_dev *d = s->d;

	memset(in, 0, sizeof(*in));
	in->abi_version = AVA_DEV_ABI_VERSION;
	in->wire_version = AVA_WIRE_VERSION;
	in->session = s->id;
	in->queue = s->q - d->q;
	in->num_queues = d->nq;
	in->worker = READ_ONCE(d->worker);
	in->max_inline = d->max_inline;
	in->max_refs = d->max_refs;
	in->max_cmd = AVA_HDR_LEN + d->max_inline + d->max_refs * AVA_REF_LEN;
	in->max_pieces = d->max_chain - 2;
	in->max_ref_bytes = d->max_ref_bytes;
	in->max_async = max_async;
	in->max_chain = d->max_chain;
}

static void fill_stats(struct ava_counters *c, struct ava_dev_stats *st)
{
	memset(st, 0, sizeof(*st));
	st->calls = atomic64_read(&c->calls);
	st->async_calls = atomic64_read(&c->async_calls);
	st->errors = atomic64_read(&c->errors);
	st->bytes_pinned = atomic64_read(&c->bytes_pinned);
	st->bytes_copied = atomic64_read(&c->bytes_copied);
	st->inflight = atomic64_read(&c->inflight);
	st->pinned_pages = atomic64_read(&c->pinned_pages);
}

static long ava_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	struct ava_sess *s = file->private_data;
	void __user *uarg = (void __user *)arg;
	struct ava_dev_info info;
	struct ava_dev_stats st;

	switch (cmd) {
	case AVA_DEV_INFO:
		fill_info(s, &info);
		return copy_to_user(uarg, &info, sizeof(info)) ? -EFAULT : 0;
	case AVA_DEV_CALL:
		return ava_do_call(s, uarg);
	case AVA_DEV_DRAIN:
		if (wait_event_killable(s->wq,
					!atomic_read(&s->async_inflight)))
			return -EINTR;
		return READ_ONCE(s->d->dead) ? -ENODEV : 0;
	case AVA_DEV_STATS:
		fill_stats(&s->st, &st);
		return copy_to_user(uarg, &st, sizeof(st)) ? -EFAULT : 0;
	}
	return -ENOTTY;
}

static const struct file_operations ava_fops = {
	.owner = THIS_MODULE,
	.open = ava_open,
	.release = ava_release,
	.unlocked_ioctl = ava_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
	.llseek = no_llseek,
};

/* --------------------------------------------------------------- sysfs */

static struct ava_dev *dev_to_ava(struct device *dev)
{
	return dev_to_virtio(dev)->priv;
}

struct ava_cnt_attr {
	struct device_attribute attr;
	size_t off;		/* in struct ava_counters */
};

static ssize_t cnt_show(struct device *dev, struct device_attribute *attr,
			char *buf)
{
	struct ava_cnt_attr *ca = container_of(attr, struct ava_cnt_attr, attr);
	atomic64_t *v = (atomic64_t *)((u8 *)&dev_to_ava(dev)->st + ca->off);

	return sysfs_emit(buf, "%lld\n", (long long)atomic64_read(v));
}

static struct ava_cnt_attr ava_cnt_attrs[] = {
	{ __ATTR(calls, 0444, cnt_show, NULL),
	  offsetof(struct ava_counters, calls) },
	{ __ATTR(async_calls, 0444, cnt_show, NULL),
	  offsetof(struct ava_counters, async_calls) },
	{ __ATTR(errors, 0444, cnt_show, NULL),
	  offsetof(struct ava_counters, errors) },
	{ __ATTR(bytes_pinned, 0444, cnt_show, NULL),
	  offsetof(struct ava_counters, bytes_pinned) },
	{ __ATTR(bytes_copied, 0444, cnt_show, NULL),
	  offsetof(struct ava_counters, bytes_copied) },
	{ __ATTR(pinned_pages, 0444, cnt_show, NULL),
	  offsetof(struct ava_counters, pinned_pages) },
	{ __ATTR(inflight, 0444, cnt_show, NULL),
	  offsetof(struct ava_counters, inflight) },
};

static ssize_t sessions_show(struct device *dev, struct device_attribute *attr,
			     char *buf)
{
	struct ava_dev *d = dev_to_ava(dev);
	struct ava_sess *s;
	unsigned int n = 0;

	mutex_lock(&d->lock);
	list_for_each_entry(s, &d->sessions, node)
		n++;
	mutex_unlock(&d->lock);
	return sysfs_emit(buf, "%u\n", n);
}
static DEVICE_ATTR_RO(sessions);

static ssize_t sessions_total_show(struct device *dev,
				   struct device_attribute *attr, char *buf)
{
	struct ava_dev *d = dev_to_ava(dev);
	u64 n;

	mutex_lock(&d->lock);
	n = d->sessions_total;
	mutex_unlock(&d->lock);
	return sysfs_emit(buf, "%llu\n", n);
}
static DEVICE_ATTR_RO(sessions_total);

static ssize_t worker_show(struct device *dev, struct device_attribute *attr,
			   char *buf)
{
	return sysfs_emit(buf, "%u\n", READ_ONCE(dev_to_ava(dev)->worker));
}
static DEVICE_ATTR_RO(worker);

static struct attribute *ava_attrs[] = {
	&ava_cnt_attrs[0].attr.attr,
	&ava_cnt_attrs[1].attr.attr,
	&ava_cnt_attrs[2].attr.attr,
	&ava_cnt_attrs[3].attr.attr,
	&ava_cnt_attrs[4].attr.attr,
	&ava_cnt_attrs[5].attr.attr,
	&ava_cnt_attrs[6].attr.attr,
	&dev_attr_sessions.attr,
	&dev_attr_sessions_total.attr,
	&dev_attr_worker.attr,
	NULL,
};

static const struct attribute_group ava_attr_group = {
	.name = "ava",
	.attrs = ava_attrs,
};

/* ------------------------------------------------------------- debugfs */

static int sessions_dbg_show(struct seq_file *m, void *v)
{
	struct ava_dev *d = m->private;
	struct ava_sess *s;

	seq_puts(m, "session pid comm calls async errors pinned_bytes inflight pinned_pages\n");
	mutex_lock(&d->lock);
	list_for_each_entry(s, &d->sessions, node)
		seq_printf(m, "%u %d %s %lld %lld %lld %lld %lld %lld\n",
			   s->id, s->pid, s->comm,
			   (long long)atomic64_read(&s->st.calls),
			   (long long)atomic64_read(&s->st.async_calls),
			   (long long)atomic64_read(&s->st.errors),
			   (long long)atomic64_read(&s->st.bytes_pinned),
			   (long long)atomic64_read(&s->st.inflight),
			   (long long)atomic64_read(&s->st.pinned_pages));
	mutex_unlock(&d->lock);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(sessions_dbg);

/* ---------------------------------------------------------- probe etc. */

static void read_config(struct ava_dev *d)
{
	struct virtio_device *vdev = d->vdev;

	virtio_cread_le(vdev, struct ava_virtio_config, max_inline,
			&d->max_inline);
	virtio_cread_le(vdev, struct ava_virtio_config, max_refs, &d->max_refs);
	virtio_cread_le(vdev, struct ava_virtio_config, max_chain,
			&d->max_chain);
	virtio_cread_le(vdev, struct ava_virtio_config, max_ref_bytes,
			&d->max_ref_bytes);
	d->max_inline = min_t(u32, d->max_inline, AVA_MAX_INLINE);
	d->max_refs = min_t(u32, d->max_refs, AVA_MAX_REFS);
}

static void ava_config_changed(struct virtio_device *vdev)
{
	struct ava_dev *d = vdev->priv;
	u32 worker;

	virtio_cread_le(vdev, struct ava_virtio_config, worker, &worker);
	WRITE_ONCE(d->worker, worker);
}

static int ava_probe(struct virtio_device *vdev)
{
	static const char * const names[AVA_MAX_QUEUES] = {
		"cmd0", "cmd1", "cmd2", "cmd3", "cmd4", "cmd5", "cmd6", "cmd7",
	};
	vq_callback_t *cbs[AVA_MAX_QUEUES];
	struct virtqueue *vqs[AVA_MAX_QUEUES];
	struct ava_dev *d;
	u32 wire, nq;
	unsigned int i;
	int ret;

	virtio_cread_le(vdev, struct ava_virtio_config, wire_version, &wire);
	if (wire != AVA_WIRE_VERSION) {
		dev_err(&vdev->dev, "host speaks wire version %u, not %u\n",
			wire, AVA_WIRE_VERSION);
		return -ENODEV;
	}
	virtio_cread_le(vdev, struct ava_virtio_config, num_cmd_queues, &nq);
	if (!nq)
		return -ENODEV;
	nq = min_t(u32, nq, AVA_MAX_QUEUES);

	d = kzalloc(sizeof(*d), GFP_KERNEL);
	if (!d)
		return -ENOMEM;
	ret = ida_alloc(&ava_ida, GFP_KERNEL);
	if (ret < 0) {
		kfree(d);
		return ret;
	}
	d->index = ret;
	kref_init(&d->ref);
	mutex_init(&d->lock);
	INIT_LIST_HEAD(&d->sessions);
	d->vdev = vdev;
	d->nq = nq;
	vdev->priv = d;
	read_config(d);
	ava_config_changed(vdev);
	if (d->max_chain < 4 || !d->max_refs || !d->max_ref_bytes) {
		dev_err(&vdev->dev, "device limits unusable\n");
		ret = -ENODEV;
		goto err_free;
	}
	for (i = 0; i < nq; i++) {
		cbs[i] = ava_vq_cb;
		d->q[i].d = d;
		mutex_init(&d->q[i].lock);
		init_waitqueue_head(&d->q[i].space);
		INIT_WORK(&d->q[i].done_work, ava_done_work);
	}
	ret = virtio_find_vqs(vdev, nq, vqs, cbs, names, NULL);
	if (ret)
		goto err_free;
	for (i = 0; i < nq; i++)
		d->q[i].vq = vqs[i];
	virtio_device_ready(vdev);

	if (d->index)
		snprintf(d->name, sizeof(d->name), "ava%d", d->index);
	else
		strscpy(d->name, "ava", sizeof(d->name));
	d->misc.minor = MISC_DYNAMIC_MINOR;
	d->misc.name = d->name;
	d->misc.fops = &ava_fops;
	d->misc.mode = 0666;
	d->misc.parent = &vdev->dev;
	ret = misc_register(&d->misc);
	if (ret)
		goto err_vqs;
	ret = sysfs_create_group(&vdev->dev.kobj, &ava_attr_group);
	if (ret)
		goto err_misc;
	d->dbg = debugfs_create_dir(dev_name(&vdev->dev), ava_dbg_root);
	debugfs_create_file("sessions", 0444, d->dbg, d, &sessions_dbg_fops);
	dev_info(&vdev->dev, "/dev/%s: %u queue(s), max_chain %u, worker %s\n",
		 d->name, nq, d->max_chain, d->worker ? "attached" : "absent");
	return 0;

err_misc:
	misc_deregister(&d->misc);
err_vqs:
	virtio_reset_device(vdev);
	vdev->config->del_vqs(vdev);
err_free:
	vdev->priv = NULL;
	kref_put(&d->ref, ava_dev_release);
	return ret;
}

static void ava_remove(struct virtio_device *vdev)
{
	struct ava_dev *d = vdev->priv;
	struct ava_req *r;
	unsigned int i;

	WRITE_ONCE(d->dead, true);
	debugfs_remove_recursive(d->dbg);
	sysfs_remove_group(&vdev->dev.kobj, &ava_attr_group);
	misc_deregister(&d->misc);
	for (i = 0; i < d->nq; i++) {
		mutex_lock(&d->q[i].lock);
		d->q[i].dead = true;
		mutex_unlock(&d->q[i].lock);
	}
	/* the device stops: whatever it held comes back, failed */
	virtio_reset_device(vdev);
	for (i = 0; i < d->nq; i++) {
		struct ava_queue *q = &d->q[i];

		cancel_work_sync(&q->done_work);
		mutex_lock(&q->lock);
		while ((r = virtqueue_detach_unused_buf(q->vq)))
			req_finish(r, 0, true);
		mutex_unlock(&q->lock);
		wake_up_all(&q->space);
	}
	vdev->config->del_vqs(vdev);
	/* sessions still open wake up and see the device gone */
	mutex_lock(&d->lock);
	{
		struct ava_sess *s;

		list_for_each_entry(s, &d->sessions, node)
			wake_up_all(&s->wq);
	}
	mutex_unlock(&d->lock);
	vdev->priv = NULL;
	kref_put(&d->ref, ava_dev_release);
}

static struct virtio_driver ava_driver = {
	.driver.name = KBUILD_MODNAME,
	.driver.owner = THIS_MODULE,
	.id_table = id_table,
	.probe = ava_probe,
	.remove = ava_remove,
	.config_changed = ava_config_changed,
};

static int __init ava_init(void)
{
	int ret;

	if (!virtio_id || virtio_id > 63 || !max_async || max_async > 65536) {
		pr_err("invalid module parameter\n");
		return -EINVAL;
	}
	id_table[0].device = virtio_id;
	ava_wq = alloc_workqueue("virtio_ava", WQ_HIGHPRI | WQ_MEM_RECLAIM, 0);
	if (!ava_wq)
		return -ENOMEM;
	ava_dbg_root = debugfs_create_dir(KBUILD_MODNAME, NULL);
	ret = register_virtio_driver(&ava_driver);
	if (ret) {
		debugfs_remove_recursive(ava_dbg_root);
		destroy_workqueue(ava_wq);
	}
	return ret;
}

static void __exit ava_exit(void)
{
	unregister_virtio_driver(&ava_driver);
	debugfs_remove_recursive(ava_dbg_root);
	destroy_workqueue(ava_wq);
}

module_init(ava_init);
module_exit(ava_exit);

MODULE_DEVICE_TABLE(virtio, id_table);
MODULE_DESCRIPTION("AvA virtual accelerator: guest driver (/dev/ava)");
MODULE_LICENSE("GPL");
