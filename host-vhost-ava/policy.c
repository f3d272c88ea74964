// SPDX-License-Identifier: GPL-2.0-only
/*
 * AvA host module: per-instance policy.  Two token buckets limit the
 * calls per second and the bytes per second (inline command bytes plus
 * referenced buffer bytes) a VM may submit.  A command that finds a
 * bucket empty stays on its ring until the tokens are there.
 *
 * sysfs, under /sys/bus/mdev/devices/<uuid>/ava/:
 *   calls_per_sec, calls_burst, bytes_per_sec, bytes_burst  (rw)
 *   throttled_ns                                              (ro)
 * A rate of 0 means unlimited.  Writing a rate resets the burst to
 * rate/10 (at least 1) unless a burst is written afterwards.
 */
#include <linux/device.h>
#include <linux/math64.h>
#include <linux/sysfs.h>

#include "ava_host.h"

#define AVA_RATE_MAX	BIT_ULL(33)	/* keeps the arithmetic in u64 */

static void bucket_set(struct ava_host_bucket *b, u64 rate, u64 burst)
{
	b->rate = rate;
	b->burst = burst;
	b->tokens = burst * NSEC_PER_SEC;
	b->last_ns = ktime_get_ns();
}

static void bucket_refill(struct ava_host_bucket *b, u64 now)
{
	u64 full = b->burst * NSEC_PER_SEC;
	u64 dt = now - b->last_ns;

	b->last_ns = now;
	/* dt * rate only when it cannot exceed full, so no overflow */
	if (dt >= div64_u64(full, b->rate) + 1 ||
	    b->tokens + dt * b->rate >= full)
		b->tokens = full;
	else
		b->tokens += dt * b->rate;
}

/* ns until cost units are there; 0 if they are (and not yet taken) */
static u64 bucket_wait(struct ava_host_bucket *b, u64 cost, u64 now)
{
	u64 need;

	if (!b->rate)
		return 0;
	bucket_refill(b, now);
	need = min(cost, b->burst) * NSEC_PER_SEC;
	if (b->tokens >= need)
		return 0;
	return div64_u64(need - b->tokens + b->rate - 1, b->rate);
}

static void bucket_take(struct ava_host_bucket *b, u64 cost)
{
	if (b->rate)
		b->tokens -= min(cost, b->burst) * NSEC_PER_SEC;
}

void ava_host_policy_init(struct ava_host_inst *inst)
{
	spin_lock_init(&inst->policy_lock);
	bucket_set(&inst->calls_bucket, 0, 0);
	bucket_set(&inst->bytes_bucket, 0, 0);
}

/*
 * Admit one command of the given size: returns 0 and takes the tokens,
 * or the ns to wait before trying again.
 */
u64 ava_host_policy_admit(struct ava_host_inst *inst, u64 bytes)
{
	u64 now = ktime_get_ns();
	u64 w1, w2;

	spin_lock(&inst->policy_lock);
	w1 = bucket_wait(&inst->calls_bucket, 1, now);
	w2 = bucket_wait(&inst->bytes_bucket, bytes, now);
	if (!w1 && !w2) {
		bucket_take(&inst->calls_bucket, 1);
		bucket_take(&inst->bytes_bucket, bytes);
		if (inst->throttle_start) {
			atomic64_add(now - inst->throttle_start,
				     &inst->st.throttled_ns);
			inst->throttle_start = 0;
		}
	} else if (!inst->throttle_start) {
		inst->throttle_start = now;
	}
	spin_unlock(&inst->policy_lock);
	return max(w1, w2);
}

static struct ava_host_inst *dev_inst(struct device *dev)
{
	return dev_get_drvdata(dev);
}

static ssize_t show_u64(struct device *dev, char *buf, const u64 *field)
{
	struct ava_host_inst *inst = dev_inst(dev);
	u64 v;

	spin_lock(&inst->policy_lock);
	v = *field;
	spin_unlock(&inst->policy_lock);
	return sysfs_emit(buf, "%llu\n", v);
}

static ssize_t store_rate(struct device *dev, const char *buf, size_t count,
			  struct ava_host_bucket *b, bool is_rate)
{
	struct ava_host_inst *inst = dev_inst(dev);
	u64 v;
	int ret;

	ret = kstrtou64(buf, 0, &v);
	if (ret)
		return ret;
	if (v > AVA_RATE_MAX || (!is_rate && !v))
		return -EINVAL;
	spin_lock(&inst->policy_lock);
	if (is_rate)
		bucket_set(b, v, v ? max_t(u64, v / 10, 1) : 0);
	else if (b->rate)
		bucket_set(b, b->rate, v);
	else
		ret = -EINVAL;	/* set a rate first */
	spin_unlock(&inst->policy_lock);
	return ret ? ret : count;
}

static ssize_t calls_per_sec_show(struct device *dev,
				  struct device_attribute *attr, char *buf)
{
	return show_u64(dev, buf, &dev_inst(dev)->calls_bucket.rate);
}

static ssize_t calls_per_sec_store(struct device *dev,
				   struct device_attribute *attr,
				   const char *buf, size_t count)
{
	return store_rate(dev, buf, count, &dev_inst(dev)->calls_bucket, true);
}
static DEVICE_ATTR_RW(calls_per_sec);

static ssize_t calls_burst_show(struct device *dev,
				struct device_attribute *attr, char *buf)
{
	return show_u64(dev, buf, &dev_inst(dev)->calls_bucket.burst);
}

static ssize_t calls_burst_store(struct device *dev,
				 struct device_attribute *attr,
				 const char *buf, size_t count)
{
	return store_rate(dev, buf, count, &dev_inst(dev)->calls_bucket, false);
}
static DEVICE_ATTR_RW(calls_burst);

static ssize_t bytes_per_sec_show(struct device *dev,
				  struct device_attribute *attr, char *buf)
{
	return show_u64(dev, buf, &dev_inst(dev)->bytes_bucket.rate);
}

static ssize_t bytes_per_sec_store(struct device *dev,
				   struct device_attribute *attr,
				   const char *buf, size_t count)
{
	return store_rate(dev, buf, count, &dev_inst(dev)->bytes_bucket, true);
}
static DEVICE_ATTR_RW(bytes_per_sec);

static ssize_t bytes_burst_show(struct device *dev,
				struct device_attribute *attr, char *buf)
{
	return show_u64(dev, buf, &dev_inst(dev)->bytes_bucket.burst);
}

static ssize_t bytes_burst_store(struct device *dev,
				 struct device_attribute *attr,
				 const char *buf, size_t count)
{
	return store_rate(dev, buf, count, &dev_inst(dev)->bytes_bucket, false);
}
static DEVICE_ATTR_RW(bytes_burst);

static ssize_t throttled_ns_show(struct device *dev,
				 struct device_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%lld\n",
			  atomic64_read(&dev_inst(dev)->st.throttled_ns));
}
static DEVICE_ATTR_RO(throttled_ns);

static struct attribute *ava_host_policy_attrs[] = {
	&dev_attr_calls_per_sec.attr,
	&dev_attr_calls_burst.attr,
	&dev_attr_bytes_per_sec.attr,
	&dev_attr_bytes_burst.attr,
	&dev_attr_throttled_ns.attr,
	NULL,
};

const struct attribute_group ava_host_policy_group = {
	.name = "ava",
	.attrs = ava_host_policy_attrs,
};
