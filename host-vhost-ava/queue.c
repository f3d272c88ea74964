// SPDX-License-Identifier: GPL-2.0-only
/*
 * AvA host module: the commands of an instance on their way to the
 * worker processes.  Checked commands wait in a pending list until a
 * worker takes them (chardev.c): inst->pending for the attached file, or
 * the session file's own list (session.c); then they sit in
 * inst->inflight, marked with the file that took them, until it
 * answers.  inst->held counts the bytes of all of them: at backlog_mb
 * the module stops taking commands off the rings, so a worker that takes
 * commands without answering them cannot make the module hold more
 * either.
 */
#include <linux/slab.h>

#include "ava_host.h"

/*
 * Unbind hf from inst and complete every command it holds with
 * AVA_S_WORKER_LOST.  wlock held.
 */
void ava_host_detach_locked(struct ava_host_inst *inst,
			    struct ava_host_file *hf)
{
	struct ava_host_req *req, *tmp;

	lockdep_assert_held(&inst->wlock);
	/* the sessions' workers answer to this file's dispatcher */
	ava_host_sessions_end(inst, true);
	ava_host_time_file_leave(inst, hf);
	inst->attached = NULL;
	list_for_each_entry_safe(req, tmp, &inst->inflight, node) {
		ava_host_queue_finish(inst, req);
		ava_host_queue_answer(inst, req, AVA_S_WORKER_LOST);
	}
	wake_up_all(&hf->wq);
}

u64 ava_host_req_bytes(struct ava_host_req *req)
{
	return struct_size(req, segs, req->nseg) + req->cmd_len;
}

static void drop_held(struct ava_host_inst *inst, struct ava_host_req *req)
{
	lockdep_assert_held(&inst->wlock);
	inst->held -= ava_host_req_bytes(req);
	if (req->sess)
		req->sess->held -= ava_host_req_bytes(req);
}

/*
 * Answer req, which holds nothing on the worker side, with status
 * (AVA_S_WORKER_LOST is counted).
 */
void ava_host_queue_answer(struct ava_host_inst *inst, struct ava_host_req *req,
			   u32 status)
{
	kvfree(req->reply);
	req->reply = NULL;
	req->status = status;
	if (status == AVA_S_WORKER_LOST)
		atomic64_add(1, &inst->st.worker_lost);
	ava_host_complete(inst, req);
}

/* req leaves its pending list.  wlock held. */
void ava_host_queue_unlink(struct ava_host_inst *inst, struct ava_host_req *req)
{
	lockdep_assert_held(&inst->wlock);
	list_del(&req->node);
	drop_held(inst, req);
	req->sess = NULL;
}

/*
 * Queue req for the attached file (sess NULL) or for session file sess.
 * wlock held.
 */
void ava_host_queue_add(struct ava_host_inst *inst, struct ava_host_file *sess,
			struct ava_host_req *req)
{
	lockdep_assert_held(&inst->wlock);
	req->sess = sess;
	list_add_tail(&req->node, sess ? &sess->pending : &inst->pending);
	inst->held += ava_host_req_bytes(req);
	/* a file held by time.c looks again: this one may go */
	if (sess) {
		sess->held += ava_host_req_bytes(req);
		WRITE_ONCE(sess->time_held, false);
		wake_up(&sess->wq);
	} else if (inst->attached) {
		WRITE_ONCE(inst->attached->time_held, false);
		wake_up(&inst->attached->wq);
	}
}

/* req leaves inflight (answered, lost or dropped).  wlock held. */
void ava_host_queue_finish(struct ava_host_inst *inst, struct ava_host_req *req)
{
	lockdep_assert_held(&inst->wlock);
	list_del(&req->node);
	ava_host_unmap_req(inst, req);
	drop_held(inst, req);
}

static bool held_full_locked(struct ava_host_inst *inst)
{
	lockdep_assert_held(&inst->wlock);
	return inst->held >= ((u64)ava_host_backlog_mb << 20);
}

/* Sessions whose first pending command could not be mapped, at most. */
#define AVA_HOST_BLOCKED_MAX	16

static bool in_list(const u32 *ids, unsigned int n, u32 id)
{
	while (n--)
		if (ids[n] == id)
			return true;
	return false;
}

/*
 * Hand req to hf: map its references into hf's windows and describe it
 * in c (its bytes are copied to c->buf).  wlock held.
 */
static long hand_over(struct ava_host_inst *inst, struct ava_host_file *hf,
		      struct ava_host_req *req, struct ava_vhost_cmd *c,
		      int map_err)
{
	struct list_head *from = req->node.prev;

	list_del(&req->node);
	if (map_err) {
		/* a reference outside guest memory */
		drop_held(inst, req);
		req->status = AVA_S_BAD_REF;
		hf->st.errors++;
		ava_host_complete(inst, req);
		return AVA_HOST_TAKE_NEXT;
	}
	if (copy_to_user(u64_to_user_ptr(c->buf), req->cmd, req->cmd_len)) {
		ava_host_unmap_req(inst, req);
		list_add(&req->node, from);
		return -EFAULT;
	}
	req->owner = hf;
	req->token = ++inst->next_token;
	list_add_tail(&req->node, &inst->inflight);
	hf->st.cmds++;
	/* counted once handed over: a mapping undone above is mapped again */
	hf->st.bytes_mapped += req->ref_bytes;
	atomic64_add(req->ref_bytes, &inst->st.bytes_mapped);
	c->cmd_len = req->cmd_len;
	c->token = req->token;
	return 0;
}

