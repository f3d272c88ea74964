/* SPDX-License-Identifier: MIT */
/*
 * Coarse-grained buffer SVM in the guest (opencl_svm.c): the entry points,
 * and the internal calls of the worker's side (worker/opencl_svm.c).
 */
#ifndef AVA_OPENCL_SVM_H
#define AVA_OPENCL_SVM_H

#include <CL/cl.h>

void *CL_API_CALL ava_guest_clSVMAlloc(cl_context, cl_svm_mem_flags, size_t, cl_uint);
void CL_API_CALL ava_guest_clSVMFree(cl_context, void *);
cl_int CL_API_CALL ava_guest_clEnqueueSVMFree(cl_command_queue, cl_uint, void **,
					      void(CL_CALLBACK *)(cl_command_queue, cl_uint, void **, void *),
					      void *, cl_uint, const cl_event *, cl_event *);
cl_int CL_API_CALL ava_guest_clEnqueueSVMMemcpy(cl_command_queue, cl_bool, void *, const void *, size_t, cl_uint,
						const cl_event *, cl_event *);
cl_int CL_API_CALL ava_guest_clEnqueueSVMMemFill(cl_command_queue, void *, const void *, size_t, size_t, cl_uint,
						 const cl_event *, cl_event *);
cl_int CL_API_CALL ava_guest_clEnqueueSVMMap(cl_command_queue, cl_bool, cl_map_flags, void *, size_t, cl_uint,
					     const cl_event *, cl_event *);
cl_int CL_API_CALL ava_guest_clEnqueueSVMUnmap(cl_command_queue, void *, cl_uint, const cl_event *, cl_event *);
cl_int CL_API_CALL ava_guest_clEnqueueSVMMigrateMem(cl_command_queue, cl_uint, const void **, const size_t *,
						    cl_mem_migration_flags, cl_uint, const cl_event *, cl_event *);

/* The SVM capabilities the guest reports, from the backend's: coarse-grained buffers at most. */
cl_device_svm_capabilities ava_cl_svm_caps(cl_device_svm_capabilities backend);

cl_int CL_API_CALL avagen_avaSVMAlloc(cl_context, cl_svm_mem_flags, size_t, cl_uint, cl_ulong *);
cl_int CL_API_CALL avagen_avaSVMFree(cl_context, cl_ulong);
cl_int CL_API_CALL avagen_avaSVMRead(cl_command_queue, cl_ulong, size_t, void *, cl_uint, const cl_event *,
				     cl_event *);
cl_int CL_API_CALL avagen_avaSVMWrite(cl_command_queue, cl_ulong, size_t, const void *, cl_uint, const cl_event *,
				      cl_event *);
cl_int CL_API_CALL avagen_avaSVMCopy(cl_command_queue, cl_bool, cl_ulong, cl_ulong, size_t, cl_uint,
				     const cl_event *, cl_event *);
cl_int CL_API_CALL avagen_avaSVMFill(cl_command_queue, cl_ulong, const void *, size_t, size_t, cl_uint,
				     const cl_event *, cl_event *);

#endif
