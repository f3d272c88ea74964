// The backend (graph) part of cudnn_basic.cu: a convolution forward built
// as cudnn-frontend builds it (tensors, a convolution, the operation, an
// operation graph on the handle, engine heuristics, an engine
// configuration cuDNN fills, an execution plan, a variant pack) and
// executed.  Attribute arrays of every kind travel: values, descriptors,
// the handle, device pointers; the heuristics' configurations come back
// filled by cuDNN; the plan's workspace size is read back.
#pragma once

static cudnnBackendDescriptor_t make(cudnnBackendDescriptorType_t t)
{
	cudnnBackendDescriptor_t d;
	CD(cudnnBackendCreateDescriptor(t, &d));
	return d;
}

static void set(cudnnBackendDescriptor_t d, cudnnBackendAttributeName_t a, cudnnBackendAttributeType_t t,
		int64_t n, const void *v)
{
	cudnnStatus_t s = cudnnBackendSetAttribute(d, a, t, n, v);
	if (s != CUDNN_STATUS_SUCCESS) {
		printf("FAIL cudnnBackendSetAttribute(attribute %d, type %d) -> %s\n", (int)a, (int)t,
		       cudnnGetErrorString(s));
		exit(1);
	}
}

static cudnnBackendDescriptor_t backend_tensor(int64_t uid, const int64_t *dims, const int64_t *strides)
{
	cudnnBackendDescriptor_t t = make(CUDNN_BACKEND_TENSOR_DESCRIPTOR);
	cudnnDataType_t f = CUDNN_DATA_FLOAT;
	int64_t align = 16;
	set(t, CUDNN_ATTR_TENSOR_DATA_TYPE, CUDNN_TYPE_DATA_TYPE, 1, &f);
	set(t, CUDNN_ATTR_TENSOR_DIMENSIONS, CUDNN_TYPE_INT64, 4, dims);
	set(t, CUDNN_ATTR_TENSOR_STRIDES, CUDNN_TYPE_INT64, 4, strides);
	set(t, CUDNN_ATTR_TENSOR_UNIQUE_ID, CUDNN_TYPE_INT64, 1, &uid);
	set(t, CUDNN_ATTR_TENSOR_BYTE_ALIGNMENT, CUDNN_TYPE_INT64, 1, &align);
	CD(cudnnBackendFinalize(t));
	return t;
}

// The first configuration the heuristics give that makes a plan; the
// heuristics and configurations stay in keep until the plan is done with.
static cudnnBackendDescriptor_t plan_for(cudnnHandle_t h, cudnnBackendDescriptor_t graph,
					 std::vector<cudnnBackendDescriptor_t> &keep)
{
	cudnnBackendDescriptor_t heur = make(CUDNN_BACKEND_ENGINEHEUR_DESCRIPTOR), plan = nullptr;
	cudnnBackendHeurMode_t mode = CUDNN_HEUR_MODE_INSTANT;
	set(heur, CUDNN_ATTR_ENGINEHEUR_OPERATION_GRAPH, CUDNN_TYPE_BACKEND_DESCRIPTOR, 1, &graph);
	set(heur, CUDNN_ATTR_ENGINEHEUR_MODE, CUDNN_TYPE_HEUR_MODE, 1, &mode);
	CD(cudnnBackendFinalize(heur));
	int64_t count = 0;
	CD(cudnnBackendGetAttribute(heur, CUDNN_ATTR_ENGINEHEUR_RESULTS, CUDNN_TYPE_BACKEND_DESCRIPTOR, 0, &count,
				    nullptr));
	printf("backend heuristics: %s\n", count > 0 ? "at least one configuration" : "none");
	std::vector<cudnnBackendDescriptor_t> cfgs((size_t)count);
	for (auto &c : cfgs)
		c = make(CUDNN_BACKEND_ENGINECFG_DESCRIPTOR);
	int64_t got = 0;
	CD(cudnnBackendGetAttribute(heur, CUDNN_ATTR_ENGINEHEUR_RESULTS, CUDNN_TYPE_BACKEND_DESCRIPTOR, count, &got,
				    cfgs.data()));
	for (int64_t i = 0; i < got && !plan; i++) {
		cudnnBackendDescriptor_t p = make(CUDNN_BACKEND_EXECUTION_PLAN_DESCRIPTOR);
		set(p, CUDNN_ATTR_EXECUTION_PLAN_HANDLE, CUDNN_TYPE_HANDLE, 1, &h);
		set(p, CUDNN_ATTR_EXECUTION_PLAN_ENGINE_CONFIG, CUDNN_TYPE_BACKEND_DESCRIPTOR, 1, &cfgs[i]);
		if (cudnnBackendFinalize(p) == CUDNN_STATUS_SUCCESS)
			plan = p;
		else
			CD(cudnnBackendDestroyDescriptor(p));
	}
	keep = cfgs;
	keep.push_back(heur);
	printf("backend execution plan: %s\n", plan ? "finalized" : "NONE");
	if (!plan)
		exit(1);
	return plan;
}

