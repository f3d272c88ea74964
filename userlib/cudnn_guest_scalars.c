// SPDX-License-Identifier: MIT
/*
 * The legacy calls with scaling factors (alpha, beta).  cuDNN reads each as
 * a double for double data and as a float otherwise, so the guest reads as
 * much as the program gave (after the data type it saw for the call's
 * tensor) and sends it in 8 bytes, of which cuDNN reads its part.
 */
#define AVA_GUEST_IMPL_DECLS 1	/* the generated stubs this file calls (cudnn_ids.h) */
#include "cudnn_guest_rt.h"

typedef union ava_cudnn_scalar scalar;
#define S(v, p, desc) ava_cudnn_scalar(&(v), (p), (desc))

AVA_EXPORT cudnnStatus_t cudnnConvolutionForward(cudnnHandle_t handle, const void *alpha,
						 const cudnnTensorDescriptor_t xDesc, const void *x,
						 const cudnnFilterDescriptor_t wDesc, const void *w,
						 const cudnnConvolutionDescriptor_t convDesc, cudnnConvolutionFwdAlgo_t algo,
						 void *workSpace, size_t workSpaceSizeInBytes, const void *beta,
						 const cudnnTensorDescriptor_t yDesc, void *y)
{
	scalar a, b;

	return avagen_cudnnConvolutionForward(handle, S(a, alpha, yDesc), xDesc, x, wDesc, w, convDesc, algo,
					      workSpace, workSpaceSizeInBytes, S(b, beta, yDesc), yDesc, y);
}

AVA_EXPORT cudnnStatus_t cudnnConvolutionBackwardData(cudnnHandle_t handle, const void *alpha,
						      const cudnnFilterDescriptor_t wDesc, const void *w,
						      const cudnnTensorDescriptor_t dyDesc, const void *dy,
						      const cudnnConvolutionDescriptor_t convDesc,
						      cudnnConvolutionBwdDataAlgo_t algo, void *workSpace,
						      size_t workSpaceSizeInBytes, const void *beta,
						      const cudnnTensorDescriptor_t dxDesc, void *dx)
{
	scalar a, b;

	return avagen_cudnnConvolutionBackwardData(handle, S(a, alpha, dxDesc), wDesc, w, dyDesc, dy, convDesc, algo,
						   workSpace, workSpaceSizeInBytes, S(b, beta, dxDesc), dxDesc, dx);
}

/* the filter's data type is the tensors' (x and dy) */
AVA_EXPORT cudnnStatus_t cudnnConvolutionBackwardFilter(cudnnHandle_t handle, const void *alpha,
							const cudnnTensorDescriptor_t xDesc, const void *x,
							const cudnnTensorDescriptor_t dyDesc, const void *dy,
							const cudnnConvolutionDescriptor_t convDesc,
							cudnnConvolutionBwdFilterAlgo_t algo, void *workSpace,
							size_t workSpaceSizeInBytes, const void *beta,
							const cudnnFilterDescriptor_t dwDesc, void *dw)
{
	scalar a, b;

	return avagen_cudnnConvolutionBackwardFilter(handle, S(a, alpha, xDesc), xDesc, x, dyDesc, dy, convDesc, algo,
						     workSpace, workSpaceSizeInBytes, S(b, beta, xDesc), dwDesc, dw);
}

AVA_EXPORT cudnnStatus_t cudnnConvolutionBackwardBias(cudnnHandle_t handle, const void *alpha,
						      const cudnnTensorDescriptor_t dyDesc, const void *dy,
						      const void *beta, const cudnnTensorDescriptor_t dbDesc, void *db)
{
	scalar a, b;

	return avagen_cudnnConvolutionBackwardBias(handle, S(a, alpha, dbDesc), dyDesc, dy, S(b, beta, dbDesc),
						   dbDesc, db);
}

