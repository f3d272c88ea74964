/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * AvA host module: internal definitions shared by its files.
 */
#ifndef AVA_HOST_H
#define AVA_HOST_H

#include <linux/types.h>
#include <linux/mutex.h>
#include <linux/spinlock.h>
#include <linux/workqueue.h>
#include <linux/wait.h>
#include <linux/list.h>
#include <linux/ktime.h>
#include <linux/hrtimer.h>
#include <linux/xarray.h>
#include <linux/atomic.h>
#include <linux/mdev.h>
#include <linux/vfio.h>

#include "../uapi/ava_wire.h"
#include "../uapi/ava_virtio.h"
#include "../uapi/ava_vhost.h"
#include "../common/ava_sched.h"

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
extern unsigned int ava_host_virtio_id;
extern unsigned int ava_host_max_queue_size;
extern unsigned int ava_host_max_chain;
extern unsigned int ava_host_max_instances;
extern unsigned long ava_host_max_ref_bytes;
extern unsigned int ava_host_window_mb;
extern unsigned int ava_host_backlog_mb;

struct ava_host_type {
	struct mdev_type type;
	unsigned int num_queues;
};

/* Token bucket for one rate (policy.c). */
struct ava_host_bucket {
	u64 rate;		/* units per second, 0 = unlimited */
	u64 burst;		/* bucket depth in units */
	s64 tokens;		/* scaled by NSEC_PER_SEC; < 0: debt */
	u64 last_ns;
};

/* Counters shown in debugfs (debugfs.c). */
struct ava_host_stats {
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
	atomic64_t foreign_refused;	/* COMPLETE or fault outside one's own */
	atomic64_t bad_session;	/* commands of no live session */
	atomic64_t session_full;	/* commands past a session's share */
	atomic64_t submit_unflagged;	/* submissions the workers refused */
	atomic64_t time_refused;	/* AVA_VHOST_TIME reports out of bounds */
};

struct ava_host_win {
	unsigned long pgoff;		/* in the worker fd's page space */
	u32 npages;
	u32 rw;
};

struct ava_host_seg {
	u64 addr;
	u32 len;
	u32 write;
};

/* One command taken off a ring (vq.c, cmd.c, queue.c). */
struct ava_host_req {
	struct list_head node;
	struct ava_host_inst *inst;
	u64 gen;		/* device generation when taken */
	u64 token;		/* id given to the worker */
	u16 vq;
	u16 head;
	int what;		/* AVA_TAKE_* */
	u32 nseg;
	u32 nrd;		/* readable segments come first */
	u64 rd_bytes;		/* up to AVA_MAX_CMD + max_ref_bytes (4 GiB) */
	u64 wr_bytes;
	struct ava_cmd_hdr hdr;	/* as read; zero if too short */
	void *cmd;		/* copy of the command */
	u32 cmd_len;
	u32 out_seg;		/* first segment after the reply room */
	u32 reply_room;
	void *reply;		/* reply from the worker, or NULL */
	u32 reply_len;
	u32 status;		/* AVA_S_* when reply == NULL */
	u64 ref_bytes;
	/* references mapped into the worker (pin.c) */
	struct ava_host_win *maps;		/* one window range per reference */
	u32 nmaps;
	struct page **pages;		/* pinned guest pages */
	u64 *page_iova;
	u32 npages;			/* pinned now; 0 once unpinned */
	struct list_head pin_node;	/* inst->pinned while npages */
	struct ava_host_file *pin_file;	/* whose window maps them */
	struct ava_host_file *owner;	/* the file it was handed to */
	struct ava_host_file *sess;	/* the session file it is queued to */
	struct ava_host_seg segs[];
};

struct ava_host_vq {
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
	struct ava_host_req *parked;	/* taken, waiting for tokens */
};

struct ava_host_file;

/* Device memory of the instance's sessions (share.c). */
struct ava_host_share {
	struct mutex lock;		/* the fields below and the sessions */
	u64 quota, used, peak;		/* bytes; quota 0: none */
	struct list_head sessions;	/* struct ava_host_share_sess */
};

