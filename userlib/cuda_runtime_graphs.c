// SPDX-License-Identifier: MIT
/*
 * Stream capture and graph queries of the libcudart.so.13 shim.  While no
 * capture is under way in the process (cuda_capture.c), capture queries
 * are answered here; otherwise the worker's libcudart answers.  Node arrays
 * are fetched into guest memory, the count first where the caller wants
 * them all.
 */
#include "cuda_runtime_more.h"

#include <stdio.h>

AVA_CU_CAPTURE_ENTRY_POINTS(cudaError_t, cudaStreamBeginCapture, cudaStreamEndCapture, cudaStream_t,
			    enum cudaStreamCaptureMode, cudaGraph_t)

/* No capture anywhere in the process, and stream is one the worker would
 * accept (a special stream or one of this session's). */
static int surely_not_capturing(cudaStream_t stream)
{
	return !ava_cu_captures_active() &&
	       ((uintptr_t)stream <= AVA_CU_SPECIAL_MAX || ava_obj_check(stream, AVA_HT_CUDA_stream));
}

AVA_EXPORT cudaError_t cudaStreamIsCapturing(cudaStream_t stream, enum cudaStreamCaptureStatus *pCaptureStatus)
{
	if (pCaptureStatus && surely_not_capturing(stream)) {
		ava_trace_answered();
		*pCaptureStatus = cudaStreamCaptureStatusNone;
		return cudaSuccess;
	}
	return avagen_cudaStreamIsCapturing(stream, pCaptureStatus);
}

/* A capture's terminal nodes, valid until the thread's next query. */
struct deps_buf {
	size_t cap;
	cudaGraphNode_t *nodes;
	cudaGraphEdgeData *edges;
};
static _Thread_local struct deps_buf capture_deps;

static int deps_reserve(struct deps_buf *b, size_t n)
{
	cudaGraphNode_t *nodes;
	cudaGraphEdgeData *edges;

	if (n <= b->cap)
		return 0;
	nodes = realloc(b->nodes, n * sizeof(*nodes));
	if (nodes)
		b->nodes = nodes;
	edges = nodes ? realloc(b->edges, n * sizeof(*edges)) : NULL;
	if (!edges)
		return -1;
	b->edges = edges;
	b->cap = n;
	return 0;
}

cudaError_t avaguest_cudaStreamGetCaptureInfo(cudaStream_t stream, enum cudaStreamCaptureStatus *captureStatus_out,
					      unsigned long long *id_out, cudaGraph_t *graph_out,
					      const cudaGraphNode_t **dependencies_out,
					      const cudaGraphEdgeData **edgeData_out, size_t *numDependencies_out)
{
	struct deps_buf *b = &capture_deps;
	enum cudaStreamCaptureStatus st = cudaStreamCaptureStatusNone;
	unsigned long long id = 0;
	ava_capgraph_t g = NULL;
	size_t n = 0;
	cudaError_t r = cudaSuccess;

	if (!captureStatus_out)
		return ava_rt_err(cudaErrorInvalidValue);
	if (surely_not_capturing(stream)) {
		ava_trace_answered();
	} else {
		/* room for what the last capture had; asked again when it has more */
		do {
			if (deps_reserve(b, n > b->cap ? n : (b->cap ? b->cap : 16)))
				return ava_rt_err(cudaErrorMemoryAllocation);
			r = avagen_avaRtCaptureInfo(stream, &st, &id, &g, b->cap, b->nodes, b->edges, &n);
		} while (r == cudaSuccess && n > b->cap);
		if (r != cudaSuccess)
			return r;
	}
	*captureStatus_out = st;
	if (id_out)
		*id_out = id;
	if (graph_out)
		*graph_out = g;	/* a capgraph handle (api/cudart.spec) */
	if (dependencies_out)
		*dependencies_out = n ? b->nodes : NULL;
	if (edgeData_out)
		*edgeData_out = n ? b->edges : NULL;
	if (numDependencies_out)
		*numDependencies_out = n;
	return cudaSuccess;
}

cudaError_t avaguest_cudaGraphGetNodes(cudaGraph_t graph, cudaGraphNode_t *nodes, size_t *numNodes)
{
	if (!numNodes)
		return ava_rt_err(cudaErrorInvalidValue);
	return avagen_avaRtGraphNodes(graph, nodes ? *numNodes : 0, nodes, numNodes);
}

cudaError_t avaguest_cudaGraphNodeGetDependencies(cudaGraphNode_t node, cudaGraphNode_t *pDependencies,
						  cudaGraphEdgeData *edgeData, size_t *pNumDependencies)
{
	struct deps_buf b = { 0 };
	size_t cap;
	cudaError_t r;

	if (!pNumDependencies || (edgeData && !pDependencies))
		return ava_rt_err(cudaErrorInvalidValue);
	cap = pDependencies ? *pNumDependencies : 0;
	if (!edgeData || !cap)
		return avagen_avaRtGraphNodeDeps(node, cap, pDependencies, edgeData, pNumDependencies);
	/* edges wanted: the worker fills both arrays */
	if (deps_reserve(&b, cap))
		r = ava_rt_err(cudaErrorMemoryAllocation);
	else
		r = avagen_avaRtGraphNodeDeps(node, cap, pDependencies, b.edges, pNumDependencies);
	if (r == cudaSuccess)
		memcpy(edgeData, b.edges, (*pNumDependencies < cap ? *pNumDependencies : cap) * sizeof(*edgeData));
	free(b.nodes);
	free(b.edges);
	return r;
}

cudaError_t avaguest_cudaGraphDebugDotPrint(cudaGraph_t graph, const char *path, unsigned int flags)
{
	size_t cap = 1 << 16, len = 0;
	char *text = NULL, *t;
	cudaError_t r;
	FILE *f;

	if (!path)
		return ava_rt_err(cudaErrorInvalidValue);
	do {
		cap = len > cap ? len : cap;
		t = realloc(text, cap);
		if (!t) {
			free(text);
			return ava_rt_err(cudaErrorMemoryAllocation);
		}
		text = t;
		r = avagen_avaRtGraphDot(graph, flags, cap, text, &len);
	} while (r == cudaSuccess && len > cap);
	if (r == cudaSuccess) {
		f = fopen(path, "w");
		if (!f || fwrite(text, 1, len, f) != len)
			r = ava_rt_err(cudaErrorOperatingSystem);
		if (f && fclose(f))
			r = ava_rt_err(cudaErrorOperatingSystem);
	}
	free(text);
	return r;
}
