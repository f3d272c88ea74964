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

/* A counter of a stats structure and the name it is shown under. */
struct ava_host_dbg_stat {
	const char *name;
	size_t off;
};

#define HOST_STAT(f)	{ #f, offsetof(struct ava_host_stats, f) }
static const struct ava_host_dbg_stat host_stats[] = {
	HOST_STAT(calls), HOST_STAT(completed), HOST_STAT(bytes_copied),
	HOST_STAT(bytes_mapped), HOST_STAT(throttled_ns), HOST_STAT(err_chain),
	HOST_STAT(err_cmd), HOST_STAT(err_ring), HOST_STAT(resets),
	HOST_STAT(notifies), HOST_STAT(irqs), HOST_STAT(worker_lost),
	HOST_STAT(pinned_pages), HOST_STAT(foreign_refused),
	HOST_STAT(bad_session), HOST_STAT(session_full),
	HOST_STAT(submit_unflagged), HOST_STAT(time_refused),
};

#define WORKER_STAT(f)	{ #f, offsetof(struct ava_vhost_stats, f) }
static const struct ava_host_dbg_stat worker_stats[] = {
	WORKER_STAT(cmds), WORKER_STAT(completed), WORKER_STAT(bytes_mapped),
	WORKER_STAT(exec_ns), WORKER_STAT(errors),
};

static int stats_show(struct seq_file *m, void *unused)
{
	struct ava_host_inst *inst = m->private;
	u8 *st = (u8 *)&inst->st;
	u32 pending, inflight;
	unsigned int i;

	ava_host_queue_depth(inst, &pending, &inflight);
	for (i = 0; i < ARRAY_SIZE(host_stats); i++)
		seq_printf(m, "%s %lld\n", host_stats[i].name,
			   atomic64_read((atomic64_t *)(st + host_stats[i].off)));
	seq_printf(m, "queue_pending %u\n", pending);
	seq_printf(m, "queue_inflight %u\n", inflight);
	/* bytes of pending and in-flight commands, bounded by backlog_mb */
	seq_printf(m, "held_bytes %llu\n", READ_ONCE(inst->held));
	ava_host_time_show(inst, m);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(stats);

/* the session of the worker attached now */
static int worker_show(struct seq_file *m, void *unused)
{
	struct ava_vhost_stats st;
	bool attached = ava_host_file_stats(m->private, &st);
	unsigned int i;

	seq_printf(m, "attached %d\n", attached);
	for (i = 0; i < ARRAY_SIZE(worker_stats); i++)
		seq_printf(m, "%s %llu\n", worker_stats[i].name,
			   *(u64 *)((u8 *)&st + worker_stats[i].off));
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
