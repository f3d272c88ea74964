/* SPDX-License-Identifier: MIT */
#ifndef AVA_WORKER_TRANSPORT_KERNEL_H
#define AVA_WORKER_TRANSPORT_KERNEL_H

/*
 * Serves the guest sessions of one AvA mdev instance through
 * /dev/vhost-ava until the instance goes away or SIGTERM/SIGINT
 * (transport_kernel.c), at most max_sessions (0: 64) at a time.  Writes
 * "ready\n" to ready_fd (if >= 0) once attached; keeps status_file (if not
 * NULL) up to date with the number of live sessions.  Returns the process
 * exit status.
 */
int avaw_kernel_serve(const char *instance, int ready_fd, const char *status_file, int verbose,
		      unsigned max_sessions);

#endif
