/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * AvA host module: internal definitions shared by its files.
 */
#ifndef AVA_VHOST_H
#define AVA_VHOST_H

#include <linux/types.h>
#include <linux/mutex.h>
#include <linux/spinlock.h>
#include <linux/workqueue.h>
#include <linux/wait.h>
#include <linux/list.h>
#include <linux/ktime.h>
#include <linux/xarray.h>
#include <linux/atomic.h>
#include <linux/mdev.h>
#include <linux/vfio.h>

#include "../uapi/ava_wire.h"
#include "../uapi/ava_virtio.h"
#include "../uapi/ava_vhost.h"

#define AVA_NAME		"ava"
#define AVA_CFG_SIZE		256
#define AVA_MAX_QUEUES		8
#define AVA_MAX_VECTORS		(AVA_MAX_QUEUES + 1)
#define AVA_REGION_SHIFT	40
#define AVA_REGION_OFF(i)	((u64)(i) << AVA_REGION_SHIFT)
#define AVA_REGION_MASK		(AVA_REGION_OFF(1) - 1)

/* Config space layout (offsets of our capabilities). */
#define AVA_CAP_MSIX		0x40
#define AVA_CAP_COMMON		0x50
#define AVA_CAP_NOTIFY		0x60
#define AVA_CAP_ISR		0x74
#define AVA_CAP_DEVICE		0x84
#define AVA_CAP_PCICFG		0x94

/* Module parameters (main.c). */
extern unsigned int ava_virtio_id;
extern unsigned int ava_max_queue_size;
extern unsigned int ava_max_chain;
extern unsigned int ava_max_instances;
extern unsigned long ava_max_ref_bytes;
extern unsigned int ava_window_mb;
extern unsigned int ava_backlog_mb;

struct ava_type {
	struct mdev_type type;
	unsigned int num_queues;
};

/* Token bucket for one rate (policy.c). */
struct ava_bucket {
	u64 rate;		/* units per second, 0 = unlimited */
	u64 burst;		/* bucket depth in units */
	u64 tokens;		/* scaled by NSEC_PER_SEC */
	u64 last_ns;
};

/* Counters shown in debugfs (debugfs.c). */
struct ava_stats {
	atomic64_t calls;		/* commands taken off the rings */
	atomic64_t completed;		/* used entries returned */
	atomic64_t bytes_copied;	/* command and reply bytes copied */
	atomic64_t bytes_mapped;	/* reference bytes mapped into a worker */
	atomic64_t throttled_ns;	/* time spent waiting for tokens */
	atomic64_t err_chain;		/* chains returned with used length 0 */
	atomic64_t err_cmd;		/* commands answered with an error status */
	atomic64_t err_ring;		/* ring errors (NEEDS_RESET) */
	atomic64_t resets;
	atomic64_t notifies;
	atomic64_t irqs;
	atomic64_t worker_lost;	/* commands ended by a worker going away */
	atomic64_t pinned_pages;	/* guest pages pinned now */
};

struct ava_map {
	unsigned long pgoff;		/* in the worker fd's page space */
	u32 npages;
	u32 rw;
};

struct ava_seg {
	u64 addr;
	u32 len;
	u32 write;
};

/* One command taken off a ring (vq.c, cmd.c, worker.c). */
struct ava_req {
	struct list_head node;
	struct ava_inst *inst;
	u64 gen;		/* device generation when taken */
	u64 token;		/* id given to the worker */
	u16 vq;
	u16 head;
	int what;		/* AVA_TAKE_* */
	u32 nseg;
	u32 nrd;		/* readable segments come first */
	u32 rd_bytes;
	u32 wr_bytes;
	struct ava_cmd_hdr hdr;	/* as read; zero if too short */
	void *cmd;		/* copy of the command */
	u32 cmd_len;
	u32 cmd_end_seg;	/* first segment after the command */
	u32 cmd_end_off;	/* offset in it */
	u32 reply_seg;		/* first segment of the reply room */
	u32 reply_off;
	u32 reply_room;
	void *reply;		/* reply from the worker, or NULL */
	u32 reply_len;
	u32 status;		/* AVA_S_* when reply == NULL */
	u64 ref_bytes;
	/* references mapped into the worker (worker.c) */
	struct ava_map *maps;		/* one window range per reference */
	u32 nmaps;
	struct page **pages;		/* pinned guest pages */
	u64 *page_iova;
	u32 npages;			/* pinned now; 0 once unpinned */
	struct list_head pin_node;	/* inst->pinned while npages */
	struct ava_worker *pin_worker;	/* whose window maps them */
	struct ava_seg segs[];
};

struct ava_vq {
	u16 size;
	u16 vector;
	bool enabled;
	bool broken;
	u64 desc;
	u64 avail;
	u64 used;
	u16 last_avail;
	u16 used_idx;
	bool signal;		/* used entries added since last interrupt */
	struct ava_req *parked;	/* taken, waiting for tokens */
};

struct ava_worker;

struct ava_inst {
	struct vfio_device vdev;	/* must be first */
	struct mdev_device *mdev;
	const struct ava_type *type;
	unsigned int num_queues;
	struct list_head node;		/* ava_instances */