/* Device time of the instance (time.c); entities under time.c's lock. */
#define AVA_HOST_TIME_SESSIONS	32
struct ava_host_time {
	unsigned int vm;		/* its slot among the VMs */
	struct ava_sched_ent sess[AVA_HOST_TIME_SESSIONS];
	u32 sess_id[AVA_HOST_TIME_SESSIONS];	/* guest session of each slot */
};

struct ava_host_inst {
	struct vfio_device vdev;	/* must be first */
	struct mdev_device *mdev;
	const struct ava_host_type *type;
	unsigned int num_queues;
	struct list_head node;		/* ava_host_instances */

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
	struct ava_host_vq vqs[AVA_MAX_QUEUES];
	/* per queue: heads taken off the ring and not yet returned */
	unsigned long *heads_out[AVA_MAX_QUEUES];

	/* interrupts: eventfds set through VFIO_DEVICE_SET_IRQS */
	spinlock_t irq_lock;
	struct eventfd_ctx *msix[AVA_MAX_VECTORS];
	struct eventfd_ctx *req_trigger;
	struct eventfd_ctx *err_trigger;
	bool msix_on;

	/* processing */
	struct mem_cgroup *memcg;	/* the VMM's: charged for what we hold */
	struct delayed_work work;
	struct ava_host_req *scratch;	/* chain walking, ava_host_max_chain segs */
	struct list_head done;		/* requests whose reply is ready */
	spinlock_t done_lock;

	/* policy */
	spinlock_t policy_lock;
	struct ava_host_bucket calls_bucket;
	struct ava_host_bucket bytes_bucket;
	u64 throttle_start;
	struct ava_host_share share;
	struct ava_host_time time;

	/* worker side (queue.c, pin.c, chardev.c) */
	struct mutex wlock;		/* worker binding and queues below */
	struct ava_host_file *attached;	/* the /dev/vhost-ava file bound to it */
	bool removed;			/* no new worker may attach */
	struct list_head pending;	/* taken, not yet given to a worker */
	struct list_head inflight;	/* given to the worker */
	u64 next_token;
	u64 held;			/* bytes of pending and inflight */
	struct xarray sessions;		/* session id -> its file (session.c) */
	struct xarray retired;		/* ids of ended sessions (session.c) */
	u32 close_events;		/* sessions closing, dispatcher not told */
	struct mutex pin_lock;		/* pinned list, vfio_(un)pin_pages */
	struct list_head pinned;

	struct ava_host_stats st;
	struct dentry *dbg;
};

static inline struct ava_host_inst *vdev_to_inst(struct vfio_device *vdev)
{
	return container_of(vdev, struct ava_host_inst, vdev);
}

/* main.c */
extern struct workqueue_struct *ava_host_wq;

/* mdev.c */
int ava_host_mdev_init(void);
void ava_host_mdev_exit(void);
struct ava_host_inst *ava_host_inst_get_by_name(const char *name);
void ava_host_inst_put(struct ava_host_inst *inst);

/* pci_cfg.c */
void ava_host_cfg_init(struct ava_host_inst *inst);
int ava_host_cfg_read(struct ava_host_inst *inst, u32 off, void *buf, u32 len);
int ava_host_cfg_write(struct ava_host_inst *inst, u32 off, const void *buf, u32 len);

/* virtio_regs.c */
int ava_host_bar0_read(struct ava_host_inst *inst, u32 off, void *buf, u32 len);
int ava_host_bar0_write(struct ava_host_inst *inst, u32 off, const void *buf, u32 len);
void ava_host_reset_locked(struct ava_host_inst *inst);
bool ava_host_running(struct ava_host_inst *inst);
void ava_host_config_changed(struct ava_host_inst *inst);

/* irq.c */
int ava_host_set_irqs(struct ava_host_inst *inst, u32 flags, u32 index, u32 start,
		      u32 count, void *data);
