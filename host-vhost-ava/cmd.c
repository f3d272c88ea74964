// SPDX-License-Identifier: GPL-2.0-only
/*
 * AvA host module: reading and checking a command taken off a ring.
 * The chain has been walked (vq.c); here the command is copied out of
 * guest memory, its wire header and buffer references are checked
 * against the chain, and the command is either answered in the kernel
 * (errors; AVA_CTL_PING when nothing is outstanding) or marked for the
 * worker.
 */
#include <linux/slab.h>
#include <linux/mm.h>

#include "ava_host.h"

#define HDR_LEN		sizeof(struct ava_cmd_hdr)
#define REF_LEN		sizeof(struct ava_buf_ref)

/*
 * Copy len bytes at offset off of the byte stream that starts at
 * segment seg and runs through the readable (or writable) segments.
 */
int ava_host_seg_copy(struct ava_host_inst *inst, struct ava_host_req *req, u32 seg,
		      u64 off, void *buf, u32 len, bool write)
{
	u32 end = write ? req->nseg : req->nrd;

	while (len) {
		struct ava_host_seg *s;
		u32 n;
		int ret;

		if (seg >= end)
			return -EFAULT;
		s = &req->segs[seg];
		if (off >= s->len) {
			off -= s->len;
			seg++;
			continue;
		}
		n = min_t(u64, len, s->len - off);
		ret = vfio_dma_rw(&inst->vdev, s->addr + off, buf, n, write);
		if (ret)
			return ret;
		buf += n;
		len -= n;
		off = 0;
		seg++;
	}
	return 0;
}

static u32 check_hdr(const struct ava_cmd_hdr *h, u64 rd_bytes)
{
	u32 inl = le32_to_cpu(h->inline_len);
	u32 nrefs = le32_to_cpu(h->nrefs);
	u32 total = le32_to_cpu(h->total_len);

	if (le32_to_cpu(h->magic) != AVA_WIRE_MAGIC ||
	    le16_to_cpu(h->version) != AVA_WIRE_VERSION)
		return AVA_S_BAD_MAGIC;
	/* h->session is checked where the command is queued (session.c) */
	if (le32_to_cpu(h->flags) & ~AVA_CMD_KNOWN_FLAGS)
		return AVA_S_MALFORMED;
	if (le16_to_cpu(h->api_id) >= AVA_API_COUNT)
		return AVA_S_BAD_API;
	if (inl > AVA_MAX_INLINE || nrefs > AVA_MAX_REFS)
		return AVA_S_TOO_LARGE;
	/* both limits are small, so this cannot overflow */
	if (inl % AVA_ITEM_ALIGN || total != HDR_LEN + inl + nrefs * REF_LEN)
		return AVA_S_MALFORMED;
	if (total > rd_bytes)
		return AVA_S_MALFORMED;
	return AVA_S_OK;
}

/*
 * Walk len bytes of a reference's data starting at (seg, off) and
 * check that its pieces can be mapped contiguously: every piece but the
 * first starts on a page, every piece but the last ends on one.
 * Advances (seg, off) past the data.
 */
static bool ref_shape_ok(struct ava_host_req *req, u32 *seg, u64 *off, u64 len,
			 u32 end)
{
	bool first = true;

	while (len) {
		struct ava_host_seg *s;
		u64 n, a;

		if (*seg >= end)
			return false;
		s = &req->segs[*seg];
		if (*off >= s->len) {
			*off -= s->len;
			(*seg)++;
			continue;
		}
		a = s->addr + *off;
		n = min_t(u64, len, s->len - *off);
		if (!first && offset_in_page(a))
			return false;
		if (n < len && offset_in_page(a + n))
			return false;
		first = false;
		len -= n;
		*off += n;
	}
	return true;
}

/*
 * The reply room: the writable descriptors before the OUT data, bytes in
 * all (a guest may split it, e.g. a vmalloc'd room one descriptor per
 * page).  It must hold a reply header and end where a descriptor ends,
 * so that the OUT data starts on a descriptor of its own.  Sets
 * req->reply_room (what a reply may fill) and req->out_seg.
 */
static int set_reply_room(struct ava_host_req *req, u64 bytes)
{
	u32 seg = req->nrd;
	u64 sum = 0;

	if (bytes < sizeof(struct ava_reply_hdr))
		return -EINVAL;
	while (sum < bytes && seg < req->nseg)
		sum += req->segs[seg++].len;
	if (sum != bytes)
		return -EINVAL;
	req->out_seg = seg;
	req->reply_room = min_t(u64, bytes, AVA_MAX_REPLY);
	return 0;
}

