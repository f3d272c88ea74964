// SPDX-License-Identifier: MIT
/* The kinds of an OpenCL kernel's argument slots (opencl_kernel_args.h). */
#include "opencl_worker_rt.h"

#include <stdio.h>
#include <string.h>

static const char arg_info_flag[] = "-cl-kernel-arg-info";

/*
 * Programs built without the guest asking for argument information (the
 * guest must not see it).  Keyed by the program's address: one process
 * serves one session, and every build sets the entry again, so an address
 * reused by a later program is corrected when that one is built.
 */
static struct ava_hmap hidden;

static int has_flag(const char *options)
{
	size_t n = strlen(arg_info_flag);
	const char *p = options;

	while (p && (p = strstr(p, arg_info_flag))) {
		if ((p == options || p[-1] == ' ' || p[-1] == '\t') && (!p[n] || p[n] == ' ' || p[n] == '\t'))
			return 1;
		p += n;
	}
	return 0;
}

/* options with the flag added (free it), NULL when out of memory */
static char *with_flag(struct avaw_call *c, cl_program program, const char *options)
{
	size_t n = options ? strlen(options) : 0;
	char *o = avaw_alloc(c, n + sizeof(arg_info_flag) + 1);
	int asked = has_flag(options);

	if (!o)
		return NULL;
	snprintf(o, n + sizeof(arg_info_flag) + 1, "%s%s%s", options ? options : "", n ? " " : "",
		 asked ? "" : arg_info_flag);
	if (asked)
		ava_hmap_del(&hidden, (uint64_t)(uintptr_t)program);
	else if (ava_hmap_put(&hidden, (uint64_t)(uintptr_t)program, (void *)1))
		return NULL;
	return o;
}

/*
 * Whether to build again with the guest's own options: the flag was ours,
 * and the build failed where it waited (with a callback the failure comes
 * later).  NVIDIA's OpenCL (CUDA 13) makes PTX that its ptxas refuses for a
 * kernel without arguments when asked for their information; built as the
 * guest asked, such a program has no argument information to give.
 */
static int again_without_flag(cl_program program, const char *options, void (CL_CALLBACK *notify)(cl_program, void *),
			      cl_int err, cl_int failure)
{
	if (err != failure || notify || has_flag(options))
		return 0;
	ava_hmap_del(&hidden, (uint64_t)(uintptr_t)program);
	return 1;
}

cl_int avaw_cl_build_program(struct avaw_call *c, cl_program program, cl_uint num_devices,
			     const cl_device_id *devices, const char *options,
			     void (CL_CALLBACK *notify)(cl_program, void *), void *user_data)
{
	const char *o = program ? with_flag(c, program, options) : options;
	cl_int err;

	if (!o)
		return CL_OUT_OF_HOST_MEMORY;
	err = clBuildProgram(program, num_devices, devices, o, notify, user_data);
	if (program && again_without_flag(program, options, notify, err, CL_BUILD_PROGRAM_FAILURE))
		err = clBuildProgram(program, num_devices, devices, options, NULL, NULL);
	return err;
}

cl_int avaw_cl_compile_program(struct avaw_call *c, cl_program program, cl_uint num_devices,
			       const cl_device_id *devices, const char *options, cl_uint num_headers,
			       const cl_program *headers, const char **header_names,
			       void (CL_CALLBACK *notify)(cl_program, void *), void *user_data)
{
	const char *o = program ? with_flag(c, program, options) : options;
	cl_int err;

	if (!o)
		return CL_OUT_OF_HOST_MEMORY;
	err = clCompileProgram(program, num_devices, devices, o, num_headers, headers, header_names, notify,
			       user_data);
	if (program && again_without_flag(program, options, notify, err, CL_COMPILE_PROGRAM_FAILURE))
		err = clCompileProgram(program, num_devices, devices, options, num_headers, headers, header_names,
				       NULL, NULL);
	return err;
}

/* The build options of a program the flag was added to are those the guest gave. */
cl_int avaw_cl_program_build_info(struct avaw_call *c, cl_program program, cl_device_id device,
				  cl_program_build_info name, size_t size, void *value, size_t *size_ret)
{
	size_t n = 0, len, k = strlen(arg_info_flag);
	char *opts;
	cl_int err;

	if (name != CL_PROGRAM_BUILD_OPTIONS || !program || !ava_hmap_get(&hidden, (uint64_t)(uintptr_t)program))
		return clGetProgramBuildInfo(program, device, name, size, value, size_ret);
	err = clGetProgramBuildInfo(program, device, name, 0, NULL, &n);
	if (err != CL_SUCCESS)
		return err;
	if (!(opts = avaw_alloc(c, n + 1)))
		return CL_OUT_OF_HOST_MEMORY;
	err = clGetProgramBuildInfo(program, device, name, n, opts, NULL);
	if (err != CL_SUCCESS)
		return err;
	opts[n] = '\0';
	len = strlen(opts);
	if (len >= k && !strcmp(opts + len - k, arg_info_flag)) {
		len -= k;
		if (len && opts[len - 1] == ' ')
			len--;
		opts[len] = '\0';
	}
	if (value && size < len + 1)
		return CL_INVALID_VALUE;
	if (value)
		memcpy(value, opts, len + 1);
	if (size_ret)
		*size_ret = len + 1;
	return CL_SUCCESS;
}

