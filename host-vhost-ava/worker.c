// SPDX-License-Identifier: GPL-2.0-only
/*
 * AvA host module: /dev/vhost-ava, through which a worker process binds
 * to an instance, takes its commands and answers them.
 *
 * Buffer references are not copied: their guest pages are pinned with
 * vfio_pin_pages() and mapped into one of the worker's two windows
 * (read-only for data flowing to the worker, read-write for data
 * flowing back) until the command completes.  The guest pages are
 * unmapped from the worker and unpinned when the command completes,
 * the device is reset or closed, the worker goes away, or the VMM
 * unmaps the guest memory (dma_unmap).
 *
 * Locks, outer first: inst->lock, inst->wlock, inst->pin_lock,
 * worker->map_lock.  dma_unmap takes inst->pin_lock only.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/fs.h>
#include <linux/miscdevice.h>
#include <linux/mm.h>
#include <linux/poll.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/iommu.h>

#include "ava_vhost.h"

struct ava_worker {
	struct ava_inst *inst;		/* set once by attach; holds a ref */
	bool gone;			/* detached by the instance */
	wait_queue_head_t wq;
	struct file *file;
	struct mutex map_lock;		/* pages */
	struct xarray pages;		/* fd page offset -> guest page */
	unsigned long *win[2];		/* window allocation, inst->wlock */
	struct ava_vhost_stats st;	/* inst->wlock */
	bool resets;			/* AVA_VHOST_ATTACH_RESETS */
	u64 seen_gen;			/* device generation reported, wlock */
};

static DEFINE_MUTEX(ava_attach_lock);

static unsigned long win_pages(void)
{
	return ((unsigned long)ava_window_mb << 20) >> PAGE_SHIFT;
}

static struct ava_inst *w_inst(struct ava_worker *w)
{
	/* pairs with the release in w_attach(): inst is fully set up */
	return smp_load_acquire(&w->inst);
}

static struct ava_buf_ref *cmd_refs(struct ava_req *req, u32 *nrefs)
{
	*nrefs = le32_to_cpu(req->hdr.nrefs);
	return req->cmd + req->cmd_len - *nrefs * sizeof(struct ava_buf_ref);
}

/* Unmap req's pages from the worker and unpin them.  pin_lock held. */
static void unpin_req_locked(struct ava_inst *inst, struct ava_req *req)
{
	struct ava_worker *w = req->pin_worker;
	u32 i, k;

	if (!req->npages)
		return;
	mutex_lock(&w->map_lock);
	for (i = 0; i < req->nmaps; i++)
		for (k = 0; k < req->maps[i].npages; k++)
			xa_erase(&w->pages, req->maps[i].pgoff + k);
	mutex_unlock(&w->map_lock);
	/*
	 * All opens of the device share one address_space, so this may
	 * also zap the same offsets of another worker; that worker just
	 * faults its own pages back in.
	 */
	for (i = 0; i < req->nmaps; i++)
		unmap_mapping_range(w->file->f_mapping,
				    (loff_t)req->maps[i].pgoff << PAGE_SHIFT,
				    (loff_t)req->maps[i].npages << PAGE_SHIFT,
				    1);
	for (i = 0; i < req->npages; i++)
		vfio_unpin_pages(&inst->vdev, req->page_iova[i], 1);
	atomic64_add(-(u64)req->npages, &inst->st.pinned_pages);
	req->npages = 0;
	list_del_init(&req->pin_node);
}

static void unpin_req(struct ava_inst *inst, struct ava_req *req)
{
	mutex_lock(&inst->pin_lock);
	unpin_req_locked(inst, req);
	mutex_unlock(&inst->pin_lock);
}

/* Give back req's window ranges.  wlock held. */
static void release_windows(struct ava_req *req)
{
	struct ava_worker *w = req->pin_worker;
	unsigned long wp = win_pages();
	u32 i;

	for (i = 0; i < req->nmaps; i++) {
		struct ava_map *m = &req->maps[i];

		if (m->rw)
			bitmap_clear(w->win[1], m->pgoff - wp, m->npages);
		else
			bitmap_clear(w->win[0], m->pgoff, m->npages);
	}
	req->nmaps = 0;
	kfree(req->maps);
	req->maps = NULL;
	kvfree(req->pages);
	req->pages = NULL;
	kvfree(req->page_iova);
	req->page_iova = NULL;
}

