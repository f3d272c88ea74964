/* SPDX-License-Identifier: MIT */
/*
 * The fat binary content cache (docs/cuda.md, "Fat binaries"): a directory
 * that outlives the sessions, one file per fat binary named by the hex
 * SHA-256 the worker computed of what it received, written atomically
 * (mode 0600), bounded in size with the least recently used files evicted.
 * The guest asks by hash before it sends a fat binary; a hit is only a file
 * whose content the worker hashes again to the hash asked for, so neither a
 * guest's hash nor the file system is trusted.
 */
#ifndef AVAW_CUDA_FATBIN_CACHE_H
#define AVAW_CUDA_FATBIN_CACHE_H

#include <stdint.h>

#include "../common/sha256.h"

#define AVAW_FATBIN_CACHE_MB_DEFAULT 4096

/*
 * ava-hostd, before any worker starts: dir "off" turns the cache off; NULL
 * picks $AVA_FATBIN_CACHE, else /var/cache/ava/fatbin as root, else
 * ${XDG_CACHE_HOME:-$HOME/.cache}/ava/fatbin.  Creates the directory (0700;
 * as root with the sandbox on, owned by the workers' user).  A directory
 * that cannot be made turns the cache off with a warning.
 */
void avaw_fatbin_cache_setup(const char *dir, uint64_t max_bytes, int sandbox, const char *user);
/* The cached content of size bytes with that hash, verified, mapped
 * read-only (munmap(p, size) when done); NULL on a miss. */
void *avaw_fatbin_cache_get(const uint8_t hash[AVA_SHA256_LEN], uint64_t size);
/* Hashes size bytes at data and stores them (then evicts down to the bound). */
void avaw_fatbin_cache_put(const void *data, uint64_t size);

#endif
