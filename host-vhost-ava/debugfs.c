// SPDX-License-Identifier: GPL-2.0-only
/*
 * AvA host module: debugfs counters.
 *   /sys/kernel/debug/ava_vhost/<uuid>/stats    instance counters
 *   /sys/kernel/debug/ava_vhost/<uuid>/worker   the attached worker's session
 * One "name value" per line.
 */
#include <linux/debugfs.h>
#include <linux/seq_file.h>

#include "ava_host.h"

static struct dentry *ava_host_dbg_root;

static int stats_show(struct seq_file *m, void *unused)
{
	struct ava_host_inst *inst = m->private;
	struct ava_host_stats *st = &inst->st;
	u32 pending, inflight;

	ava_host_queue_depth(inst, &pending, &inflight);

	seq_printf(m, "calls %lld\n", atomic64_read(&st->calls));
	seq_printf(m, "completed %lld\n", atomic64_read(&st->completed));
	seq_printf(m, "bytes_copied %lld\n", atomic64_read(&st->bytes_copied));
	seq_printf(m, "bytes_mapped %lld\n", atomic64_read(&st->bytes_mapped));
	seq_printf(m, "throttled_ns %lld\n", atomic64_read(&st->throttled_ns));
	seq_printf(m, "err_chain %lld\n", atomic64_read(&st->err_chain));
	seq_printf(m, "err_cmd %lld\n", atomic64_read(&st->err_cmd));
	seq_printf(m, "err_ring %lld\n", atomic64_read(&st->err_ring));
	seq_printf(m, "resets %lld\n", atomic64_read(&st->resets));
	seq_printf(m, "notifies %lld\n", atomic64_read(&st->notifies));
	seq_printf(m, "irqs %lld\n", atomic64_read(&st->irqs));
	seq_printf(m, "worker_lost %lld\n", atomic64_read(&st->worker_lost));
	seq_printf(m, "pinned_pages %lld\n", atomic64_read(&st->pinned_pages));
	seq_printf(m, "foreign_refused %lld\n",
		   atomic64_read(&st->foreign_refused));
	seq_printf(m, "bad_session %lld\n", atomic64_read(&st->bad_session));
	seq_printf(m, "session_full %lld\n", atomic64_read(&st->session_full));
	seq_printf(m, "queue_pending %u\n", pending);
	seq_printf(m, "queue_inflight %u\n", inflight);
	/* bytes of pending and in-flight commands, bounded by backlog_mb */
	seq_printf(m, "held_bytes %llu\n", READ_ONCE(inst->held));
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(stats);

/* the session of the worker attached now */
static int worker_show(struct seq_file *m, void *unused)
{
	struct ava_vhost_stats st;
	bool attached = ava_host_file_stats(m->private, &st);

	seq_printf(m, "attached %d\n", attached);
	seq_printf(m, "cmds %llu\n", st.cmds);
	seq_printf(m, "completed %llu\n", st.completed);
	seq_printf(m, "bytes_mapped %llu\n", st.bytes_mapped);
	seq_printf(m, "exec_ns %llu\n", st.exec_ns);
	seq_printf(m, "errors %llu\n", st.errors);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(worker);

void ava_host_debugfs_init(void)
{
	ava_host_dbg_root = debugfs_create_dir("ava_vhost", NULL);
}

void ava_host_debugfs_exit(void)
{
	debugfs_remove_recursive(ava_host_dbg_root);
	ava_host_dbg_root = NULL;
}

void ava_host_debugfs_add(struct ava_host_inst *inst)
{
	inst->dbg = debugfs_create_dir(dev_name(&inst->mdev->dev),
				       ava_host_dbg_root);
	debugfs_create_file("stats", 0444, inst->dbg, inst, &stats_fops);
	debugfs_create_file("worker", 0444, inst->dbg, inst, &worker_fops);
}

void ava_host_debugfs_remove(struct ava_host_inst *inst)
{
	debugfs_remove_recursive(inst->dbg);
	inst->dbg = NULL;
}
