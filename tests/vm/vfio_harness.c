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
 *        reset dup_head fuzz[=N] rate worker backlog worker_death unmap
 *        remove ref_4g memcg sessions isolation session_block pin_race
 */
#include "vfio_harness.h"


const char *uuid;
int failures;
int open_fds[3] = { -1, -1, -1 };	/* closed in forked children */
uint32_t common_base;		/* common config registers in BAR 0 */

void close_inherited(void)
{
	int i;

	for (i = 0; i < 3; i++)
		if (open_fds[i] >= 0)
			close(open_fds[i]);
}

void tap(bool ok, const char *fmt, ...)
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

void diag(const char *fmt, ...)
{
	va_list ap;

	printf("@@TAP # ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
}

double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

int rd(struct dev *d, int region, uint64_t off, void *buf, size_t n)
{
	ssize_t r = pread(d->fd, buf, n, REGION_OFF(region) + off);

	return r == (ssize_t)n ? 0 : -1;
}

int wr(struct dev *d, int region, uint64_t off, const void *buf,
	      size_t n)
{
	ssize_t r = pwrite(d->fd, buf, n, REGION_OFF(region) + off);

	return r == (ssize_t)n ? 0 : -1;
}

uint32_t cfg_rd(struct dev *d, uint32_t off, int n)
{
	uint32_t v = 0;

	if (rd(d, VFIO_PCI_CONFIG_REGION_INDEX, off, &v, n))
		return 0xdeadbeef;
	return v;
}

void cfg_wr(struct dev *d, uint32_t off, uint32_t v, int n)
{
	wr(d, VFIO_PCI_CONFIG_REGION_INDEX, off, &v, n);
}

uint32_t b0_rd(struct dev *d, uint32_t off, int n)
{
	uint32_t v = 0;

	if (rd(d, VFIO_PCI_BAR0_REGION_INDEX, off, &v, n))
		return 0xdeadbeef;
	return v;
}

void b0_wr(struct dev *d, uint32_t off, uint32_t v, int n)
{
	wr(d, VFIO_PCI_BAR0_REGION_INDEX, off, &v, n);
}


uint8_t status_rd(struct dev *d)
{
	return b0_rd(d, CC(STATUS), 1);
}

void status_wr(struct dev *d, uint8_t s)
{
	b0_wr(d, CC(STATUS), s, 1);
}

int dma_map(struct dev *d, void *vaddr, uint64_t iova, size_t size)
{
	struct vfio_iommu_type1_dma_map m = {
		.argsz = sizeof(m),
		.flags = VFIO_DMA_MAP_FLAG_READ | VFIO_DMA_MAP_FLAG_WRITE,
		.vaddr = (uintptr_t)vaddr, .iova = iova, .size = size,
	};

	return ioctl(d->container, VFIO_IOMMU_MAP_DMA, &m);
}

int dma_map_ro(struct dev *d, void *vaddr, uint64_t iova,
		      size_t size)
{
	struct vfio_iommu_type1_dma_map m = {
		.argsz = sizeof(m), .flags = VFIO_DMA_MAP_FLAG_READ,
		.vaddr = (uintptr_t)vaddr, .iova = iova, .size = size,
	};

	return ioctl(d->container, VFIO_IOMMU_MAP_DMA, &m);
}

int dma_unmap(struct dev *d, uint64_t iova, size_t size)
{
	struct vfio_iommu_type1_dma_unmap u = {
		.argsz = sizeof(u), .iova = iova, .size = size,
	};

	return ioctl(d->container, VFIO_IOMMU_UNMAP_DMA, &u);
}

void *anon(size_t n)
{
	void *p = mmap(NULL, n, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);

	return p == MAP_FAILED ? NULL : p;
}

int find_vcap(struct dev *d, uint8_t type, uint32_t *off)
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

int group_of(const char *id)
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

int dev_open(struct dev *d)
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

void dev_close(struct dev *d)
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

int set_msix(struct dev *d)
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

uint64_t efd_drain(int fd)
{
	uint64_t v = 0;

	if (read(fd, &v, sizeof(v)) != sizeof(v))
		return 0;
	return v;
}

/* Reset, negotiate, set up nq queues of size qs, DRIVER_OK. */
int vinit(struct dev *d, uint16_t nq, uint16_t qs, uint64_t feat)
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

void notify(struct dev *d, int qi)
{
	b0_wr(d, d->notify + qi * d->notify_mult, qi, 2);
}

/* Publish head on queue qi (no notify). */
void push_avail(struct dev *d, int qi, uint16_t head)
{
	struct vq *q = &d->q[qi];

	q->a->ring[q->avail_idx & (q->size - 1)] = head;
	q->avail_idx++;
	__atomic_store_n(&q->a->idx, q->avail_idx, __ATOMIC_RELEASE);
}

uint16_t used_idx(struct dev *d, int qi)
{
	return __atomic_load_n(&d->q[qi].u->idx, __ATOMIC_ACQUIRE);
}

/* Wait until the used index reaches target; 0 or -1 on timeout. */
int wait_used(struct dev *d, int qi, uint16_t target, int ms)
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

uint64_t data_iova(struct dev *d, void *p)
{
	return DATA_IOVA + ((uint8_t *)p - d->data);
}

void *balloc(struct dev *d, size_t n, size_t align)
{
	size_t at = (d->bump + align - 1) & ~(align - 1);

	if (at + n > DATA_SIZE)
		at = 0;
	d->bump = at + n;
	return d->data + at;
}

void set_desc(struct vq *q, uint16_t i, uint64_t addr, uint32_t len,
		     uint16_t flags, uint16_t next)
{
	q->d[i].addr = addr;
	q->d[i].len = len;
	q->d[i].flags = flags;
	q->d[i].next = next;
}

size_t cmd_build(void *buf, uint16_t api, uint32_t func,
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
void chain2(struct dev *d, int qi, uint16_t slot, void *cmd,
		   size_t cmd_len, void *reply, size_t reply_len)
{
	struct vq *q = &d->q[qi];

	set_desc(q, slot, data_iova(d, cmd), cmd_len, VRING_DESC_F_NEXT,
		 (slot + 1) & (q->size - 1));
	set_desc(q, (slot + 1) & (q->size - 1), data_iova(d, reply),
		 reply_len, VRING_DESC_F_WRITE, 0);
}


/* One command on queue 0, waits; returns used len or -1 on timeout. */
int call1(struct dev *d, void *cmd, size_t cmd_len, struct rep *r)
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

int ping(struct dev *d, uint64_t call, uint32_t *status)
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

/* The value of key name in the instance's debugfs file (stats, worker). */
static uint64_t debugfs_get(const char *file, const char *name)
{
	char path[256], key[64];
	unsigned long long v;
	uint64_t ret = UINT64_MAX;
	FILE *f;

	snprintf(path, sizeof(path), "/sys/kernel/debug/ava_vhost/%s/%s",
		 uuid, file);
	f = fopen(path, "r");
	if (!f)
		return ret;
	while (fscanf(f, "%63s %llu", key, &v) == 2)
		if (!strcmp(key, name))
			ret = v;
	fclose(f);
	return ret;
}

uint64_t stat_get(const char *name)
{
	return debugfs_get("stats", name);
}

uint64_t worker_stat(const char *name)
{
	return debugfs_get("worker", name);
}

/* A number in the instance's ava/ sysfs directory, ~0 if unreadable. */
unsigned long long sysfs_get(const char *attr)
{
	unsigned long long v = ~0ull;
	char path[256];
	FILE *f;

	snprintf(path, sizeof(path), "/sys/bus/mdev/devices/%s/ava/%s", uuid, attr);
	f = fopen(path, "r");
	if (!f || fscanf(f, "%llu", &v) != 1)
		v = ~0ull;
	if (f)
		fclose(f);
	return v;
}

/* A worker's /dev/vhost-ava file attached to instance id (open flags oflags), or -1. */
int attach_worker(const char *id, int oflags)
{
	struct ava_vhost_attach a;
	int fd = open("/dev/vhost-ava", oflags);

	memset(&a, 0, sizeof(a));
	snprintf(a.instance, sizeof(a.instance), "%s", id);
	if (fd >= 0 && ioctl(fd, AVA_VHOST_ATTACH, &a)) {
		close(fd);
		fd = -1;
	}
	return fd;
}

int sysfs_set(const char *attr, unsigned long long v)
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


int open_init(struct dev *d, uint16_t nq, uint16_t qs)
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
		else if (!strcmp(t, "pin_race"))
			t_pin_race();
		else if (!strcmp(t, "sessions"))
			t_sessions();
		else if (!strcmp(t, "isolation"))
			t_isolation();
		else if (!strcmp(t, "session_block"))
			t_session_block();
		else if (!strcmp(t, "memcg"))
			t_memcg();
		else if (!strcmp(t, "memquota"))
			t_memquota();
		else if (!strcmp(t, "devtime"))
			t_devtime();
		else if (!strncmp(t, "devdrain=", 9))
			t_devdrain(t + 9);
		else if (!strcmp(t, "dup_head"))
			t_dup_head();
		else if (!strcmp(t, "ref_4g"))
			t_ref_4g();
		else if (!strcmp(t, "remove"))
			t_remove();
		else
			tap(false, "unknown test %s", t);
	}
	return failures ? 1 : 0;
}
