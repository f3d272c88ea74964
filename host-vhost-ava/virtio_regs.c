// SPDX-License-Identifier: GPL-2.0-only
/*
 * AvA host module: the virtio registers in BAR 0 (common configuration,
 * ISR, device configuration, notifications) and device reset.
 * Called with inst->lock held.
 */
#include <linux/virtio_pci.h>
#include <linux/virtio_config.h>
#include <linux/virtio_ring.h>
#include <asm/unaligned.h>

#include "ava_host.h"

#define AVA_NO_VECTOR	VIRTIO_MSI_NO_VECTOR

bool ava_host_running(struct ava_host_inst *inst)
{
	return inst->open &&
	       (inst->status & VIRTIO_CONFIG_S_DRIVER_OK) &&
	       !(inst->status & (VIRTIO_CONFIG_S_NEEDS_RESET |
				 VIRTIO_CONFIG_S_FAILED));
}

void ava_host_reset_locked(struct ava_host_inst *inst)
{
	unsigned int i;

	lockdep_assert_held(&inst->lock);
	inst->gen++;
	inst->status = 0;
	inst->dfselect = 0;
	inst->gfselect = 0;
	inst->drv_features = 0;
	inst->qsel = 0;
	inst->isr = 0;
	inst->config_vector = AVA_NO_VECTOR;
	for (i = 0; i < AVA_MAX_QUEUES; i++) {
		struct ava_host_vq *vq = &inst->vqs[i];

		ava_host_req_free(vq->parked);
		memset(vq, 0, sizeof(*vq));
		vq->size = ava_host_max_queue_size;
		vq->vector = AVA_NO_VECTOR;
		bitmap_zero(inst->heads_out[i], ava_host_max_queue_size);
	}
	ava_host_queue_reset(inst);
	atomic64_add(1, &inst->st.resets);
}

void ava_host_config_changed(struct ava_host_inst *inst)
{
	inst->cfg_gen++;
	inst->isr |= VIRTIO_PCI_ISR_CONFIG;
	ava_host_signal_vector(inst, inst->config_vector);
}

static struct ava_host_vq *cur_vq(struct ava_host_inst *inst)
{
	if (inst->qsel >= inst->num_queues)
		return NULL;
	return &inst->vqs[inst->qsel];
}

/*
 * The ring address (descriptors, available or used ring) whose high (*hi)
 * or low half the queue register at off holds; NULL for other registers.
 * The six registers follow each other, each address's low half first.
 */
static u64 *ring_addr_half(struct ava_host_vq *vq, u32 off, bool *hi)
{
	u64 *addrs[] = { &vq->desc, &vq->avail, &vq->used };
	u32 i = off - VIRTIO_PCI_COMMON_Q_DESCLO;

	BUILD_BUG_ON(VIRTIO_PCI_COMMON_Q_AVAILLO - VIRTIO_PCI_COMMON_Q_DESCLO != 8 ||
		     VIRTIO_PCI_COMMON_Q_USEDHI - VIRTIO_PCI_COMMON_Q_DESCLO != 20);
	if (off < VIRTIO_PCI_COMMON_Q_DESCLO || off > VIRTIO_PCI_COMMON_Q_USEDHI)
		return NULL;
	*hi = i & 4;
	return addrs[i / 8];
}

/* Word select (0: bits 0-31, 1: bits 32-63) of a feature set; 0 past them. */
static u32 feature_word(u64 features, u32 select)
{
	return select > 1 ? 0 : (u32)(features >> (32 * select));
}

static u64 common_read(struct ava_host_inst *inst, u32 off)
{
	struct ava_host_vq *vq = cur_vq(inst);
	bool hi;
	u64 *addr;

	switch (off) {
	case VIRTIO_PCI_COMMON_DFSELECT:
		return inst->dfselect;
	case VIRTIO_PCI_COMMON_DF:
		return feature_word(inst->dev_features, inst->dfselect);
	case VIRTIO_PCI_COMMON_GFSELECT:
		return inst->gfselect;
	case VIRTIO_PCI_COMMON_GF:
		return feature_word(inst->drv_features, inst->gfselect);
	case VIRTIO_PCI_COMMON_MSIX:
		return inst->config_vector;
	case VIRTIO_PCI_COMMON_NUMQ:
		return inst->num_queues;
	case VIRTIO_PCI_COMMON_STATUS:
		return inst->status;
	case VIRTIO_PCI_COMMON_CFGGENERATION:
		return inst->cfg_gen;
	case VIRTIO_PCI_COMMON_Q_SELECT:
		return inst->qsel;
	}
	if (!vq)
		return off == VIRTIO_PCI_COMMON_Q_MSIX ? AVA_NO_VECTOR : 0;
	switch (off) {
	case VIRTIO_PCI_COMMON_Q_SIZE:
		return vq->size;
	case VIRTIO_PCI_COMMON_Q_MSIX:
		return vq->vector;
	case VIRTIO_PCI_COMMON_Q_ENABLE:
		return vq->enabled;
	case VIRTIO_PCI_COMMON_Q_NOFF:
		return inst->qsel;
	}
	addr = ring_addr_half(vq, off, &hi);
	if (addr)
		return hi ? upper_32_bits(*addr) : lower_32_bits(*addr);
	return 0;
}

