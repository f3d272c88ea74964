// SPDX-License-Identifier: GPL-2.0-only
/*
 * AvA host module: the guest sessions of an instance kept apart
 * (uapi/ava_vhost.h, "Sessions").  The dispatcher attaches with
 * AVA_VHOST_ATTACH_SESSIONS and takes no commands: it hears of sessions
 * whose commands wait (AVA_VHOST_CMD_SESSION) and opens a file for each
 * (AVA_VHOST_OPEN_SESSION), which it hands to that session's worker.  A
 * session file has its own pending list, windows and pages (chardev.c,
 * pin.c), so its worker sees only its session's commands and guest
 * memory, and a session that does not take its commands, or whose
 * windows are full, holds up no other.  What one session may hold is
 * bounded (session_backlog_pct of backlog_mb), so that it cannot fill
 * the instance's backlog and stop the rings for every other session.
 *
 * inst->sessions maps the id of every live session to its file;
 * inst->retired holds the ids of ended ones, whose commands are refused
 * rather than opening a fresh session (the guest numbers its sessions
 * without reuse until 2^32 opens; a device reset starts it over).  All of
 * it under inst->wlock.
 */
#include <linux/anon_inodes.h>
#include <linux/file.h>
#include <linux/moduleparam.h>
#include <linux/slab.h>

#include "ava_host.h"

static unsigned int ava_host_session_backlog_pct = 25;
module_param_named(session_backlog_pct, ava_host_session_backlog_pct, uint,
		   0644);
MODULE_PARM_DESC(session_backlog_pct,
		 "share of backlog_mb one guest session may hold, percent (1-100)");

static u32 req_session(const struct ava_host_req *req)
{
	return le32_to_cpu(req->hdr.session);
}

static bool req_is_close(const struct ava_host_req *req)
{
	return le16_to_cpu(req->hdr.api_id) == AVA_API_CONTROL &&
	       le32_to_cpu(req->hdr.func_id) == AVA_CTL_CLOSE;
}

static u64 session_limit(void)
{
	u64 pct = clamp_val(READ_ONCE(ava_host_session_backlog_pct), 1, 100);

	return ((u64)ava_host_backlog_mb << 20) * pct / 100;
}

/* Retired ids: a bit each, BITS_PER_LONG - 1 of them to an xarray value. */
#define AVA_HOST_IDS_PER_VALUE	(BITS_PER_LONG - 1)

static bool retired(struct ava_host_inst *inst, u32 id)
{
	void *e = xa_load(&inst->retired, id / AVA_HOST_IDS_PER_VALUE);

	return e && (xa_to_value(e) & BIT(id % AVA_HOST_IDS_PER_VALUE));
}

/* Session id ended; without memory for the bit it is merely free. */
static void retire(struct ava_host_inst *inst, u32 id)
{
	unsigned long i = id / AVA_HOST_IDS_PER_VALUE;
	void *e = xa_load(&inst->retired, i);
	unsigned long v = e ? xa_to_value(e) : 0;

	lockdep_assert_held(&inst->wlock);
	xa_store(&inst->retired, i,
		 xa_mk_value(v | BIT(id % AVA_HOST_IDS_PER_VALUE)),
		 GFP_KERNEL_ACCOUNT);
}

static void refuse(struct ava_host_inst *inst, struct ava_host_req *req,
		   u32 status, atomic64_t *counter)
{
	atomic64_add(1, counter);
	ava_host_queue_answer(inst, req, status);
}

/* Commands of session id wait in inst->pending (no file yet).  wlock held. */
static bool waiting(struct ava_host_inst *inst, u32 id)
{
	struct ava_host_req *req;

	list_for_each_entry(req, &inst->pending, node)
		if (req_session(req) == id)
			return true;
	return false;
}

/* The session's AVA_CTL_CLOSE is queued: the dispatcher is to hear of it. */
static void mark_closing(struct ava_host_inst *inst, struct ava_host_file *hf)
{
	hf->closing = true;
	inst->close_events++;
	if (inst->attached)
		wake_up(&inst->attached->wq);
}

/*
 * Queue req to its session's file hf, or answer it: the session is
 * closing, or it would hold more than its share.  wlock held.
 */