void ava_host_irqs_release(struct ava_host_inst *inst);
void ava_host_signal_vector(struct ava_host_inst *inst, u16 vector);
void ava_host_signal_request(struct ava_host_inst *inst);

/* vq.c */
void ava_host_vq_work(struct work_struct *work);
void ava_host_kick(struct ava_host_inst *inst);
void ava_host_req_free(struct ava_host_req *req);
void ava_host_complete(struct ava_host_inst *inst, struct ava_host_req *req);

/* cmd.c */
enum {
	AVA_TAKE_BADCHAIN,	/* return with used length 0 */
	AVA_TAKE_REPLY,		/* answer now with req->status */
	AVA_TAKE_WORKER,	/* hand to the worker */
};

int ava_host_cmd_take(struct ava_host_inst *inst, struct ava_host_req *req);
int ava_host_seg_copy(struct ava_host_inst *inst, struct ava_host_req *req, u32 seg,
		      u64 off, void *buf, u32 len, bool write);

/* policy.c */
extern const struct attribute_group ava_host_policy_group;
void ava_host_policy_init(struct ava_host_inst *inst);
u64 ava_host_policy_admit(struct ava_host_inst *inst, u64 bytes);
u64 ava_host_policy_owed(struct ava_host_inst *inst);
void ava_host_policy_charge(struct ava_host_inst *inst, u64 calls, u64 bytes);

/* share.c */
extern struct device_attribute dev_attr_mem_quota_bytes;
extern struct device_attribute dev_attr_mem_used_bytes;
extern struct device_attribute dev_attr_mem_peak_bytes;
void ava_host_share_init(struct ava_host_inst *inst);
long ava_host_share_ioctl(struct ava_host_inst *inst, struct ava_host_file *hf,
			  void __user *arg);
void ava_host_share_drop(struct ava_host_inst *inst, struct ava_host_file *hf);

/* time.c */
extern struct device_attribute dev_attr_time_weight;
extern struct device_attribute dev_attr_time_cap_pct;
extern struct device_attribute dev_attr_time_want_ms;
extern struct device_attribute dev_attr_device_time_ns;
extern struct device_attribute dev_attr_time_throttled_ns;
extern struct device_attribute dev_attr_session_time_weight;
int ava_host_time_init(void);
void ava_host_time_exit(void);
void ava_host_time_inst_add(struct ava_host_inst *inst);
void ava_host_time_inst_remove(struct ava_host_inst *inst);
struct ava_host_file;
void ava_host_time_file_init(struct ava_host_file *hf);
void ava_host_time_file_stop(struct ava_host_file *hf);
void ava_host_time_sess_open(struct ava_host_inst *inst, struct ava_host_file *hf);
void ava_host_time_sess_end(struct ava_host_inst *inst, struct ava_host_file *hf);
void ava_host_time_file_leave(struct ava_host_inst *inst, struct ava_host_file *hf);
struct seq_file;
void ava_host_time_show(struct ava_host_inst *inst, struct seq_file *m);
bool ava_host_time_hold(struct ava_host_inst *inst, struct ava_host_file *hf,
			struct ava_host_req *req);
long ava_host_time_ioctl(struct ava_host_inst *inst, struct ava_host_file *hf,
			 void __user *arg);

/* debugfs.c */
void ava_host_debugfs_init(void);
void ava_host_debugfs_exit(void);
void ava_host_debugfs_add(struct ava_host_inst *inst);
void ava_host_debugfs_remove(struct ava_host_inst *inst);

