// SPDX-License-Identifier: GPL-2.0-only
/*
 * vfio_harness: drives an AvA mdev instance the way a VMM and a guest
 * driver would, through VFIO type1: maps its own memory as DMA, reads
 * the PCI config and the virtio capabilities, resets the device,
 * negotiates features, sets up virtqueues, submits commands and takes
 * interrupts through eventfds.  Also plays the worker through
 * /dev/vhost-ava, and sends hostile input.
 *
 *   vfio_harness UUID TEST...      prints "@@TAP ok - ..." lines
 * Tests: config features ping multiq cmd_errors chain_errors ring_errors
 *        reset fuzz[=N] rate worker backlog worker_death unmap remove
 */
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

static const char *uuid;
static int failures;
static int open_fds[3] = { -1, -1, -1 };	/* closed in forked children */

static void close_inherited(void)
{
	int i;

	for (i = 0; i < 3; i++)
		if (open_fds[i] >= 0)
			close(open_fds[i]);
}

static void tap(bool ok, const char *fmt, ...)
{
	va_list ap;

	printf("@@TAP %s - ", ok ? "ok" : "not ok");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
	if (!ok)
		failures++;
}

static void diag(const char *fmt, ...)
{
	va_list ap;

	printf("@@TAP # ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

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

static int rd(struct dev *d, int region, uint64_t off, void *buf, size_t n)
{
	ssize_t r = pread(d->fd, buf, n, REGION_OFF(region) + off);

	return r == (ssize_t)n ? 0 : -1;
}

static int wr(struct dev *d, int region, uint64_t off, const void *buf,
	      size_t n)
{
	ssize_t r = pwrite(d->fd, buf, n, REGION_OFF(region) + off);

	return r == (ssize_t)n ? 0 : -1;
}

static uint32_t cfg_rd(struct dev *d, uint32_t off, int n)
{
	uint32_t v = 0;

	if (rd(d, VFIO_PCI_CONFIG_REGION_INDEX, off, &v, n))
		return 0xdeadbeef;
	return v;
}

static void cfg_wr(struct dev *d, uint32_t off, uint32_t v, int n)
{
	wr(d, VFIO_PCI_CONFIG_REGION_INDEX, off, &v, n);
}

static uint32_t b0_rd(struct dev *d, uint32_t off, int n)
{
	uint32_t v = 0;

	if (rd(d, VFIO_PCI_BAR0_REGION_INDEX, off, &v, n))
		return 0xdeadbeef;
	return v;
}

static void b0_wr(struct dev *d, uint32_t off, uint32_t v, int n)
{
	wr(d, VFIO_PCI_BAR0_REGION_INDEX, off, &v, n);
}

/* common config register offsets, from the capability of the open device */
static uint32_t common_base;
#define CC(field)	(common_base + VIRTIO_PCI_COMMON_##field)

static uint8_t status_rd(struct dev *d)
{
	return b0_rd(d, CC(STATUS), 1);
}

static void status_wr(struct dev *d, uint8_t s)
{
	b0_wr(d, CC(STATUS), s, 1);
}

static int dma_map(struct dev *d, void *vaddr, uint64_t iova, size_t size)
{
	struct vfio_iommu_type1_dma_map m = {
		.argsz = sizeof(m),
		.flags = VFIO_DMA_MAP_FLAG_READ | VFIO_DMA_MAP_FLAG_WRITE,
		.vaddr = (uintptr_t)vaddr, .iova = iova, .size = size,
	};

	return ioctl(d->container, VFIO_IOMMU_MAP_DMA, &m);
}

static int dma_map_ro(struct dev *d, void *vaddr, uint64_t iova,
		      size_t size)
{
	struct vfio_iommu_type1_dma_map m = {
		.argsz = sizeof(m), .flags = VFIO_DMA_MAP_FLAG_READ,
		.vaddr = (uintptr_t)vaddr, .iova = iova, .size = size,
	};

	return ioctl(d->container, VFIO_IOMMU_MAP_DMA, &m);
}

static int dma_unmap(struct dev *d, uint64_t iova, size_t size)
{
	struct vfio_iommu_type1_dma_unmap u = {
		.argsz = sizeof(u), .iova = iova, .size = size,
	};

	return ioctl(d->container, VFIO_IOMMU_UNMAP_DMA, &u);
}

static void *anon(size_t n)
{
	void *p = mmap(NULL, n, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);

	return p == MAP_FAILED ? NULL : p;
}

static int find_vcap(struct dev *d, uint8_t type, uint32_t *off)
{
	uint8_t pos = d->cfg[PCI_CAPABILITY_LIST];
	int guard = 0;

	while (pos && guard++ < 48) {
		uint8_t *c = &d->cfg[pos];

		if (c[0] == PCI_CAP_ID_VNDR && c[3] == type) {
			if (c[4] != 0)
				return -1;
			memcpy(off, c + 8, 4);
			return pos;
		}
		pos = c[1];
	}
	return -1;
}

static int group_of(const char *id)
{
	char path[256], link[256];
	ssize_t n;
	char *b;

	snprintf(path, sizeof(path), "/sys/bus/mdev/devices/%s/iommu_group",
		 id);
	n = readlink(path, link, sizeof(link) - 1);
	if (n < 0)
		return -1;
	link[n] = 0;
	b = strrchr(link, '/');
	return b ? atoi(b + 1) : -1;
}

static int dev_open(struct dev *d)
{
	struct vfio_group_status gs = { .argsz = sizeof(gs) };
	char path[64];
	int g, i;

	memset(d, 0, sizeof(*d));
	d->container = d->group = d->fd = d->req_efd = -1;
	for (i = 0; i < AVA_MAX_VECTORS_H; i++)
		d->efd[i] = -1;
	g = group_of(uuid);
	if (g < 0)
		return -1;
	d->container = open("/dev/vfio/vfio", O_RDWR);
	if (d->container < 0 ||
	    ioctl(d->container, VFIO_GET_API_VERSION) != VFIO_API_VERSION ||
	    !ioctl(d->container, VFIO_CHECK_EXTENSION, VFIO_TYPE1v2_IOMMU))
		return -1;
	snprintf(path, sizeof(path), "/dev/vfio/%d", g);
	d->group = open(path, O_RDWR);
	if (d->group < 0 || ioctl(d->group, VFIO_GROUP_GET_STATUS, &gs) ||
	    !(gs.flags & VFIO_GROUP_FLAGS_VIABLE))
		return -1;
	if (ioctl(d->group, VFIO_GROUP_SET_CONTAINER, &d->container) ||
	    ioctl(d->container, VFIO_SET_IOMMU, VFIO_TYPE1v2_IOMMU))
		return -1;
	d->fd = ioctl(d->group, VFIO_GROUP_GET_DEVICE_FD, uuid);
	if (d->fd < 0)
		return -1;
	d->ring = anon(RING_SIZE);
	d->data = anon(DATA_SIZE);
	d->data2 = anon(DATA2_SIZE);
	d->ro = anon(RO_SIZE);
	if (!d->ring || !d->data || !d->data2 || !d->ro)
		return -1;
	if (dma_map(d, d->ring, RING_IOVA, RING_SIZE) ||
	    dma_map(d, d->data, DATA_IOVA, DATA_SIZE) ||
	    dma_map(d, d->data2, DATA2_IOVA, DATA2_SIZE) ||
	    dma_map_ro(d, d->ro, RO_IOVA, RO_SIZE))
		return -1;
	d->data2_mapped = true;
	if (rd(d, VFIO_PCI_CONFIG_REGION_INDEX, 0, d->cfg, sizeof(d->cfg)))
		return -1;
	if (find_vcap(d, VIRTIO_PCI_CAP_COMMON_CFG, &d->common) < 0 ||
	    find_vcap(d, VIRTIO_PCI_CAP_ISR_CFG, &d->isr) < 0 ||
	    find_vcap(d, VIRTIO_PCI_CAP_DEVICE_CFG, &d->devcfg) < 0)
		return -1;
	i = find_vcap(d, VIRTIO_PCI_CAP_NOTIFY_CFG, &d->notify);
	if (i < 0)
		return -1;
	memcpy(&d->notify_mult, &d->cfg[i + 16], 4);
	common_base = d->common;
	open_fds[0] = d->fd;
	open_fds[1] = d->group;
	open_fds[2] = d->container;
	return 0;
}

static void dev_close(struct dev *d)
{
	int i;

	if (d->fd >= 0)
		close(d->fd);
	if (d->group >= 0)
		close(d->group);
	if (d->container >= 0)
		close(d->container);
	for (i = 0; i < AVA_MAX_VECTORS_H; i++)
		if (d->efd[i] >= 0)
			close(d->efd[i]);
	for (i = 0; i < 3; i++)
		open_fds[i] = -1;
	if (d->req_efd >= 0)
		close(d->req_efd);
	if (d->ring)
		munmap(d->ring, RING_SIZE);
	if (d->data)
		munmap(d->data, DATA_SIZE);
	if (d->data2)
		munmap(d->data2, DATA2_SIZE);
	if (d->ro)
		munmap(d->ro, RO_SIZE);
	memset(d, 0, sizeof(*d));
	d->fd = d->group = d->container = -1;
}

static int set_msix(struct dev *d)
{
	struct vfio_irq_info ii = { .argsz = sizeof(ii),
				    .index = VFIO_PCI_MSIX_IRQ_INDEX };
	char buf[sizeof(struct vfio_irq_set) + 4 * AVA_MAX_VECTORS_H];
	struct vfio_irq_set *s = (void *)buf;
	int i;

	if (ioctl(d->fd, VFIO_DEVICE_GET_IRQ_INFO, &ii) || !ii.count ||
	    ii.count > AVA_MAX_VECTORS_H)
		return -1;
	d->nvec = ii.count;
	for (i = 0; i < d->nvec; i++) {
		if (d->efd[i] < 0)
			d->efd[i] = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
		if (d->efd[i] < 0)
			return -1;
	}
	s->argsz = sizeof(*s) + 4 * d->nvec;
	s->flags = VFIO_IRQ_SET_DATA_EVENTFD | VFIO_IRQ_SET_ACTION_TRIGGER;
	s->index = VFIO_PCI_MSIX_IRQ_INDEX;
	s->start = 0;
	s->count = d->nvec;
	memcpy(s->data, d->efd, 4 * d->nvec);
	return ioctl(d->fd, VFIO_DEVICE_SET_IRQS, s);
}

static uint64_t efd_drain(int fd)
{
	uint64_t v = 0;

	if (read(fd, &v, sizeof(v)) != sizeof(v))
		return 0;
	return v;
}

/* Reset, negotiate, set up nq queues of size qs, DRIVER_OK. */
static int vinit(struct dev *d, uint16_t nq, uint16_t qs, uint64_t feat)
{
	uint32_t lo, hi;
	int i;

	status_wr(d, 0);
	if (status_rd(d) != 0)
		return -1;
	status_wr(d, VIRTIO_CONFIG_S_ACKNOWLEDGE);
	status_wr(d, VIRTIO_CONFIG_S_ACKNOWLEDGE | VIRTIO_CONFIG_S_DRIVER);
	b0_wr(d, CC(DFSELECT), 0, 4);
	lo = b0_rd(d, CC(DF), 4);
	b0_wr(d, CC(DFSELECT), 1, 4);
	hi = b0_rd(d, CC(DF), 4);
	d->features = ((uint64_t)hi << 32 | lo) & feat;
	b0_wr(d, CC(GFSELECT), 0, 4);
	b0_wr(d, CC(GF), (uint32_t)d->features, 4);
	b0_wr(d, CC(GFSELECT), 1, 4);
	b0_wr(d, CC(GF), d->features >> 32, 4);
	status_wr(d, VIRTIO_CONFIG_S_ACKNOWLEDGE | VIRTIO_CONFIG_S_DRIVER |
		  VIRTIO_CONFIG_S_FEATURES_OK);
	if (!(status_rd(d) & VIRTIO_CONFIG_S_FEATURES_OK))
		return -1;
	d->nq = b0_rd(d, CC(NUMQ), 2);
	if (nq > d->nq || nq > 4)
		return -1;
	if (set_msix(d))
		return -1;
	b0_wr(d, CC(MSIX), 0, 2);
	memset(d->ring, 0, RING_SIZE);
	for (i = 0; i < nq; i++) {
		struct vq *q = &d->q[i];
		uint64_t base = (uint64_t)i * 0x4000;

		memset(q, 0, sizeof(*q));
		q->size = qs;
		q->desc = RING_IOVA + base;
		q->avail = RING_IOVA + base + 0x1000;
		q->used = RING_IOVA + base + 0x2000;
		q->d = (void *)(d->ring + base);
		q->a = (void *)(d->ring + base + 0x1000);
		q->u = (void *)(d->ring + base + 0x2000);
		b0_wr(d, CC(Q_SELECT), i, 2);
		if (b0_rd(d, CC(Q_SIZE), 2) < qs)
			return -1;
		b0_wr(d, CC(Q_SIZE), qs, 2);
		b0_wr(d, CC(Q_MSIX), i + 1, 2);
		b0_wr(d, CC(Q_DESCLO), (uint32_t)q->desc, 4);
		b0_wr(d, CC(Q_DESCHI), q->desc >> 32, 4);
		b0_wr(d, CC(Q_AVAILLO), (uint32_t)q->avail, 4);
		b0_wr(d, CC(Q_AVAILHI), q->avail >> 32, 4);
		b0_wr(d, CC(Q_USEDLO), (uint32_t)q->used, 4);
		b0_wr(d, CC(Q_USEDHI), q->used >> 32, 4);
		b0_wr(d, CC(Q_ENABLE), 1, 2);
		if (b0_rd(d, CC(Q_ENABLE), 2) != 1)
			return -1;
	}
	for (i = 0; i < d->nvec; i++)
		efd_drain(d->efd[i]);
	status_wr(d, VIRTIO_CONFIG_S_ACKNOWLEDGE | VIRTIO_CONFIG_S_DRIVER |
		  VIRTIO_CONFIG_S_FEATURES_OK | VIRTIO_CONFIG_S_DRIVER_OK);
	return (status_rd(d) & VIRTIO_CONFIG_S_DRIVER_OK) ? 0 : -1;
}

static void notify(struct dev *d, int qi)
{
	b0_wr(d, d->notify + qi * d->notify_mult, qi, 2);
}

/* Publish head on queue qi (no notify). */
static void push_avail(struct dev *d, int qi, uint16_t head)
{
	struct vq *q = &d->q[qi];

	q->a->ring[q->avail_idx & (q->size - 1)] = head;
	q->avail_idx++;
	__atomic_store_n(&q->a->idx, q->avail_idx, __ATOMIC_RELEASE);
}

static uint16_t used_idx(struct dev *d, int qi)
{
	return __atomic_load_n(&d->q[qi].u->idx, __ATOMIC_ACQUIRE);
}

/* Wait until the used index reaches target; 0 or -1 on timeout. */
static int wait_used(struct dev *d, int qi, uint16_t target, int ms)
{
	double end = now_s() + ms / 1000.0;
	struct pollfd p = { .fd = d->efd[qi + 1], .events = POLLIN };

	for (;;) {
		if ((int16_t)(used_idx(d, qi) - target) >= 0)
			return 0;
		if (now_s() > end)
			return -1;
		poll(&p, 1, 20);
		efd_drain(p.fd);
	}
}

static uint64_t data_iova(struct dev *d, void *p)
{
	return DATA_IOVA + ((uint8_t *)p - d->data);
}

static void *balloc(struct dev *d, size_t n, size_t align)
{
	size_t at = (d->bump + align - 1) & ~(align - 1);

	if (at + n > DATA_SIZE)
		at = 0;
	d->bump = at + n;
	return d->data + at;
}

static void set_desc(struct vq *q, uint16_t i, uint64_t addr, uint32_t len,
		     uint16_t flags, uint16_t next)
{
	q->d[i].addr = addr;
	q->d[i].len = len;
	q->d[i].flags = flags;
	q->d[i].next = next;
}

static size_t cmd_build(void *buf, uint16_t api, uint32_t func,
			uint64_t call, const void *inl, uint32_t inl_len,
			const struct ava_buf_ref *refs, uint32_t nrefs)
{
	struct ava_cmd_hdr *h = buf;
	size_t off = (sizeof(*h) + inl_len + 7) & ~7ul;

	memset(h, 0, sizeof(*h));
	h->magic = AVA_WIRE_MAGIC;
	h->version = AVA_WIRE_VERSION;
	h->api_id = api;
	h->func_id = func;
	h->call_id = call;
	h->inline_len = inl_len;
	h->nrefs = nrefs;
	if (inl_len)
		memmove(h + 1, inl, inl_len);
	memset((uint8_t *)buf + sizeof(*h) + inl_len, 0,
	       off - sizeof(*h) - inl_len);
	memcpy((uint8_t *)buf + off, refs, nrefs * sizeof(*refs));
	h->total_len = off + nrefs * sizeof(*refs);
	return h->total_len;
}

/* A command and a reply buffer as a two-descriptor chain at slot. */
static void chain2(struct dev *d, int qi, uint16_t slot, void *cmd,
		   size_t cmd_len, void *reply, size_t reply_len)
{
	struct vq *q = &d->q[qi];

	set_desc(q, slot, data_iova(d, cmd), cmd_len, VRING_DESC_F_NEXT,
		 (slot + 1) & (q->size - 1));
	set_desc(q, (slot + 1) & (q->size - 1), data_iova(d, reply),
		 reply_len, VRING_DESC_F_WRITE, 0);
}

struct rep {
	struct ava_reply_hdr h;
	uint8_t inl[64];
};

/* One command on queue 0, waits; returns used len or -1 on timeout. */
static int call1(struct dev *d, void *cmd, size_t cmd_len, struct rep *r)
{
	struct vq *q = &d->q[0];
	uint16_t slot = (q->avail_idx * 2) & (q->size - 1);
	uint16_t want = q->last_used + 1;
	struct vring_used_elem *e;

	memset(r, 0xee, sizeof(*r));
	chain2(d, 0, slot, cmd, cmd_len, r, sizeof(*r));
	push_avail(d, 0, slot);
	notify(d, 0);
	if (wait_used(d, 0, want, 5000))
		return -1;
	e = &q->u->ring[q->last_used & (q->size - 1)];
	q->last_used = want;
	if (e->id != slot)
		return -2;
	return e->len;
}

static int ping(struct dev *d, uint64_t call, uint32_t *status)
{
	uint8_t *cmd = balloc(d, 64, 64);
	struct rep *r = balloc(d, sizeof(*r), 64);
	size_t n = cmd_build(cmd, AVA_API_CONTROL, AVA_CTL_PING, call, NULL, 0,
			     NULL, 0);
	int len = call1(d, cmd, n, r);

	if (len < (int)sizeof(r->h))
		return len < 0 ? len : -3;
	if (r->h.magic != AVA_WIRE_MAGIC || r->h.call_id != call)
		return -4;
	*status = r->h.status;
	return 0;
}

static uint64_t stat_get(const char *name)
{
	char path[256], key[64];
	unsigned long long v;
	uint64_t ret = UINT64_MAX;
	FILE *f;

	snprintf(path, sizeof(path), "/sys/kernel/debug/ava_vhost/%s/stats",
		 uuid);
	f = fopen(path, "r");
	if (!f)
		return ret;
	while (fscanf(f, "%63s %llu", key, &v) == 2)
		if (!strcmp(key, name))
			ret = v;
	fclose(f);
	return ret;
}

static uint64_t worker_stat(const char *name)
{
	char path[256], key[64];
	unsigned long long v;
	uint64_t ret = UINT64_MAX;
	FILE *f;

	snprintf(path, sizeof(path), "/sys/kernel/debug/ava_vhost/%s/worker",
		 uuid);
	f = fopen(path, "r");
	if (!f)
		return ret;
	while (fscanf(f, "%63s %llu", key, &v) == 2)
		if (!strcmp(key, name))
			ret = v;
	fclose(f);
	return ret;
}

static int sysfs_set(const char *attr, unsigned long long v)
{
	char path[256];
	FILE *f;
	int ret;

	snprintf(path, sizeof(path), "/sys/bus/mdev/devices/%s/ava/%s", uuid,
		 attr);
	f = fopen(path, "w");
	if (!f)
		return -1;
	ret = fprintf(f, "%llu\n", v) < 0;
	if (fclose(f))
		ret = -1;
	return ret ? -1 : 0;
}

#define FEAT_ALL	((1ull << VIRTIO_F_VERSION_1) | \
			 (1ull << VIRTIO_RING_F_INDIRECT_DESC))

static int open_init(struct dev *d, uint16_t nq, uint16_t qs)
{
	if (dev_open(d)) {
		tap(false, "open %s through VFIO type1: %s", uuid,
		    strerror(errno));
		return -1;
	}
	if (vinit(d, nq, qs, FEAT_ALL)) {
		tap(false, "virtio initialisation");
		return -1;
	}
	return 0;
}

/* ---- tests ----------------------------------------------------------- */

static void t_config(void)
{
	struct vfio_device_info di = { .argsz = sizeof(di) };
	struct vfio_region_info ri = { .argsz = sizeof(ri) };
	struct dev d;
	uint32_t v = 0, off, id;
	uint8_t *c;
	int pos, ok;

	if (dev_open(&d)) {
		tap(false, "open %s through VFIO type1 (container, group, device)",
		    uuid);
		dev_close(&d);
		return;
	}
	tap(true, "open %s through VFIO type1 (container, group, device)", uuid);
	ok = !ioctl(d.fd, VFIO_DEVICE_GET_INFO, &di);
	tap(ok && (di.flags & VFIO_DEVICE_FLAGS_PCI) &&
	    (di.flags & VFIO_DEVICE_FLAGS_RESET) &&
	    di.num_regions >= VFIO_PCI_CONFIG_REGION_INDEX + 1,
	    "device info: PCI, resettable, %u regions", di.num_regions);
	ri.index = VFIO_PCI_BAR0_REGION_INDEX;
	tap(!ioctl(d.fd, VFIO_DEVICE_GET_REGION_INFO, &ri) &&
	    ri.size == AVA_BAR0_SIZE, "BAR0 region is %#x bytes",
	    AVA_BAR0_SIZE);
	c = d.cfg;
	id = c[2] | c[3] << 8;
	tap((c[0] | c[1] << 8) == AVA_PCI_VENDOR && id >= 0x1041 &&
	    id <= 0x107f, "PCI ids %04x:%04x (modern virtio)",
	    c[0] | c[1] << 8, id);
	tap(c[PCI_REVISION_ID] >= 1 && (c[PCI_STATUS] & PCI_STATUS_CAP_LIST) &&
	    (c[PCI_CLASS_DEVICE] | c[PCI_CLASS_DEVICE + 1] << 8) ==
	    AVA_PCI_CLASS >> 8, "revision, class and capability list");
	pos = c[PCI_CAPABILITY_LIST];
	while (pos && c[pos] != PCI_CAP_ID_MSIX)
		pos = c[pos + 1];
	tap(pos && ((c[pos + 2] | c[pos + 3] << 8) & PCI_MSIX_FLAGS_QSIZE) + 1 >= 2 &&
	    (c[pos + 4] & PCI_MSIX_TABLE_BIR) == 2,
	    "MSI-X capability, table in BAR 2");
	tap(d.common == AVA_BAR0_COMMON && d.isr == AVA_BAR0_ISR &&
	    d.devcfg == AVA_BAR0_DEVICE && d.notify == AVA_BAR0_NOTIFY &&
	    d.notify_mult == AVA_NOTIFY_MULTIPLIER,
	    "virtio capabilities: common, notify, ISR, device in BAR 0");
	/* BAR sizing and read-only fields */
	cfg_wr(&d, PCI_BASE_ADDRESS_0, 0xffffffff, 4);
	v = cfg_rd(&d, PCI_BASE_ADDRESS_0, 4);
	tap(v == (uint32_t)~(AVA_BAR0_SIZE - 1), "BAR0 sizing reads %#x", v);
	cfg_wr(&d, PCI_VENDOR_ID, 0x1234, 2);
	tap(cfg_rd(&d, PCI_VENDOR_ID, 2) == AVA_PCI_VENDOR,
	    "vendor id is read-only");
	/* the VIRTIO_PCI_CAP_PCI_CFG window reads num_queues */
	pos = find_vcap(&d, VIRTIO_PCI_CAP_PCI_CFG, &off);
	if (pos > 0) {
		cfg_wr(&d, pos + 4, 0, 1);
		cfg_wr(&d, pos + 8, AVA_BAR0_COMMON + VIRTIO_PCI_COMMON_NUMQ, 4);
		cfg_wr(&d, pos + 12, 2, 4);
		v = cfg_rd(&d, pos + 16, 4);
	}
	tap(pos > 0 && v == b0_rd(&d, CC(NUMQ), 2) && v >= 1,
	    "PCI config access capability reads num_queues (%u)", v);
	/* device config */
	tap(b0_rd(&d, d.devcfg, 4) == AVA_WIRE_VERSION &&
	    b0_rd(&d, d.devcfg + 8, 4) == AVA_MAX_INLINE &&
	    b0_rd(&d, d.devcfg + 12, 4) == AVA_MAX_REFS,
	    "device config: wire version and limits");
	/* MSI-X loopback: trigger vector 0 through VFIO */
	if (!set_msix(&d)) {
		struct vfio_irq_set s = {
			.argsz = sizeof(s), .index = VFIO_PCI_MSIX_IRQ_INDEX,
			.flags = VFIO_IRQ_SET_DATA_NONE |
				 VFIO_IRQ_SET_ACTION_TRIGGER,
			.start = 0, .count = 1,
		};
		efd_drain(d.efd[0]);
		ioctl(d.fd, VFIO_DEVICE_SET_IRQS, &s);
		tap(efd_drain(d.efd[0]) == 1, "MSI-X eventfds (%d vectors)",
		    d.nvec);
	} else {
		tap(false, "MSI-X eventfds");
	}
	dev_close(&d);
}

static void t_features(void)
{
	struct dev d;
	uint32_t f;

	if (dev_open(&d)) {
		tap(false, "open for feature tests");
		return;
	}
	status_wr(&d, 0);
	tap(status_rd(&d) == 0, "reset through device_status");
	status_wr(&d, VIRTIO_CONFIG_S_ACKNOWLEDGE | VIRTIO_CONFIG_S_DRIVER);
	b0_wr(&d, CC(DFSELECT), 1, 4);
	f = b0_rd(&d, CC(DF), 4);
	tap(f & (1u << (VIRTIO_F_VERSION_1 - 32)), "device offers VERSION_1");
	/* without VERSION_1, FEATURES_OK must not stick */
	b0_wr(&d, CC(GFSELECT), 1, 4);
	b0_wr(&d, CC(GF), 0, 4);
	status_wr(&d, VIRTIO_CONFIG_S_ACKNOWLEDGE | VIRTIO_CONFIG_S_DRIVER |
		  VIRTIO_CONFIG_S_FEATURES_OK);
	tap(!(status_rd(&d) & VIRTIO_CONFIG_S_FEATURES_OK),
	    "FEATURES_OK refused without VERSION_1");
	/* unknown feature bits are refused too */
	status_wr(&d, 0);
	status_wr(&d, VIRTIO_CONFIG_S_ACKNOWLEDGE | VIRTIO_CONFIG_S_DRIVER);
	b0_wr(&d, CC(GFSELECT), 1, 4);
	b0_wr(&d, CC(GF), 1u | (1u << 20), 4);
	status_wr(&d, VIRTIO_CONFIG_S_ACKNOWLEDGE | VIRTIO_CONFIG_S_DRIVER |
		  VIRTIO_CONFIG_S_FEATURES_OK);
	tap(!(status_rd(&d) & VIRTIO_CONFIG_S_FEATURES_OK),
	    "FEATURES_OK refused with features the device does not offer");
	/* DRIVER_OK without FEATURES_OK does not stick */
	status_wr(&d, VIRTIO_CONFIG_S_ACKNOWLEDGE | VIRTIO_CONFIG_S_DRIVER |
		  VIRTIO_CONFIG_S_DRIVER_OK);
	tap(!(status_rd(&d) & VIRTIO_CONFIG_S_DRIVER_OK),
	    "DRIVER_OK refused before FEATURES_OK");
	/* bad queue layouts are not enabled */
	status_wr(&d, 0);
	b0_wr(&d, CC(Q_SELECT), 0, 2);
	b0_wr(&d, CC(Q_SIZE), 100, 2);
	b0_wr(&d, CC(Q_ENABLE), 1, 2);
	tap(b0_rd(&d, CC(Q_ENABLE), 2) == 0,
	    "queue size that is not a power of 2 is refused");
	b0_wr(&d, CC(Q_SIZE), 64, 2);
	b0_wr(&d, CC(Q_DESCLO), RING_IOVA + 8, 4);
	b0_wr(&d, CC(Q_ENABLE), 1, 2);
	tap(b0_rd(&d, CC(Q_ENABLE), 2) == 0,
	    "misaligned descriptor table is refused");
	b0_wr(&d, CC(Q_SELECT), 200, 2);
	tap(b0_rd(&d, CC(Q_SIZE), 2) == 0 &&
	    b0_rd(&d, CC(Q_MSIX), 2) == VIRTIO_MSI_NO_VECTOR,
	    "queue beyond num_queues reads size 0");
	b0_wr(&d, CC(Q_SELECT), 0, 2);
	b0_wr(&d, CC(Q_MSIX), 999, 2);
	tap(b0_rd(&d, CC(Q_MSIX), 2) == VIRTIO_MSI_NO_VECTOR,
	    "out of range MSI-X vector reads NO_VECTOR");
	tap(vinit(&d, 1, 64, FEAT_ALL) == 0 &&
	    (d.features & (1ull << VIRTIO_F_VERSION_1)),
	    "full initialisation with VERSION_1 and INDIRECT_DESC");
	dev_close(&d);
}

static void t_ping(void)
{
	struct dev d;
	uint32_t st = 99;
	uint64_t irqs0;
	int i, ok = 1;

	if (open_init(&d, 1, 64))
		goto out;
	irqs0 = stat_get("irqs");
	tap(ping(&d, 1234, &st) == 0 && st == AVA_S_OK,
	    "PING answered by the device with AVA_S_OK");
	tap(stat_get("irqs") > irqs0, "queue interrupt through MSI-X eventfd");
	for (i = 0; i < 200 && ok; i++)
		ok = !ping(&d, 5000 + i, &st) && st == AVA_S_OK;
	tap(ok, "200 PINGs in a row");
	/* a batch of 32 chains with one notify */
	{
		struct vq *q = &d.q[0];
		struct rep *r = balloc(&d, 32 * sizeof(*r), 64);
		uint8_t *cmd = balloc(&d, 64, 64);
		size_t n = cmd_build(cmd, AVA_API_CONTROL, AVA_CTL_PING, 7,
				     NULL, 0, NULL, 0);
		uint16_t want = q->last_used + 32;

		for (i = 0; i < 32; i++) {
			chain2(&d, 0, 2 * i, cmd, n, &r[i], sizeof(r[i]));
			push_avail(&d, 0, 2 * i);
		}
		notify(&d, 0);
		ok = !wait_used(&d, 0, want, 5000);
		for (i = 0; ok && i < 32; i++)
			ok = r[i].h.status == AVA_S_OK && r[i].h.call_id == 7;
		q->last_used = want;
		tap(ok, "32 chains with one notification");
	}
	/* NO_INTERRUPT: the device completes without signalling */
	{
		uint64_t before;

		d.q[0].a->flags = VRING_AVAIL_F_NO_INTERRUPT;
		efd_drain(d.efd[1]);
		before = stat_get("irqs");
		ok = !ping(&d, 77, &st) && st == AVA_S_OK;
		tap(ok && stat_get("irqs") == before,
		    "VRING_AVAIL_F_NO_INTERRUPT suppresses the interrupt");
		d.q[0].a->flags = 0;
	}
	/* indirect descriptors */
	{
		struct vq *q = &d.q[0];
		struct vring_desc *t = balloc(&d, 2 * sizeof(*t), 16);
		uint8_t *cmd = balloc(&d, 64, 64);
		struct rep *r = balloc(&d, sizeof(*r), 64);
		size_t n = cmd_build(cmd, AVA_API_CONTROL, AVA_CTL_PING, 99,
				     NULL, 0, NULL, 0);
		uint16_t want = q->last_used + 1;

		t[0] = (struct vring_desc){ data_iova(&d, cmd), n,
					    VRING_DESC_F_NEXT, 1 };
		t[1] = (struct vring_desc){ data_iova(&d, r), sizeof(*r),
					    VRING_DESC_F_WRITE, 0 };
		set_desc(q, 0, data_iova(&d, t), 2 * sizeof(*t),
			 VRING_DESC_F_INDIRECT, 0);
		push_avail(&d, 0, 0);
		notify(&d, 0);
		ok = !wait_used(&d, 0, want, 5000) && r->h.status == AVA_S_OK &&
		     r->h.call_id == 99;
		q->last_used = want;
		tap(ok, "indirect descriptor table");
	}
	/* a second queue of a multi-queue instance works on its own */
	if (d.nq > 1)
		diag("instance has %u queues", d.nq);
out:
	dev_close(&d);
}

/* Every queue of a multi-queue instance, each with its own vector. */
static void t_multiq(void)
{
	struct dev d;
	int qi, ok = 1;

	if (dev_open(&d) || vinit(&d, 4, 64, FEAT_ALL)) {
		tap(false, "4-queue initialisation");
		dev_close(&d);
		return;
	}
	for (qi = 3; qi >= 0 && ok; qi--) {
		struct vq *q = &d.q[qi];
		uint8_t *cmd = balloc(&d, 64, 64);
		struct rep *r = balloc(&d, sizeof(*r), 64);
		size_t n = cmd_build(cmd, AVA_API_CONTROL, AVA_CTL_PING,
				     100 + qi, NULL, 0, NULL, 0);
		struct pollfd p = { .fd = d.efd[qi + 1], .events = POLLIN };

		efd_drain(p.fd);
		chain2(&d, qi, 0, cmd, n, r, sizeof(*r));
		push_avail(&d, qi, 0);
		notify(&d, qi);
		ok = !wait_used(&d, qi, 1, 5000) && r->h.status == AVA_S_OK &&
		     r->h.call_id == (uint64_t)(100 + qi) &&
		     (qi == 0 || used_idx(&d, qi - 1) == 0);
		(void)q;
	}
	tap(ok, "PING on each of 4 queues, each with its own MSI-X vector");
	dev_close(&d);
}

/* Send a command built by the caller; expect a reply with status. */
static void expect_status(struct dev *d, void *cmd, size_t n,
			  uint32_t want, const char *what)
{
	struct rep *r = balloc(d, sizeof(*r), 64);
	int len = call1(d, cmd, n, r);

	tap(len == (int)sizeof(r->h) && r->h.status == want,
	    "%s: status %u (want %u)", what,
	    len >= (int)sizeof(r->h) ? r->h.status : 0xffffffffu, want);
}

static void t_cmd_errors(void)
{
	struct ava_cmd_hdr *h;
	struct ava_buf_ref ref;
	struct dev d;
	uint8_t *cmd;
	size_t n;
	uint64_t e0;

	if (open_init(&d, 1, 64))
		goto out;
	e0 = stat_get("err_cmd");
	cmd = balloc(&d, 256, 64);
	n = cmd_build(cmd, 0, AVA_CTL_PING, 1, NULL, 0, NULL, 0);
	h = (void *)cmd;
	h->magic = 0x12345678;
	expect_status(&d, cmd, n, AVA_S_BAD_MAGIC, "bad magic");
	n = cmd_build(cmd, 0, AVA_CTL_PING, 1, NULL, 0, NULL, 0);
	h->version = 2;
	expect_status(&d, cmd, n, AVA_S_BAD_MAGIC, "bad version");
	n = cmd_build(cmd, 9, 1, 1, NULL, 0, NULL, 0);
	expect_status(&d, cmd, n, AVA_S_BAD_API, "unknown API id");
	n = cmd_build(cmd, 0, AVA_CTL_PING, 1, NULL, 0, NULL, 0);
	h->flags = 0x80;
	expect_status(&d, cmd, n, AVA_S_MALFORMED, "unknown flags");
	memset(&ref, 0, sizeof(ref));
	ref.len = 4096;
	ref.flags = AVA_REF_IN;
	ref.reserved = 1;
	n = cmd_build(cmd, 1, 1, 1, NULL, 0, &ref, 1);
	expect_status(&d, cmd, n, AVA_S_BAD_REF, "reference reserved field set");
	n = cmd_build(cmd, 0, AVA_CTL_PING, 1, NULL, 0, NULL, 0);
	h->inline_len = AVA_MAX_INLINE + 8;
	expect_status(&d, cmd, n, AVA_S_TOO_LARGE, "inline length too large");
	n = cmd_build(cmd, 0, AVA_CTL_PING, 1, NULL, 0, NULL, 0);
	h->nrefs = AVA_MAX_REFS + 1;
	expect_status(&d, cmd, n, AVA_S_TOO_LARGE, "too many references");
	n = cmd_build(cmd, 0, AVA_CTL_PING, 1, NULL, 0, NULL, 0);
	h->total_len = 48;
	expect_status(&d, cmd, n, AVA_S_MALFORMED, "total_len inconsistent");
	n = cmd_build(cmd, 0, AVA_CTL_PING, 1, "1234", 4, NULL, 0);
	h->total_len = 48;
	expect_status(&d, cmd, 48, AVA_S_MALFORMED,
		      "inline length not a multiple of 8");
	n = cmd_build(cmd, 0, AVA_CTL_PING, 1, "12345678", 8, NULL, 0);
	expect_status(&d, cmd, n - 8, AVA_S_MALFORMED,
		      "command longer than its descriptors");
	expect_status(&d, cmd, 16, AVA_S_MALFORMED, "command shorter than a header");
	memset(&ref, 0, sizeof(ref));
	ref.len = 4096;
	ref.flags = 0x10;
	n = cmd_build(cmd, 1, 1, 1, NULL, 0, &ref, 1);
	expect_status(&d, cmd, n, AVA_S_BAD_REF, "reference with unknown flags");
	ref.flags = AVA_REF_IN;
	ref.offset = 4096;
	n = cmd_build(cmd, 1, 1, 1, NULL, 0, &ref, 1);
	expect_status(&d, cmd, n, AVA_S_BAD_REF, "reference with an offset");
	ref.offset = 0;
	n = cmd_build(cmd, 1, 1, 1, NULL, 0, &ref, 1);
	expect_status(&d, cmd, n, AVA_S_BAD_REF,
		      "reference without data in the chain");
	ref.len = 1ull << 40;
	n = cmd_build(cmd, 1, 1, 1, NULL, 0, &ref, 1);
	expect_status(&d, cmd, n, AVA_S_TOO_LARGE, "reference of 1 TiB");
	tap(stat_get("err_cmd") - e0 == 15, "err_cmd counted 15 rejections");
	{
		uint32_t st = 99;

		tap(!ping(&d, 5, &st) && st == AVA_S_OK,
		    "device still answers after bad commands");
	}
	n = cmd_build(cmd, 0, AVA_CTL_PING, 1, NULL, 0, NULL, 0);
	h->session = 77;
	expect_status(&d, cmd, n, AVA_S_OK, "a session id passes the module");
out:
	dev_close(&d);
}

/*
 * Chain-level errors: returned with used length 0.  Each case sets up
 * descriptors 0.. and publishes head 0.
 */
static int bad_chain(struct dev *d, const char *what,
		     void (*setup)(struct dev *d, struct vq *q, void *ctx),
		     void *ctx)
{
	struct vq *q = &d->q[0];
	uint16_t want = q->last_used + 1;
	struct vring_used_elem *e;
	int ok;

	setup(d, q, ctx);
	push_avail(d, 0, 0);
	notify(d, 0);
	ok = !wait_used(d, 0, want, 5000);
	e = &q->u->ring[q->last_used & (q->size - 1)];
	q->last_used = want;
	ok = ok && e->id == 0 && e->len == 0;
	tap(ok, "bad chain returned with length 0: %s", what);
	return ok;
}

struct bc {
	uint64_t cmd, rep;
	size_t n;
};

static void s_unmapped(struct dev *d, struct vq *q, void *ctx)
{
	struct bc *b = ctx;

	set_desc(q, 0, 0x7000000000ull, b->n, VRING_DESC_F_NEXT, 1);
	set_desc(q, 1, b->rep, 64, VRING_DESC_F_WRITE, 0);
	(void)d;
}

static void s_loop(struct dev *d, struct vq *q, void *ctx)
{
	struct bc *b = ctx;

	set_desc(q, 0, b->cmd, b->n, VRING_DESC_F_NEXT, 1);
	set_desc(q, 1, b->rep, 64, VRING_DESC_F_WRITE | VRING_DESC_F_NEXT, 0);
	(void)d;
}

static void s_next_oob(struct dev *d, struct vq *q, void *ctx)
{
	struct bc *b = ctx;

	set_desc(q, 0, b->cmd, b->n, VRING_DESC_F_NEXT, 1000);
	(void)d;
}

static void s_zero_len(struct dev *d, struct vq *q, void *ctx)
{
	struct bc *b = ctx;

	set_desc(q, 0, b->cmd, 0, VRING_DESC_F_NEXT, 1);
	set_desc(q, 1, b->rep, 64, VRING_DESC_F_WRITE, 0);
	(void)d;
}

static void s_huge_len(struct dev *d, struct vq *q, void *ctx)
{
	struct bc *b = ctx;

	set_desc(q, 0, b->cmd, 0xffffffffu, VRING_DESC_F_NEXT, 1);
	set_desc(q, 1, b->rep, 64, VRING_DESC_F_WRITE, 0);
	(void)d;
}

static void s_wrap(struct dev *d, struct vq *q, void *ctx)
{
	struct bc *b = ctx;

	set_desc(q, 0, 0xfffffffffffff000ull, 0x2000, VRING_DESC_F_NEXT, 1);
	set_desc(q, 1, b->rep, 64, VRING_DESC_F_WRITE, 0);
	(void)d;
}

static void s_order(struct dev *d, struct vq *q, void *ctx)
{
	struct bc *b = ctx;

	set_desc(q, 0, b->rep, 64, VRING_DESC_F_WRITE | VRING_DESC_F_NEXT, 1);
	set_desc(q, 1, b->cmd, b->n, 0, 0);
	(void)d;
}

static void s_flags(struct dev *d, struct vq *q, void *ctx)
{
	struct bc *b = ctx;

	set_desc(q, 0, b->cmd, b->n, VRING_DESC_F_NEXT | 0x80, 1);
	set_desc(q, 1, b->rep, 64, VRING_DESC_F_WRITE, 0);
	(void)d;
}

static void s_no_reply(struct dev *d, struct vq *q, void *ctx)
{
	struct bc *b = ctx;

	set_desc(q, 0, b->cmd, b->n, 0, 0);
	(void)d;
}

static void s_small_reply(struct dev *d, struct vq *q, void *ctx)
{
	struct bc *b = ctx;

	set_desc(q, 0, b->cmd, b->n, VRING_DESC_F_NEXT, 1);
	set_desc(q, 1, b->rep, 8, VRING_DESC_F_WRITE, 0);
	(void)d;
}

static void s_reply_unmapped(struct dev *d, struct vq *q, void *ctx)
{
	struct bc *b = ctx;

	set_desc(q, 0, b->cmd, b->n, VRING_DESC_F_NEXT, 1);
	set_desc(q, 1, 0x7000000000ull, 64, VRING_DESC_F_WRITE, 0);
	(void)d;
}

static void s_reply_ro(struct dev *d, struct vq *q, void *ctx)
{
	struct bc *b = ctx;

	set_desc(q, 0, b->cmd, b->n, VRING_DESC_F_NEXT, 1);
	set_desc(q, 1, RO_IOVA, 64, VRING_DESC_F_WRITE, 0);
	(void)d;
}

static void s_ind_nested(struct dev *d, struct vq *q, void *ctx)
{
	struct bc *b = ctx;
	struct vring_desc *t = balloc(d, 32, 16);

	t[0] = (struct vring_desc){ data_iova(d, t), 32,
				    VRING_DESC_F_INDIRECT, 0 };
	t[1] = (struct vring_desc){ b->rep, 64, VRING_DESC_F_WRITE, 0 };
	set_desc(q, 0, data_iova(d, t), 32, VRING_DESC_F_INDIRECT, 0);
}

static void s_ind_loop(struct dev *d, struct vq *q, void *ctx)
{
	struct bc *b = ctx;
	struct vring_desc *t = balloc(d, 32, 16);

	t[0] = (struct vring_desc){ b->cmd, b->n, VRING_DESC_F_NEXT, 1 };
	t[1] = (struct vring_desc){ b->rep, 64,
				    VRING_DESC_F_WRITE | VRING_DESC_F_NEXT, 0 };
	set_desc(q, 0, data_iova(d, t), 32, VRING_DESC_F_INDIRECT, 0);
}

static void s_ind_badlen(struct dev *d, struct vq *q, void *ctx)
{
	struct vring_desc *t = balloc(d, 32, 16);

	set_desc(q, 0, data_iova(d, t), 24, VRING_DESC_F_INDIRECT, 0);
	(void)ctx;
}

static void s_ind_huge(struct dev *d, struct vq *q, void *ctx)
{
	set_desc(q, 0, DATA_IOVA, 0x10000000, VRING_DESC_F_INDIRECT, 0);
	(void)ctx;
	(void)d;
}

static void s_ind_next(struct dev *d, struct vq *q, void *ctx)
{
	struct bc *b = ctx;
	struct vring_desc *t = balloc(d, 32, 16);

	t[0] = (struct vring_desc){ b->cmd, b->n, 0, 0 };
	set_desc(q, 0, data_iova(d, t), 16,
		 VRING_DESC_F_INDIRECT | VRING_DESC_F_NEXT, 1);
	set_desc(q, 1, b->rep, 64, VRING_DESC_F_WRITE, 0);
}

static void s_long(struct dev *d, struct vq *q, void *ctx)
{
	struct bc *b = ctx;
	int i;

	/* 64 descriptors in a 64-entry queue, but then it goes on: loop */
	for (i = 0; i < q->size; i++)
		set_desc(q, i, b->cmd, 8, VRING_DESC_F_NEXT,
			 (i + 1) % q->size);
	(void)d;
}

static void t_chain_errors(void)
{
	struct dev d;
	struct bc b;
	uint8_t *cmd;
	uint64_t e0;
	uint32_t st = 99;
	int bad = 0;

	if (open_init(&d, 1, 64))
		goto out;
	e0 = stat_get("err_chain");
	cmd = balloc(&d, 64, 64);
	b.n = cmd_build(cmd, AVA_API_CONTROL, AVA_CTL_PING, 3, NULL, 0, NULL, 0);
	b.cmd = data_iova(&d, cmd);
	b.rep = data_iova(&d, balloc(&d, 64, 64));
	bad += bad_chain(&d, "address outside guest memory", s_unmapped, &b);
	bad += bad_chain(&d, "looping chain", s_loop, &b);
	bad += bad_chain(&d, "next index beyond the queue", s_next_oob, &b);
	bad += bad_chain(&d, "zero-length descriptor", s_zero_len, &b);
	bad += bad_chain(&d, "length 4 GiB - 1", s_huge_len, &b);
	bad += bad_chain(&d, "address range wraps around", s_wrap, &b);
	bad += bad_chain(&d, "readable after writable", s_order, &b);
	bad += bad_chain(&d, "unknown descriptor flags", s_flags, &b);
	bad += bad_chain(&d, "no room for the reply", s_no_reply, &b);
	bad += bad_chain(&d, "reply room smaller than a reply header",
			 s_small_reply, &b);
	bad += bad_chain(&d, "reply room outside guest memory",
			 s_reply_unmapped, &b);
	bad += bad_chain(&d, "reply room in read-only guest memory",
			 s_reply_ro, &b);
	bad += bad_chain(&d, "nested indirect table", s_ind_nested, &b);
	bad += bad_chain(&d, "loop inside an indirect table", s_ind_loop, &b);
	bad += bad_chain(&d, "indirect table length not a multiple of 16",
			 s_ind_badlen, &b);
	bad += bad_chain(&d, "indirect table of 16M entries", s_ind_huge, &b);
	bad += bad_chain(&d, "indirect descriptor with NEXT", s_ind_next, &b);
	bad += bad_chain(&d, "chain longer than the queue", s_long, &b);
	tap(stat_get("err_chain") - e0 == 18, "err_chain counted 18 bad chains");
	tap(!ping(&d, 5, &st) && st == AVA_S_OK,
	    "device still answers after bad chains");
	(void)bad;
out:
	dev_close(&d);
}

static int wait_status(struct dev *d, uint8_t bit, int ms)
{
	double end = now_s() + ms / 1000.0;

	while (now_s() < end) {
		if (status_rd(d) & bit)
			return 0;
		usleep(2000);
	}
	return -1;
}

static void t_ring_errors(void)
{
	struct dev d;
	uint32_t st = 99;
	uint64_t r0;

	if (open_init(&d, 1, 64))
		goto out;
	r0 = stat_get("err_ring");
	/* head index beyond the queue */
	efd_drain(d.efd[0]);
	push_avail(&d, 0, 64);
	notify(&d, 0);
	tap(!wait_status(&d, VIRTIO_CONFIG_S_NEEDS_RESET, 5000),
	    "head index beyond the queue sets NEEDS_RESET");
	tap(efd_drain(d.efd[0]) >= 1, "config change interrupt on NEEDS_RESET");
	tap(vinit(&d, 1, 64, FEAT_ALL) == 0 && !ping(&d, 1, &st) &&
	    st == AVA_S_OK, "device works again after reset");
	/* available index running ahead of the queue */
	d.q[0].avail_idx += 200;
	__atomic_store_n(&d.q[0].a->idx, d.q[0].avail_idx, __ATOMIC_RELEASE);
	notify(&d, 0);
	tap(!wait_status(&d, VIRTIO_CONFIG_S_NEEDS_RESET, 5000),
	    "available index 200 ahead of a 64-entry queue sets NEEDS_RESET");
	/* the rings outside guest memory */
	status_wr(&d, 0);
	tap(vinit(&d, 1, 64, FEAT_ALL) == 0, "re-initialised");
	status_wr(&d, 0);
	status_wr(&d, VIRTIO_CONFIG_S_ACKNOWLEDGE | VIRTIO_CONFIG_S_DRIVER);
	b0_wr(&d, CC(GFSELECT), 1, 4);
	b0_wr(&d, CC(GF), 1, 4);
	status_wr(&d, VIRTIO_CONFIG_S_ACKNOWLEDGE | VIRTIO_CONFIG_S_DRIVER |
		  VIRTIO_CONFIG_S_FEATURES_OK);
	b0_wr(&d, CC(Q_SELECT), 0, 2);
	b0_wr(&d, CC(Q_SIZE), 64, 2);
	b0_wr(&d, CC(Q_DESCLO), 0, 4);
	b0_wr(&d, CC(Q_DESCHI), 0x70, 4);
	b0_wr(&d, CC(Q_AVAILLO), 0x1000, 4);
	b0_wr(&d, CC(Q_AVAILHI), 0x70, 4);
	b0_wr(&d, CC(Q_USEDLO), 0x2000, 4);
	b0_wr(&d, CC(Q_USEDHI), 0x70, 4);
	b0_wr(&d, CC(Q_ENABLE), 1, 2);
	status_wr(&d, VIRTIO_CONFIG_S_ACKNOWLEDGE | VIRTIO_CONFIG_S_DRIVER |
		  VIRTIO_CONFIG_S_FEATURES_OK | VIRTIO_CONFIG_S_DRIVER_OK);
	notify(&d, 0);
	tap(!wait_status(&d, VIRTIO_CONFIG_S_NEEDS_RESET, 5000),
	    "rings outside guest memory set NEEDS_RESET");
	tap(stat_get("err_ring") - r0 == 3, "err_ring counted 3 ring errors");
	tap(vinit(&d, 1, 64, FEAT_ALL) == 0 && !ping(&d, 1, &st) &&
	    st == AVA_S_OK, "device works again after reset");
out:
	dev_close(&d);
}

static void t_reset(void)
{
	struct dev d;
	uint32_t st = 99;
	int i, k, ok = 1;

	if (open_init(&d, 1, 128))
		goto out;
	/* many commands in flight, then a reset in the middle */
	for (k = 0; k < 20 && ok; k++) {
		struct vq *q = &d.q[0];
		uint8_t *cmd = balloc(&d, 64, 64);
		struct rep *r = balloc(&d, 64 * sizeof(*r), 64);
		size_t n = cmd_build(cmd, AVA_API_CONTROL, AVA_CTL_PING, k,
				     NULL, 0, NULL, 0);

		for (i = 0; i < 64; i++) {
			chain2(&d, 0, 2 * i, cmd, n, &r[i], sizeof(r[i]));
			push_avail(&d, 0, 2 * i);
		}
		notify(&d, 0);
		if (k & 1)
			usleep(k * 100);
		status_wr(&d, 0);
		ok = status_rd(&d) == 0;
		if (ok && k % 4 == 0) {
			/* VFIO_DEVICE_RESET too */
			ok = !ioctl(d.fd, VFIO_DEVICE_RESET);
		}
		ok = ok && !vinit(&d, 1, 128, FEAT_ALL);
		(void)q;
	}
	tap(ok, "20 resets with 64 commands in flight");
	tap(!ping(&d, 1, &st) && st == AVA_S_OK, "device works after the resets");
	/* config writes while running: queue registers are locked */
	b0_wr(&d, CC(Q_SELECT), 0, 2);
	b0_wr(&d, CC(Q_SIZE), 2, 2);
	b0_wr(&d, CC(Q_DESCLO), 0, 4);
	tap(b0_rd(&d, CC(Q_SIZE), 2) == 128 &&
	    b0_rd(&d, CC(Q_DESCLO), 4) == (uint32_t)d.q[0].desc,
	    "queue registers cannot change while the queue is enabled");
	b0_wr(&d, CC(GFSELECT), 0, 4);
	b0_wr(&d, CC(GF), 0, 4);
	tap(!ping(&d, 2, &st) && st == AVA_S_OK,
	    "feature writes after FEATURES_OK are ignored");
out:
	dev_close(&d);
}

static uint64_t rnd_state = 88172645463325252ull;

static uint64_t rnd(void)
{
	rnd_state ^= rnd_state << 13;
	rnd_state ^= rnd_state >> 7;
	rnd_state ^= rnd_state << 17;
	return rnd_state;
}

/* A random, mostly malformed descriptor. */
static void fuzz_desc(struct dev *d, struct vq *q, uint16_t i)
{
	static const uint64_t far[] = {
		0, 0x1000, 0x7000000000ull, 0xfffffffffffff000ull,
		DATA_IOVA + DATA_SIZE - 8, RING_IOVA + RING_SIZE - 4,
		DATA2_IOVA - 16,
	};
	uint64_t r = rnd();
	uint64_t addr;
	uint32_t len;
	uint16_t flags = 0, next;

	switch (r & 7) {
	case 0:
	case 1:
	case 2:
		addr = DATA_IOVA + (rnd() % (DATA_SIZE - 4096));
		break;
	case 3:
		addr = far[rnd() % (sizeof(far) / sizeof(far[0]))];
		break;
	case 4:
		addr = rnd();
		break;
	default:
		addr = DATA_IOVA + 0x1000 * (rnd() % 64);
		break;
	}
	switch ((r >> 3) & 7) {
	case 0:
		len = 0;
		break;
	case 1:
		len = (uint32_t)rnd();
		break;
	case 2:
		len = sizeof(struct ava_cmd_hdr);
		break;
	default:
		len = rnd() % 256;
		break;
	}
	if (r & (1 << 6))
		flags |= VRING_DESC_F_NEXT;
	if (r & (1 << 7))
		flags |= VRING_DESC_F_WRITE;
	if ((r & (3 << 8)) == 0)
		flags |= VRING_DESC_F_INDIRECT;
	if ((r & (15 << 10)) == 0)
		flags |= 1u << (rnd() % 16);
	next = (r >> 14) & 1 ? (uint16_t)rnd() : (uint16_t)(rnd() % q->size);
	set_desc(q, i, addr, len, flags, next);
	(void)d;
}

/* Plausible garbage in the buffers the descriptors point at. */
static void fuzz_data(struct dev *d)
{
	size_t off;

	for (off = 0; off < 64 * 0x1000; off += 0x1000) {
		struct ava_cmd_hdr *h = (void *)(d->data + off);
		uint64_t r = rnd();

		memset(h, 0, sizeof(*h));
		h->magic = (r & 3) ? AVA_WIRE_MAGIC : (uint32_t)rnd();
		h->version = (r & 4) ? AVA_WIRE_VERSION : rnd();
		h->api_id = rnd() % 5;
		h->func_id = rnd() % 4;
		h->inline_len = (r & 8) ? rnd() % 64 * 8 : (uint32_t)rnd();
		h->nrefs = (r & 16) ? rnd() % 3 : (uint32_t)rnd();
		h->total_len = (r & 32) ? sizeof(*h) + h->inline_len +
				h->nrefs * 24 : (uint32_t)rnd();
		h->flags = (r & 64) ? 0 : rnd();
	}
}

/*
 * Wait until every chain of the batch is either used or queued for a
 * worker (no worker runs in this test); keeps last_used current.
 */
static int wait_done(struct dev *d, uint16_t want, uint64_t *pend0, int ms)
{
	struct vq *q = &d->q[0];
	uint16_t start = q->last_used;
	double end = now_s() + ms / 1000.0;
	int n = (uint16_t)(want - start);

	for (;;) {
		uint16_t u = used_idx(d, 0);
		uint64_t p = stat_get("queue_pending");
		int got = (uint16_t)(u - start) + (int)(p - *pend0);

		if (got >= n) {
			q->last_used = u;
			*pend0 = p;
			return 0;
		}
		if (now_s() > end || (status_rd(d) &
				      VIRTIO_CONFIG_S_NEEDS_RESET))
			return -1;
		usleep(500);
		efd_drain(d->efd[1]);
	}
}

static void t_fuzz(long count)
{
	uint64_t pend0 = 0;
	struct dev d;
	long sent = 0, resets = 0, batches = 0;
	uint64_t c0, chain0, cmd0;
	double t0;
	uint32_t st = 99;
	int ok = 1;

	if (open_init(&d, 1, 64))
		goto out;
	c0 = stat_get("calls");
	chain0 = stat_get("err_chain");
	cmd0 = stat_get("err_cmd");
	t0 = now_s();
	while (sent < count && ok) {
		struct vq *q = &d.q[0];
		int n = 64, i;
		uint16_t want;

		if (batches++ % 8 == 0)
			fuzz_data(&d);
		for (i = 0; i < q->size; i++)
			fuzz_desc(&d, q, i);
		for (i = 0; i < n; i++)
			push_avail(&d, 0, rnd() % q->size);
		want = q->last_used + n;
		/* now and then, corrupt the ring itself or reset mid-flight */
		if (rnd() % 64 == 0) {
			q->a->ring[(q->avail_idx - 1 - rnd() % n) &
				   (q->size - 1)] = 0x8000 | (uint16_t)rnd();
		} else if (rnd() % 64 == 0) {
			notify(&d, 0);
			status_wr(&d, 0);
			ok = !vinit(&d, 1, 64, FEAT_ALL);
			pend0 = 0;
			resets++;
			sent += n;
			continue;
		}
		notify(&d, 0);
		if (wait_done(&d, want, &pend0, 10000)) {
			if (status_rd(&d) & VIRTIO_CONFIG_S_NEEDS_RESET) {
				ok = !vinit(&d, 1, 64, FEAT_ALL);
				pend0 = 0;
				resets++;
			} else {
				diag("fuzz: stuck at used %u want %u status %#x",
				     used_idx(&d, 0), want, status_rd(&d));
				ok = 0;
			}
		}
		/* commands that went to the (absent) worker: reset now and then */
		if (batches % 8 == 0) {
			ok = ok && !vinit(&d, 1, 64, FEAT_ALL);
			pend0 = 0;
			resets++;
		}
		sent += n;
	}
	diag("fuzz: %ld requests in %.1f s, %ld resets; calls %" PRIu64
	     ", err_chain %" PRIu64 ", err_cmd %" PRIu64, sent, now_s() - t0,
	     resets, stat_get("calls") - c0, stat_get("err_chain") - chain0,
	     stat_get("err_cmd") - cmd0);
	tap(ok, "%ld malformed requests (random descriptors, chains, "
	    "indices, lengths, headers, resets) fail cleanly", sent);
	tap(!vinit(&d, 1, 64, FEAT_ALL) && !ping(&d, 1, &st) && st == AVA_S_OK,
	    "device works after the fuzzing");
out:
	dev_close(&d);
}

/* ---- rate limits ------------------------------------------------------ */

/* total PINGs with inl bytes of inline data, 32 in flight; seconds */
static double run_pings(struct dev *d, int total, uint32_t inl)
{
	struct vq *q = &d->q[0];
	uint8_t *cmd = balloc(d, sizeof(struct ava_cmd_hdr) + inl + 8, 64);
	struct rep *r = balloc(d, 32 * sizeof(*r), 64);
	size_t n;
	uint16_t base = q->last_used;
	int sub = 0, done = 0;
	double t0 = now_s(), limit = t0 + 60;
	struct pollfd p = { .fd = d->efd[1], .events = POLLIN };

	memset(cmd + sizeof(struct ava_cmd_hdr), 0x11, inl);
	n = cmd_build(cmd, AVA_API_CONTROL, AVA_CTL_PING, 1,
		      cmd + sizeof(struct ava_cmd_hdr), inl, NULL, 0);
	while (done < total && now_s() < limit) {
		while (sub - done < 32 && sub < total) {
			int s = sub % 32;

			chain2(d, 0, 2 * s, cmd, n, &r[s], sizeof(r[s]));
			push_avail(d, 0, 2 * s);
			sub++;
		}
		notify(d, 0);
		poll(&p, 1, 50);
		efd_drain(p.fd);
		done = (uint16_t)(used_idx(d, 0) - base);
	}
	q->last_used = base + done;
	return done == total ? now_s() - t0 : -1;
}

static void t_rate(void)
{
	struct dev d;
	double el, rate;
	uint64_t th0;
	const uint32_t inl = 16384;
	const double cmd_bytes = sizeof(struct ava_cmd_hdr) + inl;

	if (open_init(&d, 1, 64))
		goto out;
	/* calls per second */
	tap(!sysfs_set("calls_per_sec", 200), "sysfs calls_per_sec = 200");
	run_pings(&d, 40, 0);		/* empty the bucket */
	el = run_pings(&d, 300, 0);
	rate = el > 0 ? 300 / el : 0;
	tap(rate > 180 && rate < 220, "200 calls/s limit: measured %.1f calls/s",
	    rate);
	/* bytes per second */
	sysfs_set("calls_per_sec", 0);
	tap(!sysfs_set("bytes_per_sec", 1 << 20), "sysfs bytes_per_sec = 1 MiB");
	run_pings(&d, 12, inl);
	el = run_pings(&d, 96, inl);
	rate = el > 0 ? 96 * cmd_bytes / el : 0;
	tap(rate > 0.9 * (1 << 20) && rate < 1.1 * (1 << 20),
	    "1 MiB/s limit: measured %.3f MiB/s", rate / (1 << 20));
	/* unlimited */
	sysfs_set("bytes_per_sec", 0);
	th0 = stat_get("throttled_ns");
	el = run_pings(&d, 2000, 0);
	rate = el > 0 ? 2000 / el : 0;
	tap(rate > 1000 && stat_get("throttled_ns") == th0,
	    "no limit: %.0f calls/s, not throttled", rate);
	th0 = stat_get("throttled_ns");
	el = run_pings(&d, 200, inl);
	rate = el > 0 ? 200 * cmd_bytes / el : 0;
	tap(rate > 4.0 * (1 << 20) && stat_get("throttled_ns") == th0,
	    "no limit: %.1f MiB/s of commands, not throttled", rate / (1 << 20));
	tap(sysfs_set("calls_burst", 5) != 0,
	    "a burst without a rate is refused");
	tap(sysfs_set("calls_per_sec", 1ull << 40) != 0,
	    "an absurd rate is refused");
out:
	dev_close(&d);
}

/* ---- the worker -------------------------------------------------------- */

#define XOR_FUNC	77u

enum wmode { W_SERVE, W_DIE, W_HOLD };

struct worker {
	pid_t pid;
	int up;		/* child -> parent */
	int down;	/* parent -> child */
};

static void wsay(int fd, char c)
{
	if (write(fd, &c, 1) != 1)
		_exit(3);
}

static char whear(int fd, int ms)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	char c = 0;

	if (poll(&p, 1, ms) != 1 || read(fd, &c, 1) != 1)
		return 0;
	return c;
}

