// SPDX-License-Identifier: GPL-2.0-only
/*
 * AvA host module: device-time sharing (docs/device-time.md, the VM path).
 * Two levels of common/ava_sched.c entities: each instance (VM) among the
 * instances of the module, each guest session among its instance's
 * sessions.  A command the guest stub flagged AVA_CMD_SUBMIT stays in its
 * pending list while its VM or its session is held (the worker refuses a
 * submission that comes unflagged); the worker reports the measured
 * device time of its session and its submissions in flight through
 * AVA_VHOST_TIME.  Both levels decide before either takes the device
 * token.  A VM's work in flight is the sum of its files' counts (each
 * file's last report, plus the submissions that went since).  A held file
 * is woken by an hrtimer when the policy says to ask again, or by a new
 * command.
 *
 * sysfs, under /sys/bus/mdev/devices/<uuid>/ava/ (next to policy.c's):
 *   time_weight          (rw, 1..10000, default 1)
 *   time_cap_pct         (rw, 0: none, 1..100)
 *   time_want_ms         (rw, 1..250, default 5: how long after its last
 *                         request the VM still holds the others)
 *   device_time_ns       (ro, reported for the VM, all told)
 *   time_throttled_ns    (ro, time its submissions were held)
 *   session_time_weight  (rw: "ID WEIGHT" sets a live session's weight;
 *                         reads "ID WEIGHT DEVICE_TIME_NS
 *                         TIME_THROTTLED_NS" per live session)
 */
#include <linux/device.h>
#include <linux/hrtimer.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/sysfs.h>
#include <linux/uaccess.h>

#include "ava_host.h"

/* Every entity: the VMs' array and the instances' session arrays. */
static DEFINE_SPINLOCK(time_lock);
static struct ava_sched_ent *vms;	/* ava_host_max_instances of them */

int ava_host_time_init(void)
{
	vms = kcalloc(ava_host_max_instances, sizeof(*vms), GFP_KERNEL);
	return vms ? 0 : -ENOMEM;
}

void ava_host_time_exit(void)
{
	kfree(vms);
}

/* inst becomes a VM with the default knobs (weight 1, no cap). */
void ava_host_time_inst_add(struct ava_host_inst *inst)
{
	unsigned int i;

	spin_lock(&time_lock);
	/* a slot is free: instances are counted against max_instances */
	for (i = 0; i < ava_host_max_instances && vms[i].in_use; i++)
		;
	inst->time.vm = i;
	if (i < ava_host_max_instances)
		ava_sched_init(&vms[i], 1, 0, ktime_get_ns());
	spin_unlock(&time_lock);
}

/* inst's VM slot is free; late reports of its files find no VM. */
void ava_host_time_inst_remove(struct ava_host_inst *inst)
{
	spin_lock(&time_lock);
	if (inst->time.vm < ava_host_max_instances)
		memset(&vms[inst->time.vm], 0, sizeof(vms[0]));
	inst->time.vm = ava_host_max_instances;
	spin_unlock(&time_lock);
}

static struct ava_sched_ent *vm_of(struct ava_host_inst *inst)
{
	lockdep_assert_held(&time_lock);
	return inst->time.vm < ava_host_max_instances ? &vms[inst->time.vm] : NULL;
}

static struct ava_sched_ent *sess_of(struct ava_host_inst *inst,
				     struct ava_host_file *hf)
{
	lockdep_assert_held(&time_lock);
	return hf->tslot >= 0 ? &inst->time.sess[hf->tslot] : NULL;
}

static enum hrtimer_restart time_wake(struct hrtimer *t)
{
	struct ava_host_file *hf = container_of(t, struct ava_host_file, time_timer);

	WRITE_ONCE(hf->time_held, false);
	wake_up(&hf->wq);
	return HRTIMER_NORESTART;
}

void ava_host_time_file_init(struct ava_host_file *hf)
{
	hf->tslot = -1;
	hrtimer_init(&hf->time_timer, CLOCK_MONOTONIC, HRTIMER_MODE_REL);
	hf->time_timer.function = time_wake;
}

void ava_host_time_file_stop(struct ava_host_file *hf)
{
	hrtimer_cancel(&hf->time_timer);
}