static u32 check_refs(struct ava_host_req *req, u32 total)
{
	const struct ava_buf_ref *refs;
	u32 nrefs = le32_to_cpu(req->hdr.nrefs);
	u64 in = 0, out = 0;
	u32 rseg = 0, wseg;
	u64 roff = total, woff = 0;
	u32 i;

	refs = req->cmd + total - nrefs * REF_LEN;
	for (i = 0; i < nrefs; i++) {
		u32 fl = le32_to_cpu(refs[i].flags);
		u64 len = le64_to_cpu(refs[i].len);

		/* AVA_REF_STREAM is the local transport's: refused here */
		if (!fl || (fl & ~(AVA_REF_IN | AVA_REF_OUT)) || refs[i].reserved ||
		    refs[i].offset || !len)
			return AVA_S_BAD_REF;
		if (len > ava_host_max_ref_bytes)
			return AVA_S_TOO_LARGE;
		if (fl & AVA_REF_OUT)
			out += len;
		else
			in += len;
		if (in + out > ava_host_max_ref_bytes)
			return AVA_S_TOO_LARGE;
	}
	/* the data must fill the chain exactly */
	if (in != req->rd_bytes - total || out > req->wr_bytes ||
	    set_reply_room(req, req->wr_bytes - out))
		return AVA_S_BAD_REF;
	wseg = req->out_seg;
	for (i = 0; i < nrefs; i++) {
		u32 fl = le32_to_cpu(refs[i].flags);
		u64 len = le64_to_cpu(refs[i].len);
		bool ok;

		if (fl & AVA_REF_OUT)
			ok = ref_shape_ok(req, &wseg, &woff, len, req->nseg);
		else
			ok = ref_shape_ok(req, &rseg, &roff, len, req->nrd);
		if (!ok)
			return AVA_S_BAD_REF;
	}
	req->ref_bytes = in + out;
	return AVA_S_OK;
}

int ava_host_cmd_take(struct ava_host_inst *inst, struct ava_host_req *req)
{
	struct ava_host_seg *rs;
	u32 total;
	int ret;

	/*
	 * The reply starts at the first writable descriptor, which holds at
	 * least its header (an error status); the whole room is known once
	 * the references are (check_refs()).
	 */
	if (req->nrd == req->nseg)
		return AVA_TAKE_BADCHAIN;
	rs = &req->segs[req->nrd];
	if (rs->len < sizeof(struct ava_reply_hdr))
		return AVA_TAKE_BADCHAIN;
	req->reply_room = sizeof(struct ava_reply_hdr);
	req->out_seg = req->nrd + 1;

	if (req->rd_bytes < HDR_LEN) {
		req->status = AVA_S_MALFORMED;
		return AVA_TAKE_REPLY;
	}
	ret = ava_host_seg_copy(inst, req, 0, 0, &req->hdr, HDR_LEN, false);
	if (ret)
		return AVA_TAKE_BADCHAIN;
	atomic64_add(HDR_LEN, &inst->st.bytes_copied);
	req->status = check_hdr(&req->hdr, req->rd_bytes);
	if (req->status)
		return AVA_TAKE_REPLY;

	total = le32_to_cpu(req->hdr.total_len);
	req->cmd = kvmalloc(total, GFP_KERNEL_ACCOUNT);
	if (!req->cmd) {
		req->status = AVA_S_NO_MEMORY;
		return AVA_TAKE_REPLY;
	}
	req->cmd_len = total;
	memcpy(req->cmd, &req->hdr, HDR_LEN);
	if (total > HDR_LEN) {
		ret = ava_host_seg_copy(inst, req, 0, HDR_LEN, req->cmd + HDR_LEN,
					total - HDR_LEN, false);
		if (ret)
			return AVA_TAKE_BADCHAIN;
		atomic64_add(total - HDR_LEN, &inst->st.bytes_copied);
	}
	req->status = check_refs(req, total);
	if (req->status)
		return AVA_TAKE_REPLY;
	/*
	 * A PING's reply means every earlier command is done: answer it
	 * here only when the worker has nothing outstanding.
	 */
	if (le16_to_cpu(req->hdr.api_id) == AVA_API_CONTROL &&
	    le32_to_cpu(req->hdr.func_id) == AVA_CTL_PING &&
	    ava_host_queue_idle(inst))
		return AVA_TAKE_REPLY;
	return AVA_TAKE_WORKER;
}