/*
 * Hand the first pending command that can go to hf.  A command whose
 * references do not fit the windows now waits, and so do the later
 * commands of its session (a session's commands keep their order), but
 * those of other sessions go ahead: one session cannot stall the others.
 * A submission the device-time policy holds (time.c) waits the same way.
 * wlock held.  Returns 0, -ENOSPC (c->cmd_len is the room it needs),
 * -EBUSY (nothing fits the windows), -EAGAIN (nothing pending or only
 * held submissions), -ENOMEM, -EFAULT, or AVA_HOST_TAKE_NEXT when a
 * command was answered here.
 */
long ava_host_queue_take(struct ava_host_inst *inst, struct ava_host_file *hf,
			 struct ava_vhost_cmd *c)
{
	struct list_head *queue = hf->is_session ? &hf->pending : &inst->pending;
	u32 blocked[AVA_HOST_BLOCKED_MAX];
	unsigned int nblocked = 0, nheld = 0;
	struct ava_host_req *req;
	int ret;

	lockdep_assert_held(&inst->wlock);
	list_for_each_entry(req, queue, node) {
		u32 sess = le32_to_cpu(req->hdr.session);

		if (in_list(blocked, nblocked, sess))
			continue;
		if (ava_host_time_hold(inst, hf, req)) {
			if (nblocked == AVA_HOST_BLOCKED_MAX)
				break;
			blocked[nblocked++] = sess;
			nheld++;
			continue;
		}
		if (c->buf_len < req->cmd_len) {
			c->cmd_len = req->cmd_len;
			return -ENOSPC;
		}
		ret = ava_host_map_req(inst, hf, req);
		if (ret == -EBUSY) {
			if (nblocked == AVA_HOST_BLOCKED_MAX)
				return -EBUSY;
			blocked[nblocked++] = sess;
			continue;
		}
		if (ret == -ENOMEM)
			return ret;
		return hand_over(inst, hf, req, c, ret);
	}
	return nblocked > nheld ? -EBUSY : -EAGAIN;
}

bool ava_host_queue_full(struct ava_host_inst *inst)
{
	bool ret;

	mutex_lock(&inst->wlock);
	ret = held_full_locked(inst);
	mutex_unlock(&inst->wlock);
	return ret;
}

void ava_host_queue_submit(struct ava_host_inst *inst, struct ava_host_req *req)
{
	mutex_lock(&inst->wlock);
	if (!ava_host_session_route(inst, req))
		ava_host_queue_add(inst, NULL, req);
	mutex_unlock(&inst->wlock);
}

/* Device reset: drop every command; nothing is answered. */
void ava_host_queue_reset(struct ava_host_inst *inst)
{
	struct ava_host_req *req, *tmp;

	mutex_lock(&inst->wlock);
	if (inst->attached)
		wake_up(&inst->attached->wq);	/* a reset event may be due */
	/* every guest session ended */
	ava_host_sessions_end(inst, false);
	list_for_each_entry_safe(req, tmp, &inst->pending, node) {
		ava_host_queue_unlink(inst, req);
		ava_host_req_free(req);
	}
	list_for_each_entry_safe(req, tmp, &inst->inflight, node) {
		ava_host_queue_finish(inst, req);
		ava_host_req_free(req);
	}
	mutex_unlock(&inst->wlock);
}

void ava_host_queue_inst_gone(struct ava_host_inst *inst)
{
	mutex_lock(&inst->lock);
	mutex_lock(&inst->wlock);
	inst->removed = true;
	if (inst->attached) {
		inst->attached->gone = true;
		ava_host_detach_locked(inst, inst->attached);
	}
	mutex_unlock(&inst->wlock);
	mutex_unlock(&inst->lock);
}

/* Nothing pending, in flight or answered but not yet returned. */
bool ava_host_queue_idle(struct ava_host_inst *inst)
{
	bool ret;

	mutex_lock(&inst->wlock);
	ret = !inst->held;	/* every pending and inflight list is empty */
	mutex_unlock(&inst->wlock);
	spin_lock(&inst->done_lock);
	ret = ret && list_empty(&inst->done);
	spin_unlock(&inst->done_lock);
	return ret;
}

bool ava_host_attached(struct ava_host_inst *inst)
{
	bool ret;

	mutex_lock(&inst->wlock);
	ret = inst->attached;
	mutex_unlock(&inst->wlock);
	return ret;
}

void ava_host_queue_depth(struct ava_host_inst *inst, u32 *pending, u32 *inflight)
{
	struct ava_host_file *sess;
	struct ava_host_req *req;
	unsigned long id;

	*pending = 0;
	*inflight = 0;
	mutex_lock(&inst->wlock);
	list_for_each_entry(req, &inst->pending, node)
		(*pending)++;
	xa_for_each(&inst->sessions, id, sess)
		list_for_each_entry(req, &sess->pending, node)
			(*pending)++;
	list_for_each_entry(req, &inst->inflight, node)
		(*inflight)++;
	mutex_unlock(&inst->wlock);
}

bool ava_host_file_stats(struct ava_host_inst *inst, struct ava_vhost_stats *st)
{
	bool ret = false;

	memset(st, 0, sizeof(*st));
	mutex_lock(&inst->wlock);
	if (inst->attached) {
		*st = inst->attached->st;
		ret = true;
	}
	mutex_unlock(&inst->wlock);
	return ret;
}