static int worker_reply(int fd, uint64_t token, uint32_t status,
			const void *inl, uint32_t n)
{
	struct {
		struct ava_reply_hdr h;
		uint8_t inl[64];
	} r;
	struct ava_vhost_complete c = { .token = token, .exec_ns = 1000 };

	memset(&r, 0, sizeof(r));
	r.h.status = status;
	r.h.inline_len = n;
	memcpy(r.inl, inl, n);
	c.reply = (uintptr_t)&r;
	c.reply_len = sizeof(r.h) + n;
	return ioctl(fd, AVA_VHOST_COMPLETE, &c);
}

static void worker_main(enum wmode mode, int count, int up, int down)
{
	struct ava_vhost_attach a;
	static uint8_t buf[(1 << 20) + 4096];
	uint8_t *ro, *rw;
	int fd, i;

	fd = open("/dev/vhost-ava", O_RDWR);
	memset(&a, 0, sizeof(a));
	snprintf(a.instance, sizeof(a.instance), "%s", uuid);
	if (fd < 0 || ioctl(fd, AVA_VHOST_ATTACH, &a))
		wsay(up, 'E');
	ro = mmap(NULL, a.window, PROT_READ, MAP_SHARED, fd, 0);
	rw = mmap(NULL, a.window, PROT_READ | PROT_WRITE, MAP_SHARED, fd,
		  a.window);
	if (ro == MAP_FAILED || rw == MAP_FAILED)
		wsay(up, 'E');
	/* the read-only window cannot be mapped writable */
	if (mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0) !=
	    MAP_FAILED)
		wsay(up, 'E');
	wsay(up, 'R');
	for (i = 0; i < count; i++) {
		struct ava_vhost_cmd c = { .buf = (uintptr_t)buf,
					   .buf_len = sizeof(buf) };
		struct ava_cmd_hdr *h = (void *)buf;
		struct ava_buf_ref *refs;
		uint64_t sum = 0, k;
		uint8_t *in, *out;

		if (ioctl(fd, AVA_VHOST_GET_CMD, &c))
			_exit(4);
		refs = (void *)(buf + c.cmd_len - h->nrefs * sizeof(*refs));
		if (mode == W_DIE) {
			wsay(up, 'G');
			_exit(0);
		}
		if (mode == W_HOLD) {
			wsay(up, 'G');
			whear(down, 30000);
			wsay(up, worker_reply(fd, c.token, AVA_S_OK, &sum, 8) ?
				 'N' : 'C');
			continue;
		}
		if (h->api_id == AVA_API_CONTROL &&
		    h->func_id == AVA_CTL_PING) {
			worker_reply(fd, c.token, AVA_S_OK, NULL, 0);
			continue;
		}
		if (h->func_id != XOR_FUNC || h->nrefs != 2 ||
		    refs[0].offset >= a.window || refs[1].offset < a.window) {
			worker_reply(fd, c.token, AVA_S_BAD_FUNC, NULL, 0);
			continue;
		}
		in = ro + refs[0].offset;
		out = rw + (refs[1].offset - a.window);
		for (k = 0; k < refs[0].len && k < refs[1].len; k++) {
			sum += in[k];
			out[k] = in[k] ^ 0x5a;
		}
		worker_reply(fd, c.token, AVA_S_OK, &sum, 8);
	}
	wsay(up, 'D');
	_exit(0);
}

