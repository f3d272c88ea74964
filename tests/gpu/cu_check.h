// The driver API tests' check (driver_api.cpp, driver_v4.cpp): a failing
// call prints its error's name and ends the program.
#pragma once
#include <cstdio>
#include <cstdlib>
#include <cuda.h>

#define CK(call)                                                                                \
	do {                                                                                    \
		CUresult r_ = (call);                                                           \
		if (r_ != CUDA_SUCCESS) {                                                       \
			const char *n_ = "?";                                                   \
			cuGetErrorName(r_, &n_);                                                \
			printf("FAIL %s:%d: %s -> %s\n", __FILE__, __LINE__, #call, n_);        \
			exit(1);                                                                \
		}                                                                               \
	} while (0)
