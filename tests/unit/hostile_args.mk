# hostile_args: kernel arguments a hostile guest sets, run through AvA by
# tests/run's hostile-args suite.  Included by the top Makefile.
HOSTILE_ARGS_BIN := $(BUILD)/tests/unit/hostile_args

$(HOSTILE_ARGS_BIN): tests/unit/hostile_args.c
	@mkdir -p $(@D)
	$(CC) $(TEST_CFLAGS) -o $@ $< $(TEST_LDLIBS)

.PHONY: hostile-args-tests
hostile-args-tests: $(HOSTILE_ARGS_BIN)