static void backend_conv(cudnnHandle_t h)
{
	int64_t xd[4] = { N, C, H, W }, xs[4] = { C * H * W, H * W, W, 1 };
	int64_t wd[4] = { K, C, R, S }, ws[4] = { C * R * S, R * S, S, 1 };
	int64_t yd[4] = { N, K, H, W }, ys[4] = { K * H * W, H * W, W, 1 };
	cudnnBackendDescriptor_t x = backend_tensor('x', xd, xs), w = backend_tensor('w', wd, ws);
	cudnnBackendDescriptor_t y = backend_tensor('y', yd, ys);

	cudnnBackendDescriptor_t conv = make(CUDNN_BACKEND_CONVOLUTION_DESCRIPTOR);
	cudnnDataType_t f = CUDNN_DATA_FLOAT;
	cudnnConvolutionMode_t cm = CUDNN_CROSS_CORRELATION;
	int64_t dims = 2, pad[2] = { PAD, PAD }, one2[2] = { 1, 1 };
	set(conv, CUDNN_ATTR_CONVOLUTION_COMP_TYPE, CUDNN_TYPE_DATA_TYPE, 1, &f);
	set(conv, CUDNN_ATTR_CONVOLUTION_CONV_MODE, CUDNN_TYPE_CONVOLUTION_MODE, 1, &cm);
	set(conv, CUDNN_ATTR_CONVOLUTION_SPATIAL_DIMS, CUDNN_TYPE_INT64, 1, &dims);
	set(conv, CUDNN_ATTR_CONVOLUTION_DILATIONS, CUDNN_TYPE_INT64, 2, one2);
	set(conv, CUDNN_ATTR_CONVOLUTION_FILTER_STRIDES, CUDNN_TYPE_INT64, 2, one2);
	set(conv, CUDNN_ATTR_CONVOLUTION_PRE_PADDINGS, CUDNN_TYPE_INT64, 2, pad);
	set(conv, CUDNN_ATTR_CONVOLUTION_POST_PADDINGS, CUDNN_TYPE_INT64, 2, pad);
	CD(cudnnBackendFinalize(conv));

	cudnnBackendDescriptor_t op = make(CUDNN_BACKEND_OPERATION_CONVOLUTION_FORWARD_DESCRIPTOR);
	float alpha = 1, beta = 0;
	set(op, CUDNN_ATTR_OPERATION_CONVOLUTION_FORWARD_X, CUDNN_TYPE_BACKEND_DESCRIPTOR, 1, &x);
	set(op, CUDNN_ATTR_OPERATION_CONVOLUTION_FORWARD_W, CUDNN_TYPE_BACKEND_DESCRIPTOR, 1, &w);
	set(op, CUDNN_ATTR_OPERATION_CONVOLUTION_FORWARD_Y, CUDNN_TYPE_BACKEND_DESCRIPTOR, 1, &y);
	set(op, CUDNN_ATTR_OPERATION_CONVOLUTION_FORWARD_CONV_DESC, CUDNN_TYPE_BACKEND_DESCRIPTOR, 1, &conv);
	set(op, CUDNN_ATTR_OPERATION_CONVOLUTION_FORWARD_ALPHA, CUDNN_TYPE_FLOAT, 1, &alpha);
	set(op, CUDNN_ATTR_OPERATION_CONVOLUTION_FORWARD_BETA, CUDNN_TYPE_FLOAT, 1, &beta);
	CD(cudnnBackendFinalize(op));

	cudnnBackendDescriptor_t graph = make(CUDNN_BACKEND_OPERATIONGRAPH_DESCRIPTOR);
	set(graph, CUDNN_ATTR_OPERATIONGRAPH_OPS, CUDNN_TYPE_BACKEND_DESCRIPTOR, 1, &op);
	set(graph, CUDNN_ATTR_OPERATIONGRAPH_HANDLE, CUDNN_TYPE_HANDLE, 1, &h);
	CD(cudnnBackendFinalize(graph));
	int64_t nops = 0, n = 0;
	CD(cudnnBackendGetAttribute(graph, CUDNN_ATTR_OPERATIONGRAPH_ENGINE_GLOBAL_COUNT, CUDNN_TYPE_INT64, 1, &n,
				    &nops));
	printf("backend operation graph: %s engines\n", nops > 0 ? "has" : "has NO");

	std::vector<cudnnBackendDescriptor_t> keep;
	cudnnBackendDescriptor_t plan = plan_for(h, graph, keep);
	int64_t ws_size = -1;
	CD(cudnnBackendGetAttribute(plan, CUDNN_ATTR_EXECUTION_PLAN_WORKSPACE_SIZE, CUDNN_TYPE_INT64, 1, &n, &ws_size));
	printf("backend plan workspace size read back: %s\n", ws_size >= 0 ? "yes" : "NO");

	std::vector<float> xv = values<float>((size_t)N * C * H * W, 7), wv = values<float>((size_t)K * C * R * S, 8);
	std::vector<float> unused((size_t)N * K * H * W);
	std::vector<double> y_ref, dx_ref, dw_ref;
	conv_cpu(xv, wv, unused, y_ref, dx_ref, dw_ref);
	float *dxp = dev(xv), *dwp = dev(wv), *dyp;
	CK(cudaMalloc(&dyp, y_ref.size() * sizeof(float)));
	void *work = workspace(ws_size > 0 ? (size_t)ws_size : 0);
	void *ptrs[3] = { dxp, dwp, dyp };
	int64_t uids[3] = { 'x', 'w', 'y' };
	cudnnBackendDescriptor_t pack = make(CUDNN_BACKEND_VARIANT_PACK_DESCRIPTOR);
	set(pack, CUDNN_ATTR_VARIANT_PACK_DATA_POINTERS, CUDNN_TYPE_VOID_PTR, 3, ptrs);
	set(pack, CUDNN_ATTR_VARIANT_PACK_UNIQUE_IDS, CUDNN_TYPE_INT64, 3, uids);
	set(pack, CUDNN_ATTR_VARIANT_PACK_WORKSPACE, CUDNN_TYPE_VOID_PTR, 1, &work);
	CD(cudnnBackendFinalize(pack));
	CD(cudnnBackendExecute(h, plan, pack));
	compare("backend conv forward (graph)", host(dyp, y_ref.size()), y_ref, 1, 1e-2);

	CD(cudnnBackendDestroyDescriptor(pack));
	CD(cudnnBackendDestroyDescriptor(plan));
	for (auto d : keep)
		CD(cudnnBackendDestroyDescriptor(d));
	for (cudnnBackendDescriptor_t d : { graph, op, conv, x, w, y })
		CD(cudnnBackendDestroyDescriptor(d));
	CK(cudaFree(dxp));
	CK(cudaFree(dwp));
	CK(cudaFree(dyp));
	release(work);
}
