// SPDX-License-Identifier: MIT
/* The client's half of the `local` session set-up (local_hello.h). */
#include "local_hello.h"

#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "shm_layout.h"

int ava_local_connect(const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int sock;

	if (strlen(path) >= sizeof(sa.sun_path)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	strcpy(sa.sun_path, path);
	sock = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (sock < 0)
		return -1;
	if (connect(sock, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		int err = errno;

		close(sock);
		errno = err;
		return -1;
	}
	return sock;
}

ssize_t ava_recv_with_fd(int sock, void *buf, size_t len, int flags, int *fd)
{
	char cbuf[CMSG_SPACE(sizeof(int))];
	struct iovec iov = { buf, len };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1,
			     .msg_control = cbuf, .msg_controllen = sizeof(cbuf) };
	struct cmsghdr *cm;
	ssize_t n;

	*fd = -1;
	do {
		n = recvmsg(sock, &mh, MSG_CMSG_CLOEXEC | flags);
	} while (n < 0 && errno == EINTR);
	/* the control buffer holds nothing when recvmsg failed */
	for (cm = CMSG_FIRSTHDR(&mh); n >= 0 && cm; cm = CMSG_NXTHDR(&mh, cm))
		if (cm->cmsg_level == SOL_SOCKET && cm->cmsg_type == SCM_RIGHTS)
			memcpy(fd, CMSG_DATA(cm), sizeof(int));
	return n;
}

int ava_hello_reply_ok(const struct ava_hello_reply *rep)
{
	return rep->magic == AVA_HELLO_MAGIC && rep->status == 0 &&
	       rep->shm_size >= ava_shm_arena_off() + 4096;
}
