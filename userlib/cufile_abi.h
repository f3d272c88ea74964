/* SPDX-License-Identifier: MIT */
/*
 * What AvA's cuFile stub shim (api/cufile.spec) needs of cuFile's ABI, where
 * no cuFile header is installed: the error type every entry point returns
 * (two ints, returned in a register) and the entry points that return
 * something else.  The codes are cuFile's (CU_FILE_SUCCESS = 0,
 * CU_FILE_DRIVER_NOT_INITIALIZED = 5001).
 */
#ifndef AVA_CUFILE_ABI_H
#define AVA_CUFILE_ABI_H

#include <sys/types.h>

typedef struct CUfileError {
	int err;	/* a CUfileOpError */
	int cu_err;	/* a CUresult */
} CUfileError_t;
typedef void *CUfileHandle_t;

#define AVA_CUFILE_SUCCESS	((CUfileError_t){ 0, 0 })
#define AVA_CUFILE_NO_DRIVER	((CUfileError_t){ 5001, 0 })

ssize_t cuFileRead(CUfileHandle_t fh, void *bufPtr_base, size_t size, off_t file_offset, off_t bufPtr_offset);
ssize_t cuFileWrite(CUfileHandle_t fh, const void *bufPtr_base, size_t size, off_t file_offset,
		    off_t bufPtr_offset);
long cuFileUseCount(void);

#endif