cl_int avaw_cl_kernel_arg_info(struct avaw_call *c, cl_kernel kernel, cl_uint index, cl_kernel_arg_info name,
			       size_t size, void *value, size_t *size_ret)
{
	cl_program program = NULL;
	cl_int ret = clGetKernelArgInfo(kernel, index, name, size, value, size_ret);

	(void)c;
	if (ret == CL_SUCCESS &&
	    clGetKernelInfo(kernel, CL_KERNEL_PROGRAM, sizeof(program), &program, NULL) == CL_SUCCESS &&
	    ava_hmap_get(&hidden, (uint64_t)(uintptr_t)program))
		return CL_KERNEL_ARG_INFO_NOT_AVAILABLE;
	return ret;
}

/* A private argument: a sampler, or bytes. */
static void private_slot(cl_kernel kernel, cl_uint index, struct avaw_kslot *slot)
{
	char name[sizeof("sampler_t")];
	size_t len = 0;

	if (clGetKernelArgInfo(kernel, index, CL_KERNEL_ARG_TYPE_NAME, 0, NULL, &len) != CL_SUCCESS)
		return;		/* unknown */
	slot->kind = AVAW_KSLOT_BYTES;
	if (len == sizeof(name) &&
	    clGetKernelArgInfo(kernel, index, CL_KERNEL_ARG_TYPE_NAME, sizeof(name), name, NULL) == CL_SUCCESS &&
	    !strcmp(name, "sampler_t")) {
		slot->kind = AVAW_KSLOT_HANDLE;
		slot->type = AVA_HT_OPENCL_sampler;
		slot->err = CL_INVALID_SAMPLER;
	}
}

/* variant 1: an image argument, 0: a buffer */
static int mem_fits(void *obj, int image)
{
	cl_mem_object_type t = 0;

	if (clGetMemObjectInfo(obj, CL_MEM_TYPE, sizeof(t), &t, NULL) != CL_SUCCESS)
		return 0;
	return image ? t != CL_MEM_OBJECT_BUFFER : t == CL_MEM_OBJECT_BUFFER;
}

static int64_t cl_kslot(void *kernel, uint32_t index, struct avaw_kslot *slot)
{
	cl_kernel_arg_address_qualifier aq;
	cl_kernel_arg_access_qualifier access = CL_KERNEL_ARG_ACCESS_NONE;
	cl_uint nargs = 0;
	cl_int e = clGetKernelInfo(kernel, CL_KERNEL_NUM_ARGS, sizeof(nargs), &nargs, NULL);

	if (e != CL_SUCCESS)
		return e;
	if (index >= nargs)
		return CL_INVALID_ARG_INDEX;
	slot->kind = AVAW_KSLOT_UNKNOWN;
	slot->err = CL_INVALID_MEM_OBJECT;
	slot->size_err = CL_INVALID_ARG_SIZE;
	if (clGetKernelArgInfo(kernel, index, CL_KERNEL_ARG_ADDRESS_QUALIFIER, sizeof(aq), &aq, NULL) != CL_SUCCESS)
		return 0;
	switch (aq) {
	case CL_KERNEL_ARG_ADDRESS_LOCAL:
		slot->kind = AVAW_KSLOT_LOCAL;
		break;
	case CL_KERNEL_ARG_ADDRESS_GLOBAL:	/* buffers and images */
	case CL_KERNEL_ARG_ADDRESS_CONSTANT:
		/* only images have an access qualifier */
		if (clGetKernelArgInfo(kernel, index, CL_KERNEL_ARG_ACCESS_QUALIFIER, sizeof(access), &access,
				       NULL) != CL_SUCCESS)
			return 0;
		slot->kind = AVAW_KSLOT_HANDLE;
		slot->type = AVA_HT_OPENCL_mem;
		slot->obj_fits = mem_fits;
		slot->variant = access != CL_KERNEL_ARG_ACCESS_NONE;
		break;
	default:
		private_slot(kernel, index, slot);
	}
	return 0;
}

void avaw_cl_kernel_args_register(void)
{
	/* where the vendor cannot tell (programs from binaries): the argument types */
	static const uint32_t unknown_types[] = { AVA_HT_OPENCL_mem, AVA_HT_OPENCL_sampler, 0 };

	avaw_kernel_arg_set_slot_fn(AVA_API_OPENCL, cl_kslot, unknown_types);
}