static int worker_start(struct worker *w, enum wmode mode, int count)
{
	int up[2], down[2];

	if (pipe(up) || pipe(down))
		return -1;
	w->pid = fork();
	if (w->pid < 0)
		return -1;
	if (!w->pid) {
		close_inherited();
		close(up[0]);
		close(down[1]);
		worker_main(mode, count, up[1], down[0]);
	}
	close(up[1]);
	close(down[0]);
	w->up = up[0];
	w->down = down[1];
	return whear(w->up, 10000) == 'R' ? 0 : -1;
}

static int worker_stop(struct worker *w)
{
	int st = -1;

	if (w->pid <= 0)
		return -1;
	kill(w->pid, SIGKILL);
	waitpid(w->pid, &st, 0);
	close(w->up);
	close(w->down);
	w->pid = 0;
	return st;
}

/*
 * Build the XOR command: in (len bytes at in_iova) and out (len bytes at
 * out_iova); each split into pieces of at most piece bytes.  Uses an
 * indirect table.  Returns the head slot.
 */
struct xcall {
	uint8_t *in, *out;
	uint64_t in_iova, out_iova;
	uint32_t len, piece;
	struct rep *r;
	size_t cmd_len;
};

static void xor_submit(struct dev *d, struct xcall *x)
{
	struct vq *q = &d->q[0];
	struct ava_buf_ref refs[2];
	uint8_t *cmd = balloc(d, 256, 64);
	struct vring_desc *t = balloc(d, 16 * 600, 16);
	uint64_t inl = x->len;
	uint32_t n = 0, off;

	memset(refs, 0, sizeof(refs));
	refs[0].len = x->len;
	refs[0].flags = AVA_REF_IN;
	refs[1].len = x->len;
	refs[1].flags = AVA_REF_OUT;
	x->cmd_len = cmd_build(cmd, AVA_API_OPENCL, XOR_FUNC, 42, &inl, 8,
			       refs, 2);
	x->r = balloc(d, sizeof(*x->r), 64);
	memset(x->r, 0xee, sizeof(*x->r));
	t[n++] = (struct vring_desc){ data_iova(d, cmd), x->cmd_len,
				      VRING_DESC_F_NEXT, 1 };
	for (off = 0; off < x->len; n++) {
		uint64_t a = x->in_iova + off;
		uint32_t l = x->piece - (a % x->piece);

		if (l > x->len - off)
			l = x->len - off;
		t[n] = (struct vring_desc){ a, l, VRING_DESC_F_NEXT, n + 1 };
		off += l;
	}
	t[n] = (struct vring_desc){ data_iova(d, x->r), sizeof(*x->r),
				    VRING_DESC_F_WRITE | VRING_DESC_F_NEXT,
				    n + 1 };
	n++;
	for (off = 0; off < x->len; n++) {
		uint64_t a = x->out_iova + off;
		uint32_t l = x->piece - (a % x->piece);

		if (l > x->len - off)
			l = x->len - off;
		t[n] = (struct vring_desc){ a, l,
					    VRING_DESC_F_WRITE | VRING_DESC_F_NEXT,
					    n + 1 };
		off += l;
	}
	t[n - 1].flags &= ~VRING_DESC_F_NEXT;
	set_desc(q, 0, data_iova(d, t), n * 16, VRING_DESC_F_INDIRECT, 0);
	push_avail(d, 0, 0);
	notify(d, 0);
}

