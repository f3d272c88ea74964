// cuDNN through its own API (tests/gpu/run: native vs AvA).  The legacy
// API as PyTorch's conv2d and batch norm use it: a convolution forward
// (algorithm from cudnnGetConvolutionForwardAlgorithm_v7, a workspace),
// backward data and filter, forward in double with alpha 2 (the scaling
// factors' size follows the data type), batch normalization training
// forward and backward; then the backend (graph) API as cudnn-frontend
// uses it: tensors, a convolution, an operation graph, engine heuristics
// whose configurations cuDNN fills, an execution plan and a variant pack
// executed; an LSTM forward (cudnn_basic_rnn.h).  Each convolution and
// batch norm result is compared with the CPU; what is printed is the same
// natively and through AvA.
#include "common.h"
#include <cmath>
#include <cstring>
#include <cudnn.h>

#define CD(call)                                                                                   \
	do {                                                                                       \
		cudnnStatus_t s_ = (call);                                                         \
		if (s_ != CUDNN_STATUS_SUCCESS) {                                                  \
			printf("FAIL %s:%d: %s -> %s\n", __FILE__, __LINE__, #call, cudnnGetErrorString(s_)); \
			exit(1);                                                                   \
		}                                                                                  \
	} while (0)

// NCHW input, KCRS filter, 3x3 with padding 1 and stride 1: the output is NKHW.
enum { N = 2, C = 3, H = 8, W = 8, K = 4, R = 3, S = 3, PAD = 1 };
static int failures;

// Values exact in every precision cuDNN may compute in (TF32 included).
template <typename T> static std::vector<T> values(size_t n, int seed)
{
	std::vector<T> v(n);
	for (size_t i = 0; i < n; i++)
		v[i] = (T)(((int)((i * 7 + seed * 3) % 5)) - 2) * (T)0.5;
	return v;
}

static size_t xi(int n, int c, int h, int w) { return ((size_t)(n * C + c) * H + h) * W + w; }
static size_t yi(int n, int k, int h, int w) { return ((size_t)(n * K + k) * H + h) * W + w; }
static size_t wi(int k, int c, int r, int s) { return ((size_t)(k * C + c) * R + r) * S + s; }

// The cross-correlation's three products: y from x and w, dx from dy and w, dw from x and dy.
template <typename T> static void conv_cpu(const std::vector<T> &x, const std::vector<T> &w, const std::vector<T> &dy,
					   std::vector<double> &y, std::vector<double> &dx, std::vector<double> &dw)
{
	y.assign((size_t)N * K * H * W, 0);
	dx.assign((size_t)N * C * H * W, 0);
	dw.assign((size_t)K * C * R * S, 0);
	for (int n = 0; n < N; n++)
		for (int k = 0; k < K; k++)
			for (int oh = 0; oh < H; oh++)
				for (int ow = 0; ow < W; ow++)
					for (int c = 0; c < C; c++)
						for (int r = 0; r < R; r++)
							for (int s = 0; s < S; s++) {
								int h = oh + r - PAD, ww = ow + s - PAD;
								if (h < 0 || h >= H || ww < 0 || ww >= W)
									continue;
								y[yi(n, k, oh, ow)] += (double)x[xi(n, c, h, ww)] * w[wi(k, c, r, s)];
								dx[xi(n, c, h, ww)] += (double)dy[yi(n, k, oh, ow)] * w[wi(k, c, r, s)];
								dw[wi(k, c, r, s)] += (double)dy[yi(n, k, oh, ow)] * x[xi(n, c, h, ww)];
							}
}

template <typename T> static void compare(const char *what, const std::vector<T> &got, const std::vector<double> &want,
					  double scale, double tol)
{
	double worst = 0;
	for (size_t i = 0; i < want.size(); i++)
		worst = fmax(worst, fabs((double)got[i] - scale * want[i]));
	int ok = worst <= tol;
	failures += !ok;
	printf("%s: %zu values %s the CPU's\n", what, want.size(), ok ? "match" : "DIFFER from");
	if (!ok)
		printf("  worst difference %g\n", worst);
}

// A workspace of n bytes (none for 0), and its end.
static void *workspace(size_t n)
{
	void *p = nullptr;
	if (n)
		CK(cudaMalloc(&p, n));
	return p;
}

static void release(void *p)
{
	if (p)
		CK(cudaFree(p));
}

struct descs {
	cudnnTensorDescriptor_t x, y;
	cudnnFilterDescriptor_t w;
	cudnnConvolutionDescriptor_t conv;
};

static descs make_descs(cudnnDataType_t t)
{
	descs d;
	int xd[4] = { N, C, H, W }, xs[4] = { C * H * W, H * W, W, 1 };
	int yd[4] = { N, K, H, W }, ys[4] = { K * H * W, H * W, W, 1 }, wd[4] = { K, C, R, S };
	int pad[2] = { PAD, PAD }, stride[2] = { 1, 1 }, dil[2] = { 1, 1 }, out[4];

	CD(cudnnCreateTensorDescriptor(&d.x));
	CD(cudnnCreateTensorDescriptor(&d.y));
	CD(cudnnCreateFilterDescriptor(&d.w));
	CD(cudnnCreateConvolutionDescriptor(&d.conv));
	CD(cudnnSetTensorNdDescriptor(d.x, t, 4, xd, xs));
	CD(cudnnSetTensorNdDescriptor(d.y, t, 4, yd, ys));
	CD(cudnnSetFilterNdDescriptor(d.w, t, CUDNN_TENSOR_NCHW, 4, wd));
	CD(cudnnSetConvolutionNdDescriptor(d.conv, 2, pad, stride, dil, CUDNN_CROSS_CORRELATION, t));
	CD(cudnnSetConvolutionMathType(d.conv, CUDNN_FMA_MATH));
	CD(cudnnGetConvolutionNdForwardOutputDim(d.conv, d.x, d.w, 4, out));
	printf("output dims %d %d %d %d\n", out[0], out[1], out[2], out[3]);
	return d;
}

static void free_descs(descs &d)
{
	CD(cudnnDestroyTensorDescriptor(d.x));
	CD(cudnnDestroyTensorDescriptor(d.y));
	CD(cudnnDestroyFilterDescriptor(d.w));
	CD(cudnnDestroyConvolutionDescriptor(d.conv));
}

// Legacy forward, backward data and backward filter in float.
static void legacy_float(cudnnHandle_t h)
{
	descs d = make_descs(CUDNN_DATA_FLOAT);
	std::vector<float> x = values<float>((size_t)N * C * H * W, 1), w = values<float>((size_t)K * C * R * S, 2);
	std::vector<float> dy = values<float>((size_t)N * K * H * W, 3);
	std::vector<double> y_ref, dx_ref, dw_ref;
	conv_cpu(x, w, dy, y_ref, dx_ref, dw_ref);
	float *dxp = dev(x), *dwp = dev(w), *ddy = dev(dy), *dyp, *ddx, *ddw;
	CK(cudaMalloc(&dyp, y_ref.size() * sizeof(float)));
	CK(cudaMalloc(&ddx, x.size() * sizeof(float)));
	CK(cudaMalloc(&ddw, w.size() * sizeof(float)));
	float one = 1, zero = 0;

	cudnnConvolutionFwdAlgoPerf_t perf[CUDNN_CONVOLUTION_FWD_ALGO_COUNT];
	int got = 0;
	CD(cudnnGetConvolutionForwardAlgorithm_v7(h, d.x, d.w, d.conv, d.y, CUDNN_CONVOLUTION_FWD_ALGO_COUNT, &got, perf));
	printf("forward heuristics: %s\n", got > 0 ? "at least one algorithm" : "none");
	cudnnConvolutionFwdAlgo_t algo = perf[0].algo;
	size_t ws_size = 0;
	CD(cudnnGetConvolutionForwardWorkspaceSize(h, d.x, d.w, d.conv, d.y, algo, &ws_size));
	void *ws = workspace(ws_size);
	CD(cudnnConvolutionForward(h, &one, d.x, dxp, d.w, dwp, d.conv, algo, ws, ws_size, &zero, d.y, dyp));
	compare("legacy conv forward (float)", host(dyp, y_ref.size()), y_ref, 1, 1e-3);
	release(ws);

	// backward: the algorithms every GPU has, with their workspaces
	cudnnConvolutionBwdDataAlgo_t bda = CUDNN_CONVOLUTION_BWD_DATA_ALGO_1;
	CD(cudnnGetConvolutionBackwardDataWorkspaceSize(h, d.w, d.y, d.conv, d.x, bda, &ws_size));
	ws = workspace(ws_size);
	CD(cudnnConvolutionBackwardData(h, &one, d.w, dwp, d.y, ddy, d.conv, bda, ws, ws_size, &zero, d.x, ddx));
	compare("legacy conv backward data", host(ddx, x.size()), dx_ref, 1, 1e-3);
	release(ws);
	cudnnConvolutionBwdFilterAlgo_t bfa = CUDNN_CONVOLUTION_BWD_FILTER_ALGO_1;
	CD(cudnnGetConvolutionBackwardFilterWorkspaceSize(h, d.x, d.y, d.conv, d.w, bfa, &ws_size));
	ws = workspace(ws_size);
	CD(cudnnConvolutionBackwardFilter(h, &one, d.x, dxp, d.y, ddy, d.conv, bfa, ws, ws_size, &zero, d.w, ddw));
	compare("legacy conv backward filter", host(ddw, w.size()), dw_ref, 1, 1e-3);
	release(ws);
	CK(cudaFree(dxp));
	CK(cudaFree(dwp));
	CK(cudaFree(ddy));
	CK(cudaFree(dyp));
	CK(cudaFree(ddx));
	CK(cudaFree(ddw));
	free_descs(d);
}

// Double data: alpha and beta are doubles (alpha 2 doubles the output).
static void legacy_double(cudnnHandle_t h)
{
	descs d = make_descs(CUDNN_DATA_DOUBLE);
	std::vector<double> x = values<double>((size_t)N * C * H * W, 4), w = values<double>((size_t)K * C * R * S, 5);
	std::vector<double> dy = values<double>((size_t)N * K * H * W, 6);
	std::vector<double> y_ref, dx_ref, dw_ref;
	conv_cpu(x, w, dy, y_ref, dx_ref, dw_ref);
	double *dxp = dev(x), *dwp = dev(w), *dyp;
	CK(cudaMalloc(&dyp, y_ref.size() * sizeof(double)));
	double two = 2, zero = 0;
	cudnnConvolutionFwdAlgo_t algo = CUDNN_CONVOLUTION_FWD_ALGO_IMPLICIT_GEMM;
	CD(cudnnConvolutionForward(h, &two, d.x, dxp, d.w, dwp, d.conv, algo, nullptr, 0, &zero, d.y, dyp));
	compare("legacy conv forward (double, alpha 2)", host(dyp, y_ref.size()), y_ref, 2, 1e-9);
	CK(cudaFree(dxp));
	CK(cudaFree(dwp));
	CK(cudaFree(dyp));
	free_descs(d);
}

// Batch normalization, spatial, training: forward then backward, against the CPU.
static void batch_norm(cudnnHandle_t h)
{
	const size_t n = (size_t)N * C * H * W, per = (size_t)N * H * W;
	const double eps = 1e-5;
	std::vector<float> x(n), dy(n), scale(C, 1.5f), bias(C, 0.25f), zeros(C, 0.f);
	for (size_t i = 0; i < n; i++) {
		x[i] = (float)((i * 37 % 101) / 50.0 - 1);
		dy[i] = (float)((i * 53 % 97) / 48.0 - 1);
	}
	cudnnTensorDescriptor_t xd, bd;
	int dims[4] = { N, C, H, W }, strides[4] = { C * H * W, H * W, W, 1 };
	int bdims[4] = { 1, C, 1, 1 }, bstrides[4] = { C, 1, 1, 1 };
	CD(cudnnCreateTensorDescriptor(&xd));
	CD(cudnnCreateTensorDescriptor(&bd));
	CD(cudnnSetTensorNdDescriptor(xd, CUDNN_DATA_FLOAT, 4, dims, strides));
	CD(cudnnSetTensorNdDescriptor(bd, CUDNN_DATA_FLOAT, 4, bdims, bstrides));
	cudnnBatchNormMode_t mode = CUDNN_BATCHNORM_SPATIAL;
	cudnnBatchNormOps_t ops = CUDNN_BATCHNORM_OPS_BN;
	size_t fws = 0, bws = 0, rs = 0;
	CD(cudnnGetBatchNormalizationForwardTrainingExWorkspaceSize(h, mode, ops, xd, nullptr, xd, bd, nullptr, &fws));
	CD(cudnnGetBatchNormalizationBackwardExWorkspaceSize(h, mode, ops, xd, xd, xd, nullptr, xd, bd, nullptr, &bws));
	CD(cudnnGetBatchNormalizationTrainingExReserveSpaceSize(h, mode, ops, nullptr, xd, &rs));
	void *fw = workspace(fws), *bw = workspace(bws), *res = workspace(rs);
	float *dx = dev(x), *ddy = dev(dy), *dscale = dev(scale), *dbias = dev(bias);
	float *rmean = dev(zeros), *rvar = dev(zeros), *smean = dev(zeros), *sinv = dev(zeros);
	float *dyout, *ddx, *dgamma = dev(zeros), *dbeta = dev(zeros);
	CK(cudaMalloc(&dyout, n * sizeof(float)));
	CK(cudaMalloc(&ddx, n * sizeof(float)));
	float one = 1, zero = 0;
	CD(cudnnBatchNormalizationForwardTrainingEx(h, mode, ops, &one, &zero, xd, dx, nullptr, nullptr, xd, dyout, bd,
						    dscale, dbias, 1.0, rmean, rvar, eps, smean, sinv, nullptr, fw, fws,
						    res, rs));
	CD(cudnnBatchNormalizationBackwardEx(h, mode, ops, &one, &zero, &one, &zero, xd, dx, nullptr, nullptr, xd, ddy,
					     nullptr, nullptr, xd, ddx, bd, dscale, dbias, dgamma, dbeta, eps, smean, sinv,
					     nullptr, bw, bws, res, rs));
	// the CPU: per channel mean and (biased) variance, then both passes
	std::vector<double> y_ref(n), dx_ref(n), mean_ref(C), dg_ref(C), db_ref(C);
	for (int c = 0; c < C; c++) {
		double m = 0, v = 0, sdy = 0, sdyx = 0;
		for (int b = 0; b < N; b++)
			for (int i = 0; i < H * W; i++)
				m += x[xi(b, c, 0, 0) + i];
		m /= per;
		for (int b = 0; b < N; b++)
			for (int i = 0; i < H * W; i++)
				v += (x[xi(b, c, 0, 0) + i] - m) * (x[xi(b, c, 0, 0) + i] - m);
		v /= per;
		double inv = 1 / sqrt(v + eps);
		for (int b = 0; b < N; b++)
			for (int i = 0; i < H * W; i++) {
				size_t j = xi(b, c, 0, 0) + i;
				double xh = (x[j] - m) * inv;
				y_ref[j] = scale[c] * xh + bias[c];
				sdy += dy[j];
				sdyx += dy[j] * xh;
			}
		for (int b = 0; b < N; b++)
			for (int i = 0; i < H * W; i++) {
				size_t j = xi(b, c, 0, 0) + i;
				double xh = (x[j] - m) * inv;
				dx_ref[j] = scale[c] * inv * (dy[j] - sdy / per - xh * sdyx / per);
			}
		mean_ref[c] = m;
		dg_ref[c] = sdyx;
		db_ref[c] = sdy;
	}
	compare("batch norm forward: y", host(dyout, n), y_ref, 1, 1e-3);
	compare("batch norm forward: saved mean", host(smean, C), mean_ref, 1, 1e-4);
	compare("batch norm forward: running mean", host(rmean, C), mean_ref, 1, 1e-4);
	compare("batch norm backward: dx", host(ddx, n), dx_ref, 1, 1e-3);
	compare("batch norm backward: dscale", host(dgamma, C), dg_ref, 1, 1e-2);
	compare("batch norm backward: dbias", host(dbeta, C), db_ref, 1, 1e-2);
	for (void *p : { (void *)dx, (void *)ddy, (void *)dscale, (void *)dbias, (void *)rmean, (void *)rvar,
			 (void *)smean, (void *)sinv, (void *)dyout, (void *)ddx, (void *)dgamma, (void *)dbeta, fw, bw,
			 res })
		release(p);
	CD(cudnnDestroyTensorDescriptor(xd));
	CD(cudnnDestroyTensorDescriptor(bd));
}

#include "cudnn_basic_graph.h"
#include "cudnn_basic_rnn.h"

int main()
{
	print_device();
	cudnnHandle_t h;
	cudaStream_t stream, got = nullptr;
	CD(cudnnCreate(&h));
	CK(cudaStreamCreate(&stream));
	CD(cudnnSetStream(h, stream));
	CD(cudnnGetStream(h, &got));
	printf("cuDNN %zu.x, cudnnGetStream %s the stream set\n", cudnnGetVersion() / 10000,
	       got == stream ? "answers" : "DOES NOT answer");
	failures += got != stream;
	printf("cudnnGetErrorString(CUDNN_STATUS_BAD_PARAM): %s\n", cudnnGetErrorString(CUDNN_STATUS_BAD_PARAM));
	legacy_float(h);
	legacy_double(h);
	batch_norm(h);
	backend_conv(h);
	rnn_forward(h);
	CK(cudaStreamSynchronize(stream));
	CD(cudnnDestroy(h));
	CK(cudaStreamDestroy(stream));
	printf("%s\n", failures ? "FAILED" : "PASSED");
	return failures != 0;
}
