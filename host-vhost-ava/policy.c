// SPDX-License-Identifier: GPL-2.0-only
/*
 * AvA host module: per-instance policy.  Two token buckets limit the
 * calls per second and the bytes per second (inline command bytes,
 * referenced buffer bytes and reply bytes) a VM may submit.  A command
 * that finds a bucket empty stays on its ring until the tokens are there;
 * one larger than the burst is charged in full and leaves the bucket in
 * debt.  Chains refused without reaching the worker are charged too.
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

/*
 * Tokens are scaled by NSEC_PER_SEC and kept in an s64 between
 * -AVA_DEBT_MAX and burst (<= AVA_RATE_MAX) units; differences of two
 * such values fit a u64, so they are taken in u64.
 */
#define AVA_RATE_MAX	BIT_ULL(33)
#define AVA_DEBT_MAX	BIT_ULL(32)

static void bucket_set(struct ava_host_bucket *b, u64 rate, u64 burst)
{
	b->rate = rate;
	b->burst = burst;
	b->tokens = burst * NSEC_PER_SEC;
	b->last_ns = ktime_get_ns();
}

static void bucket_refill(struct ava_host_bucket *b, u64 now)
{
	s64 full = b->burst * NSEC_PER_SEC;
	u64 gap = (u64)full - (u64)b->tokens;
	u64 dt = now - b->last_ns;

	b->last_ns = now;
	/* dt * rate only when it cannot exceed the gap, so no overflow */
	if (dt > div64_u64(gap, b->rate))
		b->tokens = full;
	else
		b->tokens = (s64)((u64)b->tokens + dt * b->rate);
}

/*
 * ns until a command of cost units may go; 0 if it may now.  A command
 * needs min(cost, burst) tokens but takes its full cost (bucket_take), so
 * one larger than the burst leaves the bucket in debt and the next waits
 * for the debt to be paid: the rate holds for any size.
 */
static u64 bucket_wait(struct ava_host_bucket *b, u64 cost, u64 now)
{
	s64 need;

	if (!b->rate)
		return 0;
	bucket_refill(b, now);
	need = min(cost, b->burst) * NSEC_PER_SEC;
	if (b->tokens >= need)
		return 0;
	return div64_u64((u64)need - (u64)b->tokens + b->rate - 1, b->rate);
}

/* Take cost units, into debt if need be (at most AVA_DEBT_MAX units). */
static void bucket_take(struct ava_host_bucket *b, u64 cost)
{
	s64 floor = -(s64)(AVA_DEBT_MAX * NSEC_PER_SEC);
	u64 c = min_t(u64, cost, AVA_DEBT_MAX) * NSEC_PER_SEC;

	if (!b->rate)
		return;
	if (c >= (u64)b->tokens - (u64)floor)
		b->tokens = floor;
	else
		b->tokens = (s64)((u64)b->tokens - c);
}

void ava_host_policy_init(struct ava_host_inst *inst)
{
	spin_lock_init(&inst->policy_lock);
	bucket_set(&inst->calls_bucket, 0, 0);
	bucket_set(&inst->bytes_bucket, 0, 0);
}

/* Count the time commands wait for tokens; policy_lock held. */
static void throttle_account(struct ava_host_inst *inst, bool waiting,
			     u64 now)
{
	lockdep_assert_held(&inst->policy_lock);
	if (waiting) {
		if (!inst->throttle_start)
			inst->throttle_start = now;
	} else if (inst->throttle_start) {
		atomic64_add(now - inst->throttle_start,
			     &inst->st.throttled_ns);
		inst->throttle_start = 0;
	}
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
	}
	throttle_account(inst, w1 || w2, now);
	spin_unlock(&inst->policy_lock);
	return max(w1, w2);
}

/*
 * ns until the buckets are out of debt (and one call is there); 0 if
 * they are.  Takes nothing; counts in throttled_ns only once a command
 * waits (ava_host_policy_admit()), as the ring may well be empty.
 */
u64 ava_host_policy_owed(struct ava_host_inst *inst)
{
	u64 now = ktime_get_ns();
	u64 w;

	spin_lock(&inst->policy_lock);
	w = max(bucket_wait(&inst->calls_bucket, 1, now),
		bucket_wait(&inst->bytes_bucket, 0, now));
	spin_unlock(&inst->policy_lock);
	return w;
}

