// SPDX-License-Identifier: GPL-2.0-only
/*
 * AvA host module: virtqueue processing.  Runs in a work item (kernel
 * thread context), so guest memory is reached with vfio_dma_rw().
 * Every value read from the guest is checked before use: ring indices,
 * descriptor indices, flags, addresses and lengths, chain length.
 */
#include <linux/slab.h>
#include <linux/mm.h>
#include <linux/memcontrol.h>
#include <linux/sched/mm.h>
#include <linux/virtio_ring.h>
#include <linux/virtio_config.h>
#include <linux/virtio_pci.h>

#include "ava_host.h"

#define AVA_DESC_FLAGS	(VRING_DESC_F_NEXT | VRING_DESC_F_WRITE | \
			 VRING_DESC_F_INDIRECT)
static int gread(struct ava_host_inst *inst, u64 addr, void *buf, size_t len)
{
	return vfio_dma_rw(&inst->vdev, addr, buf, len, false);
}

static int gwrite(struct ava_host_inst *inst, u64 addr, void *buf, size_t len)
{
	return vfio_dma_rw(&inst->vdev, addr, buf, len, true);
}

void ava_host_kick(struct ava_host_inst *inst)
{
	mod_delayed_work(ava_host_wq, &inst->work, 0);
}

void ava_host_req_free(struct ava_host_req *req)
{
	if (!req)
		return;
	kvfree(req->cmd);
	kvfree(req->reply);
	kvfree(req);
}

/* A copy of the scratch request, sized for its segments. */
static struct ava_host_req *req_dup(const struct ava_host_req *scratch)
{
	struct ava_host_req *req;

	req = kvmalloc(struct_size(req, segs, scratch->nseg),
		       GFP_KERNEL_ACCOUNT);
	if (!req)
		return NULL;
	memcpy(req, scratch, struct_size(req, segs, scratch->nseg));
	INIT_LIST_HEAD(&req->node);
	INIT_LIST_HEAD(&req->pin_node);
	return req;
}

static void ring_error(struct ava_host_inst *inst, struct ava_host_vq *vq)
{
	vq->broken = true;
	inst->status |= VIRTIO_CONFIG_S_NEEDS_RESET;
	atomic64_add(1, &inst->st.err_ring);
	ava_host_config_changed(inst);
}

/*
 * An indirect descriptor: only as the sole descriptor of a chain, not
 * nested.  Returns its table (kvfree it) or an ERR_PTR.
 */
static struct vring_desc *load_indirect(struct ava_host_inst *inst,
					u16 flags, u64 addr, u32 len,
					u32 count, bool nested)
{
	struct vring_desc *itab;
	int ret;

	if (!(inst->drv_features & BIT_ULL(VIRTIO_RING_F_INDIRECT_DESC)) ||
	    nested || count != 1 || (flags & VRING_DESC_F_NEXT) ||
	    !len || len % 16 || len / 16 > ava_host_max_chain ||
	    addr > U64_MAX - len)
		return ERR_PTR(-EINVAL);
	itab = kvmalloc(len, GFP_KERNEL_ACCOUNT);
	if (!itab)
		return ERR_PTR(-ENOMEM);
	ret = gread(inst, addr, itab, len);
	if (ret) {
		kvfree(itab);
		return ERR_PTR(ret);
	}
	return itab;
}

/*
 * Append one direct descriptor to req->segs: readable ones before
 * writable ones, the totals within what a command may carry.
 */
static int add_seg(struct ava_host_req *req, u16 flags, u64 addr, u32 len,
		   u64 *rd, u64 *wr)
{
	bool write = flags & VRING_DESC_F_WRITE;

	if (!len || addr > U64_MAX - len)
		return -EINVAL;
	if (!write && *wr)
		return -EINVAL;	/* readable after writable */
	if (write) {
		*wr += len;
	} else {
		*rd += len;
		req->nrd++;
	}
	if (*rd > AVA_MAX_CMD + ava_host_max_ref_bytes ||
	    *wr > AVA_MAX_REPLY + ava_host_max_ref_bytes)
		return -E2BIG;
	req->segs[req->nseg].addr = addr;
	req->segs[req->nseg].len = len;
	req->segs[req->nseg].write = write;
	req->nseg++;
	return 0;
}

