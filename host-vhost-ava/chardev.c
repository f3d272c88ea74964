// SPDX-License-Identifier: GPL-2.0-only
/*
 * AvA host module: /dev/vhost-ava, through which a worker process binds
 * to an instance, takes its commands and answers them.  Every open file,
 * and every session file made from an attached one (session.c), is a
 * struct ava_host_file; its mmap space holds the two windows into which
 * the guest pages of the commands it holds are mapped (pin.c).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/fs.h>
#include <linux/miscdevice.h>
#include <linux/mm.h>
#include <linux/poll.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "ava_host.h"

static DEFINE_MUTEX(ava_host_attach_lock);

static struct ava_host_inst *hf_inst(struct ava_host_file *hf)
{
	/* pairs with the release in hf_attach(): inst is fully set up */
	return smp_load_acquire(&hf->inst);
}

static long hf_attach(struct ava_host_file *hf, void __user *arg)
{
	struct ava_vhost_attach a;
	struct ava_host_inst *inst;
	long ret = 0;

	if (copy_from_user(&a, arg, sizeof(a)))
		return -EFAULT;
	if ((a.flags & ~(AVA_VHOST_ATTACH_RESETS | AVA_VHOST_ATTACH_SESSIONS)) ||
	    a.reserved)
		return -EINVAL;
	a.instance[sizeof(a.instance) - 1] = 0;
	mutex_lock(&ava_host_attach_lock);
	if (hf->inst) {
		ret = -EBUSY;
		goto out;
	}
	inst = ava_host_inst_get_by_name(a.instance);
	if (!inst) {
		ret = -ENODEV;
		goto out;
	}
	mutex_lock(&inst->lock);
	mutex_lock(&inst->wlock);
	if (inst->removed) {
		ret = -ENODEV;
	} else if (inst->attached) {
		ret = -EBUSY;
	} else {
		inst->attached = hf;
		hf->resets = a.flags & AVA_VHOST_ATTACH_RESETS;
		hf->sessions = a.flags & AVA_VHOST_ATTACH_SESSIONS;
		hf->seen_gen = inst->gen;
		/* publish inst to the lockless readers (hf_inst()) */
		smp_store_release(&hf->inst, inst);
	}
	mutex_unlock(&inst->wlock);
	if (!ret)
		ava_host_config_changed(inst);
	mutex_unlock(&inst->lock);
	if (ret) {
		ava_host_inst_put(inst);
		goto out;
	}
	a.window = (u64)ava_host_window_mb << 20;
	if (copy_to_user(arg, &a, sizeof(a)))
		ret = -EFAULT;	/* attached all the same */
out:
	mutex_unlock(&ava_host_attach_lock);
	return ret;
}

/* A reset the worker asked to hear of and has not seen yet. */
static bool reset_due(struct ava_host_file *hf, struct ava_host_inst *inst)
{
	return hf->resets && READ_ONCE(inst->gen) != READ_ONCE(hf->seen_gen);
}

/* hf may take commands: a live session file, or the attached file. */
static bool hf_live(struct ava_host_file *hf, struct ava_host_inst *inst)
{
	lockdep_assert_held(&inst->wlock);
	return !hf->gone && (hf->is_session || inst->attached == hf);
}

/*
 * Something for GET_CMD (lockless: a hint for poll and waits).  While a
 * held submission waits for its timer (time.c) there is nothing.
 */
static bool hf_has_work(struct ava_host_file *hf, struct ava_host_inst *inst)
{
	if (hf->is_session)
		return !list_empty_careful(&hf->pending) && !READ_ONCE(hf->time_held);
	if (reset_due(hf, inst))
		return true;
	if (hf->sessions && READ_ONCE(inst->close_events))
		return true;
	return !list_empty_careful(&inst->pending) && !READ_ONCE(hf->time_held);
}

static bool hf_ready(struct ava_host_file *hf, struct ava_host_inst *inst)
{
	return READ_ONCE(hf->gone) || hf_has_work(hf, inst);
}

/* Tell the worker of a device reset it has not seen yet.  wlock held. */
static void report_reset(struct ava_host_file *hf, struct ava_host_inst *inst,
			 struct ava_vhost_cmd *c)
{
	lockdep_assert_held(&inst->wlock);
	WRITE_ONCE(hf->seen_gen, READ_ONCE(inst->gen));
	c->flags = AVA_VHOST_CMD_RESET;
	c->cmd_len = 0;
	c->token = 0;
}

