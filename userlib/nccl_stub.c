// SPDX-License-Identifier: MIT
/* The answers of AvA's NCCL stub shim (api/nccl.spec): the version, and
 * error texts that say why the rest is refused. */
#include "stub_shims.h"
#include "nccl_ids.h"

#define NOT_REMOTED "NCCL is not available through AvA (single-GPU remoting; docs/cuda.md)"

ncclResult_t avaguest_ncclGetVersion(int *version)
{
	if (!version)
		return ncclInvalidArgument;
	*version = NCCL_VERSION_CODE;
	return ncclSuccess;
}

const char *avaguest_ncclGetErrorString(ncclResult_t result)
{
	switch (result) {
	case ncclSuccess: return "no error";
	case ncclUnhandledCudaError: return "unhandled cuda error";
	case ncclSystemError: return "unhandled system error";
	case ncclInternalError: return "internal error";
	case ncclInvalidArgument: return "invalid argument";
	case ncclInvalidUsage: return "invalid usage: " NOT_REMOTED;
	case ncclRemoteError: return "remote process exited or there was a network error";
	case ncclInProgress: return "NCCL operation in progress";
	default: return "unknown result code";
	}
}

const char *avaguest_ncclGetLastError(ncclComm_t comm)
{
	(void)comm;
	return NOT_REMOTED;
}
