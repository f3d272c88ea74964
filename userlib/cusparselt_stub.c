// SPDX-License-Identifier: MIT
/* The error texts of AvA's cuSPARSELt stub shim (api/cusparseLt.spec):
 * every other entry point answers CUSPARSE_STATUS_NOT_SUPPORTED. */
#include "stub_shims.h"
#include "cusparseLt_ids.h"

const char *avaguest_cusparseLtGetErrorName(cusparseStatus_t status)
{
	return status == CUSPARSE_STATUS_SUCCESS ? "CUSPARSE_STATUS_SUCCESS" : "CUSPARSE_STATUS_NOT_SUPPORTED";
}

const char *avaguest_cusparseLtGetErrorString(cusparseStatus_t status)
{
	return status == CUSPARSE_STATUS_SUCCESS ? "success"
						 : "cuSPARSELt is not available through AvA (docs/cuda.md)";
}
