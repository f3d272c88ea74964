// SPDX-License-Identifier: GPL-2.0-only
/*
 * virtio_ava: the virtqueues (adding chains, returning completions by
 * interrupt and work item) and the lifetime of sessions and requests.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/virtio_config.h>

#include "ava_guest.h"

void ava_guest_sess_release(struct kref *ref)
{
	struct ava_guest_sess *s = container_of(ref, struct ava_guest_sess, ref);
	struct ava_guest_dev *d = s->d;

	mutex_lock(&d->lock);
	list_del(&s->node);
	xa_erase(&d->ids, s->id);
	mutex_unlock(&d->lock);
	kfree(s);
	kref_put(&d->ref, ava_guest_dev_release);
}

/* Free what r holds besides pinned pages; r itself stays. */
void ava_guest_req_free_bufs(struct ava_guest_req *r)
{
	kvfree(r->pages);
	kfree(r->sg_out);
	kfree(r->sg_in);
	kvfree(r->cmd);
	if (r->reply != r->small_reply)
		kvfree(r->reply);
}

static void ava_guest_req_release(struct kref *ref)
{
	struct ava_guest_req *r = container_of(ref, struct ava_guest_req, ref);
	struct ava_guest_sess *s = r->s;

	AVA_GUEST_CNT(s, pinned_pages, -(s64)r->npages);
	ava_guest_unpin(r, true);
	ava_guest_req_free_bufs(r);
	AVA_GUEST_CNT(s, inflight, -1);
	if (r->async && atomic_dec_return(&s->async_inflight) < (int)ava_guest_max_async)
		wake_up_all(&s->wq);
	kfree(r);
	kref_put(&s->ref, ava_guest_sess_release);
}

void ava_guest_req_put(struct ava_guest_req *r)
{
	kref_put(&r->ref, ava_guest_req_release);
}

/* The host returned r (len bytes written), or the device went away. */
void ava_guest_req_finish(struct ava_guest_req *r, u32 len, bool failed)
{
	const struct ava_reply_hdr *rh = r->reply;

	r->used_len = min(len, r->reply_room);
	r->failed = failed;
	if (failed || r->used_len < AVA_REPLY_HDR || le32_to_cpu(rh->status))
		AVA_GUEST_CNT(r->s, errors, 1);
	AVA_GUEST_CNT(r->s, bytes_copied, r->used_len);
	complete(&r->done);
	ava_guest_req_put(r);		/* the device's reference */
}

/* ---------------------------------------------------------- virtqueues */

void ava_guest_done_work(struct work_struct *work)
{
	struct ava_guest_queue *q = container_of(work, struct ava_guest_queue, done_work);
	struct ava_guest_req *r;
	unsigned int len;

	mutex_lock(&q->lock);
	if (q->dead)
		goto out;
	do {
		virtqueue_disable_cb(q->vq);
		while ((r = virtqueue_get_buf(q->vq, &len)))
			ava_guest_req_finish(r, len, false);
	} while (!virtqueue_enable_cb(q->vq));
out:
	mutex_unlock(&q->lock);
	wake_up_all(&q->space);
}

void ava_guest_vq_cb(struct virtqueue *vq)
{
	struct ava_guest_dev *d = vq->vdev->priv;

	queue_work(ava_guest_wq, &d->q[vq->index].done_work);
}

/* Put r on its session's queue and notify the device. */
int ava_guest_req_submit(struct ava_guest_req *r, unsigned int nout, unsigned int nin)
{
	struct ava_guest_queue *q = r->s->q;
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
