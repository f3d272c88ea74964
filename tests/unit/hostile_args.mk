# hostile_args: kernel arguments a hostile guest sets, run through AvA by
# tests/run's hostile-args suite.  Included by the top Makefile.
HOSTILE_ARGS_BIN := $(BUILD)/tests/unit/hostile_args

$(HOSTILE_ARGS_BIN): tests/unit/hostile_args.c
	@mkdir -p $(@D)
	$(CC) $(TEST_CFLAGS) -o $@ $< $(TEST_LDLIBS)

.PHONY: hostile-args-tests
hostile-args-tests: $(HOSTILE_ARGS_BIN)

# the worker's private copies, alone (worker/worker_call.c)
$(BUILD)/tests/unit/test_private_copy: tests/unit/test_private_copy.c worker/worker_call.c worker/worker_call.h \
		common/wire_codec.c common/hmap.c tests/unit/unit_check.h
	@mkdir -p $(@D)
	$(CC) $(TEST_CFLAGS) -Icommon -Iworker -Itests/unit -o $@ $(filter %.c,$^) -lpthread

$(BUILD)/tests/unit/hostile_toctou: tests/unit/hostile_toctou.c
	@mkdir -p $(@D)
	$(CC) $(TEST_CFLAGS) -o $@ $< $(TEST_LDLIBS) -lpthread

hostile-args-tests: $(BUILD)/tests/unit/test_private_copy $(BUILD)/tests/unit/hostile_toctou

# a session worker's sandbox, looked at by tests/unit/sandbox_check
$(BUILD)/tests/unit/sandbox_probe: tests/unit/sandbox_probe.c
	@mkdir -p $(@D)
	$(CC) $(TEST_CFLAGS) -o $@ $< $(TEST_LDLIBS)

hostile-args-tests: $(BUILD)/tests/unit/sandbox_probe