/* Drop everything a request holds on the worker side.  wlock held. */
static void unmap_req(struct ava_inst *inst, struct ava_req *req)
{
	if (!req->pin_worker)
		return;
	unpin_req(inst, req);
	release_windows(req);
	req->pin_worker = NULL;
}

/*
 * Iterate over the pieces of reference data: calls fn for each piece
 * (guest address and length).  (seg, off) is the position in the
 * readable or writable byte stream; it advances past the data.
 */
struct ref_pos {
	u32 seg;
	u64 off;
};

static int ref_pieces(struct ava_req *req, struct ref_pos *p, u64 len,
		      u32 end, int (*fn)(void *ctx, u64 addr, u64 n),
		      void *ctx)
{
	while (len) {
		struct ava_seg *s;
		u64 n;
		int ret;

		if (p->seg >= end)
			return -EFAULT;
		s = &req->segs[p->seg];
		if (p->off >= s->len) {
			p->off -= s->len;
			p->seg++;
			continue;
		}
		n = min_t(u64, len, s->len - p->off);
		ret = fn(ctx, s->addr + p->off, n);
		if (ret)
			return ret;
		len -= n;
		p->off += n;
	}
	return 0;
}

static u64 piece_pages(u64 addr, u64 n)
{
	return (PAGE_ALIGN(addr + n) - (addr & PAGE_MASK)) >> PAGE_SHIFT;
}

static int count_fn(void *ctx, u64 addr, u64 n)
{
	*(u64 *)ctx += piece_pages(addr, n);
	return 0;
}

struct pin_ctx {
	struct ava_inst *inst;
	struct ava_req *req;
	int prot;
	u64 first_addr;
};

static int pin_fn(void *ctx, u64 addr, u64 n)
{
	struct pin_ctx *pc = ctx;
	struct ava_req *req = pc->req;
	u64 iova = addr & PAGE_MASK;
	u64 left = piece_pages(addr, n);

	if (pc->first_addr == U64_MAX)
		pc->first_addr = addr;
	while (left) {
		int chunk = min_t(u64, left, VFIO_PIN_PAGES_MAX_ENTRIES);
		int ret, i;

		ret = vfio_pin_pages(&pc->inst->vdev, iova, chunk, pc->prot,
				     &req->pages[req->npages]);
		if (ret != chunk)
			return ret < 0 ? ret : -EFAULT;
		for (i = 0; i < chunk; i++)
			req->page_iova[req->npages + i] = iova + i * PAGE_SIZE;
		req->npages += chunk;
		atomic64_add(chunk, &pc->inst->st.pinned_pages);
		iova += (u64)chunk * PAGE_SIZE;
		left -= chunk;
	}
	return 0;
}

/*
 * Pin the pages of every reference of req and map them into w's
 * windows; rewrite the references' offsets.  wlock held.
 * Returns -EBUSY when the windows are full, -EFAULT for a reference
 * outside guest memory.
 */
static int map_req(struct ava_inst *inst, struct ava_worker *w,
		   struct ava_req *req)
{
	unsigned long wp = win_pages();
	struct ava_buf_ref *refs;
	struct ref_pos rpos = { 0, req->cmd_len };
	struct ref_pos wpos = { req->nrd + 1, 0 };
	u64 total = 0;
	u32 nrefs, i, done = 0;
	int ret = 0;