/*
 * Session file hf starts: it takes a free session slot of its instance
 * (weight 1).  With every slot taken it competes only as part of its VM.
 * wlock held.
 */
void ava_host_time_sess_open(struct ava_host_inst *inst, struct ava_host_file *hf)
{
	int i;

	lockdep_assert_held(&inst->wlock);
	spin_lock(&time_lock);
	for (i = 0; i < AVA_HOST_TIME_SESSIONS && inst->time.sess[i].in_use; i++)
		;
	if (i < AVA_HOST_TIME_SESSIONS) {
		ava_sched_init(&inst->time.sess[i], 1, 0, ktime_get_ns());
		inst->time.sess_id[i] = hf->session;
		hf->tslot = i;
	}
	spin_unlock(&time_lock);
}

/* hf's count of work in flight becomes n, and its VM's with it. */
static void file_inflight(struct ava_sched_ent *vm, struct ava_host_file *hf,
			  u32 n)
{
	lockdep_assert_held(&time_lock);
	if (vm)
		ava_sched_inflight(vm, vm->inflight -
				   min(vm->inflight, hf->time_inflight) + n);
	hf->time_inflight = n;
}

/* hf's work in flight no longer counts for its VM, nor does it later. */
static void leave_locked(struct ava_host_inst *inst, struct ava_host_file *hf)
{
	if (hf->time_inflight)
		file_inflight(vm_of(inst), hf, 0);
	hf->time_left = true;
}

/* Session file hf ends: its slot is free again.  wlock held. */
void ava_host_time_sess_end(struct ava_host_inst *inst, struct ava_host_file *hf)
{
	lockdep_assert_held(&inst->wlock);
	spin_lock(&time_lock);
	if (hf->tslot >= 0)
		memset(&inst->time.sess[hf->tslot], 0, sizeof(inst->time.sess[0]));
	hf->tslot = -1;
	leave_locked(inst, hf);
	spin_unlock(&time_lock);
}

/* The attached (not session) file hf detaches.  wlock held. */
void ava_host_time_file_leave(struct ava_host_inst *inst, struct ava_host_file *hf)
{
	lockdep_assert_held(&inst->wlock);
	spin_lock(&time_lock);
	leave_locked(inst, hf);
	spin_unlock(&time_lock);
}

/*
 * How long the policy holds a submission of hf now (0: it goes).  Both
 * levels decide before either takes: a VM that may go takes no token and
 * counts nothing in flight for a submission its session holds, nor a
 * session for one its VM holds.
 */
static u64 time_wait(struct ava_host_inst *inst, struct ava_host_file *hf,
		     u64 now)
{
	struct ava_sched_ent *vm, *s;
	u64 w = 0, ws = 0;

	lockdep_assert_held(&time_lock);
	vm = vm_of(inst);
	s = sess_of(inst, hf);
	if (vm)
		w = ava_sched_ask(vms, ava_host_max_instances, vm, now);
	if (s)
		ws = ava_sched_ask(inst->time.sess, AVA_HOST_TIME_SESSIONS, s, now);
	if (w || ws)
		return max(w, ws);
	if (vm) {
		u32 before = vm->inflight;

		ava_sched_take(vms, ava_host_max_instances, vm, now);
		/* what the VM counted more is hf's part, until its next report */
		hf->time_inflight += vm->inflight - before;
	}
	if (s)
		ava_sched_take(inst->time.sess, AVA_HOST_TIME_SESSIONS, s, now);
	return 0;
}

/* The time a held submission waited goes to its VM's and session's counters. */
static void add_held(struct ava_host_inst *inst, struct ava_host_file *hf,
		     u64 ns)
{
	struct ava_sched_ent *vm = vm_of(inst), *s = sess_of(inst, hf);

	if (vm)
		vm->throttled_ns += ns;
	if (s)
		s->throttled_ns += ns;
}

/*
 * May req, at the head of its session's commands, go to hf now?  A
 * submission of a held VM or session stays: hf sleeps until the timer
 * says to ask again.  wlock held.
 */
bool ava_host_time_hold(struct ava_host_inst *inst, struct ava_host_file *hf,
			struct ava_host_req *req)
{
	u64 now = ktime_get_ns(), w;

