// SPDX-License-Identifier: GPL-2.0-only
/*
 * AvA host module: device-memory accounting per instance (per VM) and per
 * guest session.  The worker of a session charges what each allocating
 * call asks for before the vendor allocates (AVA_VHOST_MEM, from the
 * spec's @alloc annotations) and uncharges what the session frees; a
 * charge that would take the instance past its quota is refused, so the
 * instance's usage never exceeds it.  What a session holds is dropped
 * when the dispatcher ends the session (its worker is gone) or when the
 * /dev/vhost-ava file that charged it is released.
 *
 * sysfs, under /sys/bus/mdev/devices/<uuid>/ava/ (next to policy.c's):
 *   mem_quota_bytes  (rw, 0: no quota)
 *   mem_used_bytes   (ro)
 *   mem_peak_bytes   (rw: any write restarts it from the usage now)
 * A quota lowered below the usage refuses new charges until frees bring
 * the usage under it.
 */
#include <linux/device.h>
#include <linux/slab.h>
#include <linux/sysfs.h>
#include <linux/uaccess.h>

#include "ava_host.h"

/* What one guest session holds, charged through one file. */
struct ava_host_share_sess {
	struct list_head node;
	struct ava_host_file *hf;
	u32 session;
	u64 bytes;
};

void ava_host_share_init(struct ava_host_inst *inst)
{
	mutex_init(&inst->share.lock);
	INIT_LIST_HEAD(&inst->share.sessions);
}

static struct ava_host_share_sess *sess_find(struct ava_host_share *sh,
					     struct ava_host_file *hf, u32 session)
{
	struct ava_host_share_sess *s;

	list_for_each_entry(s, &sh->sessions, node)
		if (s->hf == hf && s->session == session)
			return s;
	return NULL;
}

static void sess_drop(struct ava_host_share *sh, struct ava_host_share_sess *s,
		      u64 bytes)
{
	bytes = min(bytes, s->bytes);
	s->bytes -= bytes;
	sh->used -= bytes;
	if (!s->bytes) {
		list_del(&s->node);
		kfree(s);
	}
}

static int share_charge(struct ava_host_share *sh, struct ava_host_file *hf,
			u32 session, u64 bytes)
{
	struct ava_host_share_sess *s = sess_find(sh, hf, session);

	if (bytes > U64_MAX - sh->used ||
	    (sh->quota && sh->used + bytes > sh->quota))
		return -ENOSPC;
	if (!bytes)
		return 0;
	if (!s) {
		s = kzalloc(sizeof(*s), GFP_KERNEL_ACCOUNT);
		if (!s)
			return -ENOMEM;
		s->hf = hf;
		s->session = session;
		list_add(&s->node, &sh->sessions);
	}
	s->bytes += bytes;
	sh->used += bytes;
	sh->peak = max(sh->peak, sh->used);
	return 0;
}

long ava_host_share_ioctl(struct ava_host_inst *inst, struct ava_host_file *hf,
			  void __user *arg)
{
	struct ava_host_share *sh;
	struct ava_host_share_sess *s;
	struct ava_vhost_mem m;
	long ret = 0;

	if (!inst)
		return -ENOTCONN;
	if (copy_from_user(&m, arg, sizeof(m)))
		return -EFAULT;
	if (m.op > AVA_VHOST_MEM_END)
		return -EINVAL;
	/* a session file answers only for its own session */
	if (hf->is_session)
		m.session = hf->session;
	sh = &inst->share;
	mutex_lock(&sh->lock);
	if (m.op == AVA_VHOST_MEM_CHARGE) {
		ret = share_charge(sh, hf, m.session, m.bytes);
	} else if (m.op != AVA_VHOST_MEM_QUERY) {
		s = sess_find(sh, hf, m.session);
		if (s)
			sess_drop(sh, s, m.op == AVA_VHOST_MEM_END ? U64_MAX : m.bytes);
	}
	m.quota = sh->quota;
	m.used = sh->used;
	mutex_unlock(&sh->lock);
	if (copy_to_user(arg, &m, sizeof(m)))
		return -EFAULT;
	return ret;
}

void ava_host_share_drop(struct ava_host_inst *inst, struct ava_host_file *hf)
{
	struct ava_host_share *sh = &inst->share;
	struct ava_host_share_sess *s, *tmp;

	mutex_lock(&sh->lock);
	list_for_each_entry_safe(s, tmp, &sh->sessions, node)
		if (s->hf == hf)
			sess_drop(sh, s, U64_MAX);
	mutex_unlock(&sh->lock);
}

/* One counter of the instance's share (the field at off), under its lock. */
static ssize_t share_show(struct device *dev, char *buf, size_t off)
{
	struct ava_host_inst *inst = dev_get_drvdata(dev);
	u64 v;

	mutex_lock(&inst->share.lock);
	v = *(u64 *)((u8 *)&inst->share + off);
	mutex_unlock(&inst->share.lock);
	return sysfs_emit(buf, "%llu\n", v);
}

#define SHARE_SHOW(name, field)						\
static ssize_t name##_show(struct device *dev,				\
			   struct device_attribute *attr, char *buf)	\
{									\
	return share_show(dev, buf,					\
			  offsetof(struct ava_host_share, field));	\
}

SHARE_SHOW(mem_quota_bytes, quota)
SHARE_SHOW(mem_used_bytes, used)
SHARE_SHOW(mem_peak_bytes, peak)
DEVICE_ATTR_RO(mem_used_bytes);

static ssize_t mem_quota_bytes_store(struct device *dev,
				     struct device_attribute *attr,
				     const char *buf, size_t count)
{
	struct ava_host_inst *inst = dev_get_drvdata(dev);
	u64 v;
	int ret;

	ret = kstrtou64(buf, 0, &v);
	if (ret)
		return ret;
	mutex_lock(&inst->share.lock);
	inst->share.quota = v;
	mutex_unlock(&inst->share.lock);
	return count;
}
DEVICE_ATTR_RW(mem_quota_bytes);

static ssize_t mem_peak_bytes_store(struct device *dev,
				    struct device_attribute *attr,
				    const char *buf, size_t count)
{
	struct ava_host_inst *inst = dev_get_drvdata(dev);

	mutex_lock(&inst->share.lock);
	inst->share.peak = inst->share.used;
	mutex_unlock(&inst->share.lock);
	return count;
}
DEVICE_ATTR_RW(mem_peak_bytes);
