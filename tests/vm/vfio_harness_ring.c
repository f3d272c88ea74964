// SPDX-License-Identifier: GPL-2.0-only
#include "vfio_harness.h"

/* Config space writes: BAR sizing, a read-only field, the PCI_CFG window. */
static void config_writes(struct dev *d)
{
	uint32_t v = 0, off;
	int pos;

	/* BAR sizing and read-only fields */
	cfg_wr(d, PCI_BASE_ADDRESS_0, 0xffffffff, 4);
	v = cfg_rd(d, PCI_BASE_ADDRESS_0, 4);
	tap(v == (uint32_t)~(AVA_BAR0_SIZE - 1), "BAR0 sizing reads %#x", v);
	cfg_wr(d, PCI_VENDOR_ID, 0x1234, 2);
	tap(cfg_rd(d, PCI_VENDOR_ID, 2) == AVA_PCI_VENDOR,
	    "vendor id is read-only");
	/* the VIRTIO_PCI_CAP_PCI_CFG window reads num_queues */
	pos = find_vcap(d, VIRTIO_PCI_CAP_PCI_CFG, &off);
	if (pos > 0) {
		cfg_wr(d, pos + 4, 0, 1);
		cfg_wr(d, pos + 8, AVA_BAR0_COMMON + VIRTIO_PCI_COMMON_NUMQ, 4);
		cfg_wr(d, pos + 12, 2, 4);
		v = cfg_rd(d, pos + 16, 4);
	}
	tap(pos > 0 && v == b0_rd(d, CC(NUMQ), 2) && v >= 1,
	    "PCI config access capability reads num_queues (%u)", v);
}

