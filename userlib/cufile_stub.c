// SPDX-License-Identifier: MIT
/* The entry points of AvA's cuFile stub shim (api/cufile.spec) that do not
 * return a CUfileError_t: as cuFile without its driver. */
#include "stub_shims.h"
#include "cufile_ids.h"

#include <errno.h>

ssize_t avaguest_cuFileRead(CUfileHandle_t fh, void *bufPtr_base, size_t size, off_t file_offset,
			    off_t bufPtr_offset)
{
	(void)fh, (void)bufPtr_base, (void)size, (void)file_offset, (void)bufPtr_offset;
	errno = ENODEV;
	return -1;
}

ssize_t avaguest_cuFileWrite(CUfileHandle_t fh, const void *bufPtr_base, size_t size, off_t file_offset,
			     off_t bufPtr_offset)
{
	(void)fh, (void)bufPtr_base, (void)size, (void)file_offset, (void)bufPtr_offset;
	errno = ENODEV;
	return -1;
}

long avaguest_cuFileUseCount(void)
{
	return 0;
}
