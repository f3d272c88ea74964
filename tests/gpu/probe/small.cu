// one-off experiment: what makes small pageable cudaMemcpy slower in the worker?
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <sys/mman.h>
#include <unistd.h>
#include <cuda_runtime.h>
static double now() { timespec t; clock_gettime(CLOCK_MONOTONIC, &t); return t.tv_sec * 1e6 + t.tv_nsec * 1e-3; }
static char *dev;
static void h2d(const char *name, char *src) {
	for (int w = 0; w < 200; w++) cudaMemcpy(dev, src, 4096, cudaMemcpyHostToDevice);
	double t = now(); for (int i = 0; i < 5000; i++) cudaMemcpy(dev, src, 4096, cudaMemcpyHostToDevice);
	printf("h2d 4KiB %-40s %.2f us\n", name, (now() - t) / 5000);
}
static void d2h(const char *name, char *dst, int fresh) {
	double t = now();
	for (int i = 0; i < 5000; i++) {
		char *d = fresh ? (char *)calloc(1, 4096) : dst;
		cudaMemcpy(d, dev, 4096, cudaMemcpyDeviceToHost);
		if (fresh) free(d);
	}
	printf("d2h 4KiB %-40s %.2f us\n", name, (now() - t) / 5000);
}
int main() {
	cudaMalloc(&dev, 1 << 20);
	char *big = (char *)malloc(256 << 20); memset(big, 1, 256 << 20);
	char *msg = (char *)malloc((1 << 20) + 65536); memset(msg, 1, (1 << 20) + 65536);
	char *al = (char *)aligned_alloc(4096, 1 << 20); memset(al, 1, 1 << 20);
	char *pin; cudaMallocHost(&pin, 1 << 20);
	for (int round = 0; round < 2; round++) {
		printf("-- round %d%s\n", round, round ? " (256 MiB memfd registered)" : "");
		h2d("malloc 256MiB", big); h2d("malloc 1MiB + 40", msg + 40); h2d("page aligned", al); h2d("pinned", pin);
		d2h("malloc 256MiB", big, 0); d2h("fresh calloc each time", NULL, 1); d2h("page aligned", al, 0); d2h("pinned", pin, 0);
		if (!round) {
			int fd = memfd_create("a", 0); ftruncate(fd, 256 << 20);
			void *m = mmap(0, 256 << 20, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_NORESERVE, fd, 0);
			printf("register: %d\n", (int)cudaHostRegister(m, 256 << 20, cudaHostRegisterPortable));
		}
	}
	return 0;
}