static long hf_get_cmd(struct ava_host_file *hf, void __user *arg,
		       bool nonblock)
{
	struct ava_host_inst *inst = hf_inst(hf);
	struct ava_vhost_cmd c;
	long ret;

	if (!inst)
		return -ENOTCONN;
	if (copy_from_user(&c, arg, sizeof(c)))
		return -EFAULT;
	if (c.flags || c.reserved)
		return -EINVAL;
	for (;;) {
		mutex_lock(&inst->wlock);
		if (!hf_live(hf, inst)) {
			ret = -ENODEV;
		} else if (reset_due(hf, inst)) {
			report_reset(hf, inst, &c);
			ret = 0;
		} else if (hf->sessions) {
			ret = ava_host_session_event(inst, hf, &c);
		} else {
			ret = ava_host_queue_take(inst, hf, &c);
		}
		mutex_unlock(&inst->wlock);
		if (ret == AVA_HOST_TAKE_NEXT)
			continue;
		if (ret == -EAGAIN && !nonblock) {
			ret = wait_event_interruptible(hf->wq,
						       hf_ready(hf, inst));
			if (ret)
				return ret;
			continue;
		}
		if (ret && ret != -ENOSPC)
			return ret;
		/* -ENOSPC: c.cmd_len says how much room the command needs */
		if (copy_to_user(arg, &c, sizeof(c)))
			return -EFAULT;
		return ret;
	}
}

static long hf_complete(struct ava_host_file *hf, void __user *arg)
{
	struct ava_host_inst *inst = hf_inst(hf);
	struct ava_vhost_complete c;
	struct ava_reply_hdr *r;
	struct ava_host_req *req, *found = NULL;
	void *buf;

	if (!inst)
		return -ENOTCONN;
	if (copy_from_user(&c, arg, sizeof(c)))
		return -EFAULT;
	if (c.reserved || c.reply_len < sizeof(*r) ||
	    c.reply_len > sizeof(*r) + AVA_MAX_REPLY_INLINE)
		return -EINVAL;
	buf = kvmalloc(c.reply_len, GFP_KERNEL_ACCOUNT);
	if (!buf)
		return -ENOMEM;
	if (copy_from_user(buf, u64_to_user_ptr(c.reply), c.reply_len)) {
		kvfree(buf);
		return -EFAULT;
	}
	r = buf;
	if (le32_to_cpu(r->inline_len) != c.reply_len - sizeof(*r)) {
		kvfree(buf);
		return -EINVAL;
	}
	mutex_lock(&inst->wlock);
	if (!hf_live(hf, inst)) {
		mutex_unlock(&inst->wlock);
		kvfree(buf);
		return -ENODEV;
	}
	list_for_each_entry(req, &inst->inflight, node) {
		if (req->token == c.token) {
			found = req;
			break;
		}
	}
	if (!found || found->owner != hf) {
		hf->st.errors++;
		/* another session's command: refused, and told */
		if (found)
			atomic64_add(1, &inst->st.foreign_refused);
		mutex_unlock(&inst->wlock);
		kvfree(buf);
		return found ? -EPERM : -ENOENT;
	}
	ava_host_queue_finish(inst, found);
	/* the identity of the call is the module's, not the worker's */
	r->magic = cpu_to_le32(AVA_WIRE_MAGIC);
	r->version = cpu_to_le16(AVA_WIRE_VERSION);
	r->api_id = found->hdr.api_id;
	r->func_id = found->hdr.func_id;
	r->call_id = found->hdr.call_id;
	r->exec_ns_lo = cpu_to_le32(min_t(u64, c.exec_ns, U32_MAX));
	found->reply = buf;
	found->reply_len = c.reply_len;
	hf->st.completed++;
	hf->st.exec_ns += c.exec_ns;
	ava_host_complete(inst, found);
	mutex_unlock(&inst->wlock);
	return 0;
}

static long hf_get_stats(struct ava_host_file *hf, void __user *arg)
{
	struct ava_host_inst *inst = hf_inst(hf);
	struct ava_vhost_stats st;

	if (!inst)
		return -ENOTCONN;
	mutex_lock(&inst->wlock);
	st = hf->st;
	mutex_unlock(&inst->wlock);
	return copy_to_user(arg, &st, sizeof(st)) ? -EFAULT : 0;
}

static long ava_host_file_ioctl(struct file *file, unsigned int cmd,
				unsigned long arg)
{
	struct ava_host_file *hf = file->private_data;
	void __user *uarg = (void __user *)arg;

	switch (cmd) {
	case AVA_VHOST_ATTACH:
		return hf_attach(hf, uarg);
	case AVA_VHOST_GET_CMD:
		return hf_get_cmd(hf, uarg, file->f_flags & O_NONBLOCK);
	case AVA_VHOST_COMPLETE:
		return hf_complete(hf, uarg);
	case AVA_VHOST_GET_STATS:
		return hf_get_stats(hf, uarg);
	case AVA_VHOST_OPEN_SESSION:
		return ava_host_session_open(hf, uarg);
	case AVA_VHOST_MEM:
		return ava_host_share_ioctl(hf_inst(hf), hf, uarg);
	case AVA_VHOST_TIME:
		return ava_host_time_ioctl(hf_inst(hf), hf, uarg);
	}
	return -ENOTTY;
}

static __poll_t ava_host_file_poll(struct file *file, poll_table *pt)
{
	struct ava_host_file *hf = file->private_data;
	struct ava_host_inst *inst = hf_inst(hf);

	poll_wait(file, &hf->wq, pt);
	if (!inst)
		return 0;
	if (READ_ONCE(hf->gone))
		return EPOLLHUP;
	return hf_has_work(hf, inst) ? EPOLLIN | EPOLLRDNORM : 0;
}