	lockdep_assert_held(&inst->wlock);
	if (!(le32_to_cpu(req->hdr.flags) & AVA_CMD_SUBMIT))
		return false;
	spin_lock(&time_lock);
	w = time_wait(inst, hf, now);
	if (!w && hf->hold_since)
		add_held(inst, hf, now - hf->hold_since);
	spin_unlock(&time_lock);
	if (!w) {
		hf->hold_since = 0;
		return false;
	}
	if (!hf->hold_since)
		hf->hold_since = now;
	/* set before the timer can clear it: no wake-up is lost */
	WRITE_ONCE(hf->time_held, true);
	hrtimer_start(&hf->time_timer, ns_to_ktime(w), HRTIMER_MODE_REL);
	return true;
}

long ava_host_time_ioctl(struct ava_host_inst *inst, struct ava_host_file *hf,
			 void __user *arg)
{
	struct ava_sched_ent *vm, *s;
	struct ava_vhost_time t;
	u64 now = ktime_get_ns();

	if (!inst)
		return -ENOTCONN;
	if (copy_from_user(&t, arg, sizeof(t)))
		return -EFAULT;
	if (hf->sessions)
		return -EINVAL;
	if ((t.flags & ~AVA_VHOST_TIME_UNFLAGGED) ||
	    t.device_ns > AVA_VHOST_TIME_MAX_NS ||
	    t.inflight > AVA_VHOST_TIME_INFLIGHT_MAX) {
		atomic64_add(1, &inst->st.time_refused);
		return -EINVAL;
	}
	if (READ_ONCE(hf->gone))
		return -ENODEV;
	if (t.flags & AVA_VHOST_TIME_UNFLAGGED)
		atomic64_add(1, &inst->st.submit_unflagged);
	spin_lock(&time_lock);
	/* a session file charges its own session only, and its VM */
	vm = vm_of(inst);
	s = sess_of(inst, hf);
	if (vm && t.device_ns)
		ava_sched_charge(vm, t.device_ns, now);
	if (s && t.device_ns)
		ava_sched_charge(s, t.device_ns, now);
	/* its count is used from its first nonzero one (0: maybe not reported) */
	if (t.inflight)
		hf->time_counts = true;
	if (hf->time_counts && !hf->time_left) {
		file_inflight(vm, hf, t.inflight);
		if (s)
			ava_sched_inflight(s, t.inflight);
	}
	spin_unlock(&time_lock);
	return 0;
}

/*
 * debugfs stats: the VM entity's state (virtual time in device ns at
 * weight 1, work in flight, whether it holds the device token, its returns
 * from idle and the virtual time they added).
 */
void ava_host_time_show(struct ava_host_inst *inst, struct seq_file *m)
{
	struct ava_sched_ent *vm;
	u64 vt = 0, lv = 0;
	u32 n = 0, ret = 0;
	bool token = false;

	spin_lock(&time_lock);
	vm = vm_of(inst);
	if (vm) {
		vt = vm->vtime / AVA_SCHED_VSCALE;
		n = vm->inflight;
		token = vm->flags & AVA_SCHED_F_TOKEN;
		ret = vm->returns;
		lv = vm->leveled / AVA_SCHED_VSCALE;
	}
	spin_unlock(&time_lock);
	seq_printf(m, "time_vtime_ns %llu\ntime_inflight %u\ntime_token %d\n",
		   vt, n, token);
	seq_printf(m, "time_idle_returns %u\ntime_leveled_ns %llu\n", ret, lv);
}

/* One field of the instance's VM entity, read under the lock. */
static ssize_t vm_show(struct device *dev, char *buf, size_t off)
{
	struct ava_host_inst *inst = dev_get_drvdata(dev);
	struct ava_sched_ent *vm;
	u64 v = 0;

	spin_lock(&time_lock);
	vm = vm_of(inst);
	if (vm && off == offsetof(struct ava_sched_ent, weight))
		v = vm->weight;
	else if (vm && off == offsetof(struct ava_sched_ent, cap_pct))
		v = vm->cap_pct;
	else if (vm && off == offsetof(struct ava_sched_ent, want_ns))
		v = vm->want_ns / NSEC_PER_MSEC;
	else if (vm)
		v = *(u64 *)((u8 *)vm + off);
	spin_unlock(&time_lock);
	return sysfs_emit(buf, "%llu\n", v);
}

