// SPDX-License-Identifier: MIT
/*
 * hostile_cuda: hostile input on the CUDA worker (acceptance 3 of issue 5).
 * Sends hand-made commands through the guest runtime that libcuda.so.1
 * exports (ava_call_*): forged handles, handles and device memory of another
 * session, absurd sizes, lengths that do not match, malformed items.  Every
 * one must be refused with a CUDA error or a transport status, and the
 * worker must keep serving.  Each check expects one specific refusal.
 * Prints TAP.  Without a GPU the worker answers "no device" before some of
 * its checks; those (and the ones that need real device memory) print
 * "ok N - ... # SKIP reason" instead of passing on that answer.
 *
 * Run it through AvA: scripts/ava-local --cuda -- build/tests/gpu/hostile_cuda
 */
#include <fcntl.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cuda_guest_rt.h"

static int n, failed;

static void result(int ok, const char *what, long long got)
{
	n++;
	if (!ok)
		failed++;
	printf("%s %d - %s (got %lld)\n", ok ? "ok" : "not ok", n, what, got);
	fflush(stdout);
}

/* A synchronous raw call: words are u64 items, data items are given as
 * {-1, len, ptr}.  Returns the transport status; *ret the API's result. */
struct item {
	int kind;		/* 0 word, 1 data, 2 raw word (no data follows) */
	uint64_t v;
	const void *p;
};

static int raw(uint32_t api, uint32_t fn, const struct item *it, int nit, long long *ret)
{
	struct ava_call c;
	int st, i;

	*ret = -1;
	if (ava_call_begin(&c, api, fn, 0))
		return -1;
	for (i = 0; i < nit; i++) {
		if (it[i].kind == 1)
			ava_put_data(&c, it[i].p, it[i].v);
		else
			ava_put_u64(&c, it[i].v);
	}
	st = ava_call_exchange(&c);
	if (st == AVA_S_OK)
		*ret = (long long)(int64_t)ava_get_u64(&c);
	ava_call_end(&c);
	return st;
}

#define W(x) { 0, (uint64_t)(x), NULL }
#define D(len, ptr) { 1, (uint64_t)(len), (ptr) }

/* refused: the transport status want_st, or (want_st == AVA_S_OK) the API
 * error want; anything else, another refusal included, fails.  A transport
 * status shows as -1000 - status. */
static void refused(const char *what, int st, long long ret, int want_st, long long want)
{
	result(st == want_st && (st != AVA_S_OK || ret == want), what, st != AVA_S_OK ? -1000 - st : ret);
}

static void skip(const char *what, const char *why)
{
	printf("ok %d - %s # SKIP %s\n", ++n, what, why);
	fflush(stdout);
}

static const char no_gpu[] = "no GPU: the worker answers CUDA_ERROR_NO_DEVICE before this check";

/* A check the worker makes only where the driver is: SKIP without a GPU. */
static void refused_gpu(int gpu, const char *what, int st, long long ret, int want_st, long long want)
{
	if (gpu)
		refused(what, st, ret, want_st, want);
	else
		skip(what, no_gpu);
}

/* 1 when this machine has a CUDA device the worker can use */
static int have_gpu(void)
{
	CUcontext ctx;
	int count = 0;

	return cuInit(0) == CUDA_SUCCESS && cuDeviceGetCount(&count) == CUDA_SUCCESS && count > 0 &&
	       cuDevicePrimaryCtxRetain(&ctx, 0) == CUDA_SUCCESS && cuCtxSetCurrent(ctx) == CUDA_SUCCESS;
}

static void alive(void)
{
	long long r;
	int st = raw(AVA_API_CUDA, AVA_FN_CUDA_cuDriverGetVersion, (struct item[]){ W(0) }, 1, &r);

	result(st == AVA_S_OK, "the worker still answers (cuDriverGetVersion with a NULL output)", st);
}

static const char garbage[64] = "this is not a module image";
static const uint8_t params[64];

/* The other session, in a child process: its stream id, a device address
 * of its memory and 1 if both exist (else 0), written to fd out.  It stays
 * alive until a byte (or EOF) comes on fd in. */
