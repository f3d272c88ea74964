# Unit tests of the shared pieces (common/ and the guest's arena and stream
# ring, with the worker's copiers of a large one), built with the sanitizers and run by the `unit` suite of tests/run.
SHARED_UNIT_TESTS := test_hmap test_wire_codec test_arena test_stream test_stream_copiers test_prefault test_upload_pool test_block_cache test_sched test_sha256 test_content_hash \
	test_fatbin_cache test_fatbin_select test_sandbox_lists test_opencl_sizes
SHARED_UNIT_BINS := $(addprefix $(BUILD)/tests/unit/,$(SHARED_UNIT_TESTS))
SHARED_UNIT_CFLAGS := $(TEST_CFLAGS) -Icommon -Iuserlib -Iworker -Itests/unit

$(BUILD)/tests/unit/test_hmap: tests/unit/test_hmap.c common/hmap.c common/hmap.h tests/unit/unit_check.h
$(BUILD)/tests/unit/test_block_cache: tests/unit/test_block_cache.c common/block_cache.c common/block_cache.h \
	tests/unit/unit_check.h
$(BUILD)/tests/unit/test_wire_codec: tests/unit/test_wire_codec.c common/wire_codec.c common/wire_codec.h \
	common/shm_layout.h tests/unit/unit_check.h
$(BUILD)/tests/unit/test_sha256: tests/unit/test_sha256.c common/sha256.c common/sha256.h tests/unit/unit_check.h
$(BUILD)/tests/unit/test_content_hash: tests/unit/test_content_hash.c common/content_hash.c common/content_hash.h \
	common/cpus_allowed.h common/sha256.c common/sha256.h tests/unit/unit_check.h
$(BUILD)/tests/unit/test_fatbin_cache: tests/unit/test_fatbin_cache.c worker/cuda_fatbin_cache.c worker/cuda_fatbin_tidy.c \
	worker/cuda_fatbin_cache.h common/content_hash.c common/content_hash.h common/cpus_allowed.h common/sha256.c \
	common/sha256.h tests/unit/unit_check.h
$(BUILD)/tests/unit/test_fatbin_select: tests/unit/test_fatbin_select.c userlib/cuda_fatbin_select.c \
	userlib/cuda_fatbin_select.h tests/unit/unit_check.h
$(BUILD)/tests/unit/test_sandbox_lists: tests/unit/test_sandbox_lists.c worker/sandbox_syscalls.c \
	worker/sandbox_syscalls.h tests/unit/unit_check.h
# opencl_sizes.c names the OpenCL version it is built for, as the test does
$(BUILD)/tests/unit/test_opencl_sizes: SHARED_UNIT_CFLAGS += -UCL_TARGET_OPENCL_VERSION
$(BUILD)/tests/unit/test_opencl_sizes: tests/unit/test_opencl_sizes.c common/opencl_sizes.c common/opencl_sizes.h \
	tests/unit/unit_check.h
$(BUILD)/tests/unit/test_sched: tests/unit/test_sched.c common/ava_sched.c common/ava_sched.h tests/unit/unit_check.h
$(BUILD)/tests/unit/test_arena: tests/unit/test_arena.c userlib/guest_arena.c userlib/guest_arena.h \
	tests/unit/unit_check.h
$(BUILD)/tests/unit/test_stream: tests/unit/test_stream.c userlib/guest_stream.c userlib/guest_stream.h \
	common/wire_codec.c common/cpus_allowed.h common/shm_layout.h uapi/ava_wire.h tests/unit/unit_check.h
$(BUILD)/tests/unit/test_prefault: tests/unit/test_prefault.c worker/worker_prefault.c worker/worker_prefault.h common/stream_slots.h \
	common/cpus_allowed.h tests/unit/unit_check.h
$(BUILD)/tests/unit/test_upload_pool: tests/unit/test_upload_pool.c worker/upload_pool.c worker/upload_pool.h \
	worker/worker_prefault.h tests/unit/unit_check.h
$(BUILD)/tests/unit/test_stream_copiers: tests/unit/test_stream_copiers.c userlib/guest_stream.c \
	worker/worker_stream.c worker/worker_stream_copiers.c worker/worker_prefault.c common/wire_codec.c common/stream_slots.h \
	userlib/guest_stream.h worker/worker_call.h common/cpus_allowed.h common/shm_layout.h uapi/ava_wire.h \
	tests/unit/unit_check.h

$(SHARED_UNIT_BINS):
	@mkdir -p $(dir $@)
	$(CC) $(SHARED_UNIT_CFLAGS) -o $@ $(filter %.c,$^) -lpthread

unit-tests: $(SHARED_UNIT_BINS)

# the names tests/run's unit suite runs
.PHONY: list-unit-tests
list-unit-tests:
	@echo $(SHARED_UNIT_TESTS)
