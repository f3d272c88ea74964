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

unsigned int ava_host_virtio_id = AVA_VIRTIO_ID_DEFAULT;
module_param_named(virtio_id, ava_host_virtio_id, uint, 0444);
MODULE_PARM_DESC(virtio_id,
		 "virtio device id (1-63, PCI device 0x1040+id; provisional default 63)");

unsigned int ava_host_max_queue_size = 256;
module_param_named(max_queue_size, ava_host_max_queue_size, uint, 0444);
MODULE_PARM_DESC(max_queue_size, "largest virtqueue size (power of 2, 2-32768)");

unsigned int ava_host_max_chain = 4096;
module_param_named(max_chain, ava_host_max_chain, uint, 0444);
MODULE_PARM_DESC(max_chain, "most descriptors in one chain (8-65536; 4096: 16 MiB in 4 KiB pages)");

unsigned int ava_host_max_instances = 16;
module_param_named(max_instances, ava_host_max_instances, uint, 0444);
MODULE_PARM_DESC(max_instances, "most instances over all types");

unsigned long ava_host_max_ref_bytes = 64UL << 20;
module_param_named(max_ref_bytes, ava_host_max_ref_bytes, ulong, 0444);
MODULE_PARM_DESC(max_ref_bytes, "most bytes of buffer references per command");

unsigned int ava_host_window_mb = 256;
module_param_named(window_mb, ava_host_window_mb, uint, 0444);
MODULE_PARM_DESC(window_mb, "MiB of each of a worker's two mapping windows");

unsigned int ava_host_backlog_mb = 64;
module_param_named(backlog_mb, ava_host_backlog_mb, uint, 0444);
MODULE_PARM_DESC(backlog_mb,
		 "MiB of commands an instance holds for its worker before it stops taking more off the rings");

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
	destroy_workqueue(ava_host_wq);
	return ret;
}

static void __exit ava_host_exit(void)
{
	ava_host_mdev_exit();
	ava_host_chardev_exit();
	ava_host_debugfs_exit();
	destroy_workqueue(ava_host_wq);
}

module_init(ava_host_init);
module_exit(ava_host_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("AvA accelerator API remoting: host side of the virtio device");