	refs = cmd_refs(req, &nrefs);
	if (!nrefs)
		return 0;
	req->maps = kcalloc(nrefs, sizeof(*req->maps), GFP_KERNEL);
	if (!req->maps)
		return -ENOMEM;
	req->pin_worker = w;
	/* first pass: sizes and window ranges */
	for (i = 0; i < nrefs; i++) {
		struct ava_map *m = &req->maps[i];
		bool rw = le32_to_cpu(refs[i].flags) & AVA_REF_OUT;
		struct ref_pos *p = rw ? &wpos : &rpos;
		u64 np = 0;
		unsigned long at;

		ret = ref_pieces(req, p, le64_to_cpu(refs[i].len),
				 rw ? req->nseg : req->nrd, count_fn, &np);
		if (ret)
			goto fail;
		at = bitmap_find_next_zero_area(w->win[rw], wp, 0, np, 0);
		if (at >= wp || np > wp - at) {
			ret = -EBUSY;
			goto fail;
		}
		bitmap_set(w->win[rw], at, np);
		m->pgoff = at + (rw ? wp : 0);
		m->npages = np;
		m->rw = rw;
		req->nmaps++;
		total += np;
	}
	req->pages = kvcalloc(total, sizeof(*req->pages), GFP_KERNEL);
	req->page_iova = kvcalloc(total, sizeof(*req->page_iova), GFP_KERNEL);
	if (!req->pages || !req->page_iova) {
		ret = -ENOMEM;
		goto fail;
	}
	/* second pass: pin, publish to the fault handler, rewrite offsets */
	rpos.seg = 0;
	rpos.off = req->cmd_len;
	wpos.seg = req->nrd + 1;
	wpos.off = 0;
	mutex_lock(&inst->pin_lock);
	list_add_tail(&req->pin_node, &inst->pinned);
	for (i = 0; i < nrefs; i++) {
		struct ava_map *m = &req->maps[i];
		struct pin_ctx pc = {
			.inst = inst, .req = req, .first_addr = U64_MAX,
			.prot = IOMMU_READ | (m->rw ? IOMMU_WRITE : 0),
		};
		u32 first = req->npages, k;

		ret = ref_pieces(req, m->rw ? &wpos : &rpos,
				 le64_to_cpu(refs[i].len),
				 m->rw ? req->nseg : req->nrd, pin_fn, &pc);
		if (ret)
			break;
		mutex_lock(&w->map_lock);
		for (k = 0; k < m->npages && !ret; k++)
			ret = xa_err(xa_store(&w->pages, m->pgoff + k,
					      req->pages[first + k],
					      GFP_KERNEL));
		mutex_unlock(&w->map_lock);
		if (ret)
			break;
		refs[i].offset = cpu_to_le64(((u64)m->pgoff << PAGE_SHIFT) +
					     offset_in_page(pc.first_addr));
		done++;
	}
	if (ret)
		unpin_req_locked(inst, req);
	mutex_unlock(&inst->pin_lock);
	if (ret) {
		if (!req->npages)
			list_del_init(&req->pin_node);
		goto fail;
	}
	w->st.bytes_mapped += req->ref_bytes;
	atomic64_add(req->ref_bytes, &inst->st.bytes_mapped);
	return 0;

fail:
	release_windows(req);
	req->pin_worker = NULL;
	return ret == -EBUSY || ret == -ENOMEM ? ret : -EFAULT;
}

/* Complete every command the worker holds with AVA_S_WORKER_LOST. */
static void detach_locked(struct ava_inst *inst, struct ava_worker *w)
{
	struct ava_req *req, *tmp;

	inst->worker = NULL;
	list_for_each_entry_safe(req, tmp, &inst->inflight, node) {
		list_del(&req->node);
		unmap_req(inst, req);
		kvfree(req->reply);
		req->reply = NULL;
		req->status = AVA_S_WORKER_LOST;
		atomic64_add(1, &inst->st.worker_lost);
		ava_complete(inst, req);
	}
	wake_up_all(&w->wq);
}

static u64 req_bytes(struct ava_req *req)
{
	return struct_size(req, segs, req->nseg) + req->cmd_len;
}

static void pending_del(struct ava_inst *inst, struct ava_req *req)
{
	list_del(&req->node);
	inst->backlog -= req_bytes(req);
}

bool ava_worker_backlog_full(struct ava_inst *inst)
{
	bool ret;

	mutex_lock(&inst->wlock);
	ret = inst->backlog >= ((u64)ava_backlog_mb << 20);
	mutex_unlock(&inst->wlock);
	return ret;
}

void ava_worker_submit(struct ava_inst *inst, struct ava_req *req)
{
	mutex_lock(&inst->wlock);
	list_add_tail(&req->node, &inst->pending);
	inst->backlog += req_bytes(req);
	if (inst->worker)
		wake_up(&inst->worker->wq);
	mutex_unlock(&inst->wlock);
}

/* Device reset: drop every command; nothing is answered. */
void ava_worker_reset(struct ava_inst *inst)
{
	struct ava_req *req, *tmp;

	mutex_lock(&inst->wlock);
	if (inst->worker)
		wake_up(&inst->worker->wq);	/* a reset event may be due */
	list_for_each_entry_safe(req, tmp, &inst->pending, node) {
		pending_del(inst, req);
		ava_req_free(req);
	}
	list_for_each_entry_safe(req, tmp, &inst->inflight, node) {
		list_del(&req->node);
		unmap_req(inst, req);
		ava_req_free(req);
	}
	mutex_unlock(&inst->wlock);
}

void ava_worker_inst_gone(struct ava_inst *inst)
{
	mutex_lock(&inst->lock);
	mutex_lock(&inst->wlock);
	inst->removed = true;
	if (inst->worker) {
		inst->worker->gone = true;
		detach_locked(inst, inst->worker);
	}
	mutex_unlock(&inst->wlock);
	mutex_unlock(&inst->lock);
}

