// SPDX-License-Identifier: MIT
/*
 * ava-hostd's status file (--status): rewritten whole and renamed into
 * place, so that a reader never sees half of it.
 */
#include <stdio.h>

#include "hostd.h"

void avaw_status_write(const char *path, void (*fill)(FILE *f, const void *arg), const void *arg)
{
	char tmp[4096];
	FILE *f;

	if (!path)
		return;
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	f = fopen(tmp, "w");
	if (!f)
		return;
	fill(f, arg);
	fclose(f);
	rename(tmp, path);
}
