// SPDX-License-Identifier: GPL-2.0-only
/*
 * AvA host module: buffer references of a command mapped into the
 * attached worker process.
 *
 * Buffer references are not copied: their guest pages are pinned with
 * vfio_pin_pages() and mapped into one of the two windows of the
 * /dev/vhost-ava file (read-only for data flowing to the worker,
 * read-write for data flowing back) until the command completes.  The
 * guest pages are unmapped and unpinned when the command completes, the
 * device is reset or closed, the worker goes away, or the VMM unmaps the
 * guest memory (dma_unmap).
 *
 * Locks, outer first: inst->lock, inst->wlock, inst->pin_lock,
 * hf->map_lock.  dma_unmap takes inst->pin_lock only.
 */
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/iommu.h>

#include "ava_host.h"

static struct ava_buf_ref *cmd_refs(struct ava_host_req *req, u32 *nrefs)
{
	*nrefs = le32_to_cpu(req->hdr.nrefs);
	return req->cmd + req->cmd_len - *nrefs * sizeof(struct ava_buf_ref);
}

/*
 * Unmap req's pages from the worker, unpin them and take req off
 * inst->pinned.  pin_lock held: ava_host_unpin_iova() walks that list.
 */
static void unpin_req_locked(struct ava_host_inst *inst,
			     struct ava_host_req *req)
{
	struct ava_host_file *hf = req->pin_file;
	struct address_space *mapping;
	u32 i, k;

	lockdep_assert_held(&inst->pin_lock);
	list_del_init(&req->pin_node);
	if (!req->npages)
		return;
	mutex_lock(&hf->map_lock);
	for (i = 0; i < req->nmaps; i++)
		for (k = 0; k < req->maps[i].npages; k++)
			xa_erase(&hf->pages, req->maps[i].pgoff + k);
	mapping = hf->mapping;
	mutex_unlock(&hf->map_lock);
	/*
	 * All opens of /dev/vhost-ava share one address_space, so this may
	 * also zap the same offsets of another attached file; it just
	 * faults its own pages back in.  A session file has an inode, and
	 * so an address_space, of its own (session.c).
	 */
	for (i = 0; mapping && i < req->nmaps; i++)
		unmap_mapping_range(mapping,
				    (loff_t)req->maps[i].pgoff << PAGE_SHIFT,
				    (loff_t)req->maps[i].npages << PAGE_SHIFT,
				    1);
	for (i = 0; i < req->npages; i++)
		vfio_unpin_pages(&inst->vdev, req->page_iova[i], 1);
	atomic64_add(-(u64)req->npages, &inst->st.pinned_pages);
	req->npages = 0;
}

static void unpin_req(struct ava_host_inst *inst, struct ava_host_req *req)
{
	mutex_lock(&inst->pin_lock);
	unpin_req_locked(inst, req);
	mutex_unlock(&inst->pin_lock);
}

/* Give back req's window ranges.  wlock held. */
static void release_windows(struct ava_host_req *req)
{
	struct ava_host_file *hf = req->pin_file;
	unsigned long wp = ava_host_win_pages();
	u32 i;

	lockdep_assert_held(&req->inst->wlock);
	for (i = 0; i < req->nmaps; i++) {
		struct ava_host_win *m = &req->maps[i];

		if (m->rw)
			bitmap_clear(hf->win[1], m->pgoff - wp, m->npages);
		else
			bitmap_clear(hf->win[0], m->pgoff, m->npages);
	}
	req->nmaps = 0;
	kfree(req->maps);
	req->maps = NULL;
	kvfree(req->pages);
	req->pages = NULL;
	kvfree(req->page_iova);
	req->page_iova = NULL;
}

/* Drop everything a request holds on the worker side.  wlock held. */
void ava_host_unmap_req(struct ava_host_inst *inst, struct ava_host_req *req)
{
	lockdep_assert_held(&inst->wlock);
	if (!req->pin_file)
		return;
	unpin_req(inst, req);
	release_windows(req);
	req->pin_file = NULL;
}

