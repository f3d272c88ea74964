// SPDX-License-Identifier: GPL-2.0-only
/*
 * AvA host module: PCI configuration space of an instance.
 *
 * 256 bytes of conventional config space with an MSI-X capability and
 * the virtio vendor capabilities (common, notify, ISR, device and PCI
 * config access).  Writes go through a per-byte write mask, which also
 * gives BAR sizing its usual semantics.
 */
#include <linux/pci_regs.h>
#include <linux/virtio_pci.h>

#include "ava_host.h"

static void put16(u8 *p, u16 v)
{
	p[0] = v & 0xff;
	p[1] = v >> 8;
}

static void put32(u8 *p, u32 v)
{
	put16(p, v & 0xffff);
	put16(p + 2, v >> 16);
}

static u32 get32(const u8 *p)
{
	return p[0] | p[1] << 8 | p[2] << 16 | (u32)p[3] << 24;
}

static void set_wmask(struct ava_host_inst *inst, u32 off, u32 len, u32 mask)
{
	u32 i;

	for (i = 0; i < len; i++)
		inst->wmask[off + i] = (mask >> (8 * i)) & 0xff;
}

static void add_vcap(struct ava_host_inst *inst, u8 pos, u8 next, u8 len,
		     u8 type, u32 off, u32 size)
{
	u8 *c = &inst->cfg[pos];

	c[VIRTIO_PCI_CAP_VNDR] = PCI_CAP_ID_VNDR;
	c[VIRTIO_PCI_CAP_NEXT] = next;
	c[VIRTIO_PCI_CAP_LEN] = len;
	c[VIRTIO_PCI_CAP_CFG_TYPE] = type;
	c[VIRTIO_PCI_CAP_BAR] = 0;
	put32(c + VIRTIO_PCI_CAP_OFFSET, off);
	put32(c + VIRTIO_PCI_CAP_LENGTH, size);
}

void ava_host_cfg_init(struct ava_host_inst *inst)
{
	u8 *c = inst->cfg;
	u8 *msix = &c[AVA_CAP_MSIX];
	u32 nvec = inst->num_queues + 1;

	memset(inst->cfg, 0, sizeof(inst->cfg));
	memset(inst->wmask, 0, sizeof(inst->wmask));

	put16(c + PCI_VENDOR_ID, AVA_PCI_VENDOR);
	put16(c + PCI_DEVICE_ID, 0x1040 + ava_host_virtio_id);
	put16(c + PCI_STATUS, PCI_STATUS_CAP_LIST);
	c[PCI_REVISION_ID] = 1;
	c[PCI_CLASS_PROG] = AVA_PCI_CLASS & 0xff;
	put16(c + PCI_CLASS_DEVICE, AVA_PCI_CLASS >> 8);
	c[PCI_HEADER_TYPE] = PCI_HEADER_TYPE_NORMAL;
	put16(c + PCI_SUBSYSTEM_VENDOR_ID, AVA_PCI_VENDOR);
	put16(c + PCI_SUBSYSTEM_ID, AVA_PCI_SUBSYS_DEVICE);
	c[PCI_CAPABILITY_LIST] = AVA_CAP_MSIX;
	c[PCI_INTERRUPT_PIN] = 0;	/* MSI-X only */

	set_wmask(inst, PCI_COMMAND, 2, PCI_COMMAND_MEMORY |
		  PCI_COMMAND_MASTER | PCI_COMMAND_INTX_DISABLE);
	/* 32-bit memory BARs; the mask gives the size on probing */
	set_wmask(inst, PCI_BASE_ADDRESS_0, 4, ~(AVA_BAR0_SIZE - 1));
	set_wmask(inst, PCI_BASE_ADDRESS_2, 4, ~(AVA_BAR2_SIZE - 1));
	set_wmask(inst, PCI_INTERRUPT_LINE, 1, 0xff);

	/* MSI-X: table and PBA in BAR 2 */
	msix[PCI_CAP_LIST_ID] = PCI_CAP_ID_MSIX;
	msix[PCI_CAP_LIST_NEXT] = AVA_CAP_COMMON;
	put16(msix + PCI_MSIX_FLAGS, nvec - 1);
	put32(msix + PCI_MSIX_TABLE, AVA_MSIX_TABLE_OFF | 2);
	put32(msix + PCI_MSIX_PBA, AVA_MSIX_PBA_OFF | 2);
	set_wmask(inst, AVA_CAP_MSIX + PCI_MSIX_FLAGS, 2,
		  PCI_MSIX_FLAGS_ENABLE | PCI_MSIX_FLAGS_MASKALL);

	add_vcap(inst, AVA_CAP_COMMON, AVA_CAP_NOTIFY,
		 sizeof(struct virtio_pci_cap), VIRTIO_PCI_CAP_COMMON_CFG,
		 AVA_BAR0_COMMON, AVA_BAR0_COMMON_LEN);
	add_vcap(inst, AVA_CAP_NOTIFY, AVA_CAP_ISR,
		 sizeof(struct virtio_pci_notify_cap),
		 VIRTIO_PCI_CAP_NOTIFY_CFG, AVA_BAR0_NOTIFY,
		 AVA_BAR0_NOTIFY_LEN);
	put32(c + AVA_CAP_NOTIFY + VIRTIO_PCI_NOTIFY_CAP_MULT,
	      AVA_NOTIFY_MULTIPLIER);
	add_vcap(inst, AVA_CAP_ISR, AVA_CAP_DEVICE,
		 sizeof(struct virtio_pci_cap), VIRTIO_PCI_CAP_ISR_CFG,
		 AVA_BAR0_ISR, AVA_BAR0_ISR_LEN);
	add_vcap(inst, AVA_CAP_DEVICE, AVA_CAP_PCICFG,
		 sizeof(struct virtio_pci_cap), VIRTIO_PCI_CAP_DEVICE_CFG,
		 AVA_BAR0_DEVICE, AVA_BAR0_DEVICE_LEN);
	add_vcap(inst, AVA_CAP_PCICFG, 0, sizeof(struct virtio_pci_cfg_cap),
		 VIRTIO_PCI_CAP_PCI_CFG, 0, 0);
	/* the PCI config access window: bar, offset, length, data */
	set_wmask(inst, AVA_CAP_PCICFG + VIRTIO_PCI_CAP_BAR, 1, 0xff);
	set_wmask(inst, AVA_CAP_PCICFG + VIRTIO_PCI_CAP_OFFSET, 4, ~0u);
	set_wmask(inst, AVA_CAP_PCICFG + VIRTIO_PCI_CAP_LENGTH, 4, ~0u);
	set_wmask(inst, AVA_CAP_PCICFG + sizeof(struct virtio_pci_cap), 4, ~0u);
}

