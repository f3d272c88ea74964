// The recurrent part of cudnn_basic.cu: an LSTM forward (inference) with the
// v8 API, a dropout descriptor of rate 0, the weight space filled with a
// fixed pattern.  What is printed (shapes, where a weight matrix lies in
// the weight space, the outputs' sum) is the same natively and through AvA:
// the same GPU runs the same algorithm on the same data.
#pragma once

static void rnn_forward(cudnnHandle_t h)
{
	enum { IN = 4, HID = 8, SEQ = 5, BATCH = 2 };
	cudnnDropoutDescriptor_t drop;
	size_t states_size = 0;
	CD(cudnnCreateDropoutDescriptor(&drop));
	CD(cudnnDropoutGetStatesSize(h, &states_size));
	void *states = workspace(states_size);
	CD(cudnnSetDropoutDescriptor(drop, h, 0.0f, states, states_size, 1234));

	cudnnRNNDescriptor_t rnn;
	CD(cudnnCreateRNNDescriptor(&rnn));
	CD(cudnnSetRNNDescriptor_v8(rnn, CUDNN_RNN_ALGO_STANDARD, CUDNN_LSTM, CUDNN_RNN_DOUBLE_BIAS, CUDNN_UNIDIRECTIONAL,
				    CUDNN_LINEAR_INPUT, CUDNN_DATA_FLOAT, CUDNN_DATA_FLOAT, CUDNN_FMA_MATH, IN, HID, HID, 1,
				    drop, CUDNN_RNN_PADDED_IO_DISABLED));
	cudnnRNNDataDescriptor_t xd, yd;
	int lens[BATCH] = { SEQ, SEQ };
	float fill = 0;
	CD(cudnnCreateRNNDataDescriptor(&xd));
	CD(cudnnCreateRNNDataDescriptor(&yd));
	CD(cudnnSetRNNDataDescriptor(xd, CUDNN_DATA_FLOAT, CUDNN_RNN_DATA_LAYOUT_SEQ_MAJOR_PACKED, SEQ, BATCH, IN, lens,
				     &fill));
	CD(cudnnSetRNNDataDescriptor(yd, CUDNN_DATA_FLOAT, CUDNN_RNN_DATA_LAYOUT_SEQ_MAJOR_PACKED, SEQ, BATCH, HID, lens,
				     &fill));
	cudnnTensorDescriptor_t hd, md, bd;
	int hdims[3] = { 1, BATCH, HID }, hstr[3] = { BATCH * HID, HID, 1 };
	CD(cudnnCreateTensorDescriptor(&hd));
	CD(cudnnCreateTensorDescriptor(&md));
	CD(cudnnCreateTensorDescriptor(&bd));
	CD(cudnnSetTensorNdDescriptor(hd, CUDNN_DATA_FLOAT, 3, hdims, hstr));

	size_t wsize = 0, work = 0, reserve = 0;
	CD(cudnnGetRNNWeightSpaceSize(h, rnn, &wsize));
	CD(cudnnGetRNNTempSpaceSizes(h, rnn, CUDNN_FWD_MODE_INFERENCE, xd, &work, &reserve));
	std::vector<float> weights(wsize / sizeof(float));
	for (size_t i = 0; i < weights.size(); i++)
		weights[i] = (float)((int)(i % 7) - 3) / 16;
	float *wspace = dev(weights);
	void *maddr = nullptr, *baddr = nullptr;
	CD(cudnnGetRNNWeightParams(h, rnn, 0, wsize, wspace, 0, md, &maddr, bd, &baddr));
	cudnnDataType_t t;
	int nd = 0, mdims[3] = { 0, 0, 0 }, mstr[3];
	CD(cudnnGetTensorNdDescriptor(md, 3, &t, &nd, mdims, mstr));
	printf("LSTM: %zu weight bytes, layer 0 matrix 0 is %dx%d at byte %td of the weight space\n", wsize, mdims[1],
	       mdims[2], (char *)maddr - (char *)wspace);

	std::vector<float> x((size_t)SEQ * BATCH * IN);
	for (size_t i = 0; i < x.size(); i++)
		x[i] = (float)((int)(i % 5) - 2) / 4;
	std::vector<int> seq(BATCH, SEQ);
	int *dseq = dev(seq);
	float *dx = dev(x), *dy;
	CK(cudaMalloc(&dy, (size_t)SEQ * BATCH * HID * sizeof(float)));
	void *wk = workspace(work), *rs = workspace(reserve);
	CD(cudnnRNNForward(h, rnn, CUDNN_FWD_MODE_INFERENCE, dseq, xd, dx, yd, dy, hd, nullptr, nullptr, hd, nullptr,
			   nullptr, wsize, wspace, work, wk, reserve, rs));
	std::vector<float> y = host(dy, (size_t)SEQ * BATCH * HID);
	double sum = 0;
	for (float v : y)
		sum += v;
	printf("LSTM forward: %zu outputs, sum %.4f\n", y.size(), sum);

	for (void *p : { (void *)wspace, (void *)dseq, (void *)dx, (void *)dy, wk, rs, states })
		release(p);
	CD(cudnnDestroyTensorDescriptor(hd));
	CD(cudnnDestroyTensorDescriptor(md));
	CD(cudnnDestroyTensorDescriptor(bd));
	CD(cudnnDestroyRNNDataDescriptor(xd));
	CD(cudnnDestroyRNNDataDescriptor(yd));
	CD(cudnnDestroyRNNDescriptor(rnn));
	CD(cudnnDestroyDropoutDescriptor(drop));
}
