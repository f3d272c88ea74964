# AvA user space.  `make` builds into build/; `make check` installs what the
# tests need, builds an AddressSanitizer/UBSan variant into build/asan/ and
# runs every suite (tests/run).  Kernel modules are built by Kbuild.

BUILD ?= build
# $(BUILD)/san records whether BUILD is a sanitizer build (SAN=1): a make of
# it that does not say SAN, and the test scripts, take it from there (from
# its library's links where a build has no record yet).
ifeq ($(origin SAN),undefined)
SAN := $(or $(shell cat $(BUILD)/san 2>/dev/null),$(if $(shell ldd $(BUILD)/libava-opencl.so 2>/dev/null | grep libasan),1,0))
endif
CC ?= cc
PYTHON ?= python3

WARN := -Wall -Wextra -Werror
CFLAGS_BASE := -std=c11 -D_GNU_SOURCE -g -fPIC $(WARN) -I$(BUILD)/gen -Icommon -Iuserlib -Iworker
ifeq ($(SAN),1)
CFLAGS_BASE += -O1 -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
LDSAN := -fsanitize=address,undefined
else
CFLAGS_BASE += -O2
LDSAN :=
endif
CFLAGS_ALL := $(CFLAGS_BASE) $(CFLAGS)

GEN := $(BUILD)/gen
# the math libraries, remoted at their own APIs (docs/cuda.md): spec name and
# NVIDIA's soname; each gets a shim from the rules under "CUDA" below
MATHLIBS := cublas:libcublas.so.13 cublasLt:libcublasLt.so.13 cufft:libcufft.so.12 curand:libcurand.so.10 cusolver:libcusolver.so.12 \
	cusparse:libcusparse.so.12 cudnn:libcudnn.so.9
MATHLIB_NAMES := $(foreach m,$(MATHLIBS),$(firstword $(subst :, ,$(m))))
SPECS := opencl cuda cudart $(MATHLIB_NAMES)
# stub shims PyTorch loads (their block below; docs/cuda.md)
SPECS += nccl cufile cusparseLt
GEN_FILES := $(foreach s,$(SPECS),$(GEN)/$(s)_ids.h $(GEN)/$(s)_guest.c $(GEN)/$(s)_worker.c $(GEN)/$(s)_exports.c)

SHARED_SRC := common/hmap.c common/wire_codec.c common/opencl_sizes.c common/block_cache.c
# the session, transports and call machinery both shims share
GUEST_CORE_SRC := userlib/guest_session.c userlib/transport_local.c userlib/transport_kernel.c \
	userlib/guest_call.c userlib/guest_encode.c userlib/guest_arena.c userlib/guest_stream.c \
	userlib/guest_pending.c userlib/guest_control.c userlib/guest_objects.c userlib/guest_trace.c common/local_hello.c
USERLIB_SRC := $(GUEST_CORE_SRC) userlib/guest_codecs.c userlib/opencl_guest_rt.c userlib/opencl_objects.c \
	userlib/opencl_icd.c userlib/opencl_gates.c userlib/opencl_padded_reads.c userlib/opencl_checks.c userlib/opencl_svm.c $(SHARED_SRC)
WORKER_SRC := worker/ava_hostd.c worker/hostd_signals.c worker/hostd_local.c worker/hostd_kernel.c worker/hostd_status.c \
	worker/transport_local.c worker/transport_kernel.c worker/worker_dispatch.c worker/worker_share.c worker/worker_mem.c worker/worker_time.c worker/time_opencl.c worker/hostd_time.c worker/hostd_shared.c worker/mem_quota_local.c worker/mem_quota_vhost.c worker/transport_kernel_time.c worker/worker_fifo.c worker/worker_call.c \
	worker/worker_handles.c worker/worker_pending.c worker/worker_staging.c worker/worker_stream.c worker/worker_stream_pipe.c worker/worker_stream_copiers.c worker/worker_prefault.c worker/upload_pool.c worker/worker_codecs.c worker/opencl_worker_rt.c worker/opencl_host_data.c worker/opencl_stream.c worker/opencl_ctx_pool.c worker/opencl_kernel_args.c worker/opencl_svm.c \
	worker/sandbox.c worker/sandbox_filter.c worker/sandbox_syscalls.c worker/sandbox_notify.c worker/sandbox_exec.c worker/cuda_fatbin_cache.c worker/cuda_fatbin_tidy.c common/ava_sched.c common/sha256.c common/content_hash.c $(SHARED_SRC)

