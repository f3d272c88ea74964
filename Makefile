# AvA user space.  `make` builds into build/; `make check` installs what the
# tests need, builds an AddressSanitizer/UBSan variant into build/asan/ and
# runs every suite (tests/run).  Kernel modules are built by Kbuild.

BUILD ?= build
SAN ?= 0
CC ?= cc
PYTHON ?= python3

WARN := -Wall -Wextra -Werror
CFLAGS_BASE := -std=c11 -D_GNU_SOURCE -g -fPIC $(WARN) -I$(BUILD)/gen -Iuserlib -Iworker
ifeq ($(SAN),1)
CFLAGS_BASE += -O1 -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
LDSAN := -fsanitize=address,undefined
else
CFLAGS_BASE += -O2
LDSAN :=
endif
CFLAGS_ALL := $(CFLAGS_BASE) $(CFLAGS)

GEN := $(BUILD)/gen
SPECS := opencl
GEN_FILES := $(foreach s,$(SPECS),$(GEN)/$(s)_ids.h $(GEN)/$(s)_guest.c $(GEN)/$(s)_worker.c)

SHARED_SRC := userlib/hmap.c userlib/wire_codec.c userlib/opencl_sizes.c
USERLIB_SRC := userlib/guest_call.c userlib/transport_local.c userlib/guest_objects.c \
	userlib/guest_codecs.c userlib/opencl_guest_rt.c userlib/opencl_icd.c $(SHARED_SRC)
WORKER_SRC := worker/ava_hostd.c worker/worker_session.c worker/worker_call.c \
	worker/worker_handles.c worker/worker_pending.c worker/worker_stream.c worker/worker_codecs.c worker/opencl_worker_rt.c $(SHARED_SRC)

USERLIB_OBJ := $(patsubst %.c,$(BUILD)/obj/%.o,$(USERLIB_SRC)) $(BUILD)/obj/gen/opencl_guest.o
WORKER_OBJ := $(patsubst %.c,$(BUILD)/obj/%.o,$(WORKER_SRC)) $(BUILD)/obj/gen/opencl_worker.o

LIB := $(BUILD)/libava-opencl.so
HOSTD := $(BUILD)/ava-hostd

TEST_CFLAGS := -std=c11 -D_GNU_SOURCE -g -O1 $(WARN) -DCL_TARGET_OPENCL_VERSION=120 \
	-fsanitize=address,undefined -fno-omit-frame-pointer
TEST_LDLIBS := -lOpenCL -lm

.PHONY: all check deps clean tests
all: $(LIB) $(HOSTD) docs/coverage.md

$(GEN)/%_ids.h $(GEN)/%_guest.c $(GEN)/%_worker.c: api/%.spec api/gen.py api/spec.py
	@mkdir -p $(GEN)
	$(PYTHON) api/gen.py $< $(GEN)

docs/coverage.md: $(foreach s,$(SPECS),api/$(s).spec) api/gen.py api/spec.py scripts/coverage
	scripts/coverage $(foreach s,$(SPECS),api/$(s).spec) > $@.tmp && mv $@.tmp $@

$(BUILD)/obj/%.o: %.c $(GEN_FILES) $(wildcard userlib/*.h worker/*.h uapi/*.h)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) -c -o $@ $<

$(BUILD)/obj/gen/%.o: $(GEN)/%.c $(GEN_FILES) $(wildcard userlib/*.h worker/*.h uapi/*.h)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) -c -o $@ $<

# userlib objects hide everything but the ICD entry points
$(BUILD)/obj/userlib/%.o $(BUILD)/obj/gen/opencl_guest.o: CFLAGS_ALL += -fvisibility=hidden

$(LIB): $(USERLIB_OBJ)
	$(CC) -shared -Wl,-soname,libava-opencl.so -Wl,--no-undefined -o $@ $^ $(LDSAN) -lpthread

$(HOSTD): $(WORKER_OBJ)
	$(CC) -o $@ $^ $(LDSAN) -lOpenCL -lpthread

include tests/opencl/tests.mk
include tests/unit/tests.mk

tests: $(LIB) $(HOSTD) opencl-tests unit-tests

deps:
	scripts/install-deps

check: deps
	$(MAKE) BUILD=build/asan SAN=1 tests
	$(MAKE) all
	tests/run build/asan

clean:
	rm -rf build
