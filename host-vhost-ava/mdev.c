// SPDX-License-Identifier: GPL-2.0-only
/*
 * AvA host module: the mdev parent "ava", its instance types, and the
 * VFIO device of each instance (regions, interrupts, reset).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/device.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/nospec.h>
#include <linux/pci_regs.h>
#include <linux/virtio_config.h>

#include <linux/memcontrol.h>

#include "ava_host.h"

static struct ava_host_type ava_host_types[] = {
	{ .type = { .sysfs_name = "1q", .pretty_name = "AvA, 1 queue" },
	  .num_queues = 1 },
	{ .type = { .sysfs_name = "4q", .pretty_name = "AvA, 4 queues" },
	  .num_queues = 4 },
};

static struct mdev_type *ava_host_mdev_types[] = {
	&ava_host_types[0].type,
	&ava_host_types[1].type,
};

static struct {
	struct class *class;
	struct device dev;
	struct mdev_parent parent;
} ava_host_parent;

static atomic_t ava_host_avail;
static LIST_HEAD(ava_host_instances);
static DEFINE_MUTEX(ava_host_instances_lock);

static const struct vfio_device_ops ava_host_dev_ops;

struct ava_host_inst *ava_host_inst_get_by_name(const char *name)
{
	struct ava_host_inst *inst, *found = NULL;

	mutex_lock(&ava_host_instances_lock);
	list_for_each_entry(inst, &ava_host_instances, node) {
		if (!strcmp(dev_name(&inst->mdev->dev), name)) {
			get_device(&inst->vdev.device);
			found = inst;
			break;
		}
	}
	mutex_unlock(&ava_host_instances_lock);
	return found;
}

void ava_host_inst_put(struct ava_host_inst *inst)
{
	vfio_put_device(&inst->vdev);
}

static void free_bufs(struct ava_host_inst *inst)
{
	unsigned int i;

	for (i = 0; i < AVA_MAX_QUEUES; i++)
		bitmap_free(inst->heads_out[i]);
	kvfree(inst->scratch);
}

static int alloc_bufs(struct ava_host_inst *inst)
{
	unsigned int i;

	inst->scratch = kvzalloc(struct_size(inst->scratch, segs,
					     ava_host_max_chain), GFP_KERNEL);
	if (!inst->scratch)
		return -ENOMEM;
	for (i = 0; i < AVA_MAX_QUEUES; i++) {
		inst->heads_out[i] = bitmap_zalloc(ava_host_max_queue_size,
						   GFP_KERNEL);
		if (!inst->heads_out[i]) {
			free_bufs(inst);
			return -ENOMEM;
		}
	}
	return 0;
}

static int ava_host_init_dev(struct vfio_device *vdev)
{
	struct ava_host_inst *inst = vdev_to_inst(vdev);
	struct mdev_device *mdev = to_mdev_device(vdev->dev);
	int ret;

	ret = alloc_bufs(inst);
	if (ret)
		return ret;
	if (atomic_dec_if_positive(&ava_host_avail) < 0) {
		free_bufs(inst);
		return -ENOSPC;
	}
	inst->mdev = mdev;
	inst->type = container_of(mdev->type, struct ava_host_type, type);
	inst->num_queues = inst->type->num_queues;
	inst->dev_features = BIT_ULL(VIRTIO_F_VERSION_1) |
			     BIT_ULL(AVA_F_INDIRECT);
	mutex_init(&inst->lock);
	mutex_init(&inst->wlock);
	mutex_init(&inst->pin_lock);
	INIT_LIST_HEAD(&inst->pinned);
	spin_lock_init(&inst->irq_lock);
	spin_lock_init(&inst->done_lock);
	INIT_LIST_HEAD(&inst->done);
	INIT_LIST_HEAD(&inst->pending);
	INIT_LIST_HEAD(&inst->inflight);
	xa_init(&inst->sessions);
	xa_init(&inst->retired);
	INIT_LIST_HEAD(&inst->node);
	INIT_DELAYED_WORK(&inst->work, ava_host_vq_work);
	ava_host_policy_init(inst);
	ava_host_share_init(inst);
	ava_host_time_inst_add(inst);
	ava_host_cfg_init(inst);
	mutex_lock(&inst->lock);
	ava_host_reset_locked(inst);
	mutex_unlock(&inst->lock);
	return 0;
}

static void ava_host_release_dev(struct vfio_device *vdev)
{
	struct ava_host_inst *inst = vdev_to_inst(vdev);
	struct ava_host_req *req, *tmp;

	/* a worker may have queued answers after the device closed */
	cancel_delayed_work_sync(&inst->work);
	list_for_each_entry_safe(req, tmp, &inst->done, node) {
		list_del(&req->node);
		ava_host_req_free(req);
	}
	ava_host_time_inst_remove(inst);
	atomic_inc(&ava_host_avail);
	xa_destroy(&inst->retired);
	free_bufs(inst);
	mutex_destroy(&inst->lock);
	mutex_destroy(&inst->wlock);
	mutex_destroy(&inst->pin_lock);
	vfio_free_device(vdev);
}

