/* SPDX-License-Identifier: MIT */
/*
 * The names and descriptions of a vendor library's status codes, which the
 * shims answer in the guest (cublasGetStatusName, cusparseGetErrorString,
 * cudnnGetErrorString, ...): one table per library, one lookup.
 */
#ifndef AVA_STATUS_TEXTS_H
#define AVA_STATUS_TEXTS_H

#include <stddef.h>
#include <stdint.h>

struct ava_status_text {
	int64_t st;
	const char *name, *text;	/* text: NULL where the library answers only names */
};

/* A table row: the status, its name (the enumerator's own) and description. */
#define AVA_STATUS(st, text) { (st), #st, (text) }

/* The name (which 0) or the description of st in t; for a status not in t,
 * unknown_name or "unknown error". */
static inline const char *ava_status_text(const struct ava_status_text *t, size_t n, int64_t st, int which,
					  const char *unknown_name)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (t[i].st == st)
			return which ? t[i].text : t[i].name;
	return which ? "unknown error" : unknown_name;
}

#define AVA_STATUS_TEXT(t, st, which, unknown_name) \
	ava_status_text(t, sizeof(t) / sizeof((t)[0]), (int64_t)(st), which, unknown_name)

#endif
