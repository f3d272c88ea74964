# Unit and robustness tests of the runtime (built with the sanitizers).
UNIT_TESTS := hostile_worker
UNIT_BINS := $(addprefix $(BUILD)/tests/unit/,$(UNIT_TESTS))

# hostile_worker: a raw `local` client attacking the worker, one file per job
# in tests/unit/hostile/ (hostile.h says what each case covers)
HOSTILE_SRC := $(wildcard tests/unit/hostile/*.c)

$(BUILD)/tests/unit/hostile_worker: $(HOSTILE_SRC) tests/unit/hostile/hostile.h common/wire_codec.c common/wire_codec.h \
		common/local_hello.c common/local_hello.h common/shm_layout.h userlib/guest_codecs.h uapi/ava_wire.h $(GEN)/opencl_ids.h
	@mkdir -p $(dir $@)
	$(CC) $(TEST_CFLAGS) -I$(GEN) -Icommon -Iuserlib -o $@ $(HOSTILE_SRC) common/wire_codec.c common/local_hello.c -lpthread

# worker_fuzz: the long fuzz run at the worker (tests/fuzz/run; not part of make check)
$(BUILD)/tests/fuzz/worker_fuzz: tests/fuzz/worker_fuzz.c $(filter-out %/main.c,$(HOSTILE_SRC)) \
		tests/unit/hostile/hostile.h common/wire_codec.c $(GEN)/opencl_ids.h
	@mkdir -p $(dir $@)
	$(CC) $(TEST_CFLAGS) -I$(GEN) -Icommon -Iuserlib -o $@ $(filter %.c,$^) -lpthread

.PHONY: unit-tests fuzz-tests
unit-tests: $(UNIT_BINS)
fuzz-tests: $(BUILD)/tests/fuzz/worker_fuzz