AVA_EXPORT cudnnStatus_t cudnnConvolutionBiasActivationForward(
	cudnnHandle_t handle, const void *alpha1, const cudnnTensorDescriptor_t xDesc, const void *x,
	const cudnnFilterDescriptor_t wDesc, const void *w, const cudnnConvolutionDescriptor_t convDesc,
	cudnnConvolutionFwdAlgo_t algo, void *workSpace, size_t workSpaceSizeInBytes, const void *alpha2,
	const cudnnTensorDescriptor_t zDesc, const void *z, const cudnnTensorDescriptor_t biasDesc, const void *bias,
	const cudnnActivationDescriptor_t activationDesc, const cudnnTensorDescriptor_t yDesc, void *y)
{
	scalar a1, a2;

	return avagen_cudnnConvolutionBiasActivationForward(handle, S(a1, alpha1, yDesc), xDesc, x, wDesc, w, convDesc,
							    algo, workSpace, workSpaceSizeInBytes,
							    S(a2, alpha2, yDesc), zDesc, z, biasDesc, bias,
							    activationDesc, yDesc, y);
}

AVA_EXPORT cudnnStatus_t cudnnActivationForward(cudnnHandle_t handle, cudnnActivationDescriptor_t activationDesc,
						const void *alpha, const cudnnTensorDescriptor_t xDesc, const void *x,
						const void *beta, const cudnnTensorDescriptor_t yDesc, void *y)
{
	scalar a, b;

	return avagen_cudnnActivationForward(handle, activationDesc, S(a, alpha, yDesc), xDesc, x, S(b, beta, yDesc),
					     yDesc, y);
}

AVA_EXPORT cudnnStatus_t cudnnPoolingForward(cudnnHandle_t handle, const cudnnPoolingDescriptor_t poolingDesc,
					     const void *alpha, const cudnnTensorDescriptor_t xDesc, const void *x,
					     const void *beta, const cudnnTensorDescriptor_t yDesc, void *y)
{
	scalar a, b;

	return avagen_cudnnPoolingForward(handle, poolingDesc, S(a, alpha, yDesc), xDesc, x, S(b, beta, yDesc), yDesc,
					  y);
}

AVA_EXPORT cudnnStatus_t cudnnAddTensor(cudnnHandle_t handle, const void *alpha, const cudnnTensorDescriptor_t aDesc,
					const void *A, const void *beta, const cudnnTensorDescriptor_t cDesc, void *C)
{
	scalar a, b;

	return avagen_cudnnAddTensor(handle, S(a, alpha, cDesc), aDesc, A, S(b, beta, cDesc), cDesc, C);
}

AVA_EXPORT cudnnStatus_t cudnnBatchNormalizationForwardInference(
	cudnnHandle_t handle, cudnnBatchNormMode_t mode, const void *alpha, const void *beta,
	const cudnnTensorDescriptor_t xDesc, const void *x, const cudnnTensorDescriptor_t yDesc, void *y,
	const cudnnTensorDescriptor_t bnScaleBiasMeanVarDesc, const void *bnScale, const void *bnBias,
	const void *estimatedMean, const void *estimatedVariance, double epsilon)
{
	scalar a, b;

	return avagen_cudnnBatchNormalizationForwardInference(handle, mode, S(a, alpha, xDesc), S(b, beta, xDesc), xDesc,
							      x, yDesc, y, bnScaleBiasMeanVarDesc, bnScale, bnBias,
							      estimatedMean, estimatedVariance, epsilon);
}

AVA_EXPORT cudnnStatus_t cudnnBatchNormalizationForwardTrainingEx(
	cudnnHandle_t handle, cudnnBatchNormMode_t mode, cudnnBatchNormOps_t bnOps, const void *alpha, const void *beta,
	const cudnnTensorDescriptor_t xDesc, const void *xData, const cudnnTensorDescriptor_t zDesc, const void *zData,
	const cudnnTensorDescriptor_t yDesc, void *yData, const cudnnTensorDescriptor_t bnScaleBiasMeanVarDesc,
	const void *bnScale, const void *bnBias, double exponentialAverageFactor, void *resultRunningMean,
	void *resultRunningVariance, double epsilon, void *resultSaveMean, void *resultSaveInvVariance,
	cudnnActivationDescriptor_t activationDesc, void *workspace, size_t workSpaceSizeInBytes, void *reserveSpace,
	size_t reserveSpaceSizeInBytes)
{
	scalar a, b;

	return avagen_cudnnBatchNormalizationForwardTrainingEx(
		handle, mode, bnOps, S(a, alpha, xDesc), S(b, beta, xDesc), xDesc, xData, zDesc, zData, yDesc, yData,
		bnScaleBiasMeanVarDesc, bnScale, bnBias, exponentialAverageFactor, resultRunningMean,
		resultRunningVariance, epsilon, resultSaveMean, resultSaveInvVariance, activationDesc, workspace,
		workSpaceSizeInBytes, reserveSpace, reserveSpaceSizeInBytes);
}

