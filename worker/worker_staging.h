/* SPDX-License-Identifier: MIT */
/*
 * Worker-owned copies that outlive the call that made them: the data of a
 * non-blocking write (the vendor library reads it when the command runs)
 * and the staging of a deferred read (kept until the guest collects it).
 * A guest can queue such transfers behind a user event it never sets, so
 * their bytes count against one bound per worker process: AVA_STAGING_MB
 * (default 1 GiB).  A transfer that does not fit is refused
 * (CL_OUT_OF_HOST_MEMORY, or AVA_S_NO_MEMORY for a deferred read).
 */
#ifndef AVA_WORKER_STAGING_H
#define AVA_WORKER_STAGING_H

#include <stdint.h>

uint64_t avaw_staging_bytes(void);
void *avaw_staging_copy(const void *p, uint64_t n);	/* counted; NULL when over the bound */
void avaw_staging_free(void *copy);			/* of avaw_staging_copy */

#endif