static void other_session_child(int out, int in)
{
	uint64_t theirs[3] = { 0, 0, 0 };
	CUcontext ctx;
	CUstream s;
	CUdeviceptr d = 0;
	char b;

	if (cuInit(0) == CUDA_SUCCESS && cuDevicePrimaryCtxRetain(&ctx, 0) == CUDA_SUCCESS &&
	    cuCtxSetCurrent(ctx) == CUDA_SUCCESS && cuStreamCreate(&s, 0) == CUDA_SUCCESS &&
	    cuMemAlloc(&d, 4096) == CUDA_SUCCESS) {
		theirs[0] = ava_obj_id(s, AVA_HT_CUDA_stream);
		theirs[1] = d;
		theirs[2] = 1;
	}
	if (write(out, theirs, sizeof(theirs)) != sizeof(theirs))
		_exit(1);
	if (read(in, &b, 1) < 0)	/* stay alive until the parent is done */
		_exit(1);
	_exit(0);
}

/* Forged stream, event, function and module handles. */
static void forged_handles(int gpu)
{
	const uint64_t forged[] = { 12345, AVA_HANDLE_WORKER_BIT | 7, AVA_ID_INVALID, 0xffffffffffffff05ull };
	unsigned i;
	long long r;
	int st;

	for (i = 0; i < sizeof(forged) / sizeof(forged[0]); i++) {
		st = raw(AVA_API_CUDA, AVA_FN_CUDA_cuStreamSynchronize, (struct item[]){ W(forged[i]) }, 1, &r);
		result(st == AVA_S_OK && r == CUDA_ERROR_INVALID_HANDLE, "cuStreamSynchronize(forged stream id): CUDA_ERROR_INVALID_HANDLE", r);
	}
	st = raw(AVA_API_CUDART, AVA_FN_CUDART_cudaEventSynchronize, (struct item[]){ W(4242) }, 1, &r);
	result(st == AVA_S_OK && r == cudaErrorInvalidResourceHandle, "cudaEventSynchronize(forged event): cudaErrorInvalidResourceHandle", r);
	st = raw(AVA_API_CUDA, AVA_FN_CUDA_cuLaunchKernel,
		 (struct item[]){ W(999), W(1), W(1), W(1), W(1), W(1), W(1), W(0), W(0), W(0), W(0) }, 11, &r);
	result(st == AVA_S_OK && r == CUDA_ERROR_INVALID_HANDLE, "cuLaunchKernel(forged function): CUDA_ERROR_INVALID_HANDLE", r);
	{
		dim3 g = { 1, 1, 1 };

		st = raw(AVA_API_CUDART, AVA_FN_CUDART___cudaLaunchKernel,
			 (struct item[]){ W(777), D(sizeof(g), &g), D(sizeof(g), &g), W(1), D(8, params), W(0), W(0) },
			 7, &r);
		result(st == AVA_S_OK && r == cudaErrorInvalidDeviceFunction,
		       "__cudaLaunchKernel(forged kernel): cudaErrorInvalidDeviceFunction", r);
	}
	st = raw(AVA_API_CUDA, AVA_FN_CUDA_cuModuleGetFunction,
		 (struct item[]){ W(0x4000), W(31337), D(2, "k") }, 3, &r);
	result(st == AVA_S_OK && r == CUDA_ERROR_INVALID_HANDLE, "cuModuleGetFunction(forged module): CUDA_ERROR_INVALID_HANDLE", r);
	st = raw(AVA_API_CUDART, AVA_FN_CUDART_cudaFuncGetAttributes,
		 (struct item[]){ W(0), W(555) }, 2, &r);
	/* libcudart sees a key it never registered; with a NULL output it may
	 * report that first */
	if (gpu && st == AVA_S_OK && r == cudaErrorInvalidValue)
		r = cudaErrorInvalidDeviceFunction;
	refused_gpu(gpu, "cudaFuncGetAttributes(forged function, NULL output): cudaErrorInvalidDeviceFunction", st, r,
		    AVA_S_OK, cudaErrorInvalidDeviceFunction);
}

/* Ids the worker must not accept for new objects. */
static void new_object_ids(void)
{
	long long r;
	int st;

	st = raw(AVA_API_CUDA, AVA_FN_CUDA_cuStreamCreate, (struct item[]){ W(AVA_HANDLE_WORKER_BIT | 1), W(0) }, 2, &r);
	refused("cuStreamCreate with a worker-range id: AVA_S_BAD_HANDLE", st, r, AVA_S_BAD_HANDLE, 0);
	st = raw(AVA_API_CUDA, AVA_FN_CUDA_cuEventCreate, (struct item[]){ W(0xffffffffffffff01ull), W(0) }, 2, &r);
	refused("cuEventCreate with a reserved stream id: AVA_S_BAD_HANDLE", st, r, AVA_S_BAD_HANDLE, 0);
}