static int xor_wait(struct dev *d, struct xcall *x, int ms)
{
	struct vq *q = &d->q[0];
	uint16_t want = q->last_used + 1;

	if (wait_used(d, 0, want, ms))
		return -1;
	q->last_used = want;
	return q->u->ring[(want - 1) & (q->size - 1)].len ==
	       (x->r->h.inline_len ? 40u : 32u) ? 0 : -1;
}

static int xor_check(struct xcall *x)
{
	uint64_t sum = 0;
	uint32_t k;

	if (x->r->h.status != AVA_S_OK || x->r->h.call_id != 42 ||
	    x->r->h.inline_len != 8)
		return -1;
	for (k = 0; k < x->len; k++) {
		sum += x->in[k];
		if (x->out[k] != (x->in[k] ^ 0x5a))
			return -2;
	}
	return memcmp(x->r->inl, &sum, 8) ? -3 : 0;
}

static void xor_setup(struct dev *d, struct xcall *x, uint32_t len,
		      uint32_t in_off, uint32_t piece)
{
	uint32_t k;

	memset(x, 0, sizeof(*x));
	x->len = len;
	x->piece = piece;
	x->in = balloc(d, len + in_off + 4096, 4096) + in_off;
	x->out = balloc(d, len + 4096, 4096);
	x->in_iova = data_iova(d, x->in);
	x->out_iova = data_iova(d, x->out);
	for (k = 0; k < len; k++)
		x->in[k] = rnd();
	memset(x->out, 0, len);
}

