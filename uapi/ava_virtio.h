/* SPDX-License-Identifier: (GPL-2.0 WITH Linux-syscall-note) OR MIT */
/*
 * The AvA virtio device as a guest driver sees it: PCI identity, BAR
 * layout, device configuration and the layout of a command chain.
 * Shared by the host module, the VFIO test harness and the guest driver.
 */
#ifndef AVA_VIRTIO_H
#define AVA_VIRTIO_H

#include <linux/types.h>

/*
 * Virtio device id.  Provisional: not reserved with OASIS.  The host
 * module takes it as the virtio_id parameter; the PCI device id is
 * 0x1040 + virtio id.
 */
#define AVA_VIRTIO_ID_DEFAULT		63u
#define AVA_PCI_VENDOR			0x1af4u
#define AVA_PCI_SUBSYS_DEVICE		0x1100u
#define AVA_PCI_CLASS			0x120000u	/* processing accelerator */

/* BAR 0: virtio structures.  BAR 2: MSI-X table and PBA. */
#define AVA_BAR0_SIZE			0x4000u
#define AVA_BAR0_COMMON			0x0000u
#define AVA_BAR0_COMMON_LEN		0x0038u
#define AVA_BAR0_ISR			0x1000u
#define AVA_BAR0_ISR_LEN		0x0001u
#define AVA_BAR0_DEVICE			0x2000u
#define AVA_BAR0_DEVICE_LEN		0x0100u
#define AVA_BAR0_NOTIFY			0x3000u
#define AVA_BAR0_NOTIFY_LEN		0x1000u
#define AVA_NOTIFY_MULTIPLIER		4u
#define AVA_BAR2_SIZE			0x1000u
#define AVA_MSIX_TABLE_OFF		0x0000u
#define AVA_MSIX_PBA_OFF		0x0800u

/* Feature bits the device may offer (besides VIRTIO_F_VERSION_1). */
#define AVA_F_INDIRECT			28	/* VIRTIO_RING_F_INDIRECT_DESC */

/* Device configuration (BAR 0 + AVA_BAR0_DEVICE), read-only. */
struct ava_virtio_config {
	__le32 wire_version;	/* AVA_WIRE_VERSION of the host */
	__le32 num_cmd_queues;	/* equals num_queues */
	__le32 max_inline;	/* bytes of inline arguments per command */
	__le32 max_refs;	/* buffer references per command */
	__le32 max_chain;	/* descriptors per chain */
	__le32 worker;		/* 1 while a worker is attached */
	__le64 max_ref_bytes;	/* bytes of all references of a command */
};

/*
 * A command is one descriptor chain on any queue.  Driver-readable
 * descriptors come first: the command (struct ava_cmd_hdr, inline
 * arguments, struct ava_buf_ref array; total_len bytes, split freely),
 * then the data of every reference that has AVA_REF_IN and not
 * AVA_REF_OUT, in reference order.  Device-writable descriptors follow:
 * first the room for the reply (struct ava_reply_hdr plus inline results;
 * one or more descriptors, the first at least 32 bytes: the writable bytes
 * before the OUT data, which starts on a descriptor of its own), then the
 * data of every reference with AVA_REF_OUT, in reference order.
 * A reference's data may span several descriptors; every descriptor but
 * the first of a reference starts on a page boundary and every one but
 * the last ends on one, so the host can map the pages contiguously.
 * In this transport ava_buf_ref.offset must be zero.  The header's
 * session field is the guest driver's: the host worker keeps one session
 * (handle table, process) per value.  A chain has at most max_chain
 * descriptors (device configuration).
 *
 * A chain the device cannot parse is returned with used length 0.  A
 * command it can parse but rejects gets a reply with an AVA_S_* status.
 * A broken ring (bad index) sets VIRTIO_CONFIG_S_NEEDS_RESET.
 */

#endif /* AVA_VIRTIO_H */
