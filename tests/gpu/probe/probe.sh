set -x
uname -a; nproc; nvidia-smi; which nvcc gcc python3 cc make; gcc --version | head -1; python3 --version
ls /usr/local/cuda/lib64/libcudart.so* ; ldconfig -p | grep -E "libcuda|OpenCL|libcudart"; ls /usr/include/CL 2>&1 | head; ls /etc/OpenCL/vendors 2>&1
cat /etc/os-release | head -3
cd tests/gpu/probe && nvcc -fatbin -arch=sm_90 k.cu -o k.fatbin && gcc -std=c11 -I/usr/local/cuda/include -o proto proto.c -ldl && ./proto k.fatbin
nvcc -cudart shared -o va va.cu && ./va; ldd va | grep cuda
cd ../../.. && time make -j16 2>&1 | tail -5