	struct mutex lock;		/* device state, rings */
	u8 cfg[AVA_CFG_SIZE];
	u8 wmask[AVA_CFG_SIZE];

	/* virtio state */
	u32 dfselect;
	u32 gfselect;
	u64 dev_features;
	u64 drv_features;
	u8 status;
	u8 cfg_gen;
	u8 isr;
	u16 qsel;
	u16 config_vector;
	u64 gen;			/* bumped by every reset */
	bool open;
	struct ava_vq vqs[AVA_MAX_QUEUES];

	/* interrupts: eventfds set through VFIO_DEVICE_SET_IRQS */
	spinlock_t irq_lock;
	struct eventfd_ctx *msix[AVA_MAX_VECTORS];
	struct eventfd_ctx *req_trigger;
	struct eventfd_ctx *err_trigger;
	bool msix_on;

	/* processing */
	struct delayed_work work;
	struct ava_req *scratch;	/* chain walking, ava_max_chain segs */
	struct list_head done;		/* requests whose reply is ready */
	spinlock_t done_lock;

	/* policy */
	spinlock_t policy_lock;
	struct ava_bucket calls_bucket;
	struct ava_bucket bytes_bucket;
	u64 throttle_start;

	/* worker side (worker.c) */
	struct mutex wlock;		/* worker binding and queues below */
	struct ava_worker *worker;
	bool removed;			/* no new worker may attach */
	struct list_head pending;	/* taken, not yet given to a worker */
	struct list_head inflight;	/* given to the worker */
	u64 next_token;
	u64 backlog;			/* bytes held in pending */
	struct mutex pin_lock;		/* pinned list, vfio_(un)pin_pages */
	struct list_head pinned;

	struct ava_stats st;
	struct dentry *dbg;
};

static inline struct ava_inst *vdev_to_inst(struct vfio_device *vdev)
{
	return container_of(vdev, struct ava_inst, vdev);
}

/* main.c */
extern struct workqueue_struct *ava_wq;

/* mdev.c */
int ava_mdev_init(void);
void ava_mdev_exit(void);
struct ava_inst *ava_inst_get_by_name(const char *name);
void ava_inst_put(struct ava_inst *inst);

/* pci_cfg.c */
void ava_cfg_init(struct ava_inst *inst);
int ava_cfg_read(struct ava_inst *inst, u32 off, void *buf, u32 len);
int ava_cfg_write(struct ava_inst *inst, u32 off, const void *buf, u32 len);

/* virtio_regs.c */
int ava_bar0_read(struct ava_inst *inst, u32 off, void *buf, u32 len);
int ava_bar0_write(struct ava_inst *inst, u32 off, const void *buf, u32 len);
void ava_reset_locked(struct ava_inst *inst);
bool ava_running(struct ava_inst *inst);
void ava_config_changed(struct ava_inst *inst);

/* irq.c */
int ava_set_irqs(struct ava_inst *inst, u32 flags, u32 index, u32 start,
		 u32 count, void *data);
void ava_irqs_release(struct ava_inst *inst);
void ava_signal_vector(struct ava_inst *inst, u16 vector);
void ava_signal_request(struct ava_inst *inst);

/* vq.c */
void ava_vq_work(struct work_struct *work);
void ava_kick(struct ava_inst *inst);
void ava_req_free(struct ava_req *req);
void ava_complete(struct ava_inst *inst, struct ava_req *req);

/* cmd.c */
enum {
	AVA_TAKE_BADCHAIN,	/* return with used length 0 */
	AVA_TAKE_REPLY,		/* answer now with req->status */
	AVA_TAKE_WORKER,	/* hand to the worker */
};

int ava_cmd_take(struct ava_inst *inst, struct ava_req *req);
int ava_seg_copy(struct ava_inst *inst, struct ava_req *req, u32 seg,
		 u64 off, void *buf, u32 len, bool write);

/* policy.c */
extern const struct attribute_group ava_policy_group;
void ava_policy_init(struct ava_inst *inst);
u64 ava_policy_admit(struct ava_inst *inst, u64 bytes);

/* debugfs.c */
void ava_debugfs_init(void);
void ava_debugfs_exit(void);
void ava_debugfs_add(struct ava_inst *inst);
void ava_debugfs_remove(struct ava_inst *inst);

/* worker.c */
int ava_worker_init(void);
void ava_worker_exit(void);
void ava_worker_submit(struct ava_inst *inst, struct ava_req *req);
void ava_worker_reset(struct ava_inst *inst);
void ava_worker_inst_gone(struct ava_inst *inst);
void ava_worker_dma_unmap(struct ava_inst *inst, u64 iova, u64 len);
bool ava_worker_attached(struct ava_inst *inst);
bool ava_worker_backlog_full(struct ava_inst *inst);
bool ava_worker_idle(struct ava_inst *inst);
void ava_worker_depth(struct ava_inst *inst, u32 *pending, u32 *inflight);
bool ava_worker_stats(struct ava_inst *inst, struct ava_vhost_stats *st);

#endif /* AVA_VHOST_H */