static int ava_host_open_device(struct vfio_device *vdev)
{
	struct ava_host_inst *inst = vdev_to_inst(vdev);

	mutex_lock(&inst->lock);
	ava_host_reset_locked(inst);
	ava_host_cfg_init(inst);
	inst->open = true;
	/* what the guest makes the module hold is charged to the VMM */
	inst->memcg = get_mem_cgroup_from_mm(current->mm);
	mutex_unlock(&inst->lock);
	return 0;
}

static void ava_host_close_device(struct vfio_device *vdev)
{
	struct ava_host_inst *inst = vdev_to_inst(vdev);
	struct ava_host_req *req, *tmp;
	struct mem_cgroup *memcg;

	mutex_lock(&inst->lock);
	inst->open = false;
	ava_host_reset_locked(inst);
	mutex_unlock(&inst->lock);
	cancel_delayed_work_sync(&inst->work);
	/* answers that came in after the reset are dropped */
	spin_lock(&inst->done_lock);
	list_for_each_entry_safe(req, tmp, &inst->done, node) {
		list_del(&req->node);
		ava_host_req_free(req);
	}
	spin_unlock(&inst->done_lock);
	ava_host_irqs_release(inst);
	/* a worker's late answer may still run the work item */
	mutex_lock(&inst->lock);
	memcg = inst->memcg;
	inst->memcg = NULL;
	mutex_unlock(&inst->lock);
	mem_cgroup_put(memcg);
}

/*
 * The device's regions: each one's size and the handlers of its accesses.
 * BAR 2 holds the MSI-X table, which the VMM emulates: it has none (writes
 * are ignored, reads return 0).
 */
struct ava_host_region {
	u64 size;
	int (*read)(struct ava_host_inst *inst, u32 off, void *buf, u32 len);
	int (*write)(struct ava_host_inst *inst, u32 off, const void *buf,
		     u32 len);
};

static const struct ava_host_region ava_host_regions[] = {
	[VFIO_PCI_CONFIG_REGION_INDEX] = { AVA_CFG_SIZE, ava_host_cfg_read,
					   ava_host_cfg_write },
	[VFIO_PCI_BAR0_REGION_INDEX] = { AVA_BAR0_SIZE, ava_host_bar0_read,
					 ava_host_bar0_write },
	[VFIO_PCI_BAR2_REGION_INDEX] = { AVA_BAR2_SIZE },
};

static u64 region_size(u64 index)
{
	return index < ARRAY_SIZE(ava_host_regions) ?
	       ava_host_regions[index].size : 0;
}