/* Sizes that do not match what was sent, absurd sizes. */
static void bad_sizes(int gpu)
{
	CUdeviceptr mine = 0;	/* real device memory of this session */
	long long r;
	int st;

	/* to real device memory, so that the size check (not the address
	 * check) is what refuses it; freed at once, so that it cannot be
	 * mistaken for the other session's memory below (each worker process
	 * may get the same first device address) */
	if (gpu && cuMemAlloc(&mine, 4096) != CUDA_SUCCESS)
		mine = 0;
	if (mine) {
		st = raw(AVA_API_CUDA, AVA_FN_CUDA_avaCuMemcpyHtoD,
			 (struct item[]){ W(mine), D(16, params), W(1ull << 40), W(0), W(0) }, 5, &r);
		refused("avaCuMemcpyHtoD to real device memory: 16 bytes sent for a 1 TiB copy: AVA_S_MALFORMED",
			st, r, AVA_S_MALFORMED, 0);
		cuMemFree(mine);
	} else {
		skip("avaCuMemcpyHtoD to real device memory: 16 bytes sent for a 1 TiB copy",
		     gpu ? "cuMemAlloc failed" : "no GPU: needs real device memory");
	}
	st = raw(AVA_API_CUDA, AVA_FN_CUDA_avaCuMemcpyHtoD,
		 (struct item[]){ W(0x100000), { 2, ((1ull << 30) << 2) | 1, NULL }, W(1ull << 30), W(0), W(0) }, 5, &r);
	refused("avaCuMemcpyHtoD: an inline item longer than the command: AVA_S_MALFORMED", st, r, AVA_S_MALFORMED, 0);
	st = raw(AVA_API_CUDA, AVA_FN_CUDA_avaCuMemcpyDtoH,
		 (struct item[]){ W(((1ull << 40) << 2) | 1), W(0x100000), W(1ull << 40), W(0), W(0) }, 5, &r);
	refused("avaCuMemcpyDtoH: a 1 TiB inline output: AVA_S_TOO_LARGE", st, r, AVA_S_TOO_LARGE, 0);
	st = raw(AVA_API_CUDA, AVA_FN_CUDA_avaCuHostAlloc, (struct item[]){ W(0x5000), W(1ull << 50), W(0) }, 3, &r);
	refused_gpu(gpu, "avaCuHostAlloc(1 PiB): CUDA_ERROR_OUT_OF_MEMORY", st, r, AVA_S_OK, CUDA_ERROR_OUT_OF_MEMORY);
	st = raw(AVA_API_CUDA, AVA_FN_CUDA_avaCuModuleLoadData,
		 (struct item[]){ W(0x5001), D(sizeof(garbage), garbage), W(sizeof(garbage)) }, 3, &r);
	refused_gpu(gpu, "avaCuModuleLoadData: text without its NUL at the end: CUDA_ERROR_INVALID_IMAGE", st, r,
		    AVA_S_OK, CUDA_ERROR_INVALID_IMAGE);
	st = raw(AVA_API_CUDA, AVA_FN_CUDA_cuMemcpyDtoD, (struct item[]){ W(0xdead0000), W(0xbeef0000), W(64) }, 3, &r);
	refused_gpu(gpu, "cuMemcpyDtoD between forged device addresses: CUDA_ERROR_INVALID_VALUE", st, r,
		    AVA_S_OK, CUDA_ERROR_INVALID_VALUE);
	st = raw(AVA_API_CUDA, AVA_FN_CUDA_COUNT + 7, NULL, 0, &r);
	result(st == AVA_S_BAD_FUNC, "an unknown CUDA function id: AVA_S_BAD_FUNC", st);
	alive();
}

/* avaRtFatbinUpload of n bytes at p, streamed where the transport streams. */
static int streamed_upload(uint64_t id, const void *p, uint64_t n, long long *ret)
{
	struct ava_call c;
	int st;

	*ret = -1;
	if (ava_call_begin(&c, AVA_API_CUDART, AVA_FN_CUDART_avaRtFatbinUpload, 0))
		return -1;
	ava_put_u64(&c, id);
	ava_put_u64(&c, n);
	ava_put_data_stream(&c, p, n, 1);
	st = ava_call_exchange(&c);
	if (st == AVA_S_OK)
		*ret = (long long)(int64_t)ava_get_u64(&c);
	ava_call_end(&c);
	return st;
}