void ava_worker_dma_unmap(struct ava_inst *inst, u64 iova, u64 len)
{
	struct ava_req *req, *tmp;
	u64 end = iova + len;

	mutex_lock(&inst->pin_lock);
	list_for_each_entry_safe(req, tmp, &inst->pinned, pin_node) {
		u32 i;

		for (i = 0; i < req->npages; i++) {
			if (req->page_iova[i] >= iova &&
			    req->page_iova[i] < end) {
				unpin_req_locked(inst, req);
				break;
			}
		}
	}
	mutex_unlock(&inst->pin_lock);
}

/* Nothing pending, in flight or answered but not yet returned. */
bool ava_worker_idle(struct ava_inst *inst)
{
	bool ret;

	mutex_lock(&inst->wlock);
	ret = list_empty(&inst->pending) && list_empty(&inst->inflight);
	mutex_unlock(&inst->wlock);
	spin_lock(&inst->done_lock);
	ret = ret && list_empty(&inst->done);
	spin_unlock(&inst->done_lock);
	return ret;
}

bool ava_worker_attached(struct ava_inst *inst)
{
	bool ret;

	mutex_lock(&inst->wlock);
	ret = inst->worker;
	mutex_unlock(&inst->wlock);
	return ret;
}

void ava_worker_depth(struct ava_inst *inst, u32 *pending, u32 *inflight)
{
	struct ava_req *req;

	*pending = 0;
	*inflight = 0;
	mutex_lock(&inst->wlock);
	list_for_each_entry(req, &inst->pending, node)
		(*pending)++;
	list_for_each_entry(req, &inst->inflight, node)
		(*inflight)++;
	mutex_unlock(&inst->wlock);
}

bool ava_worker_stats(struct ava_inst *inst, struct ava_vhost_stats *st)
{
	bool ret = false;

	memset(st, 0, sizeof(*st));
	mutex_lock(&inst->wlock);
	if (inst->worker) {
		*st = inst->worker->st;
		ret = true;
	}
	mutex_unlock(&inst->wlock);
	return ret;
}

static long w_attach(struct ava_worker *w, void __user *arg)
{
	struct ava_vhost_attach a;
	struct ava_inst *inst;
	long ret = 0;

	if (copy_from_user(&a, arg, sizeof(a)))
		return -EFAULT;
	if ((a.flags & ~AVA_VHOST_ATTACH_RESETS) || a.reserved)
		return -EINVAL;
	a.instance[sizeof(a.instance) - 1] = 0;
	mutex_lock(&ava_attach_lock);
	if (w->inst) {
		ret = -EBUSY;
		goto out;
	}
	inst = ava_inst_get_by_name(a.instance);
	if (!inst) {
		ret = -ENODEV;
		goto out;
	}
	mutex_lock(&inst->lock);
	mutex_lock(&inst->wlock);
	if (inst->removed) {
		ret = -ENODEV;
	} else if (inst->worker) {
		ret = -EBUSY;
	} else {
		inst->worker = w;
		w->resets = a.flags & AVA_VHOST_ATTACH_RESETS;
		w->seen_gen = inst->gen;
		/* publish inst to the lockless readers (w_inst()) */
		smp_store_release(&w->inst, inst);
	}
	mutex_unlock(&inst->wlock);
	if (!ret)
		ava_config_changed(inst);
	mutex_unlock(&inst->lock);
	if (ret) {
		ava_inst_put(inst);
		goto out;
	}
	a.window = (u64)ava_window_mb << 20;
	if (copy_to_user(arg, &a, sizeof(a)))
		ret = -EFAULT;	/* attached all the same */
out:
	mutex_unlock(&ava_attach_lock);
	return ret;
}

/* A reset the worker asked to hear of and has not seen yet. */
static bool reset_due(struct ava_worker *w, struct ava_inst *inst)
{
	return w->resets && READ_ONCE(inst->gen) != READ_ONCE(w->seen_gen);
}

static bool w_ready(struct ava_worker *w, struct ava_inst *inst)
{
	return READ_ONCE(w->gone) || !list_empty_careful(&inst->pending) ||
	       reset_due(w, inst);
}