USERLIB_OBJ := $(patsubst %.c,$(BUILD)/obj/%.o,$(USERLIB_SRC)) $(BUILD)/obj/gen/opencl_guest.o
WORKER_OBJ := $(patsubst %.c,$(BUILD)/obj/%.o,$(WORKER_SRC)) $(BUILD)/obj/gen/opencl_worker.o

LIB := $(BUILD)/libava-opencl.so
HOSTD := $(BUILD)/ava-hostd

TEST_CFLAGS := -std=c11 -D_GNU_SOURCE -g -O1 $(WARN) -DCL_TARGET_OPENCL_VERSION=120 \
	-fsanitize=address,undefined -fno-omit-frame-pointer
TEST_LDLIBS := -lOpenCL -lm

.PHONY: all check deps clean tests coverage san-marker
# generated files are outputs, not intermediates to delete
.SECONDARY: $(GEN_FILES)
all: $(LIB) $(HOSTD) $(BUILD)/coverage.md

san-marker:
	@mkdir -p $(BUILD) && echo $(SAN) | cmp -s - $(BUILD)/san || echo $(SAN) > $(BUILD)/san
all tests cuda: san-marker

# the generator: api/gen.py and its modules (docs/api-spec.md); a spec error
# stops the build with the spec's file:line
GENERATOR := api/gen.py api/spec.py $(wildcard api/avagen/*.py)
SPEC_DIR ?= api
$(GEN)/%_ids.h $(GEN)/%_guest.c $(GEN)/%_worker.c $(GEN)/%_exports.c: $(SPEC_DIR)/%.spec $(GENERATOR) $(wildcard $(SPEC_DIR)/*.exports)
	@mkdir -p $(GEN)
	$(PYTHON) api/gen.py $< $(GEN)

# The build never writes into the tree: it makes $(BUILD)/coverage.md, and
# `make check` fails while docs/coverage.md differs from it.  `make coverage`
# copies it over the committed file (after a spec change).
$(BUILD)/coverage.md: $(foreach s,$(SPECS),api/$(s).spec) $(wildcard api/*.exports) $(GENERATOR) scripts/coverage
	@mkdir -p $(dir $@)
	scripts/coverage $(foreach s,$(SPECS),api/$(s).spec) > $@.tmp && mv $@.tmp $@

coverage: $(BUILD)/coverage.md
	cp $< docs/coverage.md

$(BUILD)/obj/%.o: %.c $(GEN_FILES) $(wildcard common/*.h userlib/*.h worker/*.h uapi/*.h)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) -c -o $@ $<

$(BUILD)/obj/gen/%.o: $(GEN)/%.c $(GEN_FILES) $(wildcard common/*.h userlib/*.h worker/*.h uapi/*.h)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) -c -o $@ $<

# userlib and common objects hide everything but the ICD entry points
$(BUILD)/obj/userlib/%.o $(BUILD)/obj/common/%.o $(BUILD)/obj/gen/opencl_guest.o: CFLAGS_ALL += -fvisibility=hidden

$(LIB): $(USERLIB_OBJ)
	$(CC) -shared -Wl,-soname,libava-opencl.so -Wl,--no-undefined -o $@ $^ $(LDSAN) -lpthread

$(HOSTD): $(WORKER_OBJ)
	$(CC) -o $@ $^ $(LDSAN) -lOpenCL -lpthread

# Naming the generated files in an explicit rule keeps make from treating
# them as intermediate (deleting <api>_ids.h, then not remaking it).
.PHONY: gen
gen: $(GEN_FILES)

# ---------------------------------------------------------------- CUDA (docs/cuda.md)
# The shims build/cuda/libcuda.so.1 and build/cuda/libcudart.so.13, and the
# CUDA part of ava-hostd, need the toolkit's headers only (no GPU, no
# libcuda: the worker opens NVIDIA's libraries with dlopen at run time).
CUDA_HOME ?= /usr/local/cuda
HAVE_CUDA := $(wildcard $(CUDA_HOME)/include/cuda.h)
ifneq ($(HAVE_CUDA),)
# cuDNN's headers must be those of the libcudnn.so.9 the worker loads: the
# toolkit's, else those of pip's nvidia-cudnn (PyTorch's), before an older
# system copy in /usr/include (CUDNN_INCLUDE=DIR chooses)
CUDNN_INCLUDE ?= $(if $(wildcard $(CUDA_HOME)/include/cudnn.h),,$(shell $(PYTHON) -c \
	'import nvidia.cudnn as m; print(m.__path__[0] + "/include")' 2>/dev/null))
CUDA_CFLAGS := $(if $(CUDNN_INCLUDE),-isystem $(CUDNN_INCLUDE)) -isystem $(CUDA_HOME)/include
CUDA_GUEST_SRC := userlib/cuda_guest_rt.c userlib/cuda_driver.c userlib/cuda_hostfn.c userlib/cuda_ptr_attrs.c userlib/cuda_copy2d.c userlib/cuda_capture.c userlib/cuda_primary_ctx.c $(GUEST_CORE_SRC) common/hmap.c common/wire_codec.c
CUDA_GUEST_OBJ := $(patsubst %.c,$(BUILD)/obj/cuda/%.o,$(CUDA_GUEST_SRC)) $(BUILD)/obj/cuda/gen/cuda_guest.o \
	$(BUILD)/obj/cuda/gen/cuda_exports.o
CUDART_GUEST_OBJ := $(addprefix $(BUILD)/obj/cuda/userlib/,cuda_runtime.o cuda_rt_lazy.o cuda_fatbin_select.o cuda_runtime_more.o cuda_runtime_cache.o \
	cuda_runtime_graphs.o) $(addprefix $(BUILD)/obj/cuda/common/,sha256.o content_hash.o) \
	$(BUILD)/obj/cuda/gen/cudart_guest.o $(BUILD)/obj/cuda/gen/cudart_exports.o
CUDA_WORKER_SRC := $(addprefix worker/cuda_worker_,libs.c objects.c hostmem.c copies.c params.c fatbin.c launch.c errors.c \
	attrs.c hostfn.c copy2d.c preload.c graphs.c)
CUDA_WORKER_OBJ := $(patsubst %.c,$(BUILD)/obj/%.o,$(CUDA_WORKER_SRC) worker/time_cuda.c) $(BUILD)/obj/gen/cuda_worker.o $(BUILD)/obj/gen/cudart_worker.o
# each math library: userlib/<name>_guest.c and its generated stubs in the
# shim, worker/<name>_worker.c and its generated dispatch in ava-hostd
CUDA_WORKER_OBJ += $(addprefix $(BUILD)/obj/worker/,mathlib_worker.o mathlib_devptr.o mathlib_table.o \
	cudnn_worker_backend.o) \
	$(foreach n,$(MATHLIB_NAMES),$(BUILD)/obj/worker/$(n)_worker.o $(BUILD)/obj/gen/$(n)_worker.o)
CUDA_LIB := $(BUILD)/cuda/libcuda.so.1
CUDART_LIB := $(BUILD)/cuda/libcudart.so.13
MATHLIB_SOS := $(foreach m,$(MATHLIBS),$(BUILD)/cuda/$(lastword $(subst :, ,$(m))))
CUBLAS_LIB := $(BUILD)/cuda/libcublas.so.13
CUFFT_LIB := $(BUILD)/cuda/libcufft.so.12
CURAND_LIB := $(BUILD)/cuda/libcurand.so.10
WORKER_OBJ += $(CUDA_WORKER_OBJ)
$(HOSTD): $(CUDA_WORKER_OBJ)
$(CUDA_WORKER_OBJ): CFLAGS_ALL += $(CUDA_CFLAGS)

$(BUILD)/obj/cuda/%.o: %.c $(GEN_FILES) $(wildcard common/*.h userlib/*.h uapi/*.h)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) $(CUDA_CFLAGS) -c -o $@ $<

$(BUILD)/obj/cuda/gen/%.o: $(GEN)/%.c $(GEN_FILES) $(wildcard common/*.h userlib/*.h uapi/*.h)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) $(CUDA_CFLAGS) -c -o $@ $<

# every object is compiled with default visibility; the version scripts
# decide what each shim exports
$(CUDA_LIB): $(CUDA_GUEST_OBJ) userlib/cuda_driver.map
	@mkdir -p $(dir $@)
	$(CC) -shared -Wl,-soname,libcuda.so.1 -Wl,--version-script=userlib/cuda_driver.map \
		-Wl,--no-undefined -o $@ $(CUDA_GUEST_OBJ) $(LDSAN) -lpthread -ldl
	ln -sf libcuda.so.1 $(BUILD)/cuda/libcuda.so

$(CUDART_LIB): $(CUDART_GUEST_OBJ) $(CUDA_LIB) userlib/cuda_runtime.map
	$(CC) -shared -Wl,-soname,libcudart.so.13 -Wl,--version-script=userlib/cuda_runtime.map \
		-Wl,--no-undefined -o $@ $(CUDART_GUEST_OBJ) -L$(BUILD)/cuda -l:libcuda.so.1 \
		-Wl,-rpath,'$$ORIGIN' $(LDSAN) -lpthread
	ln -sf libcudart.so.13 $(BUILD)/cuda/libcudart.so

# a library of more than one file: its other objects
cudnn_GUEST_EXTRA := $(addprefix $(BUILD)/obj/cuda/userlib/,cudnn_guest_attrs.o)
cublas_GUEST_EXTRA := $(BUILD)/obj/cuda/userlib/cublas_guest_async.o

# A math library's shim: NVIDIA's soname, its exports under NVIDIA's version
# node (userlib/<name>.map), the session of AvA's libcuda.so.1.
define MATHLIB_SHIM
$(BUILD)/cuda/$(2): $(BUILD)/obj/cuda/userlib/$(1)_guest.o $(BUILD)/obj/cuda/gen/$(1)_guest.o \
		$(BUILD)/obj/cuda/gen/$(1)_exports.o $(BUILD)/obj/cuda/userlib/mathlib_guest.o $$($(1)_GUEST_EXTRA) \
		$(CUDA_LIB) userlib/$(1).map
	$$(CC) -shared -Wl,-soname,$(2) -Wl,--version-script=userlib/$(1).map -Wl,--no-undefined -o $$@ \
		$$(filter %.o,$$^) -L$(BUILD)/cuda -l:libcuda.so.1 -Wl,-rpath,'$$$$ORIGIN' $$(LDSAN) -lpthread
	ln -sf $(2) $(BUILD)/cuda/$(firstword $(subst .so., ,$(2))).so
endef
$(foreach m,$(MATHLIBS),$(eval $(call MATHLIB_SHIM,$(firstword $(subst :, ,$(m))),$(lastword $(subst :, ,$(m))))))

# hostile input on the CUDA worker, through the guest runtime the shim exports
$(BUILD)/tests/gpu/hostile_cuda: tests/gpu/hostile_cuda.c $(CUDA_LIB) $(GEN_FILES)
	@mkdir -p $(dir $@)
	$(CC) -std=c11 -D_GNU_SOURCE -g -O1 $(WARN) -Icommon -Iuserlib -I$(GEN) $(CUDA_CFLAGS) -o $@ $< \
		-L$(BUILD)/cuda -l:libcuda.so.1 $(LDSAN) -lpthread

$(BUILD)/tests/gpu/hostile_cublas: tests/gpu/hostile_cublas.c $(CUBLAS_LIB) $(GEN_FILES)
	@mkdir -p $(dir $@)
	$(CC) -std=c11 -D_GNU_SOURCE -g -O1 $(WARN) -Icommon -Iuserlib -I$(GEN) $(CUDA_CFLAGS) -o $@ $< \
		-L$(BUILD)/cuda -Wl,-rpath-link,$(BUILD)/cuda -l:libcublas.so.13 -l:libcuda.so.1 $(LDSAN) -lpthread

# cuBLAS without a GPU: a stand-in for NVIDIA's libraries in the worker
$(BUILD)/tests/gpu/libfake_cublas.so: tests/gpu/fake_cublas.c
	@mkdir -p $(dir $@)
	$(CC) -std=c11 -g -O1 -fPIC -shared $(WARN) $(CUDA_CFLAGS) -o $@ $<
$(BUILD)/tests/gpu/cublas_fake: tests/gpu/cublas_fake.c $(CUBLAS_LIB) $(BUILD)/tests/gpu/libfake_cublas.so
	$(CC) -std=c11 -g -O1 $(WARN) $(CUDA_CFLAGS) -o $@ $< -L$(BUILD)/cuda -Wl,-rpath-link,$(BUILD)/cuda -l:libcublas.so.13 $(LDSAN)
$(BUILD)/tests/gpu/guest_answers: tests/gpu/guest_answers.c $(CUBLAS_LIB) $(BUILD)/tests/gpu/libfake_cublas.so
	$(CC) -std=c11 -g -O1 $(WARN) $(CUDA_CFLAGS) -o $@ $< -L$(BUILD)/cuda -Wl,-rpath-link,$(BUILD)/cuda -l:libcublas.so.13 \
		-l:libcuda.so.1 $(LDSAN)

# api/cuda.exports and api/cudart.exports: every symbol NVIDIA's libraries
# export (the shims export them all), refreshed from the toolkit
.PHONY: cuda-exports
cuda-exports:
	$(PYTHON) api/gen.py --export-list api/cuda.spec $(CUDA_HOME)/lib64/stubs/libcuda.so $(CUDA_HOME)/include \
		-D__CUDA_API_VERSION_INTERNAL '<cuda.h>' '<cudaProfiler.h>' > api/cuda.exports
	{ echo; cat api/cuda.exports.platform; } >> api/cuda.exports
	$(PYTHON) api/gen.py --export-list api/cudart.spec $(CUDA_HOME)/lib64/libcudart.so.13 $(CUDA_HOME)/include \
		-D__CUDA_API_VERSION_INTERNAL '<cuda_runtime_api.h>' '<cuda_profiler_api.h>' > api/cudart.exports
	$(PYTHON) api/gen.py --export-list api/cublas.spec $(CUDA_HOME)/lib64/libcublas.so.13 $(CUDA_HOME)/include \
		'<cublas.h>' > api/cublas.exports
	$(PYTHON) api/gen.py --export-list api/cublasLt.spec $(CUDA_HOME)/lib64/libcublasLt.so.13 $(CUDA_HOME)/include \
		'<cublasLt.h>' > api/cublasLt.exports
	$(PYTHON) api/gen.py --export-list api/cusolver.spec $(CUDA_HOME)/lib64/libcusolver.so.12 $(CUDA_HOME)/include \
		'<cusolverDn.h>' '<cusolverSp.h>' '<cusolverRf.h>' '<cusolverSp_LOWLEVEL_PREVIEW.h>' > api/cusolver.exports
	$(PYTHON) api/gen.py --export-list api/cusparse.spec $(CUDA_HOME)/lib64/libcusparse.so.12 $(CUDA_HOME)/include \
		'<cusparse.h>' > api/cusparse.exports
	$(PYTHON) api/gen.py --export-list api/cudnn.spec $(CUDA_HOME)/lib64/libcudnn.so.9 $(CUDA_HOME)/include \
		'<cudnn.h>' > api/cudnn.exports

# cuFFT and cuRAND: hostile input, and cuRAND's host generators (no GPU needed)
$(BUILD)/tests/gpu/hostile_mathlibs: tests/gpu/hostile_mathlibs.c $(CUFFT_LIB) $(CURAND_LIB) $(GEN_FILES)
	@mkdir -p $(dir $@)
	$(CC) -std=c11 -D_GNU_SOURCE -g -O1 $(WARN) -Icommon -Iuserlib -I$(GEN) $(CUDA_CFLAGS) -o $@ $< -L$(BUILD)/cuda \
		-Wl,-rpath-link,$(BUILD)/cuda -l:libcufft.so.12 -l:libcurand.so.10 -l:libcuda.so.1 $(LDSAN) -lpthread
# cuBLASLt, cuSOLVER and cuSPARSE: hostile input (no GPU needed)
$(BUILD)/tests/gpu/hostile_solvers: tests/gpu/hostile_solvers.c $(MATHLIB_SOS) $(GEN_FILES)
	@mkdir -p $(dir $@)
	$(CC) -std=c11 -D_GNU_SOURCE -g -O1 $(WARN) -Icommon -Iuserlib -I$(GEN) $(CUDA_CFLAGS) -o $@ $< -L$(BUILD)/cuda \
		-Wl,-rpath-link,$(BUILD)/cuda -l:libcublasLt.so.13 -l:libcusolver.so.12 -l:libcusparse.so.12 \
		-l:libcuda.so.1 $(LDSAN) -lpthread
$(BUILD)/tests/gpu/curand_host: tests/gpu/curand_host.c $(CURAND_LIB)
	@mkdir -p $(dir $@)
	$(CC) -std=c11 -g -O1 $(WARN) $(CUDA_CFLAGS) -o $@ $< -L$(BUILD)/cuda -Wl,-rpath-link,$(BUILD)/cuda -l:libcurand.so.10 $(LDSAN)

# ---------------------------------------------------------------- stub shims (torchrt)
# NCCL, cuFile and cuSPARSELt: PyTorch's CUDA libraries link them, so a
# single-GPU program must load them; their entry points answer unsupported
# (api/nccl.spec, cufile.spec, cusparseLt.spec; docs/cuda.md).
STUB_SHIMS := $(BUILD)/cuda/libnccl.so.2 $(BUILD)/cuda/libcufile.so.0 $(BUILD)/cuda/libcusparseLt.so.0
stub_objs = $(BUILD)/obj/cuda/userlib/$(1)_stub.o $(BUILD)/obj/cuda/gen/$(2)_guest.o $(BUILD)/obj/cuda/gen/$(2)_exports.o
$(call stub_objs,nccl,nccl): CFLAGS_ALL += -fvisibility=hidden -DAVA_STUB_API_HEADER='<nccl.h>'
$(call stub_objs,cufile,cufile): CFLAGS_ALL += -fvisibility=hidden -DAVA_STUB_API_HEADER='<cufile_abi.h>'
$(call stub_objs,cusparselt,cusparseLt): CFLAGS_ALL += -fvisibility=hidden -DAVA_STUB_API_HEADER='<cusparse.h>'
STUB_LINK = $(CC) -shared -Wl,-soname,$(notdir $@) -Wl,--no-undefined -o $@ $(filter %.o,$^) -L$(BUILD)/cuda \
	-l:libcuda.so.1 -Wl,-rpath,'$$ORIGIN' $(LDSAN)
$(BUILD)/cuda/libnccl.so.2: $(call stub_objs,nccl,nccl) $(CUDA_LIB)
	$(STUB_LINK)
$(BUILD)/cuda/libcufile.so.0: $(call stub_objs,cufile,cufile) $(CUDA_LIB)
	$(STUB_LINK)
$(BUILD)/cuda/libcusparseLt.so.0: $(call stub_objs,cusparselt,cusparseLt) $(CUDA_LIB)
	$(STUB_LINK)
# their export lists, from the libraries (or their `nm -D --defined-only` listings, NAME.defs)
NCCL_LIB ?= $(CUDA_HOME)/lib64/libnccl.so.2
CUFILE_LIB ?= $(CUDA_HOME)/lib64/libcufile.so.0
CUSPARSELT_LIB ?= $(CUDA_HOME)/lib64/libcusparseLt.so.0
.PHONY: stub-exports
stub-exports:
	$(PYTHON) api/gen.py --export-list api/nccl.spec $(NCCL_LIB) $(CUDA_HOME)/include '<nccl.h>' > api/nccl.exports
	$(PYTHON) api/gen.py --export-list api/cufile.spec $(CUFILE_LIB) userlib '<cufile_abi.h>' > api/cufile.exports
	$(PYTHON) api/gen.py --export-list api/cusparseLt.spec $(CUSPARSELT_LIB) $(CUDA_HOME)/include '<cusparse.h>' \
		> api/cusparseLt.exports
cuda: $(STUB_SHIMS)
# ---------------------------------------------------------------- end of the stub shims

.PHONY: cuda
cuda: $(CUDA_LIB) $(CUDART_LIB) $(MATHLIB_SOS) $(HOSTD) $(BUILD)/tests/gpu/hostile_cuda $(BUILD)/tests/gpu/hostile_cublas \
	$(BUILD)/tests/gpu/cublas_fake $(BUILD)/tests/gpu/hostile_mathlibs $(BUILD)/tests/gpu/curand_host \
	$(BUILD)/tests/gpu/hostile_solvers $(BUILD)/tests/gpu/guest_answers
all: cuda
else
.PHONY: cuda
cuda:
	@echo "make cuda: no CUDA toolkit headers in $(CUDA_HOME)/include (set CUDA_HOME); CUDA shims not built"
endif

# ---------------------------------------------------------------- cuDNN (docs/cuda.md, cuDNN)
# hostile attribute types, counts and handles, through AvA (tests/gpu/cudnn_nogpu)
ifneq ($(HAVE_CUDA),)
$(BUILD)/tests/gpu/cudnn_hostile: tests/gpu/cudnn_hostile.c $(BUILD)/cuda/libcudnn.so.9 $(GEN_FILES)
	@mkdir -p $(dir $@)
	$(CC) -std=c11 -D_GNU_SOURCE -g -O1 $(WARN) -Icommon -Iuserlib -I$(GEN) $(CUDA_CFLAGS) -o $@ $< -L$(BUILD)/cuda \
		-Wl,-rpath-link,$(BUILD)/cuda -l:libcudnn.so.9 -l:libcuda.so.1 $(LDSAN) -lpthread
cuda: $(BUILD)/tests/gpu/cudnn_hostile
endif

include tests/opencl/tests.mk
include tests/unit/tests.mk
include tests/unit/shared.mk
include tests/unit/hostile_args.mk

# `tests` includes the CUDA shims and hostile_cuda where the toolkit is
# (make check builds them under the sanitizers and tests/run's cuda suite
# runs them there).
tests: $(LIB) $(HOSTD) $(BUILD)/coverage.md opencl-tests unit-tests hostile-args-tests cuda

deps:
	scripts/install-deps

check: deps
	$(MAKE) BUILD=build/asan SAN=1 tests
	$(MAKE) all
	tests/run build/asan

clean:
	rm -rf build
