/* SPDX-License-Identifier: MIT */
/*
 * What each argument slot of an OpenCL kernel takes, for the @kernel_arg
 * codec (worker_codecs.h): the worker asks the vendor
 * (clGetKernelArgInfo), so every program is built with
 * -cl-kernel-arg-info; the guest sees the argument information only where
 * it asked for it, as natively.
 */
#ifndef AVA_OPENCL_KERNEL_ARGS_H
#define AVA_OPENCL_KERNEL_ARGS_H

#include <CL/cl.h>

#include "worker_call.h"

void avaw_cl_kernel_args_register(void);

/* @wimpl of clBuildProgram, clCompileProgram, clGetProgramBuildInfo and clGetKernelArgInfo */
cl_int avaw_cl_build_program(struct avaw_call *c, cl_program program, cl_uint num_devices,
			     const cl_device_id *devices, const char *options,
			     void (CL_CALLBACK *notify)(cl_program, void *), void *user_data);
cl_int avaw_cl_compile_program(struct avaw_call *c, cl_program program, cl_uint num_devices,
			       const cl_device_id *devices, const char *options, cl_uint num_headers,
			       const cl_program *headers, const char **header_names,
			       void (CL_CALLBACK *notify)(cl_program, void *), void *user_data);
cl_int avaw_cl_program_build_info(struct avaw_call *c, cl_program program, cl_device_id device,
				  cl_program_build_info name, size_t size, void *value, size_t *size_ret);
cl_int avaw_cl_kernel_arg_info(struct avaw_call *c, cl_kernel kernel, cl_uint index, cl_kernel_arg_info name,
			       size_t size, void *value, size_t *size_ret);

#endif