/* One access of 1, 2 or 4 bytes, naturally aligned. */
static int ava_host_access(struct ava_host_inst *inst, u64 pos, void *val, u32 len,
			   bool write)
{
	u64 index = pos >> AVA_REGION_SHIFT;
	u64 off = pos & AVA_REGION_MASK;
	const struct ava_host_region *r;
	int ret = 0;

	if (off + len > region_size(index))
		return -EINVAL;
	/* index comes from user space: no speculative read past the table */
	r = &ava_host_regions[array_index_nospec(index, ARRAY_SIZE(ava_host_regions))];
	mutex_lock(&inst->lock);
	if (write)
		ret = r->write ? r->write(inst, off, val, len) : 0;
	else if (r->read)
		ret = r->read(inst, off, val, len);
	else
		memset(val, 0, len);
	mutex_unlock(&inst->lock);
	return ret;
}

static ssize_t ava_host_rw(struct ava_host_inst *inst, char __user *ubuf, size_t count,
			   loff_t *ppos, bool write)
{
	size_t done = 0;

	while (done < count) {
		u64 pos = *ppos + done;
		u8 val[4];
		u32 len;
		int ret;

		if (count - done >= 4 && !(pos & 3))
			len = 4;
		else if (count - done >= 2 && !(pos & 1))
			len = 2;
		else
			len = 1;
		if (write && copy_from_user(val, ubuf + done, len))
			return -EFAULT;
		ret = ava_host_access(inst, pos, val, len, write);
		if (ret)
			return done ? done : ret;
		if (!write && copy_to_user(ubuf + done, val, len))
			return -EFAULT;
		done += len;
	}
	*ppos += done;
	return done;
}

static ssize_t ava_host_read(struct vfio_device *vdev, char __user *buf,
			     size_t count, loff_t *ppos)
{
	return ava_host_rw(vdev_to_inst(vdev), buf, count, ppos, false);
}

static ssize_t ava_host_write(struct vfio_device *vdev, const char __user *buf,
			      size_t count, loff_t *ppos)
{
	return ava_host_rw(vdev_to_inst(vdev), (char __user *)buf, count, ppos,
		      true);
}

static u32 ava_host_irq_count(struct ava_host_inst *inst, unsigned int index)
{
	switch (index) {
	case VFIO_PCI_MSIX_IRQ_INDEX:
		return inst->num_queues + 1;
	case VFIO_PCI_REQ_IRQ_INDEX:
	case VFIO_PCI_ERR_IRQ_INDEX:
		return 1;
	}
	return 0;
}

/* What a VFIO info query reads and writes back; argsz comes first in each. */
union ava_host_info {
	u32 argsz;
	struct vfio_device_info dev;
	struct vfio_region_info region;
	struct vfio_irq_info irq;
};

static long fill_device_info(struct ava_host_inst *inst, union ava_host_info *info)
{
	info->dev.flags = VFIO_DEVICE_FLAGS_PCI | VFIO_DEVICE_FLAGS_RESET;
	info->dev.num_regions = VFIO_PCI_NUM_REGIONS;
	info->dev.num_irqs = VFIO_PCI_NUM_IRQS;
	return 0;
}

static long fill_region_info(struct ava_host_inst *inst, union ava_host_info *info)
{
	struct vfio_region_info *r = &info->region;

	if (r->index >= VFIO_PCI_NUM_REGIONS)
		return -EINVAL;
	r->cap_offset = 0;
	r->offset = AVA_REGION_OFF(r->index);
	r->size = region_size(r->index);
	r->flags = r->size ? VFIO_REGION_INFO_FLAG_READ |
			     VFIO_REGION_INFO_FLAG_WRITE : 0;
	return 0;
}

static long fill_irq_info(struct ava_host_inst *inst, union ava_host_info *info)
{
	struct vfio_irq_info *irq = &info->irq;

	if (irq->index >= VFIO_PCI_NUM_IRQS)
		return -EINVAL;
	irq->count = ava_host_irq_count(inst, irq->index);
	irq->flags = irq->count ? VFIO_IRQ_INFO_EVENTFD |
				  VFIO_IRQ_INFO_NORESIZE : 0;
	return 0;
}