/*
 * Iterate over the pieces of reference data: calls fn for each piece
 * (guest address and length).  (seg, off) is the position in the
 * readable or writable byte stream; it advances past the data.
 */
struct ref_pos {
	u32 seg;
	u64 off;
};

static int ref_pieces(struct ava_host_req *req, struct ref_pos *p, u64 len,
		      u32 end, int (*fn)(void *ctx, u64 addr, u64 n),
		      void *ctx)
{
	while (len) {
		struct ava_host_seg *s;
		u64 n;
		int ret;

		if (p->seg >= end)
			return -EFAULT;
		s = &req->segs[p->seg];
		if (p->off >= s->len) {
			p->off -= s->len;
			p->seg++;
			continue;
		}
		n = min_t(u64, len, s->len - p->off);
		ret = fn(ctx, s->addr + p->off, n);
		if (ret)
			return ret;
		len -= n;
		p->off += n;
	}
	return 0;
}

static u64 piece_pages(u64 addr, u64 n)
{
	return (PAGE_ALIGN(addr + n) - (addr & PAGE_MASK)) >> PAGE_SHIFT;
}

static int count_fn(void *ctx, u64 addr, u64 n)
{
	*(u64 *)ctx += piece_pages(addr, n);
	return 0;
}

struct pin_ctx {
	struct ava_host_inst *inst;
	struct ava_host_req *req;
	int prot;
	u64 first_addr;
};

static int pin_fn(void *ctx, u64 addr, u64 n)
{
	struct pin_ctx *pc = ctx;
	struct ava_host_req *req = pc->req;
	u64 iova = addr & PAGE_MASK;
	u64 left = piece_pages(addr, n);

	if (pc->first_addr == U64_MAX)
		pc->first_addr = addr;
	while (left) {
		int chunk = min_t(u64, left, VFIO_PIN_PAGES_MAX_ENTRIES);
		int ret, i;

		ret = vfio_pin_pages(&pc->inst->vdev, iova, chunk, pc->prot,
				     &req->pages[req->npages]);
		if (ret != chunk)
			return ret < 0 ? ret : -EFAULT;
		for (i = 0; i < chunk; i++)
			req->page_iova[req->npages + i] = iova + i * PAGE_SIZE;
		req->npages += chunk;
		atomic64_add(chunk, &pc->inst->st.pinned_pages);
		iova += (u64)chunk * PAGE_SIZE;
		left -= chunk;
	}
	return 0;
}

/*
 * First pass over the references: find a window range for each (in the
 * read-only window for data to the worker, the read-write one for data
 * back) and allocate the page arrays.  wlock held.
 */
static int reserve_windows(struct ava_host_file *hf, struct ava_host_req *req,
			   struct ava_buf_ref *refs, u32 nrefs)
{
	unsigned long wp = ava_host_win_pages();
	struct ref_pos rpos = { 0, req->cmd_len };
	struct ref_pos wpos = { req->out_seg, 0 };
	u64 total = 0;
	u32 i;
	int ret;

	lockdep_assert_held(&req->inst->wlock);
	for (i = 0; i < nrefs; i++) {
		struct ava_host_win *m = &req->maps[i];
		bool rw = le32_to_cpu(refs[i].flags) & AVA_REF_OUT;
		u64 np = 0;
		unsigned long at;

		ret = ref_pieces(req, rw ? &wpos : &rpos,
				 le64_to_cpu(refs[i].len),
				 rw ? req->nseg : req->nrd, count_fn, &np);
		if (ret)
			return ret;
		at = bitmap_find_next_zero_area(hf->win[rw], wp, 0, np, 0);
		if (at >= wp || np > wp - at)
			return -EBUSY;
		bitmap_set(hf->win[rw], at, np);
		m->pgoff = at + (rw ? wp : 0);
		m->npages = np;
		m->rw = rw;
		req->nmaps++;
		total += np;
	}
	req->pages = kvcalloc(total, sizeof(*req->pages), GFP_KERNEL_ACCOUNT);
	req->page_iova = kvcalloc(total, sizeof(*req->page_iova),
				  GFP_KERNEL_ACCOUNT);
	if (!req->pages || !req->page_iova)
		return -ENOMEM;
	return 0;
}

