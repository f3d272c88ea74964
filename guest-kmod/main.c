// SPDX-License-Identifier: GPL-2.0-only
/*
 * virtio_ava: the guest driver of the AvA virtual accelerator.
 *
 * The device (uapi/ava_virtio.h) takes AvA wire commands (uapi/ava_wire.h)
 * on its virtqueues, one descriptor chain per command, and hands them to
 * a host worker that runs them on the host's accelerator API.  This
 * driver gives user space /dev/ava (uapi/ava_dev.h, chardev.c).
 *
 * This file: module parameters, probe and remove.  Commands: call.c;
 * virtqueues and completions: vq.c; counters: sysfs.c.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/virtio_config.h>
#include <linux/slab.h>
#include <linux/idr.h>
#include <linux/debugfs.h>

#include "ava_guest.h"

static unsigned int virtio_id = AVA_VIRTIO_ID_DEFAULT;
module_param(virtio_id, uint, 0444);
MODULE_PARM_DESC(virtio_id, "virtio device id of the AvA device (1-63, default 63; provisional)");

unsigned int ava_guest_max_async = 256;
module_param_named(max_async, ava_guest_max_async, uint, 0444);
MODULE_PARM_DESC(max_async, "asynchronous commands of one session in flight (1-65536)");

struct workqueue_struct *ava_guest_wq;
static struct dentry *ava_guest_dbg_root;
static DEFINE_IDA(ava_guest_ida);

static struct virtio_device_id id_table[] = {
	{ AVA_VIRTIO_ID_DEFAULT, VIRTIO_DEV_ANY_ID },
	{ 0 },
};

void ava_guest_dev_release(struct kref *ref)
{
	struct ava_guest_dev *d = container_of(ref, struct ava_guest_dev, ref);

	ida_free(&ava_guest_ida, d->index);
	xa_destroy(&d->ids);
	kfree(d);
}

static void read_config(struct ava_guest_dev *d)
{
	struct virtio_device *vdev = d->vdev;

	virtio_cread_le(vdev, struct ava_virtio_config, max_inline,
			&d->max_inline);
	virtio_cread_le(vdev, struct ava_virtio_config, max_refs, &d->max_refs);
	virtio_cread_le(vdev, struct ava_virtio_config, max_chain,
			&d->max_chain);
	virtio_cread_le(vdev, struct ava_virtio_config, max_ref_bytes,
			&d->max_ref_bytes);
	d->max_inline = min_t(u32, d->max_inline, AVA_MAX_INLINE);
	d->max_refs = min_t(u32, d->max_refs, AVA_MAX_REFS);
}

static void ava_guest_config_changed(struct virtio_device *vdev)
{
	struct ava_guest_dev *d = vdev->priv;
	u32 worker;

	virtio_cread_le(vdev, struct ava_virtio_config, worker, &worker);
	WRITE_ONCE(d->worker, worker);
}

static int find_queues(struct ava_guest_dev *d)
{
	static const char * const names[AVA_MAX_QUEUES] = {
		"cmd0", "cmd1", "cmd2", "cmd3", "cmd4", "cmd5", "cmd6", "cmd7",
	};
	vq_callback_t *cbs[AVA_MAX_QUEUES];
	struct virtqueue *vqs[AVA_MAX_QUEUES];
	unsigned int i;
	int ret;

	for (i = 0; i < d->nq; i++) {
		cbs[i] = ava_guest_vq_cb;
		d->q[i].d = d;
		mutex_init(&d->q[i].lock);
		init_waitqueue_head(&d->q[i].space);
		INIT_WORK(&d->q[i].done_work, ava_guest_done_work);
	}
	ret = virtio_find_vqs(d->vdev, d->nq, vqs, cbs, names, NULL);
	if (ret)
		return ret;
	for (i = 0; i < d->nq; i++)
		d->q[i].vq = vqs[i];
	return 0;
}

/* /dev/ava (ava<N> for the second device on), sysfs and debugfs. */
static int publish(struct ava_guest_dev *d)
{
	struct virtio_device *vdev = d->vdev;
	int ret;

	if (d->index)
		snprintf(d->name, sizeof(d->name), "ava%d", d->index);
	else
		strscpy(d->name, "ava", sizeof(d->name));
	d->misc.minor = MISC_DYNAMIC_MINOR;
	d->misc.name = d->name;
	d->misc.fops = &ava_guest_fops;
	d->misc.mode = 0666;
	d->misc.parent = &vdev->dev;
	ret = misc_register(&d->misc);
	if (ret)
		return ret;
	ret = sysfs_create_group(&vdev->dev.kobj, &ava_guest_attr_group);
	if (ret) {
		misc_deregister(&d->misc);
		return ret;
	}
	ava_guest_debugfs_add(d, ava_guest_dbg_root);
	return 0;
}

