// SPDX-License-Identifier: GPL-2.0-only
/*
 * virtio_ava: the buffers a command refers to.  Their user pages are
 * pinned (read-only pages first, so that unpinning knows which ones the
 * device wrote) and placed in the descriptors, one piece per run of
 * physically contiguous pages; they are never copied.
 */
#include <linux/mm.h>
#include <linux/sched/mm.h>
#include <linux/sched/signal.h>
#include <linux/capability.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>
#include <linux/uaccess.h>

#include "ava_guest.h"

/* One reference of the command being set up. */
struct ava_guest_ref_info {
	u64 addr;
	u64 len;
	bool write;
	u32 first;		/* index of its first page in r->pages */
	u32 npages;
	u32 pieces;
};

static u32 span_pages(u64 addr, u64 len)
{
	return (PAGE_ALIGN(addr + len) - (addr & PAGE_MASK)) >> PAGE_SHIFT;
}

/* Pieces of a reference: runs of physically contiguous pages. */
static u32 count_pieces(struct page **p, u32 n)
{
	u32 i, pieces = n ? 1 : 0;

	for (i = 1; i < n; i++)
		if (page_to_pfn(p[i]) != page_to_pfn(p[i - 1]) + 1)
			pieces++;
	return pieces;
}

static struct scatterlist *add_ref_sg(struct scatterlist *sg, struct page **p,
				      const struct ava_guest_ref_info *ri)
{
	u64 off = offset_in_page(ri->addr), left = ri->len;
	u32 i = 0;

	while (left) {
		u32 j = i + 1;
		u64 run;

		while (j < ri->npages &&
		       page_to_pfn(p[j]) == page_to_pfn(p[j - 1]) + 1)
			j++;
		run = min_t(u64, left, (u64)(j - i) * PAGE_SIZE - off);
		sg_set_page(sg, p[i], run, off);
		sg = sg_next(sg);
		left -= run;
		off = 0;
		i = j;
	}
	return sg;
}

/* Pieces of a kernel buffer (kmalloc: one; vmalloc: one per page). */
static u32 buf_pieces(const void *buf, u32 len)
{
	if (!is_vmalloc_addr(buf))
		return 1;
	return span_pages((unsigned long)buf, len);
}

static struct scatterlist *add_buf_sg(struct scatterlist *sg, void *buf,
				      u32 len)
{
	if (!is_vmalloc_addr(buf)) {
		sg_set_buf(sg, buf, len);
		return sg_next(sg);
	}
	while (len) {
		u32 n = min_t(u32, len, PAGE_SIZE - offset_in_page(buf));

		sg_set_page(sg, vmalloc_to_page(buf), n, offset_in_page(buf));
		sg = sg_next(sg);
		buf += n;
		len -= n;
	}
	return sg;
}

static int pin_ref(struct ava_guest_ref_info *ri, struct page **pages)
{
	/* long-term: held for as long as the host takes to answer */
	unsigned int flags = FOLL_LONGTERM | (ri->write ? FOLL_WRITE : 0);
	u64 start = ri->addr & PAGE_MASK;
	u32 done = 0;

	while (done < ri->npages) {
		int n = pin_user_pages_fast(start + (u64)done * PAGE_SIZE,
					    ri->npages - done, flags,
					    pages + ri->first + done);

		if (n <= 0) {
			unpin_user_pages(pages + ri->first, done);
			return n < 0 ? n : -EFAULT;
		}
		done += n;
	}
	return 0;
}

/*
 * Read the references at the end of r->cmd (user addresses in the offset
 * fields), check them against the device's limits and zero their offsets
 * for the host.  Fills rs and allocates r->pages.
 */
static int refs_parse(struct ava_guest_dev *d, struct ava_guest_req *r,
		      struct ava_guest_refs *rs)
{
	struct ava_buf_ref *refs = r->cmd + r->cmd_len - rs->n * AVA_REF_LEN;
	u32 i;

	for (i = 0; i < rs->n; i++) {
		struct ava_guest_ref_info *ri = &rs->ri[i];
		u32 fl = le32_to_cpu(refs[i].flags);

		ri->addr = le64_to_cpu(refs[i].offset);
		ri->len = le64_to_cpu(refs[i].len);
		ri->write = fl & AVA_REF_OUT;
		if (!fl || (fl & ~(AVA_REF_IN | AVA_REF_OUT)) ||
		    refs[i].reserved || !ri->len)
			return -EINVAL;
		if (ri->len > d->max_ref_bytes ||
		    rs->bytes + ri->len > d->max_ref_bytes)
			return -E2BIG;
		if (ri->addr + ri->len < ri->addr ||
		    !access_ok(u64_to_user_ptr(ri->addr), ri->len))
			return -EFAULT;
		rs->bytes += ri->len;
		ri->npages = span_pages(ri->addr, ri->len);
		rs->npages += ri->npages;
		refs[i].offset = 0;
	}
	if (!rs->npages)
		return 0;
	r->pages = kvcalloc(rs->npages, sizeof(*r->pages), GFP_KERNEL);
	return r->pages ? 0 : -ENOMEM;
}