/* Walk the chain at head; fills req->segs.  Returns 0 or -errno. */
static int walk_chain(struct ava_host_inst *inst, struct ava_host_vq *vq,
		      u16 head, struct ava_host_req *req)
{
	struct vring_desc *itab = NULL;
	u32 tsize = vq->size, idx = head, count = 0;
	u32 limit = min_t(u32, vq->size, ava_host_max_chain);
	u64 rd = 0, wr = 0;
	int ret = 0;

	for (;;) {
		struct vring_desc d;
		u16 flags;

		if (++count > limit) {
			ret = -ELOOP;
			break;
		}
		if (itab) {
			d = itab[idx];
		} else {
			ret = gread(inst, vq->desc + 16ULL * idx, &d, sizeof(d));
			if (ret)
				break;
		}
		flags = le16_to_cpu((__force __le16)d.flags);
		if (flags & ~AVA_DESC_FLAGS) {
			ret = -EINVAL;
			break;
		}
		if (flags & VRING_DESC_F_INDIRECT) {
			struct vring_desc *t;

			t = load_indirect(inst, flags,
					  le64_to_cpu((__force __le64)d.addr),
					  le32_to_cpu((__force __le32)d.len),
					  count, itab);
			if (IS_ERR(t)) {
				ret = PTR_ERR(t);
				break;
			}
			itab = t;
			tsize = le32_to_cpu((__force __le32)d.len) / 16;
			limit = tsize;
			idx = 0;
			count = 0;
			continue;
		}
		ret = add_seg(req, flags, le64_to_cpu((__force __le64)d.addr),
			      le32_to_cpu((__force __le32)d.len), &rd, &wr);
		if (ret || !(flags & VRING_DESC_F_NEXT))
			break;
		idx = le16_to_cpu((__force __le16)d.next);
		if (idx >= tsize) {
			ret = -EINVAL;
			break;
		}
	}
	kvfree(itab);
	req->rd_bytes = rd;
	req->wr_bytes = wr;
	return ret;
}

static int push_used(struct ava_host_inst *inst, struct ava_host_vq *vq, u16 head,
		     u32 len)
{
	struct vring_used_elem e = {
		.id = (__force __virtio32)cpu_to_le32(head),
		.len = (__force __virtio32)cpu_to_le32(len),
	};
	__le16 idx;
	u64 a = vq->used + 4 + 8ULL * (vq->used_idx & (vq->size - 1));

	clear_bit(head, inst->heads_out[vq - inst->vqs]);
	if (gwrite(inst, a, &e, sizeof(e)))
		goto err;
	vq->used_idx++;
	/* the entry must be visible before the index */
	smp_wmb();
	idx = cpu_to_le16(vq->used_idx);
	if (gwrite(inst, vq->used + 2, &idx, sizeof(idx)))
		goto err;
	vq->signal = true;
	atomic64_add(1, &inst->st.completed);
	return 0;
err:
	ring_error(inst, vq);
	return -EFAULT;
}