static int ava_guest_probe(struct virtio_device *vdev)
{
	struct ava_guest_dev *d;
	u32 wire, nq;
	int ret;

	virtio_cread_le(vdev, struct ava_virtio_config, wire_version, &wire);
	if (wire != AVA_WIRE_VERSION) {
		dev_err(&vdev->dev, "host speaks wire version %u, not %u\n",
			wire, AVA_WIRE_VERSION);
		return -ENODEV;
	}
	virtio_cread_le(vdev, struct ava_virtio_config, num_cmd_queues, &nq);
	if (!nq)
		return -ENODEV;
	d = kzalloc(sizeof(*d), GFP_KERNEL);
	if (!d)
		return -ENOMEM;
	ret = ida_alloc(&ava_guest_ida, GFP_KERNEL);
	if (ret < 0) {
		kfree(d);
		return ret;
	}
	d->index = ret;
	kref_init(&d->ref);
	mutex_init(&d->lock);
	INIT_LIST_HEAD(&d->sessions);
	xa_init_flags(&d->ids, XA_FLAGS_ALLOC1);
	d->vdev = vdev;
	d->nq = min_t(u32, nq, AVA_MAX_QUEUES);
	vdev->priv = d;
	read_config(d);
	ava_guest_config_changed(vdev);
	if (d->max_chain < 4 || !d->max_refs || !d->max_ref_bytes) {
		dev_err(&vdev->dev, "device limits unusable\n");
		ret = -ENODEV;
		goto err_free;
	}
	ret = find_queues(d);
	if (ret)
		goto err_free;
	virtio_device_ready(vdev);
	ret = publish(d);
	if (ret)
		goto err_vqs;
	dev_info(&vdev->dev, "/dev/%s: %u queue(s), max_chain %u, worker %s\n",
		 d->name, d->nq, d->max_chain,
		 d->worker ? "attached" : "absent");
	return 0;

err_vqs:
	virtio_reset_device(vdev);
	vdev->config->del_vqs(vdev);
err_free:
	vdev->priv = NULL;
	kref_put(&d->ref, ava_guest_dev_release);
	return ret;
}

static void ava_guest_remove(struct virtio_device *vdev)
{
	struct ava_guest_dev *d = vdev->priv;
	struct ava_guest_req *r;
	unsigned int i;

	WRITE_ONCE(d->dead, true);
	debugfs_remove_recursive(d->dbg);
	sysfs_remove_group(&vdev->dev.kobj, &ava_guest_attr_group);
	misc_deregister(&d->misc);
	for (i = 0; i < d->nq; i++) {
		mutex_lock(&d->q[i].lock);
		d->q[i].dead = true;
		mutex_unlock(&d->q[i].lock);
	}
	/* the device stops: whatever it held comes back, failed */
	virtio_reset_device(vdev);
	for (i = 0; i < d->nq; i++) {
		struct ava_guest_queue *q = &d->q[i];

		cancel_work_sync(&q->done_work);
		mutex_lock(&q->lock);
		while ((r = virtqueue_detach_unused_buf(q->vq)))
			ava_guest_req_finish(r, 0, true);
		mutex_unlock(&q->lock);
		wake_up_all(&q->space);
	}
	vdev->config->del_vqs(vdev);
	/* sessions still open wake up and see the device gone */
	mutex_lock(&d->lock);
	{
		struct ava_guest_sess *s;

		list_for_each_entry(s, &d->sessions, node)
			wake_up_all(&s->wq);
	}
	mutex_unlock(&d->lock);
	vdev->priv = NULL;
	kref_put(&d->ref, ava_guest_dev_release);
}

static struct virtio_driver ava_guest_driver = {
	.driver.name = KBUILD_MODNAME,
	.driver.owner = THIS_MODULE,
	.id_table = id_table,
	.probe = ava_guest_probe,
	.remove = ava_guest_remove,
	.config_changed = ava_guest_config_changed,
};

static int __init ava_guest_init(void)
{
	int ret;

	if (!virtio_id || virtio_id > 63 || !ava_guest_max_async || ava_guest_max_async > 65536) {
		pr_err("invalid module parameter\n");
		return -EINVAL;
	}
	id_table[0].device = virtio_id;
	ava_guest_wq = alloc_workqueue("virtio_ava", WQ_HIGHPRI | WQ_MEM_RECLAIM, 0);
	if (!ava_guest_wq)
		return -ENOMEM;
	ava_guest_dbg_root = debugfs_create_dir(KBUILD_MODNAME, NULL);
	ret = register_virtio_driver(&ava_guest_driver);
	if (ret) {
		debugfs_remove_recursive(ava_guest_dbg_root);
		destroy_workqueue(ava_guest_wq);
	}
	return ret;
}

static void __exit ava_guest_exit(void)
{
	unregister_virtio_driver(&ava_guest_driver);
	debugfs_remove_recursive(ava_guest_dbg_root);
	destroy_workqueue(ava_guest_wq);
}

module_init(ava_guest_init);
module_exit(ava_guest_exit);

MODULE_DEVICE_TABLE(virtio, id_table);
MODULE_DESCRIPTION("AvA virtual accelerator: guest driver (/dev/ava)");
MODULE_LICENSE("GPL");