/* Start of the common config register holding byte off, or -1. */
static int common_reg(u32 off, u32 *width)
{
	static const u8 regs[][2] = {
		{ VIRTIO_PCI_COMMON_DFSELECT, 4 },
		{ VIRTIO_PCI_COMMON_DF, 4 },
		{ VIRTIO_PCI_COMMON_GFSELECT, 4 },
		{ VIRTIO_PCI_COMMON_GF, 4 },
		{ VIRTIO_PCI_COMMON_MSIX, 2 },
		{ VIRTIO_PCI_COMMON_NUMQ, 2 },
		{ VIRTIO_PCI_COMMON_STATUS, 1 },
		{ VIRTIO_PCI_COMMON_CFGGENERATION, 1 },
		{ VIRTIO_PCI_COMMON_Q_SELECT, 2 },
		{ VIRTIO_PCI_COMMON_Q_SIZE, 2 },
		{ VIRTIO_PCI_COMMON_Q_MSIX, 2 },
		{ VIRTIO_PCI_COMMON_Q_ENABLE, 2 },
		{ VIRTIO_PCI_COMMON_Q_NOFF, 2 },
		{ VIRTIO_PCI_COMMON_Q_DESCLO, 4 },
		{ VIRTIO_PCI_COMMON_Q_DESCHI, 4 },
		{ VIRTIO_PCI_COMMON_Q_AVAILLO, 4 },
		{ VIRTIO_PCI_COMMON_Q_AVAILHI, 4 },
		{ VIRTIO_PCI_COMMON_Q_USEDLO, 4 },
		{ VIRTIO_PCI_COMMON_Q_USEDHI, 4 },
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(regs); i++) {
		if (off >= regs[i][0] && off < regs[i][0] + regs[i][1]) {
			*width = regs[i][1];
			return regs[i][0];
		}
	}
	return -1;
}

static bool vq_layout_ok(struct ava_host_inst *inst, struct ava_host_vq *vq)
{
	u64 n = vq->size;

	if (!n || n > ava_host_max_queue_size || !is_power_of_2(n))
		return false;
	if ((vq->desc & 15) || (vq->avail & 1) || (vq->used & 3))
		return false;
	/* the rings must not wrap around the address space */
	if (vq->desc + 16 * n < vq->desc ||
	    vq->avail + 6 + 2 * n < vq->avail ||
	    vq->used + 6 + 8 * n < vq->used)
		return false;
	return true;
}

static u16 vector_ok(struct ava_host_inst *inst, u16 v)
{
	return v < inst->num_queues + 1 ? v : AVA_NO_VECTOR;
}

static void set_status(struct ava_host_inst *inst, u8 val)
{
	u8 old = inst->status;

	if (!val) {
		ava_host_reset_locked(inst);
		return;
	}
	/* bits are only ever set by the driver; a reset clears them */
	val |= old;
	if ((val & VIRTIO_CONFIG_S_FEATURES_OK) &&
	    !(old & VIRTIO_CONFIG_S_FEATURES_OK)) {
		if ((inst->drv_features & ~inst->dev_features) ||
		    !(inst->drv_features & BIT_ULL(VIRTIO_F_VERSION_1)))
			val &= ~VIRTIO_CONFIG_S_FEATURES_OK;
	}
	if ((val & VIRTIO_CONFIG_S_DRIVER_OK) &&
	    !(val & VIRTIO_CONFIG_S_FEATURES_OK))
		val &= ~VIRTIO_CONFIG_S_DRIVER_OK;
	inst->status = val;
	if (ava_host_running(inst))
		ava_host_kick(inst);
}

