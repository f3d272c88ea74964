// SPDX-License-Identifier: GPL-2.0-only
/*
 * virtio_ava: one command of a session (AVA_DEV_CALL), in stages:
 *   call_read       the command copied in, its framing checked, the
 *                   reply room allocated, the session id set;
 *   refs_prepare    the referenced user pages pinned, descriptors built
 *                   (pin.c);
 *   wait_async_slot an asynchronous command waits for a slot;
 *   call_send       the chain added to the session's queue;
 *   call_wait_reply a synchronous command waits and copies its reply.
 * Also the AVA_CTL_CLOSE that ends a session on the host.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "ava_guest.h"

/* Checks the wire framing that the driver itself relies on. */
static int check_cmd(struct ava_guest_dev *d, const struct ava_cmd_hdr *h,
		     u32 len)
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

/* Free a request that never reached the device (nothing pinned). */
static void req_free_unsent(struct ava_guest_req *r)
{
	ava_guest_req_free_bufs(r);
	kfree(r);
}

/* The reply room: a small one inside r for async commands. */
static int reply_alloc(struct ava_guest_req *r, u32 reply_cap)
{
	if (r->async) {
		r->reply = r->small_reply;
		r->reply_room = sizeof(r->small_reply);
		return 0;
	}
	if (reply_cap < AVA_REPLY_HDR)
		return -EINVAL;
	r->reply_room = min_t(u32, reply_cap, AVA_MAX_REPLY);
	/*
	 * Up to 1 MiB: vmalloc'd when large (no high-order allocation), one
	 * descriptor per page (add_buf_sg); the host takes the writable
	 * descriptors before the OUT data as the reply room.
	 */
	r->reply = kvmalloc(r->reply_room, GFP_KERNEL);
	return r->reply ? 0 : -ENOMEM;
}

/* Stage 1: a new request holding a checked copy of the command. */
static struct ava_guest_req *call_read(struct ava_guest_sess *s,
				       const struct ava_dev_call *call)
{
	struct ava_guest_req *r;
	struct ava_cmd_hdr *h;
	int ret;

	if (call->flags || call->reserved)
		return ERR_PTR(-EINVAL);
	if (call->cmd_len < AVA_HDR_LEN || call->cmd_len % AVA_ITEM_ALIGN)
		return ERR_PTR(-EINVAL);
	if (call->cmd_len > AVA_MAX_CMD)
		return ERR_PTR(-E2BIG);
	if (READ_ONCE(s->d->dead))
		return ERR_PTR(-ENODEV);
	r = kzalloc(sizeof(*r), GFP_KERNEL);
	if (!r)
		return ERR_PTR(-ENOMEM);
	kref_init(&r->ref);
	init_completion(&r->done);
	r->cmd_len = call->cmd_len;
	r->cmd = kvmalloc(call->cmd_len, GFP_KERNEL);
	if (!r->cmd)
		ret = -ENOMEM;
	else if (copy_from_user(r->cmd, u64_to_user_ptr(call->cmd),
				call->cmd_len))
		ret = -EFAULT;
	else
		ret = check_cmd(s->d, r->cmd, call->cmd_len);
	if (!ret) {
		h = r->cmd;
		r->async = le32_to_cpu(h->flags) & AVA_CMD_ASYNC;
		ret = reply_alloc(r, call->reply_cap);
		h->session = cpu_to_le32(s->id);
	}
	if (ret) {
		req_free_unsent(r);
		return ERR_PTR(ret);
	}
	return r;
}

/* Stage 3: an async command waits until its session has a slot. */
static int wait_async_slot(struct ava_guest_sess *s, struct ava_guest_req *r)
{
	if (!r->async)
		return 0;
	if (wait_event_killable(s->wq, atomic_read(&s->async_inflight) <
				(int)ava_guest_max_async ||
				READ_ONCE(s->d->dead)))
		return -EINTR;
	return 0;
}

/*
 * Stage 4: hand r to the device.  From here on ava_guest_req_release()
 * undoes everything; the caller keeps one reference to r.
 */
static int call_send(struct ava_guest_sess *s, struct ava_guest_req *r,
		     const struct ava_guest_refs *rs)
{
	int ret;

	kref_get(&s->ref);
	r->s = s;
	s->used = true;
	AVA_GUEST_CNT(s, pinned_pages, r->npages);
	AVA_GUEST_CNT(s, inflight, 1);
	if (r->async)
		atomic_inc(&s->async_inflight);
	kref_get(&r->ref);		/* the device's */
	ret = ava_guest_req_submit(r, rs->nout, rs->nin);
	if (ret) {
		ava_guest_req_put(r);
		return ret;
	}
	AVA_GUEST_CNT(s, calls, 1);
	AVA_GUEST_CNT(s, bytes_pinned, rs->bytes);
	AVA_GUEST_CNT(s, bytes_copied, r->cmd_len);
	if (r->async)
		AVA_GUEST_CNT(s, async_calls, 1);
	return 0;
}

/* Stage 5: wait for the reply of a synchronous command and copy it out. */
static long call_wait_reply(struct ava_guest_req *r,
			    const struct ava_dev_call *call,
			    struct ava_dev_call __user *ucall)
{
	if (wait_for_completion_killable(&r->done))
		return -EINTR;	/* the device's put frees r later */
	if (r->failed)
		return -ENODEV;
	if (r->used_len < AVA_REPLY_HDR)
		return -EIO;	/* the device could not parse the chain */
	if (copy_to_user(u64_to_user_ptr(call->reply), r->reply,
			 r->used_len) ||
	    put_user(r->used_len, &ucall->reply_len))
		return -EFAULT;
	return 0;
}

long ava_guest_do_call(struct ava_guest_sess *s,
		       struct ava_dev_call __user *ucall)
{
	struct ava_guest_refs rs;
	struct ava_dev_call call;
	struct ava_guest_req *r;
	long ret;

	if (copy_from_user(&call, ucall, sizeof(call)))
		return -EFAULT;
	r = call_read(s, &call);
	if (IS_ERR(r))
		return PTR_ERR(r);
	ret = ava_guest_refs_prepare(s->d, r, &rs);
	if (ret) {
		req_free_unsent(r);
		return ret;
	}
	ret = wait_async_slot(s, r);
	if (ret) {
		ava_guest_unpin(r, false);
		req_free_unsent(r);
		return ret;
	}
	ret = call_send(s, r, &rs);
	if (!ret && !r->async)
		ret = call_wait_reply(r, &call, ucall);
	ava_guest_req_put(r);
	return ret;
}

/* The session ends: tell the host (asynchronously, the file is closing). */
void ava_guest_send_close(struct ava_guest_sess *s)
{
	struct ava_cmd_hdr *h;
	struct ava_guest_req *r;

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
		req_free_unsent(r);
		return;
	}
	sg_init_one(r->sg_out, h, AVA_HDR_LEN);
	sg_init_one(r->sg_in, r->reply, r->reply_room);
	kref_get(&s->ref);
	r->s = s;
	r->async = true;
	atomic_inc(&s->async_inflight);
	AVA_GUEST_CNT(s, inflight, 1);
	kref_get(&r->ref);
	if (ava_guest_req_submit(r, 1, 1))
		ava_guest_req_put(r);
	ava_guest_req_put(r);
}