static void t_worker(void)
{
	struct worker w = { 0 };
	struct xcall x;
	struct dev d;
	uint64_t cp0, mp0;
	int ok;

	if (open_init(&d, 1, 64))
		goto out;
	tap(b0_rd(&d, d.devcfg + 20, 4) == 0, "device config: no worker");
	/* a command before any worker is held, not failed */
	xor_setup(&d, &x, 16384, 0, 4096);
	xor_submit(&d, &x);
	usleep(200000);
	tap(used_idx(&d, 0) == d.q[0].last_used &&
	    stat_get("queue_pending") == 1,
	    "without a worker the command waits (queue_pending 1)");
	/* a PING behind it waits too: its reply means "all done" */
	{
		struct vq *q = &d.q[0];
		uint8_t *cmd = balloc(&d, 64, 64);
		struct rep *r = balloc(&d, sizeof(*r), 64);
		size_t n = cmd_build(cmd, AVA_API_CONTROL, AVA_CTL_PING, 31,
				     NULL, 0, NULL, 0);

		memset(r, 0xee, sizeof(*r));
		chain2(&d, 0, 2, cmd, n, r, sizeof(*r));
		push_avail(&d, 0, 2);
		notify(&d, 0);
		usleep(200000);
		tap(used_idx(&d, 0) == q->last_used &&
		    stat_get("queue_pending") == 2,
		    "a PING behind a held command is not answered early");
		efd_drain(d.efd[0]);
		tap(!worker_start(&w, W_SERVE, 100),
		    "worker attaches to /dev/vhost-ava");
		tap(!wait_used(&d, 0, q->last_used + 2, 5000) &&
		    q->u->ring[q->last_used & (q->size - 1)].id == 0 &&
		    !xor_check(&x) && r->h.status == AVA_S_OK &&
		    r->h.call_id == 31,
		    "held command, then the PING, served once the worker attached");
		q->last_used += 2;
	}
	tap(b0_rd(&d, d.devcfg + 20, 4) == 1 && efd_drain(d.efd[0]) >= 1,
	    "device config shows the worker; config interrupt");
	/* zero copy: only the command and the reply are copied */
	cp0 = stat_get("bytes_copied");
	mp0 = stat_get("bytes_mapped");
	xor_setup(&d, &x, 65536, 0, 4096);
	xor_submit(&d, &x);
	ok = !xor_wait(&d, &x, 5000) && !xor_check(&x);
	tap(ok, "64 KiB in, 64 KiB out through the worker");
	tap(stat_get("bytes_mapped") - mp0 == 2 * 65536 &&
	    stat_get("bytes_copied") - cp0 ==
	    x.cmd_len + sizeof(struct ava_reply_hdr) + 8,
	    "zero copy: 128 KiB mapped, copied only %zu command + 40 reply bytes",
	    x.cmd_len);
	tap(stat_get("pinned_pages") == 0, "no page pinned after completion");
	tap(worker_stat("attached") == 1 && worker_stat("cmds") == 3 &&
	    worker_stat("completed") == 3 &&
	    worker_stat("bytes_mapped") == 2 * 16384 + 2 * 65536 &&
	    worker_stat("exec_ns") == 3000,
	    "debugfs session counters of the worker");
	xor_setup(&d, &x, 4096, 0, 4096);
	xor_submit(&d, &x);
	tap(!xor_wait(&d, &x, 5000) && !xor_check(&x), "4 KiB buffers");
	xor_setup(&d, &x, 10000, 100, 4096);
	xor_submit(&d, &x);
	tap(!xor_wait(&d, &x, 5000) && !xor_check(&x),
	    "unaligned 10000-byte buffer in 4 KiB pieces");
	xor_setup(&d, &x, 1 << 20, 0, 8192);
	xor_submit(&d, &x);
	tap(!xor_wait(&d, &x, 10000) && !xor_check(&x),
	    "1 MiB buffers in 8 KiB pieces (indirect table of 258)");
	/* pieces that cannot be mapped contiguously */
	xor_setup(&d, &x, 8192, 0, 3000);
	xor_submit(&d, &x);
	tap(!xor_wait(&d, &x, 5000) && x.r->h.status == AVA_S_BAD_REF,
	    "pieces not on page boundaries: AVA_S_BAD_REF");
	/* reference data outside guest memory: found when pinning */
	xor_setup(&d, &x, 8192, 0, 4096);
	x.in_iova = 0x7000000000ull;
	xor_submit(&d, &x);
	tap(!xor_wait(&d, &x, 5000) && x.r->h.status == AVA_S_BAD_REF,
	    "reference outside guest memory: AVA_S_BAD_REF");
	/* read-only guest memory: fine to read, refused for writing */
	xor_setup(&d, &x, 8192, 0, 4096);
	x.in = d.ro;
	x.in_iova = RO_IOVA;
	xor_submit(&d, &x);
	tap(!xor_wait(&d, &x, 5000) && !xor_check(&x),
	    "input buffer in read-only guest memory");
	xor_setup(&d, &x, 8192, 0, 4096);
	x.out_iova = RO_IOVA;
	xor_submit(&d, &x);
	tap(!xor_wait(&d, &x, 5000) && x.r->h.status == AVA_S_BAD_REF,
	    "output buffer in read-only guest memory: AVA_S_BAD_REF");
	tap(stat_get("pinned_pages") == 0, "no page pinned after the errors");
	worker_stop(&w);
out:
	dev_close(&d);
}

