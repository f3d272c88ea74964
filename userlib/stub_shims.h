/* SPDX-License-Identifier: MIT */
/*
 * What the generated files of the stub shims (api/nccl.spec, cufile.spec,
 * cusparseLt.spec) and their few hand-written functions need.  The build
 * names the API's header in AVA_STUB_API_HEADER (Makefile).
 */
#ifndef AVA_STUB_SHIMS_H
#define AVA_STUB_SHIMS_H

#include AVA_STUB_API_HEADER

#define AVA_EXPORT __attribute__((visibility("default")))
#define AVA_GUEST_IMPL_DECLS 1

#endif