static void to_session(struct ava_host_inst *inst, struct ava_host_file *hf,
		       struct ava_host_req *req)
{
	if (hf->closing) {
		refuse(inst, req, AVA_S_BAD_SESSION, &inst->st.bad_session);
		return;
	}
	if (req_is_close(req)) {
		/* a close always gets through */
		mark_closing(inst, hf);
	} else if (hf->held + ava_host_req_bytes(req) > session_limit()) {
		refuse(inst, req, AVA_S_NO_MEMORY, &inst->st.session_full);
		return;
	}
	ava_host_queue_add(inst, hf, req);
}

/*
 * Queue a checked command to its session's file, or answer it here.
 * Returns false when it goes to inst->pending: its session has no file
 * (the dispatcher hears of it) or sessions are not kept apart (the
 * attached file takes every command).  wlock held.
 */
bool ava_host_session_route(struct ava_host_inst *inst, struct ava_host_req *req)
{
	u32 id = req_session(req);
	struct ava_host_file *hf;

	lockdep_assert_held(&inst->wlock);
	hf = xa_load(&inst->sessions, id);
	if (hf) {
		to_session(inst, hf, req);
		return true;
	}
	if (retired(inst, id)) {
		/* its worker is gone: no fresh session under its id */
		refuse(inst, req, AVA_S_BAD_SESSION, &inst->st.bad_session);
		return true;
	}
	if (!inst->attached || !inst->attached->sessions)
		return false;
	if (!id) {
		/* the guest driver numbers its sessions from 1 */
		refuse(inst, req, AVA_S_BAD_SESSION, &inst->st.bad_session);
		return true;
	}
	if (req_is_close(req) && !waiting(inst, id)) {
		/* a session that never reached a worker: nothing to end */
		retire(inst, id);
		ava_host_queue_answer(inst, req, AVA_S_OK);
		return true;
	}
	return false;
}

static long report(struct ava_vhost_cmd *c, u32 flags, u32 id)
{
	c->flags = flags;
	c->session = id;
	c->cmd_len = 0;
	c->token = 0;
	return 0;
}

/*
 * The next event for the dispatcher hf: a session closing, or one whose
 * commands wait for a file.  wlock held.  Returns 0 or -EAGAIN.
 */
long ava_host_session_event(struct ava_host_inst *inst, struct ava_host_file *hf,
			    struct ava_vhost_cmd *c)
{
	struct ava_host_req *req, *tmp;
	struct ava_host_file *sess;
	unsigned long id;

	lockdep_assert_held(&inst->wlock);
	if (inst->close_events) {
		xa_for_each(&inst->sessions, id, sess) {
			if (sess->closing && !sess->close_told) {
				sess->close_told = true;
				inst->close_events--;
				return report(c, AVA_VHOST_CMD_CLOSING, id);
			}
		}
	}
	list_for_each_entry_safe(req, tmp, &inst->pending, node) {
		u32 sid = req_session(req);

		if (sid && !xa_load(&inst->sessions, sid))
			return report(c, AVA_VHOST_CMD_SESSION, sid);
		/* queued before sessions were kept apart: route it now */
		ava_host_queue_unlink(inst, req);
		if (!ava_host_session_route(inst, req))
			refuse(inst, req, AVA_S_BAD_SESSION, &inst->st.bad_session);
	}
	return -EAGAIN;
}

/* Answer the commands of session id that wait for a file.  wlock held. */
static long refuse_waiting(struct ava_host_inst *inst, u32 id)
{
	struct ava_host_req *req, *tmp;

	list_for_each_entry_safe(req, tmp, &inst->pending, node) {
		if (req_session(req) != id)
			continue;
		ava_host_queue_unlink(inst, req);
		refuse(inst, req, AVA_S_BAD_SESSION, &inst->st.bad_session);
	}
	return 0;
}

