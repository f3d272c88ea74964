// SPDX-License-Identifier: MIT
/*
 * What the guest knows without asking the worker, for both shims: how many
 * stream captures this process has under way (cu/cudaStreamBeginCapture
 * and EndCapture of either API), and how many commands it has sent.  With
 * no capture under way, every stream's capture status is "none": PyTorch
 * asks before most operations, and the answer then costs no round trip.
 */
#include "cuda_guest_rt.h"
#include "guest_session.h"

static int captures;	/* begun and not yet ended, never below 0 */

void ava_cu_capture_begun(int status)
{
	if (status == 0)
		__atomic_fetch_add(&captures, 1, __ATOMIC_SEQ_CST);
}

/* EndCapture ends the capture when it succeeds, and also when the capture
 * was invalidated (901) or left unjoined work (904): same codes in both
 * APIs.  Any other error (not capturing, wrong thread) ends none. */
void ava_cu_capture_ended(int status)
{
	int n = __atomic_load_n(&captures, __ATOMIC_SEQ_CST);

	if (status != 0 && status != cudaErrorStreamCaptureInvalidated && status != cudaErrorStreamCaptureUnjoined)
		return;
	while (n > 0 && !__atomic_compare_exchange_n(&captures, &n, n - 1, 0, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST))
		;
}

int ava_cu_captures_active(void)
{
	return __atomic_load_n(&captures, __ATOMIC_SEQ_CST) > 0;
}

uint64_t ava_cu_commands_sent(void)
{
	return __atomic_load_n(&ava_sess.call_seq, __ATOMIC_RELAXED);
}

AVA_CU_CAPTURE_ENTRY_POINTS(CUresult, cuStreamBeginCapture, cuStreamEndCapture, CUstream, CUstreamCaptureMode, CUgraph)
