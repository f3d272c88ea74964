/* SPDX-License-Identifier: MIT */
/*
 * Session set-up of the `local` transport: the caller connects to the host
 * daemon's Unix socket and sends struct ava_hello; the daemon starts a
 * worker for the session, which answers struct ava_hello_reply with the
 * session's shared memory attached (SCM_RIGHTS).  The socket then stays
 * open: its closing ends the session on either side.
 */
#ifndef AVA_LOCAL_HELLO_H
#define AVA_LOCAL_HELLO_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define AVA_HELLO_MAGIC		0x4f4c4548u	/* "HELO" */
#define AVA_DEFAULT_SOCKET	"/run/ava/ava.sock"

struct ava_hello {
	uint32_t magic;
	uint32_t version;	/* AVA_WIRE_VERSION */
	uint32_t pid;		/* informational */
	uint32_t reserved;
};

struct ava_hello_reply {
	uint32_t magic;
	uint32_t status;	/* 0, or an AVA_S_* code */
	uint64_t shm_size;
};

/* A stream socket connected to the daemon at path, or -1 (errno set). */
int ava_local_connect(const char *path);
/*
 * recvmsg of up to len bytes (flags: MSG_*) and the descriptor sent along
 * (SCM_RIGHTS) into *fd, -1 when none came; retried on EINTR.  Returns
 * what recvmsg returned.
 */
ssize_t ava_recv_with_fd(int sock, void *buf, size_t len, int flags, int *fd);
/* Did the daemon accept the session, with memory for the ring and an arena? */
int ava_hello_reply_ok(const struct ava_hello_reply *rep);

#endif
