# Unit and robustness tests of the runtime (built with the sanitizers).
UNIT_TESTS := hostile_worker
UNIT_BINS := $(addprefix $(BUILD)/tests/unit/,$(UNIT_TESTS))

$(BUILD)/tests/unit/hostile_worker: tests/unit/hostile_worker.c userlib/wire_codec.c userlib/local_hello.h uapi/ava_wire.h
	@mkdir -p $(dir $@)
	$(CC) $(TEST_CFLAGS) -Iuserlib -o $@ tests/unit/hostile_worker.c userlib/wire_codec.c -lpthread

.PHONY: unit-tests
unit-tests: $(UNIT_BINS)