/* Place the read-only references' pages first, then the written ones. */
static void refs_order(struct ava_guest_req *r, struct ava_guest_refs *rs)
{
	u32 i;

	for (i = 0; i < rs->n; i++)
		if (!rs->ri[i].write) {
			rs->ri[i].first = r->npages;
			r->npages += rs->ri[i].npages;
		}
	r->nro = r->npages;
	for (i = 0; i < rs->n; i++)
		if (rs->ri[i].write) {
			rs->ri[i].first = r->npages;
			r->npages += rs->ri[i].npages;
		}
}

static int refs_pin(struct ava_guest_req *r, struct ava_guest_refs *rs)
{
	u32 i, pinned;
	int ret = 0;

	for (pinned = 0; pinned < rs->n; pinned++) {
		ret = pin_ref(&rs->ri[pinned], r->pages);
		if (ret)
			break;
	}
	if (ret) {
		for (i = 0; i < pinned; i++)
			unpin_user_pages(r->pages + rs->ri[i].first,
					 rs->ri[i].npages);
		r->npages = 0;
	}
	return ret;
}

/*
 * Descriptors: the command and the IN data device-readable, the reply
 * room and the OUT data device-writable.
 */
static int build_sg(struct ava_guest_dev *d, struct ava_guest_req *r,
		    struct ava_guest_refs *rs)
{
	struct ava_guest_ref_info *ri = rs->ri;
	struct scatterlist *sg;
	u32 i;

	rs->nout = buf_pieces(r->cmd, r->cmd_len);
	rs->nin = buf_pieces(r->reply, r->reply_room);
	for (i = 0; i < rs->n; i++) {
		ri[i].pieces = count_pieces(r->pages + ri[i].first,
					    ri[i].npages);
		if (ri[i].write)
			rs->nin += ri[i].pieces;
		else
			rs->nout += ri[i].pieces;
	}
	if (rs->nout + rs->nin > d->max_chain)
		return -E2BIG;
	r->sg_out = kmalloc_array(rs->nout, sizeof(*sg), GFP_KERNEL);
	r->sg_in = kmalloc_array(rs->nin, sizeof(*sg), GFP_KERNEL);
	if (!r->sg_out || !r->sg_in)
		return -ENOMEM;
	sg_init_table(r->sg_out, rs->nout);
	sg_init_table(r->sg_in, rs->nin);
	sg = add_buf_sg(r->sg_out, r->cmd, r->cmd_len);
	for (i = 0; i < rs->n; i++)
		if (!ri[i].write)
			sg = add_ref_sg(sg, r->pages + ri[i].first, &ri[i]);
	sg = add_buf_sg(r->sg_in, r->reply, r->reply_room);
	for (i = 0; i < rs->n; i++)
		if (ri[i].write)
			sg = add_ref_sg(sg, r->pages + ri[i].first, &ri[i]);
	return 0;
}

/*
 * Pinned pages count against the process's RLIMIT_MEMLOCK (in
 * mm->pinned_vm, as other long-term pinners do) unless it may lock
 * memory at will (CAP_IPC_LOCK).
 */
static int charge_pinned(struct ava_guest_req *r, u64 npages)
{
	unsigned long limit = rlimit(RLIMIT_MEMLOCK) >> PAGE_SHIFT;
	struct mm_struct *mm = current->mm;

	if (!npages)
		return 0;
	if (atomic64_add_return(npages, &mm->pinned_vm) > limit &&
	    !capable(CAP_IPC_LOCK)) {
		atomic64_sub(npages, &mm->pinned_vm);
		return -ENOMEM;
	}
	mmgrab(mm);
	r->mm = mm;
	r->charged = npages;
	return 0;
}

/*
 * Pin the pages of every reference of r and build its descriptors;
 * rs->nout and rs->nin are their numbers.  On error nothing is pinned.
 */
int ava_guest_refs_prepare(struct ava_guest_dev *d, struct ava_guest_req *r,
			   struct ava_guest_refs *rs)
{
	int ret;

	memset(rs, 0, sizeof(*rs));
	rs->n = le32_to_cpu(((struct ava_cmd_hdr *)r->cmd)->nrefs);
	if (rs->n) {
		rs->ri = kmalloc_array(rs->n, sizeof(*rs->ri), GFP_KERNEL);
		if (!rs->ri)
			return -ENOMEM;
	}
	ret = refs_parse(d, r, rs);
	if (!ret)
		ret = charge_pinned(r, rs->npages);
	if (!ret) {
		refs_order(r, rs);
		ret = refs_pin(r, rs);
	}
	if (!ret)
		ret = build_sg(d, r, rs);
	if (ret)
		ava_guest_unpin(r, false);
	kfree(rs->ri);
	rs->ri = NULL;
	return ret;
}

/*
 * Unpin r's pages and give back their charge; dirty: the device may have
 * written the OUT pages.
 */
void ava_guest_unpin(struct ava_guest_req *r, bool dirty)
{
	if (r->npages) {
		unpin_user_pages(r->pages, r->nro);
		unpin_user_pages_dirty_lock(r->pages + r->nro,
					    r->npages - r->nro, dirty);
		r->npages = 0;
	}
	if (r->mm) {
		atomic64_sub(r->charged, &r->mm->pinned_vm);
		mmdrop(r->mm);
		r->mm = NULL;
	}
}
