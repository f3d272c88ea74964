# Unit and robustness tests of the runtime (built with the sanitizers).
UNIT_TESTS := hostile_worker
UNIT_BINS := $(addprefix $(BUILD)/tests/unit/,$(UNIT_TESTS))

$(BUILD)/tests/unit/hostile_worker: tests/unit/hostile_worker.c userlib/wire_codec.c userlib/wire_codec.h \
		userlib/local_hello.h userlib/shm_layout.h userlib/guest_codecs.h uapi/ava_wire.h $(GEN)/opencl_ids.h
	@mkdir -p $(dir $@)
	$(CC) $(TEST_CFLAGS) -I$(GEN) -Iuserlib -o $@ tests/unit/hostile_worker.c userlib/wire_codec.c -lpthread

.PHONY: unit-tests
unit-tests: $(UNIT_BINS)
