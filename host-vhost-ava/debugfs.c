// SPDX-License-Identifier: GPL-2.0-only
/*
 * AvA host module: debugfs counters.
 *   /sys/kernel/debug/ava_vhost/<uuid>/stats   one "name value" per line
 */
#include <linux/debugfs.h>
#include <linux/seq_file.h>

#include "ava_vhost.h"

static struct dentry *ava_dbg_root;

static int stats_show(struct seq_file *m, void *unused)
{
	struct ava_inst *inst = m->private;
	struct ava_stats st;
	u32 pending, inflight;

	spin_lock(&inst->st_lock);
	st = inst->st;
	spin_unlock(&inst->st_lock);
	ava_worker_depth(inst, &pending, &inflight);

	seq_printf(m, "calls %llu\n", st.calls);
	seq_printf(m, "completed %llu\n", st.completed);
	seq_printf(m, "bytes_copied %llu\n", st.bytes_copied);
	seq_printf(m, "bytes_mapped %llu\n", st.bytes_mapped);
	seq_printf(m, "throttled_ns %llu\n", st.throttled_ns);
	seq_printf(m, "err_chain %llu\n", st.err_chain);
	seq_printf(m, "err_cmd %llu\n", st.err_cmd);
	seq_printf(m, "err_ring %llu\n", st.err_ring);
	seq_printf(m, "resets %llu\n", st.resets);
	seq_printf(m, "notifies %llu\n", st.notifies);
	seq_printf(m, "irqs %llu\n", st.irqs);
	seq_printf(m, "worker_lost %llu\n", st.worker_lost);
	seq_printf(m, "pinned_pages %llu\n", st.pinned_pages);
	seq_printf(m, "queue_pending %u\n", pending);
	seq_printf(m, "queue_inflight %u\n", inflight);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(stats);

void ava_debugfs_init(void)
{
	ava_dbg_root = debugfs_create_dir("ava_vhost", NULL);
}

void ava_debugfs_exit(void)
{
	debugfs_remove_recursive(ava_dbg_root);
	ava_dbg_root = NULL;
}

void ava_debugfs_add(struct ava_inst *inst)
{
	inst->dbg = debugfs_create_dir(dev_name(&inst->mdev->dev),
				       ava_dbg_root);
	debugfs_create_file("stats", 0444, inst->dbg, inst, &stats_fops);
}

void ava_debugfs_remove(struct ava_inst *inst)
{
	debugfs_remove_recursive(inst->dbg);
	inst->dbg = NULL;
}
