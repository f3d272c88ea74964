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

#include "ava_vhost.h"

unsigned int ava_virtio_id = AVA_VIRTIO_ID_DEFAULT;
module_param_named(virtio_id, ava_virtio_id, uint, 0444);
MODULE_PARM_DESC(virtio_id,
		 "virtio device id (1-63, PCI device 0x1040+id; provisional default 63)");

unsigned int ava_max_queue_size = 256;
module_param_named(max_queue_size, ava_max_queue_size, uint, 0444);
MODULE_PARM_DESC(max_queue_size, "largest virtqueue size (power of 2, 2-32768)");

unsigned int ava_max_chain = 4096;
module_param_named(max_chain, ava_max_chain, uint, 0444);
MODULE_PARM_DESC(max_chain, "most descriptors in one chain (8-65536; 4096: 16 MiB in 4 KiB pages)");

unsigned int ava_max_instances = 16;
module_param_named(max_instances, ava_max_instances, uint, 0444);
MODULE_PARM_DESC(max_instances, "most instances over all types");

unsigned long ava_max_ref_bytes = 64UL << 20;
module_param_named(max_ref_bytes, ava_max_ref_bytes, ulong, 0444);
MODULE_PARM_DESC(max_ref_bytes, "most bytes of buffer references per command");

unsigned int ava_window_mb = 256;
module_param_named(window_mb, ava_window_mb, uint, 0444);
MODULE_PARM_DESC(window_mb, "MiB of each of a worker's two mapping windows");

unsigned int ava_backlog_mb = 64;
module_param_named(backlog_mb, ava_backlog_mb, uint, 0444);
MODULE_PARM_DESC(backlog_mb,
		 "MiB of commands an instance holds for its worker before it stops taking more off the rings");

struct workqueue_struct *ava_wq;

static int __init ava_check_params(void)
{
	if (ava_virtio_id < 1 || ava_virtio_id > 63)
		return -EINVAL;
	if (ava_max_queue_size < 2 || ava_max_queue_size > 32768 ||
	    !is_power_of_2(ava_max_queue_size))
		return -EINVAL;
	if (ava_max_chain < 8 || ava_max_chain > 65536)
		return -EINVAL;
	if (ava_max_instances < 1 || ava_max_instances > 1024)
		return -EINVAL;
	if (ava_max_ref_bytes < PAGE_SIZE || ava_max_ref_bytes > (1UL << 32))
		return -EINVAL;
	if (ava_backlog_mb < 1 || ava_backlog_mb > 4096)
		return -EINVAL;
	if (ava_window_mb < 1 || ava_window_mb > 65536 ||
	    ((u64)ava_window_mb << 20) < 2 * (u64)ava_max_ref_bytes)
		return -EINVAL;
	return 0;
}

static int __init ava_init(void)
{
	int ret;

	ret = ava_check_params();
	if (ret) {
		pr_err("invalid module parameter\n");
		return ret;
	}
	ava_wq = alloc_workqueue("ava_vhost", WQ_UNBOUND | WQ_MEM_RECLAIM, 0);
	if (!ava_wq)
		return -ENOMEM;
	ava_debugfs_init();
	ret = ava_worker_init();
	if (ret)
		goto err_dbg;
	ret = ava_mdev_init();
	if (ret)
		goto err_worker;
	pr_info("loaded, virtio id %u (PCI %04x:%04x)\n", ava_virtio_id,
		AVA_PCI_VENDOR, 0x1040 + ava_virtio_id);
	return 0;

err_worker:
	ava_worker_exit();
err_dbg:
	ava_debugfs_exit();
	destroy_workqueue(ava_wq);
	return ret;
}

static void __exit ava_exit(void)
{
	ava_mdev_exit();
	ava_worker_exit();
	ava_debugfs_exit();
	destroy_workqueue(ava_wq);
}

module_init(ava_init);
module_exit(ava_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("AvA accelerator API remoting: host side of the virtio device");
