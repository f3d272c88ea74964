// SPDX-License-Identifier: GPL-2.0-only
/*
 * AvA host module: the device-time arithmetic, the same C as ava-hostd's
 * (common/ava_sched.c, plain C with no library calls), built in here.
 */
#include "../common/ava_sched.c"