/* A file for session id, with its waiting commands.  wlock held. */
static int open_locked(struct ava_host_inst *inst, u32 id)
{
	struct ava_host_req *req, *tmp;
	struct ava_host_file *hf;
	int fd;

	lockdep_assert_held(&inst->wlock);
	hf = ava_host_file_alloc();
	if (!hf)
		return -ENOMEM;
	hf->is_session = true;
	hf->session = id;
	hf->inst = inst;
	fd = xa_insert(&inst->sessions, id, hf, GFP_KERNEL_ACCOUNT);
	if (!fd) {
		/* its own inode: unmapping a page zaps no other session's */
		fd = anon_inode_getfd_secure("[ava-session]", &ava_host_file_fops,
					     hf, O_RDWR | O_CLOEXEC, NULL);
		if (fd < 0)
			xa_erase(&inst->sessions, id);
	}
	if (fd < 0) {
		ava_host_file_free(hf);
		return fd;
	}
	/* the file holds a reference; released with it (chardev.c) */
	get_device(&inst->vdev.device);
	ava_host_time_sess_open(inst, hf);
	list_for_each_entry_safe(req, tmp, &inst->pending, node) {
		if (req_session(req) != id)
			continue;
		ava_host_queue_unlink(inst, req);
		to_session(inst, hf, req);
	}
	return fd;
}

/* AVA_VHOST_OPEN_SESSION on the dispatcher's file hf. */
long ava_host_session_open(struct ava_host_file *hf, void __user *arg)
{
	struct ava_host_inst *inst;
	struct ava_vhost_session s;
	long ret;

	/* pairs with the release in hf_attach(): inst is fully set up */
	inst = smp_load_acquire(&hf->inst);
	if (!inst)
		return -ENOTCONN;
	if (copy_from_user(&s, arg, sizeof(s)))
		return -EFAULT;
	if (!s.session || (s.flags & ~AVA_VHOST_SESSION_REFUSE))
		return -EINVAL;
	mutex_lock(&inst->wlock);
	if (hf->gone || inst->attached != hf)
		ret = -ENODEV;
	else if (!hf->sessions)
		ret = -EINVAL;
	else if (xa_load(&inst->sessions, s.session))
		ret = -EEXIST;
	else if (!(s.flags & AVA_VHOST_SESSION_REFUSE))
		ret = open_locked(inst, s.session);
	else
		ret = refuse_waiting(inst, s.session);
	mutex_unlock(&inst->wlock);
	return ret;
}

/*
 * End session hf: its id is retired, what it holds is answered
 * AVA_S_WORKER_LOST (answer); or (a device reset: the guest's sessions
 * are gone) what it holds is dropped.  wlock held.
 */
static void end_locked(struct ava_host_inst *inst, struct ava_host_file *hf,
		       bool answer)
{
	struct ava_host_req *req, *tmp;

	lockdep_assert_held(&inst->wlock);
	xa_erase(&inst->sessions, hf->session);
	ava_host_time_sess_end(inst, hf);
	if (answer)
		retire(inst, hf->session);
	if (hf->closing && !hf->close_told)
		inst->close_events--;
	hf->gone = true;
	list_for_each_entry_safe(req, tmp, &hf->pending, node) {
		ava_host_queue_unlink(inst, req);
		if (answer)
			ava_host_queue_answer(inst, req, AVA_S_WORKER_LOST);
		else
			ava_host_req_free(req);
	}
	list_for_each_entry_safe(req, tmp, &inst->inflight, node) {
		if (req->owner != hf)
			continue;
		ava_host_queue_finish(inst, req);
		if (answer)
			ava_host_queue_answer(inst, req, AVA_S_WORKER_LOST);
		else
			ava_host_req_free(req);
	}
	wake_up_all(&hf->wq);
}

/* Every session ends (device reset, the dispatcher detached).  wlock held. */
void ava_host_sessions_end(struct ava_host_inst *inst, bool answer)
{
	struct ava_host_file *hf;
	unsigned long id;

	lockdep_assert_held(&inst->wlock);
	xa_for_each(&inst->sessions, id, hf)
		end_locked(inst, hf, answer);
	if (!answer)
		xa_destroy(&inst->retired);	/* the guest starts over */
}

/* The session file hf closes. */
void ava_host_session_release(struct ava_host_file *hf)
{
	struct ava_host_inst *inst = hf->inst;

	mutex_lock(&inst->wlock);
	if (!hf->gone)
		end_locked(inst, hf, true);
	mutex_unlock(&inst->wlock);
	ava_host_inst_put(inst);
}
