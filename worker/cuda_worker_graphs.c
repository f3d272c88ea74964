// SPDX-License-Identifier: MIT
/*
 * Graph queries and memory pool attributes in the worker (api/cudart.spec).
 * Node arrays come back as borrowed handles (the generated code turns the
 * worker's nodes into ids); at most cap of them, however many there are.
 * cudaGraphDebugDotPrint writes to a memory file here and the text goes
 * back to the guest, which writes the file the program named.
 */
#include "cuda_worker_internal.h"

#include <stdio.h>
#include <sys/mman.h>
#include <unistd.h>

cudaError_t avaw_rt_capture_info(struct avaw_call *c, cudaStream_t stream, enum cudaStreamCaptureStatus *status,
				 unsigned long long *id, ava_capgraph_t *graph, size_t cap, cudaGraphNode_t *deps, cudaGraphEdgeData *edges,
				 size_t *num)
{
	const cudaGraphNode_t *d = NULL;
	const cudaGraphEdgeData *e = NULL;
	size_t n = 0;
	cudaError_t r;

	(void)c;
	if (!RT.cudaStreamGetCaptureInfo)
		return cudaErrorNotSupported;
	r = RT.cudaStreamGetCaptureInfo(stream, status, id, graph, &d, &e, &n);
	*num = r == cudaSuccess ? n : 0;
	for (size_t i = 0; r == cudaSuccess && i < n && i < cap; i++) {
		deps[i] = d ? d[i] : NULL;
		if (e)
			edges[i] = e[i];
		else
			memset(&edges[i], 0, sizeof(edges[i]));
	}
	return r;
}

cudaError_t avaw_rt_graph_nodes(struct avaw_call *c, cudaGraph_t graph, size_t cap, cudaGraphNode_t *nodes,
				size_t *num)
{
	(void)c;
	if (!RT.cudaGraphGetNodes)
		return cudaErrorNotSupported;
	*num = cap;
	return RT.cudaGraphGetNodes(graph, cap ? nodes : NULL, num);
}

cudaError_t avaw_rt_graph_node_deps(struct avaw_call *c, cudaGraphNode_t node, size_t cap, cudaGraphNode_t *deps,
				    cudaGraphEdgeData *edges, size_t *num)
{
	(void)c;
	if (!RT.cudaGraphNodeGetDependencies)
		return cudaErrorNotSupported;
	*num = cap;
	return RT.cudaGraphNodeGetDependencies(node, cap ? deps : NULL, cap ? edges : NULL, num);
}

/* The dot text of graph into text (cap bytes at most); *len: its full length. */
cudaError_t avaw_rt_graph_dot(struct avaw_call *c, cudaGraph_t graph, unsigned int flags, size_t cap, char *text,
			      size_t *len)
{
	char path[64];
	cudaError_t r;
	off_t end;
	int fd;

	(void)c;
	*len = 0;
	if (!RT.cudaGraphDebugDotPrint)
		return cudaErrorNotSupported;
	fd = memfd_create("ava-graph-dot", MFD_CLOEXEC);
	if (fd < 0)
		return cudaErrorOperatingSystem;
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	r = RT.cudaGraphDebugDotPrint(graph, path, flags);
	end = lseek(fd, 0, SEEK_END);
	if (r == cudaSuccess && end < 0)
		r = cudaErrorOperatingSystem;
	if (r == cudaSuccess) {
		*len = (size_t)end;
		if (cap && pread(fd, text, *len < cap ? *len : cap, 0) < 0)
			r = cudaErrorOperatingSystem;
	}
	close(fd);
	return r;
}

cudaError_t avaw_rt_pool_get_attr(struct avaw_call *c, cudaMemPool_t pool, enum cudaMemPoolAttr attr, void *value)
{
	(void)c;
	/* a value of unknown size could be written past the buffer */
	if (!ava_cu_mempool_attr_size(attr))
		return cudaErrorInvalidValue;
	return RT.cudaMemPoolGetAttribute ? RT.cudaMemPoolGetAttribute(pool, attr, value) : cudaErrorNotSupported;
}

cudaError_t avaw_rt_pool_set_attr(struct avaw_call *c, cudaMemPool_t pool, enum cudaMemPoolAttr attr, void *value)
{
	(void)c;
	if (!ava_cu_mempool_attr_size(attr))
		return cudaErrorInvalidValue;
	return RT.cudaMemPoolSetAttribute ? RT.cudaMemPoolSetAttribute(pool, attr, value) : cudaErrorNotSupported;
}