static const struct ava_host_info_query {
	unsigned int cmd;
	unsigned long minsz;	/* the caller's struct up to its last field we fill */
	long (*fill)(struct ava_host_inst *inst, union ava_host_info *info);
} ava_host_info_queries[] = {
	{ VFIO_DEVICE_GET_INFO, offsetofend(struct vfio_device_info, num_irqs),
	  fill_device_info },
	{ VFIO_DEVICE_GET_REGION_INFO, offsetofend(struct vfio_region_info, offset),
	  fill_region_info },
	{ VFIO_DEVICE_GET_IRQ_INFO, offsetofend(struct vfio_irq_info, count),
	  fill_irq_info },
};

/* An info query: the caller's struct read, checked, filled and written back. */
static long ioctl_info(struct ava_host_inst *inst,
		       const struct ava_host_info_query *q, void __user *arg)
{
	union ava_host_info info;
	long ret;

	if (copy_from_user(&info, arg, q->minsz))
		return -EFAULT;
	if (info.argsz < q->minsz)
		return -EINVAL;
	ret = q->fill(inst, &info);
	if (ret)
		return ret;
	return copy_to_user(arg, &info, q->minsz) ? -EFAULT : 0;
}

static long ioctl_set_irqs(struct ava_host_inst *inst, void __user *arg)
{
	struct vfio_irq_set hdr;
	unsigned long minsz = offsetofend(struct vfio_irq_set, count);
	size_t data_size = 0;
	void *data = NULL;
	long ret;

	if (copy_from_user(&hdr, arg, minsz))
		return -EFAULT;
	if (hdr.index >= VFIO_PCI_NUM_IRQS)
		return -EINVAL;
	ret = vfio_set_irqs_validate_and_prepare(&hdr,
						 ava_host_irq_count(inst, hdr.index),
						 VFIO_PCI_NUM_IRQS, &data_size);
	if (ret)
		return ret;
	if (data_size) {
		data = memdup_user(arg + minsz, data_size);
		if (IS_ERR(data))
			return PTR_ERR(data);
	}
	ret = ava_host_set_irqs(inst, hdr.flags, hdr.index, hdr.start, hdr.count,
				data);
	kfree(data);
	return ret;
}

static long ava_host_ioctl(struct vfio_device *vdev, unsigned int cmd,
			   unsigned long arg)
{
	struct ava_host_inst *inst = vdev_to_inst(vdev);
	void __user *uarg = (void __user *)arg;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(ava_host_info_queries); i++)
		if (cmd == ava_host_info_queries[i].cmd)
			return ioctl_info(inst, &ava_host_info_queries[i], uarg);
	switch (cmd) {
	case VFIO_DEVICE_SET_IRQS:
		return ioctl_set_irqs(inst, uarg);
	case VFIO_DEVICE_RESET:
		mutex_lock(&inst->lock);
		ava_host_reset_locked(inst);
		mutex_unlock(&inst->lock);
		return 0;
	}
	return -ENOTTY;
}

static void ava_host_request(struct vfio_device *vdev, unsigned int count)
{
	struct ava_host_inst *inst = vdev_to_inst(vdev);

	if (!count)
		dev_notice(&inst->mdev->dev, "asking the user to release the device\n");
	ava_host_signal_request(inst);
}

static void ava_host_dma_unmap(struct vfio_device *vdev, u64 iova, u64 length)
{
	ava_host_unpin_iova(vdev_to_inst(vdev), iova, length);
}

static const struct vfio_device_ops ava_host_dev_ops = {
	.name = "vfio-ava",
	.init = ava_host_init_dev,
	.release = ava_host_release_dev,
	.open_device = ava_host_open_device,
	.close_device = ava_host_close_device,
	.read = ava_host_read,
	.write = ava_host_write,
	.ioctl = ava_host_ioctl,
	.request = ava_host_request,
	.dma_unmap = ava_host_dma_unmap,
};

