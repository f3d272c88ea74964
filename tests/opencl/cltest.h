/*
 * Shared helpers for the OpenCL conformance-style test programs.
 *
 * Every program prints only deterministic text on stdout (results, checksums,
 * symbolic error codes), prints "FAIL: ..." for each failed check, and exits
 * with cltest_done(): 0 if no check failed, 1 otherwise.  The programs are run
 * natively and through AvA, and their stdout is compared byte for byte, so
 * never print pointers, times, sizes that depend on the device, or names.
 */
#ifndef CLTEST_H
#define CLTEST_H

#ifndef CL_TARGET_OPENCL_VERSION
#define CL_TARGET_OPENCL_VERSION 120
#endif
#include <CL/cl.h>

#include <stddef.h>
#include <stdint.h>

struct cltest {
    cl_platform_id platform;
    cl_device_id device;
    cl_context context;
    cl_command_queue queue;
};

/* Number of failed checks so far. */
extern int cltest_failures;

/* Symbolic name of an OpenCL error code ("CL_INVALID_VALUE"); unknown codes
 * come back as "CL_ERROR(<n>)" from a static buffer. */
const char *cl_err_name(cl_int err);

/* Prints "FAIL: <file>:<line>: <message>" and counts a failure. */
void cltest_fail(const char *file, int line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

int cltest_check_ok_(cl_int err, const char *what, const char *file, int line);

/* CHECK(call): the call must return CL_SUCCESS; evaluates to 1 if it did. */
#define CHECK(call) cltest_check_ok_((call), #call, __FILE__, __LINE__)
/* FAIL(fmt, ...): an unconditional failure. */
#define FAIL(...) cltest_fail(__FILE__, __LINE__, __VA_ARGS__)
/* EXPECT(cond, fmt, ...): the condition must hold; evaluates to it. */
#define EXPECT(cond, ...) \
    ((cond) ? 1 : (cltest_fail(__FILE__, __LINE__, __VA_ARGS__), 0))

/*
 * EXPECT_ENQ_CODE(what, call, want), for enqueues: prints "what: <code>"; the call (which may
 * pass `ev` as its event) must return want, and a failed call no event.
 */
void cltest_expect_code_(const char *what, cl_int got, cl_int want, cl_event ev, const char *file, int line);
#define EXPECT_ENQ_CODE(what, call, want) \
    do { \
        cl_event ev_ = NULL; \
        cl_event *ev = &ev_; \
        (void)ev; \
        cltest_expect_code_((what), (call), (want), ev_, __FILE__, __LINE__); \
    } while (0)

/*
 * Sets up stdout, takes the first platform and its first device
 * (CL_DEVICE_TYPE_ALL), a context and one command queue with `queue_props`.
 * Returns 0 on success; on failure prints FAIL, releases what it created and
 * returns -1.
 */
int cltest_init(struct cltest *t, cl_command_queue_properties queue_props);
/* Finishes and releases the queue and the context. */
void cltest_release(struct cltest *t);

/* Creates and builds a program; NULL (and FAIL with the build log on stderr)
 * if that fails. */
cl_program cltest_build(struct cltest *t, const char *src, const char *options);
/* clCreateKernel with CHECK. */
cl_kernel cltest_kernel(cl_program prog, const char *name);
/* clCreateBuffer with CHECK. */
cl_mem cltest_buffer(struct cltest *t, cl_mem_flags flags, size_t size,
                     void *host_ptr);

/* Device info helpers (CHECKed; 0 on failure). */
cl_ulong cltest_device_ulong(struct cltest *t, cl_device_info param);
cl_uint cltest_device_uint(struct cltest *t, cl_device_info param);
size_t cltest_device_size(struct cltest *t, cl_device_info param);

/* 32-bit FNV-1a of a byte range, for printing compact checksums. */
uint32_t cltest_fnv1a(const void *data, size_t size);

/* Sleeps for `ms` milliseconds. */
void cltest_sleep_ms(unsigned ms);

/* Prints "<name>: PASS" or "<name>: N check(s) FAILED"; returns the exit
 * status (0 or 1). */
int cltest_done(const char *name);

#endif
