// SPDX-License-Identifier: GPL-2.0-only
/*
 * virtio_ava: /dev/ava.  Every open file is one session, whose commands
 * carry its id in the wire header; closing the file ends the session on
 * the host.
 */
#include <linux/fs.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "ava_guest.h"

static int ava_guest_open(struct inode *inode, struct file *file)
{
	struct miscdevice *m = file->private_data;
	struct ava_guest_dev *d = container_of(m, struct ava_guest_dev, misc);
	struct ava_guest_sess *s;
	int ret;

	/* misc_open holds misc_mtx: the device cannot be deregistered now */
	if (READ_ONCE(d->dead))
		return -ENODEV;
	s = kzalloc(sizeof(*s), GFP_KERNEL);
	if (!s)
		return -ENOMEM;
	kref_init(&s->ref);
	init_waitqueue_head(&s->wq);
	atomic_set(&s->async_inflight, 0);
	s->d = d;
	s->pid = task_tgid_nr(current);
	get_task_comm(s->comm, current);
	/* an id no live session of the device has (the host routes by it) */
	mutex_lock(&d->lock);
	ret = xa_alloc_cyclic(&d->ids, &s->id, s, XA_LIMIT(1, U32_MAX),
			      &d->next_id, GFP_KERNEL);
	if (ret < 0) {
		mutex_unlock(&d->lock);
		kfree(s);
		return ret;
	}
	s->q = &d->q[s->id % d->nq];
	list_add_tail(&s->node, &d->sessions);
	d->sessions_total++;
	mutex_unlock(&d->lock);
	kref_get(&d->ref);
	file->private_data = s;
	return stream_open(inode, file);
}

/*
 * In a worker thread: a process being killed could not wait for room in
 * the ring, and the host must hear of the end in any case.
 */
static void ava_guest_close_work(struct work_struct *work)
{
	struct ava_guest_sess *s = container_of(work, struct ava_guest_sess, close_work);

	if (!READ_ONCE(s->d->dead))
		ava_guest_send_close(s);
	kref_put(&s->ref, ava_guest_sess_release);
}

static int ava_guest_release(struct inode *inode, struct file *file)
{
	struct ava_guest_sess *s = file->private_data;

	if (s->used && !READ_ONCE(s->d->dead)) {
		/* the file's reference goes to the work item */
		INIT_WORK(&s->close_work, ava_guest_close_work);
		queue_work(ava_guest_wq, &s->close_work);
		return 0;
	}
	kref_put(&s->ref, ava_guest_sess_release);
	return 0;
}

static void fill_info(struct ava_guest_sess *s, struct ava_dev_info *in)
{
	struct ava_guest_dev *d = s->d;

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
	in->max_async = ava_guest_max_async;
	in->max_chain = d->max_chain;
}

static void fill_stats(struct ava_guest_counters *c, struct ava_dev_stats *st)
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

static long ava_guest_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	struct ava_guest_sess *s = file->private_data;
	void __user *uarg = (void __user *)arg;
	struct ava_dev_info info;
	struct ava_dev_stats st;

	switch (cmd) {
	case AVA_DEV_INFO:
		fill_info(s, &info);
		return copy_to_user(uarg, &info, sizeof(info)) ? -EFAULT : 0;
	case AVA_DEV_CALL:
		return ava_guest_do_call(s, uarg);
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

const struct file_operations ava_guest_fops = {
	.owner = THIS_MODULE,
	.open = ava_guest_open,
	.release = ava_guest_release,
	.unlocked_ioctl = ava_guest_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
	.llseek = no_llseek,
};