static long w_get_cmd(struct ava_worker *w, void __user *arg, bool nonblock)
{
	struct ava_inst *inst = w_inst(w);
	struct ava_vhost_cmd c;
	struct ava_req *req;
	bool full;
	long ret;

	if (!inst)
		return -ENOTCONN;
	if (copy_from_user(&c, arg, sizeof(c)))
		return -EFAULT;
	if (c.flags || c.reserved)
		return -EINVAL;
	for (;;) {
		mutex_lock(&inst->wlock);
		if (w->gone || inst->worker != w) {
			mutex_unlock(&inst->wlock);
			return -ENODEV;
		}
		if (reset_due(w, inst)) {
			WRITE_ONCE(w->seen_gen, READ_ONCE(inst->gen));
			mutex_unlock(&inst->wlock);
			c.flags = AVA_VHOST_CMD_RESET;
			c.cmd_len = 0;
			c.token = 0;
			return copy_to_user(arg, &c, sizeof(c)) ? -EFAULT : 0;
		}
		req = list_first_entry_or_null(&inst->pending, struct ava_req,
					       node);
		if (!req) {
			mutex_unlock(&inst->wlock);
			if (nonblock)
				return -EAGAIN;
			ret = wait_event_interruptible(w->wq, w_ready(w, inst));
			if (ret)
				return ret;
			continue;
		}
		if (c.buf_len < req->cmd_len) {
			c.cmd_len = req->cmd_len;
			mutex_unlock(&inst->wlock);
			return copy_to_user(arg, &c, sizeof(c)) ? -EFAULT :
								  -ENOSPC;
		}
		ret = map_req(inst, w, req);
		if (ret == -EBUSY || ret == -ENOMEM) {
			mutex_unlock(&inst->wlock);
			return ret;
		}
		full = inst->backlog >= ((u64)ava_backlog_mb << 20);
		pending_del(inst, req);
		if (full)
			ava_kick(inst);	/* room again for commands on the rings */
		if (ret) {
			/* a reference outside guest memory */
			req->status = AVA_S_BAD_REF;
			w->st.errors++;
			ava_complete(inst, req);
			mutex_unlock(&inst->wlock);
			continue;
		}
		if (copy_to_user(u64_to_user_ptr(c.buf), req->cmd,
				 req->cmd_len)) {
			unmap_req(inst, req);
			list_add(&req->node, &inst->pending);
			inst->backlog += req_bytes(req);
			mutex_unlock(&inst->wlock);
			return -EFAULT;
		}
		req->token = ++inst->next_token;
		list_add_tail(&req->node, &inst->inflight);
		w->st.cmds++;
		c.cmd_len = req->cmd_len;
		c.token = req->token;
		mutex_unlock(&inst->wlock);
		return copy_to_user(arg, &c, sizeof(c)) ? -EFAULT : 0;
	}
}