/* The fat binary cache's protocol: hashes of the wrong length or of other
 * content, absurd sizes, uploads shorter than they claim, of too few bytes,
 * of what is no fat binary (inline and streamed). */
static void fatbin_cache(int gpu)
{
	static const uint8_t abc_sha256[32] = { 0xba, 0x78, 0x16, 0xbf, 0x8f, 0x01, 0xcf, 0xea, 0x41, 0x41, 0x40,
						0xde, 0x5d, 0xae, 0x22, 0x23, 0xb0, 0x03, 0x61, 0xa3, 0x96, 0x17,
						0x7a, 0x9c, 0xb4, 0x10, 0xff, 0x61, 0xf2, 0x00, 0x15, 0xad };
	const uint64_t fake[4] = { 0x00100001ba55ed50ull, 1ull << 39, 0, 0 };
	const uint32_t cached = AVA_FN_CUDART_avaRtFatbinCached, upload = AVA_FN_CUDART_avaRtFatbinUpload;
	uint8_t *big;
	long long r;
	int st;

	st = raw(AVA_API_CUDART, cached, (struct item[]){ W(0x7000), D(16, abc_sha256), W(64) }, 3, &r);
	refused("avaRtFatbinCached: a 16-byte hash: AVA_S_MALFORMED", st, r, AVA_S_MALFORMED, 0);
	st = raw(AVA_API_CUDART, cached, (struct item[]){ W(0x7001), D(32, abc_sha256), W(64) }, 3, &r);
	refused_gpu(gpu, "avaRtFatbinCached: the hash of other content: a miss, cudaErrorFileNotFound", st, r,
		    AVA_S_OK, cudaErrorFileNotFound);
	st = raw(AVA_API_CUDART, cached, (struct item[]){ W(0x7002), D(32, abc_sha256), W(1ull << 50) }, 3, &r);
	refused_gpu(gpu, "avaRtFatbinCached: 1 PiB: cudaErrorInvalidValue", st, r, AVA_S_OK, cudaErrorInvalidValue);
	st = raw(AVA_API_CUDART, upload, (struct item[]){ W(0x7003), W(1ull << 50), D(64, garbage) }, 3, &r);
	refused("avaRtFatbinUpload: 64 bytes sent for 1 PiB: AVA_S_MALFORMED", st, r, AVA_S_MALFORMED, 0);
	st = raw(AVA_API_CUDART, upload, (struct item[]){ W(0x7004), W(8), D(8, garbage) }, 3, &r);
	refused_gpu(gpu, "avaRtFatbinUpload: an 8-byte fat binary: cudaErrorInvalidValue", st, r, AVA_S_OK,
		    cudaErrorInvalidValue);
	st = raw(AVA_API_CUDART, upload, (struct item[]){ W(0x7005), W(64), D(64, garbage) }, 3, &r);
	refused_gpu(gpu, "avaRtFatbinUpload: not a fat binary: cudaErrorInvalidKernelImage", st, r, AVA_S_OK,
		    cudaErrorInvalidKernelImage);
	st = raw(AVA_API_CUDART, upload, (struct item[]){ W(0x7006), W(32), D(32, fake) }, 3, &r);
	refused_gpu(gpu, "avaRtFatbinUpload: a header claiming 512 GiB: cudaErrorInvalidKernelImage", st, r,
		    AVA_S_OK, cudaErrorInvalidKernelImage);
	big = calloc(1, 3u << 20);
	if (big) {
		memcpy(big, fake, sizeof(fake));
		st = streamed_upload(0x7007, big, 3u << 20, &r);
		refused_gpu(gpu, "avaRtFatbinUpload: 3 MiB streamed, a header claiming 512 GiB: "
			    "cudaErrorInvalidKernelImage", st, r, AVA_S_OK, cudaErrorInvalidKernelImage);
		free(big);
	}
	alive();
}

/*
 * A file in the worker's cache directory ($AVA_FATBIN_CACHE, when the test
 * is given one) named by its content's hash that the daemon did not write:
 * one of the workers' user (as root; a hostile worker could leave it
 * there) and one others may write are misses; the same file as the
 * daemon's, writable by it alone, is used (and is no fat binary).
 */
