/* SPDX-License-Identifier: MIT */
/*
 * The CPUs this process may run on: a container's or taskset's share, not
 * the machine's (sizing the threads of a copy or a hash; the program and
 * its worker may share them).
 */
#ifndef AVA_CPUS_ALLOWED_H
#define AVA_CPUS_ALLOWED_H

#include <sched.h>

/* How many; 1 where the affinity cannot be read. */
static inline unsigned ava_cpus_allowed(void)
{
	cpu_set_t set;

	return sched_getaffinity(0, sizeof(set), &set) ? 1 : (unsigned)CPU_COUNT(&set);
}

#endif