/*
 * Second pass: pin each reference's pages, publish them to the fault
 * handler and rewrite the reference's offset to its place in the
 * windows.  pin_lock held.
 */
static int pin_refs_locked(struct ava_host_inst *inst, struct ava_host_file *hf,
			   struct ava_host_req *req, struct ava_buf_ref *refs,
			   u32 nrefs)
{
	struct ref_pos rpos = { 0, req->cmd_len };
	struct ref_pos wpos = { req->out_seg, 0 };
	u32 i, k;
	int ret = 0;

	lockdep_assert_held(&inst->pin_lock);
	for (i = 0; i < nrefs; i++) {
		struct ava_host_win *m = &req->maps[i];
		struct pin_ctx pc = {
			.inst = inst, .req = req, .first_addr = U64_MAX,
			.prot = IOMMU_READ | (m->rw ? IOMMU_WRITE : 0),
		};
		u32 first = req->npages;

		ret = ref_pieces(req, m->rw ? &wpos : &rpos,
				 le64_to_cpu(refs[i].len),
				 m->rw ? req->nseg : req->nrd, pin_fn, &pc);
		if (ret)
			return ret;
		mutex_lock(&hf->map_lock);
		for (k = 0; k < m->npages && !ret; k++)
			ret = xa_err(xa_store(&hf->pages, m->pgoff + k,
					      req->pages[first + k],
					      GFP_KERNEL_ACCOUNT));
		mutex_unlock(&hf->map_lock);
		if (ret)
			return ret;
		refs[i].offset = cpu_to_le64(((u64)m->pgoff << PAGE_SHIFT) +
					     offset_in_page(pc.first_addr));
	}
	return 0;
}

/*
 * Pin the pages of every reference of req and map them into hf's
 * windows; rewrite the references' offsets.  wlock held.
 * Returns -EBUSY when the windows are full, -EFAULT for a reference
 * outside guest memory.
 */
int ava_host_map_req(struct ava_host_inst *inst, struct ava_host_file *hf,
		     struct ava_host_req *req)
{
	struct ava_buf_ref *refs;
	u32 nrefs;
	int ret;

	lockdep_assert_held(&inst->wlock);
	refs = cmd_refs(req, &nrefs);
	if (!nrefs)
		return 0;
	req->maps = kcalloc(nrefs, sizeof(*req->maps), GFP_KERNEL_ACCOUNT);
	if (!req->maps)
		return -ENOMEM;
	req->pin_file = hf;
	ret = reserve_windows(hf, req, refs, nrefs);
	if (!ret) {
		mutex_lock(&inst->pin_lock);
		list_add_tail(&req->pin_node, &inst->pinned);
		ret = pin_refs_locked(inst, hf, req, refs, nrefs);
		if (ret)
			unpin_req_locked(inst, req);
		mutex_unlock(&inst->pin_lock);
	}
	if (ret) {
		release_windows(req);
		req->pin_file = NULL;
		return ret == -EBUSY || ret == -ENOMEM ? ret : -EFAULT;
	}
	return 0;
}

void ava_host_unpin_iova(struct ava_host_inst *inst, u64 iova, u64 len)
{
	struct ava_host_req *req, *tmp;
	u64 end = iova + len;

	mutex_lock(&inst->pin_lock);
	list_for_each_entry_safe(req, tmp, &inst->pinned, pin_node) {
		u32 i;

		for (i = 0; i < req->npages; i++) {
			if (req->page_iova[i] >= iova &&
			    req->page_iova[i] < end) {
				unpin_req_locked(inst, req);
				break;
			}
		}
	}
	mutex_unlock(&inst->pin_lock);
}