/*
 * The VIRTIO_PCI_CAP_PCI_CFG window: returns true and the BAR 0 offset
 * and length when the window is programmed to a valid access.
 */
static bool pcicfg_target(struct ava_host_inst *inst, u32 *off, u32 *len)
{
	const u8 *c = &inst->cfg[AVA_CAP_PCICFG];

	*off = get32(c + VIRTIO_PCI_CAP_OFFSET);
	*len = get32(c + VIRTIO_PCI_CAP_LENGTH);
	if (c[VIRTIO_PCI_CAP_BAR] != 0)
		return false;
	if (*len != 1 && *len != 2 && *len != 4)
		return false;
	if (*off & (*len - 1))
		return false;
	return *off < AVA_BAR0_SIZE;
}

#define AVA_PCICFG_DATA	(AVA_CAP_PCICFG + sizeof(struct virtio_pci_cap))

int ava_host_cfg_read(struct ava_host_inst *inst, u32 off, void *buf, u32 len)
{
	u32 boff, blen;

	if (off >= AVA_CFG_SIZE || len > AVA_CFG_SIZE - off)
		return -EINVAL;
	if (off == AVA_PCICFG_DATA && len == 4 &&
	    pcicfg_target(inst, &boff, &blen)) {
		u8 tmp[4] = { 0 };
		int ret = ava_host_bar0_read(inst, boff, tmp, blen);

		if (ret)
			return ret;
		memcpy(&inst->cfg[AVA_PCICFG_DATA], tmp, 4);
	}
	memcpy(buf, &inst->cfg[off], len);
	return 0;
}

int ava_host_cfg_write(struct ava_host_inst *inst, u32 off, const void *buf, u32 len)
{
	const u8 *v = buf;
	u32 i, boff, blen;

	if (off >= AVA_CFG_SIZE || len > AVA_CFG_SIZE - off)
		return -EINVAL;
	for (i = 0; i < len; i++) {
		u8 m = inst->wmask[off + i];

		inst->cfg[off + i] = (inst->cfg[off + i] & ~m) | (v[i] & m);
	}
	if (off == AVA_PCICFG_DATA && len == 4 &&
	    pcicfg_target(inst, &boff, &blen))
		return ava_host_bar0_write(inst, boff, &inst->cfg[AVA_PCICFG_DATA],
				      blen);
	return 0;
}