AVA_EXPORT cudnnStatus_t cudnnBatchNormalizationBackwardEx(
	cudnnHandle_t handle, cudnnBatchNormMode_t mode, cudnnBatchNormOps_t bnOps, const void *alphaDataDiff,
	const void *betaDataDiff, const void *alphaParamDiff, const void *betaParamDiff,
	const cudnnTensorDescriptor_t xDesc, const void *xData, const cudnnTensorDescriptor_t yDesc, const void *yData,
	const cudnnTensorDescriptor_t dyDesc, const void *dyData, const cudnnTensorDescriptor_t dzDesc, void *dzData,
	const cudnnTensorDescriptor_t dxDesc, void *dxData, const cudnnTensorDescriptor_t dBnScaleBiasDesc,
	const void *bnScaleData, const void *bnBiasData, void *dBnScaleData, void *dBnBiasData, double epsilon,
	const void *savedMean, const void *savedInvVariance, cudnnActivationDescriptor_t activationDesc,
	void *workSpace, size_t workSpaceSizeInBytes, void *reserveSpace, size_t reserveSpaceSizeInBytes)
{
	scalar ad, bd, ap, bp;

	return avagen_cudnnBatchNormalizationBackwardEx(
		handle, mode, bnOps, S(ad, alphaDataDiff, xDesc), S(bd, betaDataDiff, xDesc),
		S(ap, alphaParamDiff, xDesc), S(bp, betaParamDiff, xDesc), xDesc, xData, yDesc, yData, dyDesc, dyData,
		dzDesc, dzData, dxDesc, dxData, dBnScaleBiasDesc, bnScaleData, bnBiasData, dBnScaleData, dBnBiasData,
		epsilon, savedMean, savedInvVariance, activationDesc, workSpace, workSpaceSizeInBytes, reserveSpace,
		reserveSpaceSizeInBytes);
}

AVA_EXPORT cudnnStatus_t cudnnSpatialTfSamplerForward(cudnnHandle_t handle, cudnnSpatialTransformerDescriptor_t stDesc,
						      const void *alpha, const cudnnTensorDescriptor_t xDesc, const void *x,
						      const void *grid, const void *beta, cudnnTensorDescriptor_t yDesc,
						      void *y)
{
	scalar a, b;

	return avagen_cudnnSpatialTfSamplerForward(handle, stDesc, S(a, alpha, yDesc), xDesc, x, grid, S(b, beta, yDesc),
						   yDesc, y);
}

/* the grid's factors follow the data's type too */
AVA_EXPORT cudnnStatus_t cudnnSpatialTfSamplerBackward(
	cudnnHandle_t handle, cudnnSpatialTransformerDescriptor_t stDesc, const void *alpha,
	const cudnnTensorDescriptor_t xDesc, const void *x, const void *beta, const cudnnTensorDescriptor_t dxDesc,
	void *dx, const void *alphaDgrid, const cudnnTensorDescriptor_t dyDesc, const void *dy, const void *grid,
	const void *betaDgrid, void *dgrid)
{
	scalar a, b, ag, bg;

	return avagen_cudnnSpatialTfSamplerBackward(handle, stDesc, S(a, alpha, dxDesc), xDesc, x, S(b, beta, dxDesc),
						    dxDesc, dx, S(ag, alphaDgrid, dxDesc), dyDesc, dy, grid,
						    S(bg, betaDgrid, dxDesc), dgrid);
}