void t_config(void)
{
	struct vfio_device_info di = { .argsz = sizeof(di) };
	struct vfio_region_info ri = { .argsz = sizeof(ri) };
	struct dev d;
	uint32_t id;
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
	config_writes(&d);
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

void t_features(void)
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

void t_ping(void)
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
	/*
	 * The used ring is published before the interrupt is counted (and
	 * wait_used may have taken the eventfd's count): wait for the counter.
	 */
	for (i = 0; i < 500 && stat_get("irqs") <= irqs0; i++)
		usleep(10000);
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
		struct pollfd p = { .fd = d.efd[1], .events = POLLIN };
		uint64_t before;

		/* the batch's interrupt lands (and is counted) before the count is taken */
		poll(&p, 1, 200);
		efd_drain(p.fd);
		d.q[0].a->flags = VRING_AVAIL_F_NO_INTERRUPT;
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
void t_multiq(void)
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
void expect_status(struct dev *d, void *cmd, size_t n,
			  uint32_t want, const char *what)
{
	struct rep *r = balloc(d, sizeof(*r), 64);
	int len = call1(d, cmd, n, r);

	tap(len == (int)sizeof(r->h) && r->h.status == want,
	    "%s: status %u (want %u)", what,
	    len >= (int)sizeof(r->h) ? r->h.status : 0xffffffffu, want);
}

/* Commands whose buffer references are wrong (7 of t_cmd_errors' 16). */
static void cmd_ref_errors(struct dev *d, uint8_t *cmd)
{
	struct ava_buf_ref ref;
	size_t n;

	memset(&ref, 0, sizeof(ref));
	ref.len = 4096;
	ref.flags = 0x10;
	n = cmd_build(cmd, 1, 1, 1, NULL, 0, &ref, 1);
	expect_status(d, cmd, n, AVA_S_BAD_REF, "reference with unknown flags");
	ref.flags = AVA_REF_IN;
	ref.offset = 4096;
	n = cmd_build(cmd, 1, 1, 1, NULL, 0, &ref, 1);
	expect_status(d, cmd, n, AVA_S_BAD_REF, "reference with an offset");
	ref.offset = 0;
	n = cmd_build(cmd, 1, 1, 1, NULL, 0, &ref, 1);
	expect_status(d, cmd, n, AVA_S_BAD_REF,
		      "reference without data in the chain");
	ref.len = 1ull << 40;
	n = cmd_build(cmd, 1, 1, 1, NULL, 0, &ref, 1);
	expect_status(d, cmd, n, AVA_S_TOO_LARGE, "reference of 1 TiB");
	/* a well-formed reference, its data after the command */
	ref.len = 4096;
	ref.flags = AVA_REF_IN | AVA_REF_STREAM;
	n = cmd_build(cmd, 1, 1, 1, NULL, 0, &ref, 1);
	expect_status(d, cmd, n + 4096, AVA_S_BAD_REF,
		      "AVA_REF_STREAM refused on this transport");
}

void t_cmd_errors(void)
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
	cmd = balloc(&d, 8192, 64);
	n = cmd_build(cmd, 0, AVA_CTL_PING, 1, NULL, 0, NULL, 0);
	h = (void *)cmd;
	h->magic = 0x12345678;
	expect_status(&d, cmd, n, AVA_S_BAD_MAGIC, "bad magic");
	n = cmd_build(cmd, 0, AVA_CTL_PING, 1, NULL, 0, NULL, 0);
	h->version = 2;
	expect_status(&d, cmd, n, AVA_S_BAD_MAGIC, "bad version");
	n = cmd_build(cmd, AVA_API_COUNT, 1, 1, NULL, 0, NULL, 0);
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
	cmd_ref_errors(&d, cmd);
	tap(stat_get("err_cmd") - e0 == 16, "err_cmd counted 16 rejections");
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
int bad_chain(struct dev *d, const char *what,
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

void s_unmapped(struct dev *d, struct vq *q, void *ctx)
{
	struct bc *b = ctx;

	set_desc(q, 0, 0x7000000000ull, b->n, VRING_DESC_F_NEXT, 1);
	set_desc(q, 1, b->rep, 64, VRING_DESC_F_WRITE, 0);
	(void)d;
}

void s_loop(struct dev *d, struct vq *q, void *ctx)
{
	struct bc *b = ctx;

	set_desc(q, 0, b->cmd, b->n, VRING_DESC_F_NEXT, 1);
	set_desc(q, 1, b->rep, 64, VRING_DESC_F_WRITE | VRING_DESC_F_NEXT, 0);
	(void)d;
}

void s_next_oob(struct dev *d, struct vq *q, void *ctx)
{
	struct bc *b = ctx;

	set_desc(q, 0, b->cmd, b->n, VRING_DESC_F_NEXT, 1000);
	(void)d;
}

void s_zero_len(struct dev *d, struct vq *q, void *ctx)
{
	struct bc *b = ctx;

	set_desc(q, 0, b->cmd, 0, VRING_DESC_F_NEXT, 1);
	set_desc(q, 1, b->rep, 64, VRING_DESC_F_WRITE, 0);
	(void)d;
}

void s_huge_len(struct dev *d, struct vq *q, void *ctx)
{
	struct bc *b = ctx;

	set_desc(q, 0, b->cmd, 0xffffffffu, VRING_DESC_F_NEXT, 1);
	set_desc(q, 1, b->rep, 64, VRING_DESC_F_WRITE, 0);
	(void)d;
}

void s_wrap(struct dev *d, struct vq *q, void *ctx)
{
	struct bc *b = ctx;

	set_desc(q, 0, 0xfffffffffffff000ull, 0x2000, VRING_DESC_F_NEXT, 1);
	set_desc(q, 1, b->rep, 64, VRING_DESC_F_WRITE, 0);
	(void)d;
}

void s_order(struct dev *d, struct vq *q, void *ctx)
{
	struct bc *b = ctx;

	set_desc(q, 0, b->rep, 64, VRING_DESC_F_WRITE | VRING_DESC_F_NEXT, 1);
	set_desc(q, 1, b->cmd, b->n, 0, 0);
	(void)d;
}

void s_flags(struct dev *d, struct vq *q, void *ctx)
{
	struct bc *b = ctx;

	set_desc(q, 0, b->cmd, b->n, VRING_DESC_F_NEXT | 0x80, 1);
	set_desc(q, 1, b->rep, 64, VRING_DESC_F_WRITE, 0);
	(void)d;
}

void s_no_reply(struct dev *d, struct vq *q, void *ctx)
{
	struct bc *b = ctx;

	set_desc(q, 0, b->cmd, b->n, 0, 0);
	(void)d;
}

void s_small_reply(struct dev *d, struct vq *q, void *ctx)
{
	struct bc *b = ctx;

	set_desc(q, 0, b->cmd, b->n, VRING_DESC_F_NEXT, 1);
	set_desc(q, 1, b->rep, 8, VRING_DESC_F_WRITE, 0);
	(void)d;
}

void s_reply_unmapped(struct dev *d, struct vq *q, void *ctx)
{
	struct bc *b = ctx;

	set_desc(q, 0, b->cmd, b->n, VRING_DESC_F_NEXT, 1);
	set_desc(q, 1, 0x7000000000ull, 64, VRING_DESC_F_WRITE, 0);
	(void)d;
}

void s_reply_ro(struct dev *d, struct vq *q, void *ctx)
{
	struct bc *b = ctx;

	set_desc(q, 0, b->cmd, b->n, VRING_DESC_F_NEXT, 1);
	set_desc(q, 1, RO_IOVA, 64, VRING_DESC_F_WRITE, 0);
	(void)d;
}

void s_ind_nested(struct dev *d, struct vq *q, void *ctx)
{
	struct bc *b = ctx;
	struct vring_desc *t = balloc(d, 32, 16);

	t[0] = (struct vring_desc){ data_iova(d, t), 32,
				    VRING_DESC_F_INDIRECT, 0 };
	t[1] = (struct vring_desc){ b->rep, 64, VRING_DESC_F_WRITE, 0 };
	set_desc(q, 0, data_iova(d, t), 32, VRING_DESC_F_INDIRECT, 0);
}

void s_ind_loop(struct dev *d, struct vq *q, void *ctx)
{
	struct bc *b = ctx;
	struct vring_desc *t = balloc(d, 32, 16);

	t[0] = (struct vring_desc){ b->cmd, b->n, VRING_DESC_F_NEXT, 1 };
	t[1] = (struct vring_desc){ b->rep, 64,
				    VRING_DESC_F_WRITE | VRING_DESC_F_NEXT, 0 };
	set_desc(q, 0, data_iova(d, t), 32, VRING_DESC_F_INDIRECT, 0);
}

void s_ind_badlen(struct dev *d, struct vq *q, void *ctx)
{
	struct vring_desc *t = balloc(d, 32, 16);

	set_desc(q, 0, data_iova(d, t), 24, VRING_DESC_F_INDIRECT, 0);
	(void)ctx;
}

void s_ind_huge(struct dev *d, struct vq *q, void *ctx)
{
	set_desc(q, 0, DATA_IOVA, 0x10000000, VRING_DESC_F_INDIRECT, 0);
	(void)ctx;
	(void)d;
}

void s_ind_next(struct dev *d, struct vq *q, void *ctx)
{
	struct bc *b = ctx;
	struct vring_desc *t = balloc(d, 32, 16);

	t[0] = (struct vring_desc){ b->cmd, b->n, 0, 0 };
	set_desc(q, 0, data_iova(d, t), 16,
		 VRING_DESC_F_INDIRECT | VRING_DESC_F_NEXT, 1);
	set_desc(q, 1, b->rep, 64, VRING_DESC_F_WRITE, 0);
}

void s_long(struct dev *d, struct vq *q, void *ctx)
{
	struct bc *b = ctx;
	int i;

	/* 64 descriptors in a 64-entry queue, but then it goes on: loop */
	for (i = 0; i < q->size; i++)
		set_desc(q, i, b->cmd, 8, VRING_DESC_F_NEXT,
			 (i + 1) % q->size);
	(void)d;
}

void t_chain_errors(void)
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

int wait_status(struct dev *d, uint8_t bit, int ms)
{
	double end = now_s() + ms / 1000.0;

	while (now_s() < end) {
		if (status_rd(d) & bit)
			return 0;
		usleep(2000);
	}
	return -1;
}

void t_ring_errors(void)
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

void t_reset(void)
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

/*
 * A head the device still holds, posted again: its descriptors are in
 * use, so the device must not take it twice (it would hold two copies of
 * one command, and return the head twice).
 */
void t_dup_head(void)
{
	struct dev d;
	uint8_t *cmd;
	struct rep *r;
	size_t n;

	if (open_init(&d, 1, 64))
		goto out;
	cmd = balloc(&d, 64, 64);
	r = balloc(&d, sizeof(*r), 64);
	n = cmd_build(cmd, AVA_API_OPENCL, 1, 1, NULL, 0, NULL, 0);
	chain2(&d, 0, 0, cmd, n, r, sizeof(*r));
	push_avail(&d, 0, 0);
	notify(&d, 0);
	usleep(200000);
	tap(stat_get("queue_pending") == 1,
	    "without a worker the command is held");
	push_avail(&d, 0, 0);
	notify(&d, 0);
	tap(!wait_status(&d, VIRTIO_CONFIG_S_NEEDS_RESET, 2000) &&
	    stat_get("queue_pending") == 1,
	    "the same head posted again while held: NEEDS_RESET, not taken twice");
out:
	dev_close(&d);
}