/* Commands held for the worker are bounded (backlog_mb, default 64). */
static void t_backlog(void)
{
	struct worker w = { 0 };
	struct dev d;
	uint8_t *cmd;
	struct rep *r;
	size_t n;
	uint64_t p = 0, p1;
	int i;

	if (open_init(&d, 1, 256))
		goto out;
	cmd = balloc(&d, (1 << 20) + 64, 4096);
	r = balloc(&d, 100 * sizeof(*r), 64);
	n = cmd_build(cmd, AVA_API_OPENCL, 1, 1, cmd + 64, (1 << 20) - 64,
		      NULL, 0);
	for (i = 0; i < 100; i++) {
		chain2(&d, 0, 2 * i, cmd, n, &r[i], sizeof(r[i]));
		push_avail(&d, 0, 2 * i);
	}
	notify(&d, 0);
	for (i = 0; i < 100; i++) {
		usleep(20000);
		p1 = stat_get("queue_pending");
		if (p1 == p && p1)
			break;
		p = p1;
	}
	tap(p >= 60 && p <= 64 && used_idx(&d, 0) == 0,
	    "without a worker at most 64 MiB of commands are held (%" PRIu64
	    " of 100 1 MiB commands)", p);
	tap(!worker_start(&w, W_SERVE, 100), "worker attaches");
	tap(!wait_used(&d, 0, 100, 20000), "the worker drains all 100");
	worker_stop(&w);
out:
	dev_close(&d);
}

