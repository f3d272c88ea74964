// SPDX-License-Identifier: GPL-2.0-only
/*
 * AvA host module: module parameters, init and exit.
 *
 * The module registers an mdev parent "ava" whose instances are VFIO
 * devices that look like a modern virtio-pci device to a VM.  Commands
 * the VM puts on the virtqueues are checked here, rate limited, and
 * handed to a worker process through /dev/vhost-ava.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/moduleparam.h>

#include "ava_host.h"

/* A read-only module parameter NAME, kept in ava_host_NAME. */
#define AVA_HOST_PARAM(ctype, ptype, name, val)				\
	ctype ava_host_##name = val;					\
	module_param_named(name, ava_host_##name, ptype, 0444)

AVA_HOST_PARAM(unsigned int, uint, virtio_id, AVA_VIRTIO_ID_DEFAULT);
MODULE_PARM_DESC(virtio_id, "virtio device id (1-63, PCI device 0x1040+id; provisional default 63)");
AVA_HOST_PARAM(unsigned int, uint, max_queue_size, 256);
MODULE_PARM_DESC(max_queue_size, "largest virtqueue size (power of 2, 2-32768)");
AVA_HOST_PARAM(unsigned int, uint, max_chain, 4096);
MODULE_PARM_DESC(max_chain, "most descriptors in one chain (8-65536; 4096: 16 MiB in 4 KiB pages)");
AVA_HOST_PARAM(unsigned int, uint, max_instances, 16);
MODULE_PARM_DESC(max_instances, "most instances over all types");
AVA_HOST_PARAM(unsigned long, ulong, max_ref_bytes, 64UL << 20);
MODULE_PARM_DESC(max_ref_bytes, "most bytes of buffer references per command (at most 4 GiB)");
AVA_HOST_PARAM(unsigned int, uint, window_mb, 256);
MODULE_PARM_DESC(window_mb, "MiB of each of a worker's two mapping windows");
AVA_HOST_PARAM(unsigned int, uint, backlog_mb, 64);
MODULE_PARM_DESC(backlog_mb,
		 "MiB of commands (pending and in flight) an instance holds for its worker before it stops taking more off the rings");

struct workqueue_struct *ava_host_wq;

static int __init ava_host_check_params(void)
{
	if (ava_host_virtio_id < 1 || ava_host_virtio_id > 63)
		return -EINVAL;
	if (ava_host_max_queue_size < 2 || ava_host_max_queue_size > 32768 ||
	    !is_power_of_2(ava_host_max_queue_size))
		return -EINVAL;
	if (ava_host_max_chain < 8 || ava_host_max_chain > 65536)
		return -EINVAL;
	if (ava_host_max_instances < 1 || ava_host_max_instances > 1024)
		return -EINVAL;
	if (ava_host_max_ref_bytes < PAGE_SIZE || ava_host_max_ref_bytes > (1UL << 32))
		return -EINVAL;
	if (ava_host_backlog_mb < 1 || ava_host_backlog_mb > 4096)
		return -EINVAL;
	if (ava_host_window_mb < 1 || ava_host_window_mb > 65536 ||
	    ((u64)ava_host_window_mb << 20) < 2 * (u64)ava_host_max_ref_bytes)
		return -EINVAL;
	return 0;
}

static int __init ava_host_init(void)
{
	int ret;

	ret = ava_host_check_params();
	if (ret) {
		pr_err("invalid module parameter\n");
		return ret;
	}
	ava_host_wq = alloc_workqueue("ava_vhost", WQ_UNBOUND | WQ_MEM_RECLAIM, 0);
	if (!ava_host_wq)
		return -ENOMEM;
	ret = ava_host_time_init();
	if (ret)
		goto err_wq;
	ava_host_debugfs_init();
	ret = ava_host_chardev_init();
	if (ret)
		goto err_dbg;
	ret = ava_host_mdev_init();
	if (ret)
		goto err_worker;
	pr_info("loaded, virtio id %u (PCI %04x:%04x)\n", ava_host_virtio_id,
		AVA_PCI_VENDOR, 0x1040 + ava_host_virtio_id);
	return 0;

err_worker:
	ava_host_chardev_exit();
err_dbg:
	ava_host_debugfs_exit();
	ava_host_time_exit();
err_wq:
	destroy_workqueue(ava_host_wq);
	return ret;
}

static void __exit ava_host_exit(void)
{
	ava_host_mdev_exit();
	ava_host_chardev_exit();
	ava_host_debugfs_exit();
	ava_host_time_exit();
	destroy_workqueue(ava_host_wq);
}

module_init(ava_host_init);
module_exit(ava_host_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("AvA accelerator API remoting: host side of the virtio device");
