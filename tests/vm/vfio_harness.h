/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * vfio_harness: what its files share.  vfio_harness.c: the device, the
 * guest driver's helpers and main; vfio_harness_ring.c: configuration,
 * rings and hostile chains; vfio_harness_load.c: fuzzing, rate
 * limits and bounds; vfio_harness_worker.c: the worker side, /dev/vhost-ava;
 * vfio_harness_session.c: session files, sessions kept apart;
 * vfio_harness_race.c: map requests against unmaps and resets.
 */
#ifndef VFIO_HARNESS_H
#define VFIO_HARNESS_H

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <linux/pci_regs.h>
#include <linux/vfio.h>
#include <linux/virtio_config.h>
#include <linux/virtio_pci.h>
#include <linux/virtio_ring.h>

#include "uapi/ava_wire.h"
#include "uapi/ava_virtio.h"
#include "uapi/ava_vhost.h"

#define REGION_OFF(i)	((uint64_t)(i) << 40)
#define RING_IOVA	0x40000000ull	/* rings: 64 KiB */
#define RING_SIZE	0x10000ul
#define DATA_IOVA	0x50000000ull	/* buffers: 8 MiB */
#define DATA_SIZE	0x800000ul
#define DATA2_IOVA	0x60000000ull	/* buffers that get unmapped */
#define DATA2_SIZE	0x100000ul
#define RO_IOVA		0x70000000ull	/* mapped read-only: 64 KiB */
#define RO_SIZE		0x10000ul
#define QMAX		256
#define AVA_MAX_VECTORS_H	9	/* queues + config */

/* ---- the device ---------------------------------------------------- */

struct vq {
	uint16_t size;
	uint64_t desc, avail, used;	/* iova */
	struct vring_desc *d;
	struct vring_avail *a;
	struct vring_used *u;
	uint16_t avail_idx;
	uint16_t last_used;
};

struct dev {
	int container, group, fd;
	uint8_t cfg[256];
	int nvec;
	int efd[AVA_MAX_VECTORS_H];
	int req_efd;
	uint32_t common, notify, isr, devcfg, notify_mult;
	uint8_t *ring;			/* RING_IOVA */
	uint8_t *data;			/* DATA_IOVA */
	uint8_t *data2;			/* DATA2_IOVA, may be unmapped */
	uint8_t *ro;			/* RO_IOVA, device may only read */
	bool data2_mapped;
	uint64_t features;
	uint16_t nq;
	struct vq q[4];
	size_t bump;			/* allocator in data */
};


/* common config register offsets, from the capability of the open device */
extern uint32_t common_base;
#define CC(field)	(common_base + VIRTIO_PCI_COMMON_##field)

struct rep {
	struct ava_reply_hdr h;
	uint8_t inl[64];
};

#define FEAT_ALL	((1ull << VIRTIO_F_VERSION_1) | \
			 (1ull << VIRTIO_RING_F_INDIRECT_DESC))

#define XOR_FUNC	77u
/* inline: u64 n; the worker (W_SERVE) replies n inline bytes */
#define BIG_FUNC	78u
#define BIG_REPLY_MAX	(256u << 10)

/* W_ECHO: every command answered at once, its references never touched */
enum wmode { W_SERVE, W_DIE, W_HOLD, W_TAKE, W_LATE, W_ECHO };

struct worker {
	pid_t pid;
	int up;		/* child -> parent */
	int down;	/* parent -> child */
};

struct xcall {
	uint8_t *in, *out;
	uint64_t in_iova, out_iova;
	uint32_t len, piece;
	struct rep *r;
	size_t cmd_len;
	bool reply_split;	/* the reply room in three descriptors */
	uint32_t tail;		/* writable bytes after the OUT data */
};

extern const char *uuid;
extern int failures;
extern int open_fds[3];

void close_inherited(void);
void tap(bool ok, const char *fmt, ...);
void diag(const char *fmt, ...);
double now_s(void);
int rd(struct dev *d, int region, uint64_t off, void *buf, size_t n);
int wr(struct dev *d, int region, uint64_t off, const void *buf,
	      size_t n);
uint32_t cfg_rd(struct dev *d, uint32_t off, int n);
void cfg_wr(struct dev *d, uint32_t off, uint32_t v, int n);
uint32_t b0_rd(struct dev *d, uint32_t off, int n);
void b0_wr(struct dev *d, uint32_t off, uint32_t v, int n);
uint8_t status_rd(struct dev *d);
void status_wr(struct dev *d, uint8_t s);
int dma_map(struct dev *d, void *vaddr, uint64_t iova, size_t size);
int dma_map_ro(struct dev *d, void *vaddr, uint64_t iova,
		      size_t size);
