// SPDX-License-Identifier: GPL-2.0-only
/*
 * virtio_ava: the device's counters in sysfs (<virtio device>/ava/) and
 * its sessions in debugfs (virtio_ava/<virtio device>/sessions).
 */
#include <linux/device.h>
#include <linux/debugfs.h>
#include <linux/seq_file.h>
#include <linux/sysfs.h>
#include <linux/virtio.h>

#include "ava_guest.h"

static struct ava_guest_dev *dev_to_ava(struct device *dev)
{
	return dev_to_virtio(dev)->priv;
}

struct ava_guest_cnt_attr {
	struct device_attribute attr;
	size_t off;		/* in struct ava_guest_counters */
};

static ssize_t cnt_show(struct device *dev, struct device_attribute *attr,
			char *buf)
{
	struct ava_guest_cnt_attr *ca = container_of(attr, struct ava_guest_cnt_attr, attr);
	atomic64_t *v = (atomic64_t *)((u8 *)&dev_to_ava(dev)->st + ca->off);

	return sysfs_emit(buf, "%lld\n", (long long)atomic64_read(v));
}

/*
 * The file of one of the device's counters, read only, defined where the
 * attribute list names it (a compound literal at file scope is static).
 */
#define CNT_FILE(counter)						\
	(&((struct ava_guest_cnt_attr) {				\
		.attr = { .attr = { .name = #counter, .mode = 0444 },	\
			  .show = cnt_show },				\
		.off = offsetof(struct ava_guest_counters, counter),	\
	}).attr.attr)

static ssize_t sessions_show(struct device *dev, struct device_attribute *attr,
			     char *buf)
{
	struct ava_guest_dev *d = dev_to_ava(dev);
	struct ava_guest_sess *s;
	unsigned int n = 0;

	mutex_lock(&d->lock);
	list_for_each_entry(s, &d->sessions, node)
		n++;
	mutex_unlock(&d->lock);
	return sysfs_emit(buf, "%u\n", n);
}
static DEVICE_ATTR_RO(sessions);

static ssize_t sessions_total_show(struct device *dev,
				   struct device_attribute *attr, char *buf)
{
	struct ava_guest_dev *d = dev_to_ava(dev);
	u64 n;

	mutex_lock(&d->lock);
	n = d->sessions_total;
	mutex_unlock(&d->lock);
	return sysfs_emit(buf, "%llu\n", n);
}
static DEVICE_ATTR_RO(sessions_total);

static ssize_t worker_show(struct device *dev, struct device_attribute *attr,
			   char *buf)
{
	return sysfs_emit(buf, "%u\n", READ_ONCE(dev_to_ava(dev)->worker));
}
static DEVICE_ATTR_RO(worker);

static struct attribute *ava_guest_attrs[] = {
	CNT_FILE(calls),
	CNT_FILE(async_calls),
	CNT_FILE(errors),
	CNT_FILE(bytes_pinned),
	CNT_FILE(bytes_copied),
	CNT_FILE(pinned_pages),
	CNT_FILE(inflight),
	&dev_attr_sessions.attr,
	&dev_attr_sessions_total.attr,
	&dev_attr_worker.attr,
	NULL,
};

const struct attribute_group ava_guest_attr_group = {
	.name = "ava",
	.attrs = ava_guest_attrs,
};

/* ------------------------------------------------------------- debugfs */

static int sessions_dbg_show(struct seq_file *m, void *v)
{
	struct ava_guest_dev *d = m->private;
	struct ava_guest_sess *s;

	seq_puts(m, "session pid comm calls async errors pinned_bytes inflight pinned_pages\n");
	mutex_lock(&d->lock);
	list_for_each_entry(s, &d->sessions, node)
		seq_printf(m, "%u %d %s %lld %lld %lld %lld %lld %lld\n",
			   s->id, s->pid, s->comm,
			   (long long)atomic64_read(&s->st.calls),
			   (long long)atomic64_read(&s->st.async_calls),
			   (long long)atomic64_read(&s->st.errors),
			   (long long)atomic64_read(&s->st.bytes_pinned),
			   (long long)atomic64_read(&s->st.inflight),
			   (long long)atomic64_read(&s->st.pinned_pages));
	mutex_unlock(&d->lock);
	return 0;
}

/*
 * next_session (debugfs, for tests): where the search for the next
 * session id starts, so that a test can make ids wrap onto live ones.
 */
static int next_session_get(void *data, u64 *val)
{
	struct ava_guest_dev *d = data;

	mutex_lock(&d->lock);
	*val = d->next_id;
	mutex_unlock(&d->lock);
	return 0;
}

static int next_session_set(void *data, u64 val)
{
	struct ava_guest_dev *d = data;

	if (val > U32_MAX)
		return -EINVAL;
	mutex_lock(&d->lock);
	d->next_id = val;
	mutex_unlock(&d->lock);
	return 0;
}

DEFINE_DEBUGFS_ATTRIBUTE(next_session_fops, next_session_get,
			 next_session_set, "%llu\n");

DEFINE_SHOW_ATTRIBUTE(sessions_dbg);

/* The device's debugfs directory, under root. */
void ava_guest_debugfs_add(struct ava_guest_dev *d, struct dentry *root)
{
	d->dbg = debugfs_create_dir(dev_name(&d->vdev->dev), root);
	debugfs_create_file("sessions", 0444, d->dbg, d, &sessions_dbg_fops);
	debugfs_create_file_unsafe("next_session", 0600, d->dbg, d,
				   &next_session_fops);
}
