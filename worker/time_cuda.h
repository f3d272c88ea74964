/* SPDX-License-Identifier: MIT */
/*
 * CUDA device time (time_cuda.c): a @submit(stream=) launch is bracketed
 * by two events recorded on its stream; their elapsed time, read once the
 * second has completed (cuEventQuery, no wait), is its device time.
 */
#ifndef AVA_TIME_CUDA_H
#define AVA_TIME_CUDA_H

struct avaw_call;

void avaw_cuda_time_begin(struct avaw_call *c, CUstream s);
void avaw_cuda_time_end(struct avaw_call *c, CUstream s, int ok);
/* the runtime's launches: the same, on the runtime's stream */
void avaw_cudart_time_begin(struct avaw_call *c, cudaStream_t s);
void avaw_cudart_time_end(struct avaw_call *c, cudaStream_t s, int ok);

#endif
