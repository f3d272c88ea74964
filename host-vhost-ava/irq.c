// SPDX-License-Identifier: GPL-2.0-only
/*
 * AvA host module: interrupts.  The VMM (or the test harness) hands us
 * one eventfd per MSI-X vector, one for device release requests and one
 * for errors (accepted, never raised) through VFIO_DEVICE_SET_IRQS.
 */
#include <linux/eventfd.h>
#include <linux/file.h>
#include <linux/virtio_pci.h>

#include "ava_host.h"

static void put_ctx(struct eventfd_ctx **slot, struct eventfd_ctx *ctx,
		    spinlock_t *lock)
{
	struct eventfd_ctx *old;

	spin_lock(lock);
	old = *slot;
	*slot = ctx;
	spin_unlock(lock);
	if (old)
		eventfd_ctx_put(old);
}

static int set_eventfds(struct ava_host_inst *inst, struct eventfd_ctx **slots,
			u32 start, u32 count, const s32 *fds)
{
	struct eventfd_ctx *ctx[AVA_MAX_VECTORS];
	u32 i;

	/* take every eventfd first so that a bad fd changes nothing */
	for (i = 0; i < count; i++) {
		ctx[i] = NULL;
		if (fds[i] < 0)
			continue;
		ctx[i] = eventfd_ctx_fdget(fds[i]);
		if (IS_ERR(ctx[i])) {
			int ret = PTR_ERR(ctx[i]);

			while (i--)
				if (ctx[i])
					eventfd_ctx_put(ctx[i]);
			return ret;
		}
	}
	for (i = 0; i < count; i++)
		put_ctx(&slots[start + i], ctx[i], &inst->irq_lock);
	return 0;
}

static void signal_ctx(struct ava_host_inst *inst, struct eventfd_ctx *const *slot)
{
	spin_lock(&inst->irq_lock);
	if (*slot)
		eventfd_signal(*slot, 1);
	spin_unlock(&inst->irq_lock);
}

static int set_msix(struct ava_host_inst *inst, u32 flags, u32 start, u32 count,
		    void *data)
{
	u32 nvec = inst->num_queues + 1;
	u32 i;

	if ((flags & VFIO_IRQ_SET_ACTION_TYPE_MASK) != VFIO_IRQ_SET_ACTION_TRIGGER)
		return -ENOTTY;
	if (start >= nvec && count)
		return -EINVAL;
	switch (flags & VFIO_IRQ_SET_DATA_TYPE_MASK) {
	case VFIO_IRQ_SET_DATA_EVENTFD:
		inst->msix_on = true;
		return set_eventfds(inst, inst->msix, start, count, data);
	case VFIO_IRQ_SET_DATA_NONE:
		if (!count) {
			for (i = 0; i < nvec; i++)
				put_ctx(&inst->msix[i], NULL, &inst->irq_lock);
			inst->msix_on = false;
			return 0;
		}
		for (i = start; i < start + count; i++)
			signal_ctx(inst, &inst->msix[i]);
		return 0;
	case VFIO_IRQ_SET_DATA_BOOL:
		for (i = 0; i < count; i++)
			if (((u8 *)data)[i])
				signal_ctx(inst, &inst->msix[start + i]);
		return 0;
	}
	return -EINVAL;
}

/* A single eventfd: the release request, or the (never raised) error */
static int set_one(struct ava_host_inst *inst, struct eventfd_ctx **slot,
		   u32 flags, u32 count, void *data)
{
	if ((flags & VFIO_IRQ_SET_ACTION_TYPE_MASK) != VFIO_IRQ_SET_ACTION_TRIGGER)
		return -ENOTTY;
	switch (flags & VFIO_IRQ_SET_DATA_TYPE_MASK) {
	case VFIO_IRQ_SET_DATA_EVENTFD:
		return set_eventfds(inst, slot, 0, count, data);
	case VFIO_IRQ_SET_DATA_NONE:
		if (!count)
			put_ctx(slot, NULL, &inst->irq_lock);
		else
			signal_ctx(inst, slot);
		return 0;
	}
	return -EINVAL;
}

/* Arguments were checked by vfio_set_irqs_validate_and_prepare(). */
int ava_host_set_irqs(struct ava_host_inst *inst, u32 flags, u32 index, u32 start,
		      u32 count, void *data)
{
	switch (index) {
	case VFIO_PCI_MSIX_IRQ_INDEX:
		return set_msix(inst, flags, start, count, data);
	case VFIO_PCI_REQ_IRQ_INDEX:
		return set_one(inst, &inst->req_trigger, flags, count, data);
	case VFIO_PCI_ERR_IRQ_INDEX:
		return set_one(inst, &inst->err_trigger, flags, count, data);
	}
	return -EINVAL;
}

void ava_host_irqs_release(struct ava_host_inst *inst)
{
	unsigned int i;

	for (i = 0; i < AVA_MAX_VECTORS; i++)
		put_ctx(&inst->msix[i], NULL, &inst->irq_lock);
	put_ctx(&inst->req_trigger, NULL, &inst->irq_lock);
	put_ctx(&inst->err_trigger, NULL, &inst->irq_lock);
	inst->msix_on = false;
}

void ava_host_signal_vector(struct ava_host_inst *inst, u16 vector)
{
	if (vector == VIRTIO_MSI_NO_VECTOR || vector >= AVA_MAX_VECTORS)
		return;
	/* counted first: whoever sees the interrupt sees it counted */
	atomic64_add(1, &inst->st.irqs);
	signal_ctx(inst, &inst->msix[vector]);
}

void ava_host_signal_request(struct ava_host_inst *inst)
{
	signal_ctx(inst, &inst->req_trigger);
}
