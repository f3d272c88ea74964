#include <cstdio>
__device__ int gdev[4];
__constant__ float cscale;
__global__ void add(const float *a, const float *b, float *c, int n) { int i = blockIdx.x*blockDim.x+threadIdx.x; if (i<n) c[i]=a[i]+b[i]*cscale; }
int main(){ float *d; cudaMalloc(&d, 1024); float s=2; cudaMemcpyToSymbol(cscale,&s,4); add<<<1,32>>>(d,d,d,8); cudaDeviceSynchronize(); printf("%s\n", cudaGetErrorString(cudaGetLastError())); return 0; }