static int ava_host_probe(struct mdev_device *mdev)
{
	struct ava_host_inst *inst;
	int ret;

	inst = vfio_alloc_device(ava_host_inst, vdev, &mdev->dev, &ava_host_dev_ops);
	if (IS_ERR(inst))
		return PTR_ERR(inst);
	dev_set_drvdata(&mdev->dev, inst);
	ret = vfio_register_emulated_iommu_dev(&inst->vdev);
	if (ret) {
		vfio_put_device(&inst->vdev);
		return ret;
	}
	ava_host_debugfs_add(inst);
	mutex_lock(&ava_host_instances_lock);
	list_add_tail(&inst->node, &ava_host_instances);
	mutex_unlock(&ava_host_instances_lock);
	return 0;
}

static void ava_host_remove(struct mdev_device *mdev)
{
	struct ava_host_inst *inst = dev_get_drvdata(&mdev->dev);

	mutex_lock(&ava_host_instances_lock);
	list_del_init(&inst->node);
	mutex_unlock(&ava_host_instances_lock);
	ava_host_queue_inst_gone(inst);
	vfio_unregister_group_dev(&inst->vdev);
	ava_host_debugfs_remove(inst);
	vfio_put_device(&inst->vdev);
}

static unsigned int ava_host_get_available(struct mdev_type *mtype)
{
	return atomic_read(&ava_host_avail);
}

static ssize_t ava_host_show_description(struct mdev_type *mtype, char *buf)
{
	struct ava_host_type *t = container_of(mtype, struct ava_host_type, type);

	return sysfs_emit(buf, "virtio queues=%u\n", t->num_queues);
}

static const struct attribute_group *ava_host_dev_groups[] = {
	&ava_host_policy_group,
	NULL,
};

static struct mdev_driver ava_host_mdev_driver = {
	.device_api = VFIO_DEVICE_API_PCI_STRING,
	.driver = {
		.name = AVA_NAME,
		.owner = THIS_MODULE,
		.mod_name = KBUILD_MODNAME,
		.dev_groups = ava_host_dev_groups,
	},
	.probe = ava_host_probe,
	.remove = ava_host_remove,
	.get_available = ava_host_get_available,
	.show_description = ava_host_show_description,
};

static void ava_host_parent_release(struct device *dev)
{
}

int ava_host_mdev_init(void)
{
	int ret;

	atomic_set(&ava_host_avail, ava_host_max_instances);
	ret = mdev_register_driver(&ava_host_mdev_driver);
	if (ret)
		return ret;
	ava_host_parent.class = class_create(THIS_MODULE, AVA_NAME);
	if (IS_ERR(ava_host_parent.class)) {
		ret = PTR_ERR(ava_host_parent.class);
		goto err_driver;
	}
	ava_host_parent.dev.class = ava_host_parent.class;
	ava_host_parent.dev.release = ava_host_parent_release;
	dev_set_name(&ava_host_parent.dev, AVA_NAME);
	ret = device_register(&ava_host_parent.dev);
	if (ret)
		goto err_dev;
	ret = mdev_register_parent(&ava_host_parent.parent, &ava_host_parent.dev,
				   &ava_host_mdev_driver, ava_host_mdev_types,
				   ARRAY_SIZE(ava_host_mdev_types));
	if (ret)
		goto err_dev;
	return 0;

err_dev:
	device_unregister(&ava_host_parent.dev);
	class_destroy(ava_host_parent.class);
err_driver:
	mdev_unregister_driver(&ava_host_mdev_driver);
	return ret;
}

void ava_host_mdev_exit(void)
{
	mdev_unregister_parent(&ava_host_parent.parent);
	device_unregister(&ava_host_parent.dev);
	class_destroy(ava_host_parent.class);
	mdev_unregister_driver(&ava_host_mdev_driver);
}