static void forged_cache_file(int gpu)
{
	static const char text[] = "abcdbcdecdefdefgefghfghighijhijkijkljklmmnlmnomnopnopq";
	/* its content hash (common/content_hash.h) */
	static const uint8_t key[32] = { 0xa2, 0xba, 0xf7, 0xf4, 0xfa, 0x66, 0x65, 0x64, 0x85, 0x42, 0xdc,
					 0x77, 0xc0, 0xa5, 0x7c, 0xd1, 0xfa, 0x4f, 0x10, 0x85, 0x93, 0xe2,
					 0xcc, 0xb6, 0xdd, 0x88, 0x71, 0x8f, 0xa1, 0xd0, 0x4a, 0x56 };
	const char *dir = getenv("AVA_FATBIN_CACHE");
	const struct passwd *pw = getpwnam("nobody");
	const uint32_t cached = AVA_FN_CUDART_avaRtFatbinCached;
	const size_t len = sizeof(text) - 1;
	char path[4096];
	long long r;
	int fd, st;

	if (!dir || snprintf(path, sizeof(path), "%s/a2baf7f4fa6665648542dc77c0a57cd1fa4f108593e2ccb6dd88718fa1d04a56",
			     dir) >= (int)sizeof(path)) {
		skip("avaRtFatbinCached: forged files in the cache directory", "AVA_FATBIN_CACHE not set");
		return;
	}
	unlink(path);
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0644);
	if (fd < 0 || write(fd, text, len) != (ssize_t)len || fchmod(fd, 0644)) {
		skip("avaRtFatbinCached: forged files in the cache directory", "cannot write in AVA_FATBIN_CACHE");
		if (fd >= 0)
			close(fd);
		return;
	}
	if (!geteuid() && pw && !fchown(fd, pw->pw_uid, pw->pw_gid)) {
		st = raw(AVA_API_CUDART, cached, (struct item[]){ W(0x7010), D(32, key), W(len) }, 3, &r);
		refused_gpu(gpu, "avaRtFatbinCached: a file of the workers' user named by its content's hash: a miss",
			    st, r, AVA_S_OK, cudaErrorFileNotFound);
		if (fchown(fd, 0, 0))
			perror("fchown");
	} else {
		skip("avaRtFatbinCached: a file of the workers' user in the cache directory", "not root");
	}
	if (!fchmod(fd, 0666)) {
		st = raw(AVA_API_CUDART, cached, (struct item[]){ W(0x7011), D(32, key), W(len) }, 3, &r);
		refused_gpu(gpu, "avaRtFatbinCached: a file others may write, named by its content's hash: a miss", st,
			    r, AVA_S_OK, cudaErrorFileNotFound);
	}
	if (!fchmod(fd, 0644)) {
		st = raw(AVA_API_CUDART, cached, (struct item[]){ W(0x7012), D(32, key), W(len) }, 3, &r);
		refused_gpu(gpu, "avaRtFatbinCached: the same file as the daemon's is used: not a fat binary", st, r,
			    AVA_S_OK, cudaErrorInvalidKernelImage);
	}
	close(fd);
	unlink(path);
}

/* The calls of host functions, launch attributes, stream attributes and
 * context parameters: counts that do not match, forged channels,
 * attributes that would carry handles. */
