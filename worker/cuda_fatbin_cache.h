/* SPDX-License-Identifier: MIT */
/*
 * The fat binary content cache (docs/cuda.md, "Fat binaries"): a directory
 * that outlives the sessions, one file per fat binary named by the hex
 * content hash of its content (common/content_hash.h: SHA-256 over the
 * SHA-256 of its pieces), bounded in size with the least recently used
 * files evicted.  The guest asks by hash before it sends a fat binary.
 *
 * The directory is the daemon's: a file there was written by ava-hostd
 * (which never runs guest-influenced vendor code) after it hashed the
 * content itself, so a worker's hit maps it without hashing again.
 * Sandboxed workers, which a hostile guest may control, only write what
 * they received into incoming/ (theirs); the daemon verifies and copies
 * those files in (cuda_fatbin_tidy.c).  Unsandboxed workers run as the
 * daemon's user, as trusted as the daemon, and write the directory
 * themselves after hashing.
 */
#ifndef AVAW_CUDA_FATBIN_CACHE_H
#define AVAW_CUDA_FATBIN_CACHE_H

#include <limits.h>
#include <stdint.h>
#include <sys/stat.h>
#include <sys/types.h>

#include "../common/content_hash.h"

#define AVAW_FATBIN_CACHE_MB_DEFAULT 4096

/*
 * ava-hostd, before any worker starts: dir "off" turns the cache off; NULL
 * picks $AVA_FATBIN_CACHE, else /var/cache/ava/fatbin as root, else
 * ${XDG_CACHE_HOME:-$HOME/.cache}/ava/fatbin.  Makes the directory the
 * daemon's (0700, or 0750 with the workers' group when they run as another
 * user) and incoming/ in it the workers' (0700), then tidies once (below).
 * A directory that cannot be made so turns the cache off with a warning.
 */
void avaw_fatbin_cache_setup(const char *dir, uint64_t max_bytes, int sandbox, const char *user);

/* Worker: the cached content of size bytes with that hash, mapped
 * read-only (munmap(p, size) when done); NULL on a miss. */
void *avaw_fatbin_cache_get(const uint8_t hash[AVA_SHA256_LEN], uint64_t size);
/* Worker: hashes size bytes at data and stores them (into incoming/ when sandboxed). */
void avaw_fatbin_cache_put(const void *data, uint64_t size);

/*
 * Daemon: copies each file of incoming/ whose content hashes to its name
 * into the directory (hashing the very bytes it writes), drops every other
 * file there, applies the workers' marks of use and evicts the least
 * recently used files down to the bound.
 */
void avaw_fatbin_cache_tidy(void);
/*
 * Daemon, for each child it reaps: 1 when pid was the tidying process; 0
 * for a worker, whose end starts a tidying process (a child of the
 * daemon, at a lower priority), or another once the running one ended.
 */
int avaw_fatbin_cache_reaped(pid_t pid);

/* Shared by cuda_fatbin_cache.c and cuda_fatbin_tidy.c. */
struct avaw_fbc {
	char dir[PATH_MAX];	/* the daemon's directory; "" when the cache is off */
	char in[PATH_MAX];	/* dir/incoming, the workers' */
	uint64_t max;		/* the bound, bytes */
	uid_t owner;		/* the daemon's uid */
	uid_t worker;		/* the workers' uid */
	int direct;		/* no sandbox: workers write dir */
};
extern struct avaw_fbc avaw_fbc;
/* A file a hit may use: regular, the daemon's (or root's), writable by no one else. */
int avaw_fatbin_trusted(const struct stat *st);
int avaw_fatbin_hex_name(const char *s);
/* write(2) until all n bytes are written: 0, or -1 */
int avaw_fatbin_write_all(int fd, const void *data, uint64_t n);

#endif