/* Write the reply of req (from the worker or req->status) and return it. */
static void finish_req(struct ava_host_inst *inst, struct ava_host_req *req)
{
	struct ava_host_vq *vq = &inst->vqs[req->vq];
	struct ava_reply_hdr r;
	u32 len;

	if (req->nrd == req->nseg) {
		push_used(inst, vq, req->head, 0);
		return;
	}
	if (req->reply && req->reply_len <= req->reply_room) {
		len = req->reply_len;
		if (ava_host_seg_copy(inst, req, req->nrd, 0, req->reply, len,
				      true))
			len = 0;
	} else {
		memset(&r, 0, sizeof(r));
		r.magic = cpu_to_le32(AVA_WIRE_MAGIC);
		r.version = cpu_to_le16(AVA_WIRE_VERSION);
		r.api_id = req->hdr.api_id;
		r.func_id = req->hdr.func_id;
		r.call_id = req->hdr.call_id;
		r.status = cpu_to_le32(req->reply ? AVA_S_TOO_LARGE :
				       req->status);
		len = sizeof(r);
		if (ava_host_seg_copy(inst, req, req->nrd, 0, &r, len, true))
			len = 0;
		if (r.status)
			atomic64_add(1, &inst->st.err_cmd);
	}
	if (!len)
		atomic64_add(1, &inst->st.err_chain);
	else
		atomic64_add(len, &inst->st.bytes_copied);
	ava_host_policy_charge(inst, 0, len);	/* reply bytes */
	push_used(inst, vq, req->head, len);
}

static void signal_vq(struct ava_host_inst *inst, struct ava_host_vq *vq)
{
	__le16 flags;

	if (!vq->signal)
		return;
	vq->signal = false;
	/* the used index must be visible before we look at the flags */
	smp_mb();
	if (gread(inst, vq->avail, &flags, sizeof(flags))) {
		ring_error(inst, vq);
		return;
	}
	if (le16_to_cpu(flags) & VRING_AVAIL_F_NO_INTERRUPT)
		return;
	inst->isr |= 1;	/* queue interrupt */
	ava_host_signal_vector(inst, vq->vector);
}

/*
 * Take the next available chain off vq into req (the scratch request).
 * Returns false when there is none or the ring is broken.
 */
static bool take_next(struct ava_host_inst *inst, unsigned int qi,
		      struct ava_host_req *req)
{
	struct ava_host_vq *vq = &inst->vqs[qi];
	__le16 v;
	u16 aidx, head;

	if (gread(inst, vq->avail + 2, &v, sizeof(v)))
		goto ring_err;
	aidx = le16_to_cpu(v);
	if ((u16)(aidx - vq->last_avail) > vq->size)
		goto ring_err;
	if (aidx == vq->last_avail)
		return false;
	/* read the ring entry only after the index */
	smp_rmb();
	if (gread(inst, vq->avail + 4 + 2ULL * (vq->last_avail & (vq->size - 1)),
		  &v, sizeof(v)))
		goto ring_err;
	head = le16_to_cpu(v);
	if (head >= vq->size)
		goto ring_err;
	/* a head the device still holds: its descriptors are in use */
	if (test_and_set_bit(head, inst->heads_out[qi]))
		goto ring_err;
	vq->last_avail++;
	memset(req, 0, sizeof(*req));
	req->inst = inst;
	req->gen = inst->gen;
	req->vq = qi;
	req->head = head;
	INIT_LIST_HEAD(&req->pin_node);
	atomic64_add(1, &inst->st.calls);
	return true;

ring_err:
	ring_error(inst, vq);
	return false;
}

/* A refused chain: returned with used length 0, charged as a call. */
static void refuse_chain(struct ava_host_inst *inst, struct ava_host_vq *vq,
			 u16 head, u64 bytes)
{
	atomic64_add(1, &inst->st.err_chain);
	ava_host_policy_charge(inst, 1, bytes);
	push_used(inst, vq, head, 0);
}

/*
 * Take the next chain off queue qi and read its command.  Returns the
 * request, NULL when there is none (or the ring broke), or
 * ERR_PTR(-EAGAIN) when the chain was refused (try the next).
 */