static void attributes_and_host_functions(int gpu)
{
	static const unsigned int dims[7] = { 1, 1, 1, 1, 1, 1, 0 };
	CUlaunchAttribute attr;
	CUstreamAttrValue v;
	dim3 g = { 1, 1, 1 };
	long long r;
	int st;

	memset(&attr, 0, sizeof(attr));
	memset(&v, 0, sizeof(v));
	st = raw(AVA_API_CUDA, AVA_FN_CUDA_avaCuCtxCreate,
		 (struct item[]){ W(0x6000), D(16, params), W(1u << 30), W(1), W(0), W(0) }, 6, &r);
	refused("avaCuCtxCreate: 2^30 affinity entries in 16 bytes: AVA_S_MALFORMED", st, r, AVA_S_MALFORMED, 0);
	st = raw(AVA_API_CUDA, AVA_FN_CUDA_avaCuLaunchKernelEx,
		 (struct item[]){ W(0), D(sizeof(dims), dims), W(0), D(sizeof(attr), &attr), W(1000), W(0), W(0) }, 7,
		 &r);
	refused("avaCuLaunchKernelEx: 1000 attributes in one's bytes: AVA_S_MALFORMED", st, r, AVA_S_MALFORMED, 0);
	st = raw(AVA_API_CUDART, AVA_FN_CUDART_avaRtLaunchKernelEx,
		 (struct item[]){ W(0), D(sizeof(g), &g), D(sizeof(g), &g), W(0), W(0), D(sizeof(attr), &attr), W(1000),
				  D(8, params) }, 8, &r);
	refused("avaRtLaunchKernelEx: 1000 attributes in one's bytes: AVA_S_MALFORMED", st, r, AVA_S_MALFORMED, 0);
	st = raw(AVA_API_CUDA, AVA_FN_CUDA_avaCuHostFn, (struct item[]){ W(0), W(4242), W(64), W(0) }, 4, &r);
	refused("avaCuHostFn on a forged channel: CUDA_ERROR_INVALID_VALUE", st, r, AVA_S_OK, CUDA_ERROR_INVALID_VALUE);
	st = raw(AVA_API_CUDA, AVA_FN_CUDA_cuStreamSetAttribute,
		 (struct item[]){ W(0), W(CU_LAUNCH_ATTRIBUTE_PROGRAMMATIC_EVENT), D(sizeof(v), &v) }, 3, &r);
	refused_gpu(gpu, "cuStreamSetAttribute with an event-carrying attribute: CUDA_ERROR_NOT_SUPPORTED", st, r,
		    AVA_S_OK, CUDA_ERROR_NOT_SUPPORTED);
	st = raw(AVA_API_CUDA, AVA_FN_CUDA_avaCuPointerAttribute,
		 (struct item[]){ W((8ull << 2) | 1), W(CU_POINTER_ATTRIBUTE_CONTEXT), W(0x1000) }, 3, &r);
	refused_gpu(gpu, "avaCuPointerAttribute of a context: CUDA_ERROR_NOT_SUPPORTED", st, r, AVA_S_OK,
		    CUDA_ERROR_NOT_SUPPORTED);
	alive();
}

/* Another session's stream and device memory (theirs: see other_session_child). */
static void other_session_objects(const uint64_t theirs[3])
{
	long long r;
	int st;

	if (theirs[2]) {
		st = raw(AVA_API_CUDA, AVA_FN_CUDA_cuStreamSynchronize, (struct item[]){ W(theirs[0]) }, 1, &r);
		result(st == AVA_S_OK && r == CUDA_ERROR_INVALID_HANDLE,
		       "another session's stream id: CUDA_ERROR_INVALID_HANDLE", r);
		st = raw(AVA_API_CUDART, AVA_FN_CUDART_cudaStreamSynchronize, (struct item[]){ W(theirs[0]) }, 1, &r);
		result(st == AVA_S_OK && r == cudaErrorInvalidResourceHandle,
		       "another session's stream id (runtime): cudaErrorInvalidResourceHandle", r);
		r = cuMemsetD8(theirs[1], 0, 16);
		result(r == CUDA_ERROR_INVALID_VALUE, "cuMemsetD8 on another session's device memory: CUDA_ERROR_INVALID_VALUE", r);
		{
			char buf[16];

			r = cuMemcpyDtoH(buf, theirs[1], sizeof(buf));
			result(r == CUDA_ERROR_INVALID_VALUE, "cuMemcpyDtoH from another session's device memory: CUDA_ERROR_INVALID_VALUE", r);
		}
		alive();
	} else {
		skip("another session's stream and device memory refused", "no GPU: the other session has no CUDA device");
	}
}

int main(void)
{
	uint64_t theirs[3] = { 0, 0, 0 };
	int fds[2], back[2], gpu;

	/* another session: a child process creates a stream and device memory */
	if (pipe(fds) || pipe(back))
		return 1;
	pid_t pid = fork();
	if (pid == 0) {
		close(fds[0]);
		close(back[1]);
		other_session_child(fds[1], back[0]);
	}
	close(fds[1]);
	close(back[0]);
	if (read(fds[0], theirs, sizeof(theirs)) != sizeof(theirs))
		theirs[2] = 0;
	gpu = have_gpu();

	forged_handles(gpu);
	new_object_ids();
	bad_sizes(gpu);
	attributes_and_host_functions(gpu);
	fatbin_cache(gpu);
	forged_cache_file(gpu);
	other_session_objects(theirs);
	if (write(back[1], "x", 1) != 1)
		perror("write");
	waitpid(pid, NULL, 0);
	printf("1..%d\n", n);
	return failed != 0;
}
