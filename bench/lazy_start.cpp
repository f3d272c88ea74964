// SPDX-License-Identifier: MIT
/*
 * lazy_start: the start-up of a program that registers a ~200 MB fat binary
 * but uses one kernel (bench/run cuda; docs/performance.md).  It builds the
 * fat binary in memory as nvcc's output would hold it: the entries of
 * LAZY90 (`nvcc -fatbin` of bench/lazy_kernel.cu for the GPU's arch) and
 * copies of the entries of PAD (the same file with a large padding kernel);
 * then it registers it exactly as nvcc's host stub would
 * (__cudaRegisterFatBinary, __cudaRegisterFunction, ...End) and times,
 * from registration on, the first kernel's result coming back.  bench/run
 * gives it two PADs: one for another arch (sm_80), which the driver never
 * loads on that GPU and AvA's guest leaves out of what it hashes and
 * sends, and one for the GPU's own arch, whose copies repeat a target the
 * driver loads from its first entry only, and so does AvA's guest.  With
 * PAD "-", the fat binary is LAZY90's with its first SASS entry grown to
 * MB by bytes after the cubin's end (one large entry of the GPU's arch, as
 * a library's cubin of many kernels, of which the driver loads the ones
 * used): all of it travels through AvA.
 *
 *   lazy_start LAZY90.fatbin PAD.fatbin|- MB LABEL
 * prints "lazy_start_us_LABEL <µs>" and the fat binary's size as a comment.
 */
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <vector>
#include <cuda_runtime.h>

#include "bench_clock.h"

extern "C" {
void **__cudaRegisterFatBinary(void *fatCubin);
void __cudaRegisterFatBinaryEnd(void **handle);
void __cudaRegisterFunction(void **handle, const char *hostFun, char *deviceFun, const char *deviceName,
			    int thread_limit, uint3 *tid, uint3 *bid, dim3 *bDim, dim3 *gDim, int *wSize);
}

/* the wrapper nvcc's host code passes (fatbinary_section.h's layout) */
struct fatbin_wrapper {
	int magic;
	int version;
	const void *data;
	void *unused;
};

static std::vector<char> read_file(const char *path)
{
	std::vector<char> v;
	FILE *f = fopen(path, "rb");
	char buf[65536];
	size_t n;

	if (!f) {
		perror(path);
		exit(1);
	}
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		v.insert(v.end(), buf, buf + n);
	fclose(f);
	return v;
}

/* A fat binary's entries: what follows its 16-byte header. */
static std::vector<char> entries(const std::vector<char> &fb)
{
	uint32_t magic;
	uint16_t hsize;
	uint64_t fsize;

	memcpy(&magic, fb.data(), 4);
	memcpy(&hsize, fb.data() + 6, 2);
	memcpy(&fsize, fb.data() + 8, 8);
	if (fb.size() < 16 || magic != 0xBA55ED50u || hsize + fsize > fb.size()) {
		fprintf(stderr, "lazy_start: not a fat binary\n");
		exit(1);
	}
	return std::vector<char>(fb.begin() + hsize, fb.begin() + hsize + fsize);
}

/* The entries with the first SASS (ELF) entry's payload grown by `grow` zero bytes. */
static std::vector<char> grow_first_sass(const std::vector<char> &e, uint64_t grow)
{
	uint64_t off = 0;

	while (off + 32 <= e.size()) {
		uint16_t kind;
		uint32_t hsize;
		uint64_t psize;

		memcpy(&kind, &e[off], 2);
		memcpy(&hsize, &e[off + 4], 4);
		memcpy(&psize, &e[off + 8], 8);
		if (hsize < 32 || hsize + psize > e.size() - off)
			break;
		if (kind == 2) {
			if (psize < 4 || memcmp(&e[off + hsize], "\x7f" "ELF", 4)) {
				fprintf(stderr, "lazy_start: the first SASS entry is not a plain ELF (compressed?)\n");
				exit(1);
			}
			std::vector<char> out(e.begin(), e.begin() + off + hsize + psize);
			uint64_t grown = psize + grow;

			memcpy(&out[off + 8], &grown, 8);
			out.insert(out.end(), grow, 0);
			out.insert(out.end(), e.begin() + off + hsize + psize, e.end());
			return out;
		}
		off += hsize + psize;
	}
	fprintf(stderr, "lazy_start: no SASS entry to grow\n");
	exit(1);
}

static const char host_key = 0;	/* the "host stub" nvcc would register */

int main(int argc, char **argv)
{
	if (argc != 5) {
		fprintf(stderr, "usage: lazy_start LAZY90.fatbin PAD.fatbin MB LABEL\n");
		return 2;
	}
	std::vector<char> used = entries(read_file(argv[1]));
	uint64_t want = strtoull(argv[3], NULL, 10) << 20, fsize;
	std::vector<char> image(16), pad;

	if (!strcmp(argv[2], "-") && want > used.size())
		used = grow_first_sass(used, want - used.size());
	else if (strcmp(argv[2], "-"))
		pad = entries(read_file(argv[2]));
	fsize = used.size();
	image.insert(image.end(), used.begin(), used.end());
	while (!pad.empty() && fsize < want) {
		image.insert(image.end(), pad.begin(), pad.end());
		fsize += pad.size();
	}
	uint32_t magic = 0xBA55ED50u;
	uint16_t version = 1, hsize = 16;
	memcpy(&image[0], &magic, 4);
	memcpy(&image[4], &version, 2);
	memcpy(&image[6], &hsize, 2);
	memcpy(&image[8], &fsize, 8);
	static fatbin_wrapper w = { 0x466243b1, 1, NULL, NULL };
	w.data = image.data();

	double t0 = now_s();
	void **h = __cudaRegisterFatBinary(&w);
	__cudaRegisterFunction(h, &host_key, (char *)"lazy_kernel", "lazy_kernel", -1, NULL, NULL, NULL, NULL, NULL);
	__cudaRegisterFatBinaryEnd(h);
	int *d = NULL, got = 0, v = 20;
	void *args[] = { &d, &v };
	bool ok = cudaMalloc((void **)&d, sizeof(int)) == cudaSuccess;
	double t_malloc = now_s();	/* where a run's time goes (informational) */
	ok = ok && cudaLaunchKernel((const void *)&host_key, dim3(1), dim3(1), args, 0, 0) == cudaSuccess;
	double t_launch = now_s();
	ok = ok && cudaMemcpy(&got, d, sizeof(int), cudaMemcpyDeviceToHost) == cudaSuccess && got == 41;
	if (!ok) {
		fprintf(stderr, "lazy_start: the kernel did not run: %s (got %d)\n",
			cudaGetErrorString(cudaGetLastError()), got);
		return 1;
	}
	double t1 = now_s();
	printf("# fat binary: %llu bytes\n", (unsigned long long)image.size());
	printf("# %s us: registration + cudaMalloc %.0f, cudaLaunchKernel %.0f, cudaMemcpy %.0f\n", argv[4],
	       (t_malloc - t0) * 1e6, (t_launch - t_malloc) * 1e6, (t1 - t_launch) * 1e6);
	printf("lazy_start_us_%s %.0f\n", argv[4], (t1 - t0) * 1e6);
	cudaFree(d);
	return 0;
}