#define VM_SHOW(name, field)						\
static ssize_t name##_show(struct device *dev,				\
			   struct device_attribute *attr, char *buf)	\
{									\
	return vm_show(dev, buf, offsetof(struct ava_sched_ent, field));	\
}

VM_SHOW(time_weight, weight)
VM_SHOW(time_cap_pct, cap_pct)
VM_SHOW(time_want_ms, want_ns)
VM_SHOW(device_time_ns, device_ns)
VM_SHOW(time_throttled_ns, throttled_ns)
DEVICE_ATTR_RO(device_time_ns);
DEVICE_ATTR_RO(time_throttled_ns);

/* The VM's knobs that sysfs sets, and their bounds. */
enum vm_knob { KNOB_WEIGHT, KNOB_CAP, KNOB_WANT };

static bool knob_ok(enum vm_knob k, u32 v)
{
	if (k == KNOB_CAP)
		return v <= 100;
	if (k == KNOB_WANT)
		return v && v <= AVA_SCHED_WANT_MAX_NS / NSEC_PER_MSEC;
	return v && v <= AVA_SCHED_WEIGHT_MAX;
}

/* Sets one of the VM's knobs from a sysfs write. */
static ssize_t vm_store(struct device *dev, const char *buf, size_t count,
			enum vm_knob k)
{
	struct ava_host_inst *inst = dev_get_drvdata(dev);
	struct ava_sched_ent *vm;
	u32 v;
	int ret;

	ret = kstrtou32(buf, 0, &v);
	if (ret)
		return ret;
	if (!knob_ok(k, v))
		return -EINVAL;
	spin_lock(&time_lock);
	vm = vm_of(inst);
	if (vm && k == KNOB_WANT)
		ava_sched_set_want(vm, (u64)v * NSEC_PER_MSEC);
	else if (vm)
		ava_sched_set(vm, k == KNOB_CAP ? vm->weight : v,
			      k == KNOB_CAP ? v : vm->cap_pct);
	spin_unlock(&time_lock);
	return count;
}

#define VM_STORE(name, knob)						\
static ssize_t name##_store(struct device *dev,				\
			    struct device_attribute *attr,		\
			    const char *buf, size_t count)		\
{									\
	return vm_store(dev, buf, count, knob);				\
}									\
DEVICE_ATTR_RW(name)

VM_STORE(time_weight, KNOB_WEIGHT);
VM_STORE(time_cap_pct, KNOB_CAP);
VM_STORE(time_want_ms, KNOB_WANT);

static ssize_t session_time_weight_show(struct device *dev,
					struct device_attribute *attr, char *buf)
{
	struct ava_host_inst *inst = dev_get_drvdata(dev);
	struct ava_sched_ent *s;
	ssize_t n = 0;
	int i;

	spin_lock(&time_lock);
	for (i = 0; i < AVA_HOST_TIME_SESSIONS; i++) {
		s = &inst->time.sess[i];
		if (s->in_use)
			n += sysfs_emit_at(buf, n, "%u %u %llu %llu\n",
					   inst->time.sess_id[i], s->weight,
					   s->device_ns, s->throttled_ns);
	}
	spin_unlock(&time_lock);
	return n;
}

static ssize_t session_time_weight_store(struct device *dev,
					 struct device_attribute *attr,
					 const char *buf, size_t count)
{
	struct ava_host_inst *inst = dev_get_drvdata(dev);
	struct ava_sched_ent *s;
	int ret = -ENOENT, i;
	u32 id, w;

	if (sscanf(buf, "%u %u", &id, &w) != 2 || !w || w > AVA_SCHED_WEIGHT_MAX)
		return -EINVAL;
	spin_lock(&time_lock);
	for (i = 0; i < AVA_HOST_TIME_SESSIONS; i++) {
		s = &inst->time.sess[i];
		if (s->in_use && inst->time.sess_id[i] == id) {
			ava_sched_set(s, w, 0);
			ret = 0;
		}
	}
	spin_unlock(&time_lock);
	return ret ? ret : count;
}
DEVICE_ATTR_RW(session_time_weight);