static void t_worker_death(void)
{
	struct worker w = { 0 };
	struct xcall x;
	struct dev d;
	uint64_t lost0;

	if (open_init(&d, 1, 64))
		goto out;
	lost0 = stat_get("worker_lost");
	if (worker_start(&w, W_DIE, 1)) {
		tap(false, "dying worker attaches");
		goto out;
	}
	xor_setup(&d, &x, 16384, 0, 4096);
	xor_submit(&d, &x);
	tap(whear(w.up, 5000) == 'G', "worker took the command");
	tap(!xor_wait(&d, &x, 5000) && x.r->h.status == AVA_S_WORKER_LOST,
	    "worker died: command completed with AVA_S_WORKER_LOST");
	worker_stop(&w);
	tap(stat_get("worker_lost") - lost0 == 1 &&
	    stat_get("pinned_pages") == 0,
	    "worker_lost counted, no page left pinned");
	tap(!worker_start(&w, W_SERVE, 10), "a new worker attaches");
	xor_setup(&d, &x, 16384, 0, 4096);
	xor_submit(&d, &x);
	tap(!xor_wait(&d, &x, 5000) && !xor_check(&x),
	    "the instance works with the new worker");
	worker_stop(&w);
	/* reset while the worker holds a command */
	if (worker_start(&w, W_HOLD, 1)) {
		tap(false, "holding worker attaches");
		goto out;
	}
	xor_setup(&d, &x, 16384, 0, 4096);
	xor_submit(&d, &x);
	tap(whear(w.up, 5000) == 'G' && stat_get("pinned_pages") == 8,
	    "worker holds a command with 8 pages pinned");
	status_wr(&d, 0);
	tap(stat_get("pinned_pages") == 0, "device reset unpins them");
	wsay(w.down, 'c');
	tap(whear(w.up, 5000) == 'N',
	    "the worker's late completion is refused (-ENOENT)");
	worker_stop(&w);
out:
	dev_close(&d);
}