/*
 * Charge work already done without waiting: reply bytes written back,
 * chains refused (calls, bytes).  The buckets may go into debt; the next
 * command waits for it (ava_host_policy_admit()).
 */
void ava_host_policy_charge(struct ava_host_inst *inst, u64 calls, u64 bytes)
{
	u64 now = ktime_get_ns();

	spin_lock(&inst->policy_lock);
	if (inst->calls_bucket.rate && calls) {
		bucket_refill(&inst->calls_bucket, now);
		bucket_take(&inst->calls_bucket, calls);
	}
	if (inst->bytes_bucket.rate && bytes) {
		bucket_refill(&inst->bytes_bucket, now);
		bucket_take(&inst->bytes_bucket, bytes);
	}
	spin_unlock(&inst->policy_lock);
}

static struct ava_host_inst *dev_inst(struct device *dev)
{
	return dev_get_drvdata(dev);
}

/* The rate or the burst of one of the instance's buckets. */
struct ava_host_bucket_attr {
	struct device_attribute attr;
	size_t bucket;		/* its offset in struct ava_host_inst */
	bool is_rate;		/* else the burst */
};

static struct ava_host_bucket *attr_bucket(struct device *dev,
					   struct device_attribute *attr,
					   bool *is_rate)
{
	struct ava_host_bucket_attr *ba =
		container_of(attr, struct ava_host_bucket_attr, attr);

	*is_rate = ba->is_rate;
	return (struct ava_host_bucket *)((u8 *)dev_inst(dev) + ba->bucket);
}

static ssize_t bucket_show(struct device *dev, struct device_attribute *attr,
			   char *buf)
{
	struct ava_host_inst *inst = dev_inst(dev);
	bool is_rate;
	struct ava_host_bucket *b = attr_bucket(dev, attr, &is_rate);
	u64 v;

	spin_lock(&inst->policy_lock);
	v = is_rate ? b->rate : b->burst;
	spin_unlock(&inst->policy_lock);
	return sysfs_emit(buf, "%llu\n", v);
}

static ssize_t bucket_store(struct device *dev, struct device_attribute *attr,
			    const char *buf, size_t count)
{
	struct ava_host_inst *inst = dev_inst(dev);
	bool is_rate;
	struct ava_host_bucket *b = attr_bucket(dev, attr, &is_rate);
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

/*
 * The file of a rate (is_rate) or burst of bucket, read and set, defined
 * where the attribute list names it (a compound literal at file scope is
 * static).
 */
#define BUCKET_FILE(name, bucket, is_rate)					\
	(&((struct ava_host_bucket_attr) {					\
		__ATTR(name, 0644, bucket_show, bucket_store),			\
		offsetof(struct ava_host_inst, bucket), is_rate			\
	}).attr.attr)

static ssize_t throttled_ns_show(struct device *dev,
				 struct device_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%lld\n",
			  atomic64_read(&dev_inst(dev)->st.throttled_ns));
}
static DEVICE_ATTR_RO(throttled_ns);

static struct attribute *ava_host_policy_attrs[] = {
	BUCKET_FILE(calls_per_sec, calls_bucket, true),
	BUCKET_FILE(calls_burst, calls_bucket, false),
	BUCKET_FILE(bytes_per_sec, bytes_bucket, true),
	BUCKET_FILE(bytes_burst, bytes_bucket, false),
	&dev_attr_throttled_ns.attr,
	&dev_attr_mem_quota_bytes.attr,		/* share.c */
	&dev_attr_mem_used_bytes.attr,
	&dev_attr_mem_peak_bytes.attr,
	&dev_attr_time_weight.attr,		/* time.c */
	&dev_attr_time_cap_pct.attr,
	&dev_attr_time_want_ms.attr,
	&dev_attr_device_time_ns.attr,
	&dev_attr_time_throttled_ns.attr,
	&dev_attr_session_time_weight.attr,
	NULL,
};

const struct attribute_group ava_host_policy_group = {
	.name = "ava",
	.attrs = ava_host_policy_attrs,
};