static void common_write(struct ava_host_inst *inst, u32 off, u32 val)
{
	struct ava_host_vq *vq = cur_vq(inst);
	bool feat_locked = inst->status & VIRTIO_CONFIG_S_FEATURES_OK;
	u64 mask, *addr;
	bool hi;

	switch (off) {
	case VIRTIO_PCI_COMMON_DFSELECT:
		inst->dfselect = val;
		return;
	case VIRTIO_PCI_COMMON_GFSELECT:
		inst->gfselect = val;
		return;
	case VIRTIO_PCI_COMMON_GF:
		if (feat_locked || inst->gfselect > 1)
			return;
		mask = 0xffffffffULL << (32 * inst->gfselect);
		inst->drv_features = (inst->drv_features & ~mask) |
				     ((u64)val << (32 * inst->gfselect));
		return;
	case VIRTIO_PCI_COMMON_MSIX:
		inst->config_vector = vector_ok(inst, val);
		return;
	case VIRTIO_PCI_COMMON_STATUS:
		set_status(inst, val);
		return;
	case VIRTIO_PCI_COMMON_Q_SELECT:
		inst->qsel = val;
		return;
	}
	if (!vq)
		return;
	if (off == VIRTIO_PCI_COMMON_Q_MSIX) {
		vq->vector = vector_ok(inst, val);
		return;
	}
	/* the rest configures a queue, which is fixed once enabled */
	if (vq->enabled)
		return;
	switch (off) {
	case VIRTIO_PCI_COMMON_Q_SIZE:
		vq->size = val;
		break;
	case VIRTIO_PCI_COMMON_Q_ENABLE:
		if (val == 1 && vq_layout_ok(inst, vq)) {
			vq->enabled = true;
			vq->broken = false;
			vq->last_avail = 0;
			vq->used_idx = 0;
		}
		break;
	default:
		addr = ring_addr_half(vq, off, &hi);
		if (!addr)
			break;
		if (hi)
			*addr = lower_32_bits(*addr) | (u64)val << 32;
		else
			*addr = (*addr & ~0xffffffffULL) | val;
	}
}

static void device_cfg(struct ava_host_inst *inst, struct ava_virtio_config *c)
{
	memset(c, 0, sizeof(*c));
	c->wire_version = cpu_to_le32(AVA_WIRE_VERSION);
	c->num_cmd_queues = cpu_to_le32(inst->num_queues);
	c->max_inline = cpu_to_le32(AVA_MAX_INLINE);
	c->max_refs = cpu_to_le32(AVA_MAX_REFS);
	c->max_chain = cpu_to_le32(ava_host_max_chain);
	c->worker = cpu_to_le32(ava_host_attached(inst) ? 1 : 0);
	c->max_ref_bytes = cpu_to_le64(ava_host_max_ref_bytes);
}

static bool access_ok_len(u32 off, u32 len)
{
	return (len == 1 || len == 2 || len == 4) && !(off & (len - 1));
}

int ava_host_bar0_read(struct ava_host_inst *inst, u32 off, void *buf, u32 len)
{
	u64 v = 0;

	lockdep_assert_held(&inst->lock);
	memset(buf, 0, len);
	if (!access_ok_len(off, len) || off >= AVA_BAR0_SIZE)
		return -EINVAL;
	if (off >= AVA_BAR0_COMMON &&
	    off < AVA_BAR0_COMMON + AVA_BAR0_COMMON_LEN) {
		u32 r = off - AVA_BAR0_COMMON;
		u32 w;
		int base = common_reg(r, &w);

		/* reserved bytes and accesses across registers read 0 */
		if (base < 0 || base + w < r + len)
			return 0;
		v = common_read(inst, base) >> (8 * (r - base));
	} else if (off == AVA_BAR0_ISR) {
		v = inst->isr;
		inst->isr = 0;
	} else if (off >= AVA_BAR0_DEVICE &&
		   off < AVA_BAR0_DEVICE + AVA_BAR0_DEVICE_LEN) {
		struct ava_virtio_config c;
		u32 r = off - AVA_BAR0_DEVICE;

		device_cfg(inst, &c);
		if (r + len <= sizeof(c))
			memcpy(&v, (u8 *)&c + r, len);
		v = le64_to_cpu((__force __le64)v);
	}
	switch (len) {
	case 1:
		*(u8 *)buf = v;
		break;
	case 2:
		put_unaligned_le16(v, buf);
		break;
	case 4:
		put_unaligned_le32(v, buf);
		break;
	}
	return 0;
}

int ava_host_bar0_write(struct ava_host_inst *inst, u32 off, const void *buf, u32 len)
{
	u32 v;

	lockdep_assert_held(&inst->lock);
	if (!access_ok_len(off, len) || off >= AVA_BAR0_SIZE)
		return -EINVAL;
	switch (len) {
	case 1:
		v = *(const u8 *)buf;
		break;
	case 2:
		v = get_unaligned_le16(buf);
		break;
	default:
		v = get_unaligned_le32(buf);
		break;
	}
	if (off >= AVA_BAR0_NOTIFY &&
	    off < AVA_BAR0_NOTIFY + AVA_BAR0_NOTIFY_LEN) {
		atomic64_add(1, &inst->st.notifies);
		if (ava_host_running(inst))
			ava_host_kick(inst);
		return 0;
	}
	if (off >= AVA_BAR0_COMMON &&
	    off < AVA_BAR0_COMMON + AVA_BAR0_COMMON_LEN) {
		u32 r = off - AVA_BAR0_COMMON;
		u32 w;

		/* only whole registers can be written */
		if (common_reg(r, &w) == (int)r && w == len)
			common_write(inst, r, v);
	}
	return 0;
}