/* One open /dev/vhost-ava file, bound to at most one instance (chardev.c). */
struct ava_host_file {
	struct ava_host_inst *inst;		/* set once by attach; holds a ref */
	bool gone;			/* detached by the instance */
	wait_queue_head_t wq;
	struct mutex map_lock;		/* pages */
	struct xarray pages;		/* fd page offset -> guest page */
	unsigned long *win[2];		/* window allocation, inst->wlock */
	struct ava_vhost_stats st;	/* inst->wlock */
	bool resets;			/* AVA_VHOST_ATTACH_RESETS */
	bool sessions;			/* AVA_VHOST_ATTACH_SESSIONS */
	u64 seen_gen;			/* device generation reported, wlock */
	struct address_space *mapping;	/* of the file, once known; map_lock */
	/* a session file (session.c); the rest under inst->wlock */
	bool is_session;
	u32 session;
	bool closing;			/* its AVA_CTL_CLOSE is queued */
	bool close_told;		/* the dispatcher heard of it */
	struct list_head pending;	/* its commands not yet taken */
	u64 held;			/* bytes of its pending and inflight */
	/* device time (time.c) */
	int tslot;			/* its session slot, -1: none; wlock */
	bool time_held;			/* a submission waits for the timer */
	u64 hold_since;			/* when it started waiting (0: not); wlock */
	struct hrtimer time_timer;	/* clears time_held, wakes wq */
	/* its part of the VM's work in flight; time.c's lock */
	u32 time_inflight;
	bool time_counts;		/* its worker reports work in flight */
	bool time_left;			/* ended: counts nothing more */
};

/* Pages in each of the two windows of a /dev/vhost-ava file. */
static inline unsigned long ava_host_win_pages(void)
{
	return ((unsigned long)ava_host_window_mb << 20) >> PAGE_SHIFT;
}

/* chardev.c */
int ava_host_chardev_init(void);
void ava_host_chardev_exit(void);
extern const struct file_operations ava_host_file_fops;
struct ava_host_file *ava_host_file_alloc(void);
void ava_host_file_free(struct ava_host_file *hf);

/* session.c */
bool ava_host_session_route(struct ava_host_inst *inst, struct ava_host_req *req);
long ava_host_session_event(struct ava_host_inst *inst, struct ava_host_file *hf,
			    struct ava_vhost_cmd *c);
long ava_host_session_open(struct ava_host_file *hf, void __user *arg);
void ava_host_session_release(struct ava_host_file *hf);
void ava_host_sessions_end(struct ava_host_inst *inst, bool answer);

/* queue.c */
void ava_host_queue_submit(struct ava_host_inst *inst, struct ava_host_req *req);
void ava_host_queue_reset(struct ava_host_inst *inst);
void ava_host_queue_inst_gone(struct ava_host_inst *inst);
void ava_host_queue_finish(struct ava_host_inst *inst, struct ava_host_req *req);
u64 ava_host_req_bytes(struct ava_host_req *req);
void ava_host_queue_unlink(struct ava_host_inst *inst, struct ava_host_req *req);
void ava_host_queue_add(struct ava_host_inst *inst, struct ava_host_file *sess,
			struct ava_host_req *req);
void ava_host_queue_answer(struct ava_host_inst *inst, struct ava_host_req *req,
			   u32 status);
void ava_host_detach_locked(struct ava_host_inst *inst, struct ava_host_file *hf);
/* ava_host_queue_take(): the command was answered here, take the next */
#define AVA_HOST_TAKE_NEXT	1
long ava_host_queue_take(struct ava_host_inst *inst, struct ava_host_file *hf,
			 struct ava_vhost_cmd *c);
bool ava_host_attached(struct ava_host_inst *inst);
bool ava_host_queue_full(struct ava_host_inst *inst);
bool ava_host_queue_idle(struct ava_host_inst *inst);
void ava_host_queue_depth(struct ava_host_inst *inst, u32 *pending, u32 *inflight);
bool ava_host_file_stats(struct ava_host_inst *inst, struct ava_vhost_stats *st);

/* pin.c */
int ava_host_map_req(struct ava_host_inst *inst, struct ava_host_file *hf,
		     struct ava_host_req *req);
void ava_host_unmap_req(struct ava_host_inst *inst, struct ava_host_req *req);
void ava_host_unpin_iova(struct ava_host_inst *inst, u64 iova, u64 len);

#endif /* AVA_HOST_H */