static struct ava_host_req *take_cmd(struct ava_host_inst *inst,
				     unsigned int qi)
{
	struct ava_host_vq *vq = &inst->vqs[qi];
	struct ava_host_req *sc = inst->scratch, *req;
	int what;

	if (!take_next(inst, qi, sc))
		return NULL;
	if (walk_chain(inst, vq, sc->head, sc)) {
		refuse_chain(inst, vq, sc->head, 0);
		return ERR_PTR(-EAGAIN);
	}
	req = req_dup(sc);
	if (!req) {
		refuse_chain(inst, vq, sc->head, 0);
		return ERR_PTR(-EAGAIN);
	}
	what = ava_host_cmd_take(inst, req);
	if (what == AVA_TAKE_BADCHAIN) {
		refuse_chain(inst, vq, req->head, req->cmd_len);
		ava_host_req_free(req);
		return ERR_PTR(-EAGAIN);
	}
	req->what = what;
	return req;
}

/* Process one queue; returns true if it has more to do right away. */
static bool process_vq(struct ava_host_inst *inst, unsigned int qi, u64 *wait)
{
	struct ava_host_vq *vq = &inst->vqs[qi];
	unsigned int n;

	for (n = 0; n < vq->size && ava_host_running(inst) && !vq->broken; n++) {
		struct ava_host_req *req = vq->parked;
		u64 w;

		vq->parked = NULL;
		if (!req) {
			/* too much waiting for the worker: leave it on the ring */
			if (ava_host_queue_full(inst))
				return false;
			/* refused chains and replies are charged: pay first */
			w = ava_host_policy_owed(inst);
			if (w) {
				*wait = min(*wait, w);
				return false;
			}
			req = take_cmd(inst, qi);
			if (!req)
				return false;
			if (IS_ERR(req))
				continue;
		}
		w = ava_host_policy_admit(inst, req->cmd_len + req->ref_bytes);
		if (w) {
			vq->parked = req;
			*wait = min(*wait, w);
			return false;
		}
		if (req->what == AVA_TAKE_WORKER) {
			ava_host_queue_submit(inst, req);
		} else {
			finish_req(inst, req);
			ava_host_req_free(req);
		}
	}
	return ava_host_running(inst) && !vq->broken;
}

/* Return the requests the worker has answered. */
static void drain_done(struct ava_host_inst *inst)
{
	LIST_HEAD(list);
	struct ava_host_req *req, *tmp;

	spin_lock(&inst->done_lock);
	list_splice_init(&inst->done, &list);
	spin_unlock(&inst->done_lock);
	list_for_each_entry_safe(req, tmp, &list, node) {
		struct ava_host_vq *vq = &inst->vqs[req->vq];

		list_del(&req->node);
		if (req->gen == inst->gen && ava_host_running(inst) &&
		    vq->enabled && !vq->broken)
			finish_req(inst, req);
		ava_host_req_free(req);
	}
}

void ava_host_complete(struct ava_host_inst *inst, struct ava_host_req *req)
{
	spin_lock(&inst->done_lock);
	list_add_tail(&req->node, &inst->done);
	spin_unlock(&inst->done_lock);
	ava_host_kick(inst);
}

void ava_host_vq_work(struct work_struct *work)
{
	struct ava_host_inst *inst = container_of(to_delayed_work(work),
					     struct ava_host_inst, work);
	struct mem_cgroup *old_memcg;
	u64 wait = U64_MAX;
	bool more = false;
	unsigned int i;

	mutex_lock(&inst->lock);
	old_memcg = set_active_memcg(inst->memcg);
	drain_done(inst);
	for (i = 0; i < inst->num_queues; i++) {
		struct ava_host_vq *vq = &inst->vqs[i];

		if (!ava_host_running(inst))
			break;
		if (!vq->enabled || vq->broken)
			continue;
		if (process_vq(inst, i, &wait))
			more = true;
		signal_vq(inst, vq);
	}
	if (ava_host_running(inst)) {
		if (more)
			queue_delayed_work(ava_host_wq, &inst->work, 0);
		else if (wait != U64_MAX)
			queue_delayed_work(ava_host_wq, &inst->work,
					   max_t(unsigned long, 1,
						 nsecs_to_jiffies(wait)));
	}
	set_active_memcg(old_memcg);
	mutex_unlock(&inst->lock);
}