static vm_fault_t ava_host_file_fault(struct vm_fault *vmf)
{
	struct ava_host_file *hf = vmf->vma->vm_private_data;
	struct page *page;
	vm_fault_t ret;

	mutex_lock(&hf->map_lock);
	page = xa_load(&hf->pages, vmf->pgoff);
	if (page)
		ret = vmf_insert_pfn(vmf->vma, vmf->address,
				     page_to_pfn(page));
	else
		ret = VM_FAULT_SIGBUS;
	mutex_unlock(&hf->map_lock);
	/* not a page of this file's commands (another session's, or none) */
	if (!page && hf_inst(hf))
		atomic64_add(1, &hf_inst(hf)->st.foreign_refused);
	return ret;
}

static const struct vm_operations_struct ava_host_file_vm_ops = {
	.fault = ava_host_file_fault,
};

static int ava_host_file_mmap(struct file *file, struct vm_area_struct *vma)
{
	struct ava_host_file *hf = file->private_data;
	unsigned long wp = ava_host_win_pages();
	unsigned long n = vma_pages(vma);

	if (!(vma->vm_flags & VM_SHARED))
		return -EINVAL;
	if (vma->vm_pgoff >= 2 * wp || n > 2 * wp - vma->vm_pgoff)
		return -EINVAL;
	if (vma->vm_pgoff < wp) {
		/* the read-only window */
		if (vma->vm_flags & VM_WRITE)
			return -EACCES;
		vma->vm_flags &= ~VM_MAYWRITE;
	}
	vma->vm_flags |= VM_PFNMAP | VM_DONTEXPAND | VM_DONTDUMP |
			 VM_DONTCOPY;
	vma->vm_ops = &ava_host_file_vm_ops;
	vma->vm_private_data = hf;
	mutex_lock(&hf->map_lock);
	hf->mapping = file->f_mapping;
	mutex_unlock(&hf->map_lock);
	return 0;
}

struct ava_host_file *ava_host_file_alloc(void)
{
	struct ava_host_file *hf;
	unsigned long wp = ava_host_win_pages();

	hf = kzalloc(sizeof(*hf), GFP_KERNEL_ACCOUNT);
	if (!hf)
		return NULL;
	init_waitqueue_head(&hf->wq);
	mutex_init(&hf->map_lock);
	xa_init(&hf->pages);
	INIT_LIST_HEAD(&hf->pending);
	ava_host_time_file_init(hf);
	hf->win[0] = bitmap_zalloc(wp, GFP_KERNEL_ACCOUNT);
	hf->win[1] = bitmap_zalloc(wp, GFP_KERNEL_ACCOUNT);
	if (!hf->win[0] || !hf->win[1]) {
		ava_host_file_free(hf);
		return NULL;
	}
	return hf;
}

void ava_host_file_free(struct ava_host_file *hf)
{
	ava_host_time_file_stop(hf);
	xa_destroy(&hf->pages);
	mutex_destroy(&hf->map_lock);
	bitmap_free(hf->win[0]);
	bitmap_free(hf->win[1]);
	kfree(hf);
}

static int ava_host_file_open(struct inode *inode, struct file *file)
{
	struct ava_host_file *hf = ava_host_file_alloc();

	if (!hf)
		return -ENOMEM;
	file->private_data = hf;
	return nonseekable_open(inode, file);
}

static int ava_host_file_release(struct inode *inode, struct file *file)
{
	struct ava_host_file *hf = file->private_data;
	struct ava_host_inst *inst = hf_inst(hf);

	if (inst)
		ava_host_share_drop(inst, hf);
	if (hf->is_session) {
		ava_host_session_release(hf);
	} else if (inst) {
		mutex_lock(&inst->lock);
		mutex_lock(&inst->wlock);
		if (inst->attached == hf) {
			ava_host_detach_locked(inst, hf);
			mutex_unlock(&inst->wlock);
			ava_host_config_changed(inst);
		} else {
			mutex_unlock(&inst->wlock);
		}
		mutex_unlock(&inst->lock);
		ava_host_inst_put(inst);
	}
	ava_host_file_free(hf);
	return 0;
}

const struct file_operations ava_host_file_fops = {
	.owner = THIS_MODULE,
	.open = ava_host_file_open,
	.release = ava_host_file_release,
	.unlocked_ioctl = ava_host_file_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
	.poll = ava_host_file_poll,
	.mmap = ava_host_file_mmap,
	.llseek = no_llseek,
};

static struct miscdevice ava_host_file_misc = {
	.minor = MISC_DYNAMIC_MINOR,
	.name = "vhost-ava",
	.fops = &ava_host_file_fops,
	.mode = 0600,
};

int ava_host_chardev_init(void)
{
	return misc_register(&ava_host_file_misc);
}

void ava_host_chardev_exit(void)
{
	misc_deregister(&ava_host_file_misc);
}