int dma_unmap(struct dev *d, uint64_t iova, size_t size);
void *anon(size_t n);
int find_vcap(struct dev *d, uint8_t type, uint32_t *off);
int group_of(const char *id);
int dev_open(struct dev *d);
void dev_close(struct dev *d);
int set_msix(struct dev *d);
uint64_t efd_drain(int fd);
int vinit(struct dev *d, uint16_t nq, uint16_t qs, uint64_t feat);
void notify(struct dev *d, int qi);
void push_avail(struct dev *d, int qi, uint16_t head);
uint16_t used_idx(struct dev *d, int qi);
int wait_used(struct dev *d, int qi, uint16_t target, int ms);
uint64_t data_iova(struct dev *d, void *p);
void *balloc(struct dev *d, size_t n, size_t align);
void set_desc(struct vq *q, uint16_t i, uint64_t addr, uint32_t len,
		     uint16_t flags, uint16_t next);
size_t cmd_build(void *buf, uint16_t api, uint32_t func,
			uint64_t call, const void *inl, uint32_t inl_len,
			const struct ava_buf_ref *refs, uint32_t nrefs);
void chain2(struct dev *d, int qi, uint16_t slot, void *cmd,
		   size_t cmd_len, void *reply, size_t reply_len);
int call1(struct dev *d, void *cmd, size_t cmd_len, struct rep *r);
int ping(struct dev *d, uint64_t call, uint32_t *status);
uint64_t stat_get(const char *name);
uint64_t worker_stat(const char *name);
int sysfs_set(const char *attr, unsigned long long v);
unsigned long long sysfs_get(const char *attr);
int attach_worker(const char *id, int oflags);
void t_memquota(void);
void t_devtime(void);
void t_devdrain(const char *other);
int open_init(struct dev *d, uint16_t nq, uint16_t qs);
void t_config(void);
void t_features(void);
void t_ping(void);
void t_multiq(void);
void expect_status(struct dev *d, void *cmd, size_t n,
			  uint32_t want, const char *what);
void t_cmd_errors(void);
int bad_chain(struct dev *d, const char *what,
		     void (*setup)(struct dev *d, struct vq *q, void *ctx),
		     void *ctx);
void s_unmapped(struct dev *d, struct vq *q, void *ctx);
void s_loop(struct dev *d, struct vq *q, void *ctx);
void s_next_oob(struct dev *d, struct vq *q, void *ctx);
void s_zero_len(struct dev *d, struct vq *q, void *ctx);
void s_huge_len(struct dev *d, struct vq *q, void *ctx);
void s_wrap(struct dev *d, struct vq *q, void *ctx);
void s_order(struct dev *d, struct vq *q, void *ctx);
void s_flags(struct dev *d, struct vq *q, void *ctx);
void s_no_reply(struct dev *d, struct vq *q, void *ctx);
void s_small_reply(struct dev *d, struct vq *q, void *ctx);
void s_reply_unmapped(struct dev *d, struct vq *q, void *ctx);
void s_reply_ro(struct dev *d, struct vq *q, void *ctx);
void s_ind_nested(struct dev *d, struct vq *q, void *ctx);
void s_ind_loop(struct dev *d, struct vq *q, void *ctx);
void s_ind_badlen(struct dev *d, struct vq *q, void *ctx);
void s_ind_huge(struct dev *d, struct vq *q, void *ctx);
void s_ind_next(struct dev *d, struct vq *q, void *ctx);
void s_long(struct dev *d, struct vq *q, void *ctx);
void t_chain_errors(void);
int wait_status(struct dev *d, uint8_t bit, int ms);
void t_ring_errors(void);
void t_reset(void);
uint64_t rnd(void);
void fuzz_desc(struct dev *d, struct vq *q, uint16_t i);
void fuzz_data(struct dev *d);
int wait_done(struct dev *d, uint16_t want, uint64_t *pend0, int ms);
void t_fuzz(long count);
/* chains run_chains() sends: total of them, at most window in flight */
struct chains {
	int total, window;
	uint32_t func;		/* AVA_CTL_PING, or BIG_FUNC (a worker answers) */
	uint32_t inl;		/* PING: inline bytes of each command */
	uint32_t reply;		/* BIG_FUNC: inline bytes of each reply */
	bool without_reply;	/* the command alone: the module refuses it */
};

double run_chains(struct dev *d, const struct chains *c);
double run_pings(struct dev *d, int total, uint32_t inl);
void t_rate(void);
void wsay(int fd, char c);
char whear(int fd, int ms);
int worker_reply(int fd, uint64_t token, uint32_t status,
			const void *inl, uint32_t n);
void worker_main(enum wmode mode, int count, int up, int down);
int worker_start(struct worker *w, enum wmode mode, int count);
int worker_stop(struct worker *w);
void xor_submit(struct dev *d, struct xcall *x);
void xor_submit_at(struct dev *d, struct xcall *x, uint16_t slot,
		   uint32_t sess);
int xor_wait(struct dev *d, struct xcall *x, int ms);
int xor_check(struct xcall *x);
void xor_setup(struct dev *d, struct xcall *x, uint32_t len,
		      uint32_t in_off, uint32_t piece);
void t_worker(void);
void t_backlog(void);
void t_worker_death(void);
void t_unmap(void);
void t_remove(void);
void t_ref_4g(void);
void t_dup_head(void);
void t_memcg(void);
void t_sessions(void);
void t_isolation(void);
void t_session_block(void);
void t_pin_race(void);

#endif