static long w_complete(struct ava_worker *w, void __user *arg)
{
	struct ava_inst *inst = w_inst(w);
	struct ava_vhost_complete c;
	struct ava_reply_hdr *r;
	struct ava_req *req, *found = NULL;
	void *buf;

	if (!inst)
		return -ENOTCONN;
	if (copy_from_user(&c, arg, sizeof(c)))
		return -EFAULT;
	if (c.reserved || c.reply_len < sizeof(*r) ||
	    c.reply_len > sizeof(*r) + AVA_MAX_REPLY_INLINE)
		return -EINVAL;
	buf = kvmalloc(c.reply_len, GFP_KERNEL);
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
	if (inst->worker != w) {
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
	if (!found) {
		w->st.errors++;
		mutex_unlock(&inst->wlock);
		kvfree(buf);
		return -ENOENT;
	}
	list_del(&found->node);
	unmap_req(inst, found);
	/* the identity of the call is the module's, not the worker's */
	r->magic = cpu_to_le32(AVA_WIRE_MAGIC);
	r->version = cpu_to_le16(AVA_WIRE_VERSION);
	r->api_id = found->hdr.api_id;
	r->func_id = found->hdr.func_id;
	r->call_id = found->hdr.call_id;
	r->exec_ns_lo = cpu_to_le32(min_t(u64, c.exec_ns, U32_MAX));
	found->reply = buf;
	found->reply_len = c.reply_len;
	w->st.completed++;
	w->st.exec_ns += c.exec_ns;
	ava_complete(inst, found);
	mutex_unlock(&inst->wlock);
	return 0;
}

static long w_get_stats(struct ava_worker *w, void __user *arg)
{
	struct ava_inst *inst = w_inst(w);
	struct ava_vhost_stats st;

	if (!inst)
		return -ENOTCONN;
	mutex_lock(&inst->wlock);
	st = w->st;
	mutex_unlock(&inst->wlock);
	return copy_to_user(arg, &st, sizeof(st)) ? -EFAULT : 0;
}

static long ava_w_ioctl(struct file *file, unsigned int cmd,
			unsigned long arg)
{
	struct ava_worker *w = file->private_data;
	void __user *uarg = (void __user *)arg;

	switch (cmd) {
	case AVA_VHOST_ATTACH:
		return w_attach(w, uarg);
	case AVA_VHOST_GET_CMD:
		return w_get_cmd(w, uarg, file->f_flags & O_NONBLOCK);
	case AVA_VHOST_COMPLETE:
		return w_complete(w, uarg);
	case AVA_VHOST_GET_STATS:
		return w_get_stats(w, uarg);
	}
	return -ENOTTY;
}

static __poll_t ava_w_poll(struct file *file, poll_table *pt)
{
	struct ava_worker *w = file->private_data;
	struct ava_inst *inst = w_inst(w);

	poll_wait(file, &w->wq, pt);
	if (!inst)
		return 0;
	if (READ_ONCE(w->gone))
		return EPOLLHUP;
	if (reset_due(w, inst))
		return EPOLLIN | EPOLLRDNORM;
	return list_empty_careful(&inst->pending) ? 0 : EPOLLIN | EPOLLRDNORM;
}

static vm_fault_t ava_w_fault(struct vm_fault *vmf)
{
	struct ava_worker *w = vmf->vma->vm_private_data;
	struct page *page;
	vm_fault_t ret;

	mutex_lock(&w->map_lock);
	page = xa_load(&w->pages, vmf->pgoff);
	if (page)
		ret = vmf_insert_pfn(vmf->vma, vmf->address,
				     page_to_pfn(page));
	else
		ret = VM_FAULT_SIGBUS;
	mutex_unlock(&w->map_lock);
	return ret;
}

static const struct vm_operations_struct ava_w_vm_ops = {
	.fault = ava_w_fault,
};

static int ava_w_mmap(struct file *file, struct vm_area_struct *vma)
{
	struct ava_worker *w = file->private_data;
	unsigned long wp = win_pages();
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
	vma->vm_ops = &ava_w_vm_ops;
	vma->vm_private_data = w;
	return 0;
}

static int ava_w_open(struct inode *inode, struct file *file)
{
	struct ava_worker *w;
	unsigned long wp = win_pages();

	w = kzalloc(sizeof(*w), GFP_KERNEL);
	if (!w)
		return -ENOMEM;
	w->win[0] = bitmap_zalloc(wp, GFP_KERNEL);
	w->win[1] = bitmap_zalloc(wp, GFP_KERNEL);
	if (!w->win[0] || !w->win[1]) {
		bitmap_free(w->win[0]);
		bitmap_free(w->win[1]);
		kfree(w);
		return -ENOMEM;
	}
	init_waitqueue_head(&w->wq);
	mutex_init(&w->map_lock);
	xa_init(&w->pages);
	w->file = file;
	file->private_data = w;
	return nonseekable_open(inode, file);
}

static int ava_w_release(struct inode *inode, struct file *file)
{
	struct ava_worker *w = file->private_data;
	struct ava_inst *inst = w_inst(w);

	if (inst) {
		mutex_lock(&inst->lock);
		mutex_lock(&inst->wlock);
		if (inst->worker == w) {
			detach_locked(inst, w);
			mutex_unlock(&inst->wlock);
			ava_config_changed(inst);
		} else {
			mutex_unlock(&inst->wlock);
		}
		mutex_unlock(&inst->lock);
		ava_inst_put(inst);
	}
	xa_destroy(&w->pages);
	mutex_destroy(&w->map_lock);
	bitmap_free(w->win[0]);
	bitmap_free(w->win[1]);
	kfree(w);
	return 0;
}

static const struct file_operations ava_w_fops = {
	.owner = THIS_MODULE,
	.open = ava_w_open,
	.release = ava_w_release,
	.unlocked_ioctl = ava_w_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
	.poll = ava_w_poll,
	.mmap = ava_w_mmap,
	.llseek = no_llseek,
};

static struct miscdevice ava_w_misc = {
	.minor = MISC_DYNAMIC_MINOR,
	.name = "vhost-ava",
	.fops = &ava_w_fops,
	.mode = 0600,
};

int ava_worker_init(void)
{
	return misc_register(&ava_w_misc);
}

void ava_worker_exit(void)
{
	misc_deregister(&ava_w_misc);
}
