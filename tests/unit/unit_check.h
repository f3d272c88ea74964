/* SPDX-License-Identifier: MIT */
/*
 * Minimal TAP for the unit tests of shared pieces: CHECK records a failure
 * with its line and goes on; RUN prints one "ok"/"not ok" line per test.
 */
#ifndef AVA_UNIT_CHECK_H
#define AVA_UNIT_CHECK_H

#include <stdio.h>

static int unit_test_failed, unit_n, unit_failures;

#define CHECK(cond)                                                                     \
	do {                                                                            \
		if (!(cond)) {                                                          \
			printf("#   %s:%d: CHECK(%s) failed\n", __FILE__, __LINE__, #cond); \
			unit_test_failed = 1;                                           \
		}                                                                       \
	} while (0)

#define RUN(fn, name)                                                                   \
	do {                                                                            \
		unit_test_failed = 0;                                                   \
		fn();                                                                   \
		unit_failures += unit_test_failed;                                      \
		printf("%sok %d - %s\n", unit_test_failed ? "not " : "", ++unit_n, name); \
	} while (0)

/* The exit status: 0 when every test passed. */
static inline int unit_done(void)
{
	printf("1..%d\n", unit_n);
	return unit_failures != 0;
}

#endif