static void t_unmap(void)
{
	struct worker w = { 0 };
	struct xcall x;
	struct dev d;

	if (open_init(&d, 1, 64))
		goto out;
	if (worker_start(&w, W_HOLD, 1)) {
		tap(false, "holding worker attaches");
		goto out;
	}
	xor_setup(&d, &x, 16384, 0, 4096);
	x.in = d.data2;
	x.in_iova = DATA2_IOVA;
	xor_submit(&d, &x);
	tap(whear(w.up, 5000) == 'G' && stat_get("pinned_pages") == 8,
	    "worker holds a command on memory about to be unmapped");
	tap(!dma_unmap(&d, DATA2_IOVA, DATA2_SIZE),
	    "VFIO_IOMMU_UNMAP_DMA of pinned guest memory succeeds");
	d.data2_mapped = false;
	tap(stat_get("pinned_pages") == 0, "dma_unmap unpinned the pages");
	wsay(w.down, 'c');
	tap(whear(w.up, 5000) == 'C' && !xor_wait(&d, &x, 5000) &&
	    x.r->h.status == AVA_S_OK, "the command still completes");
	worker_stop(&w);
out:
	dev_close(&d);
}

static void t_remove(void)
{
	char buf[sizeof(struct vfio_irq_set) + 4];
	struct vfio_irq_set *s = (void *)buf;
	char path[256];
	struct dev d;
	pid_t pid;
	int st = -1, efd;
	struct pollfd p;

	if (open_init(&d, 1, 64))
		goto out;
	efd = eventfd(0, EFD_CLOEXEC);
	s->argsz = sizeof(buf);
	s->flags = VFIO_IRQ_SET_DATA_EVENTFD | VFIO_IRQ_SET_ACTION_TRIGGER;
	s->index = VFIO_PCI_REQ_IRQ_INDEX;
	s->start = 0;
	s->count = 1;
	memcpy(s->data, &efd, 4);
	tap(!ioctl(d.fd, VFIO_DEVICE_SET_IRQS, s), "request eventfd set");
	d.req_efd = efd;
	snprintf(path, sizeof(path), "/sys/bus/mdev/devices/%s/remove", uuid);
	pid = fork();
	if (!pid) {
		int fd;

		close_inherited();
		fd = open(path, O_WRONLY);

		_exit(fd >= 0 && write(fd, "1", 1) == 1 ? 0 : 1);
	}
	p.fd = efd;
	p.events = POLLIN;
	tap(poll(&p, 1, 10000) == 1, "remove while open asks the user to release");
	dev_close(&d);
	waitpid(pid, &st, 0);
	snprintf(path, sizeof(path), "/sys/bus/mdev/devices/%s", uuid);
	tap(WIFEXITED(st) && !WEXITSTATUS(st) && access(path, F_OK),
	    "instance removed once the user closed it");
	return;
out:
	dev_close(&d);
}

int main(int argc, char **argv)
{
	int i;

	setvbuf(stdout, NULL, _IOLBF, 0);
	signal(SIGPIPE, SIG_IGN);
	if (argc < 3) {
		fprintf(stderr, "usage: %s UUID TEST...\n", argv[0]);
		return 2;
	}
	uuid = argv[1];
	for (i = 2; i < argc; i++) {
		const char *t = argv[i];

		if (!strcmp(t, "config"))
			t_config();
		else if (!strcmp(t, "features"))
			t_features();
		else if (!strcmp(t, "ping"))
			t_ping();
		else if (!strcmp(t, "multiq"))
			t_multiq();
		else if (!strcmp(t, "cmd_errors"))
			t_cmd_errors();
		else if (!strcmp(t, "chain_errors"))
			t_chain_errors();
		else if (!strcmp(t, "ring_errors"))
			t_ring_errors();
		else if (!strcmp(t, "reset"))
			t_reset();
		else if (!strncmp(t, "fuzz", 4))
			t_fuzz(t[4] == '=' ? atol(t + 5) : 100000);
		else if (!strcmp(t, "rate"))
			t_rate();
		else if (!strcmp(t, "worker"))
			t_worker();
		else if (!strcmp(t, "backlog"))
			t_backlog();
		else if (!strcmp(t, "worker_death"))
			t_worker_death();
		else if (!strcmp(t, "unmap"))
			t_unmap();
		else if (!strcmp(t, "remove"))
			t_remove();
		else
			tap(false, "unknown test %s", t);
	}
	return failures ? 1 : 0;
}
