# OpenCL conformance-style test programs.  Included by the top Makefile, which
# must define BUILD (before the include), CC, TEST_CFLAGS and TEST_LDLIBS
# (= -lOpenCL -lm).
#
#   make opencl-tests          builds $(BUILD)/tests/opencl/<name> for each
#                              name in OPENCL_TESTS
#   make opencl-tests-native   also runs them natively against PoCL
#   tests/opencl/compare $(BUILD) -- scripts/ava-local --
#                              compares native runs with runs through AvA

# Directory of this fragment, so that it works from any including makefile.
OPENCL_TESTS_DIR := $(patsubst %/,%,$(dir $(lastword $(MAKEFILE_LIST))))

OPENCL_TESTS := buffers build ndrange events map subbuf images errors usergate bigxfer hostflags cl30 hostptrmap enqerrors refcount nativekernel svm ctxreuse
OPENCL_TEST_BINS := $(addprefix $(BUILD)/tests/opencl/,$(OPENCL_TESTS))
# run through AvA only (tests/run, not compared with native runs): what
# only AvA does, e.g. its device-memory quota
OPENCL_AVA_TESTS := memquota workergone gatedbulk
OPENCL_AVA_TEST_BINS := $(addprefix $(BUILD)/tests/opencl-ava/,$(OPENCL_AVA_TESTS))

# cltest.h sets CL_TARGET_OPENCL_VERSION=120 unless TEST_CFLAGS does.
$(OPENCL_TEST_BINS): $(BUILD)/tests/opencl/%: $(OPENCL_TESTS_DIR)/%.c \
		$(OPENCL_TESTS_DIR)/cltest.c $(OPENCL_TESTS_DIR)/cltest.h
	@mkdir -p $(@D)
	$(CC) $(TEST_CFLAGS) -o $@ $< $(OPENCL_TESTS_DIR)/cltest.c $(TEST_LDLIBS)
$(OPENCL_AVA_TEST_BINS): $(BUILD)/tests/opencl-ava/%: $(OPENCL_TESTS_DIR)/%.c \
		$(OPENCL_TESTS_DIR)/cltest.c $(OPENCL_TESTS_DIR)/cltest.h
	@mkdir -p $(@D)
	$(CC) $(TEST_CFLAGS) -o $@ $< $(OPENCL_TESTS_DIR)/cltest.c $(TEST_LDLIBS)

# the device-time policy's sessions (tests/opencl/policy_check; bench/policy)
POLICY_BENCH := $(BUILD)/tests/opencl-ava/policy_bench
$(POLICY_BENCH): bench/policy_bench.c bench/policy_harness.h
	@mkdir -p $(@D)
	$(CC) $(TEST_CFLAGS) -o $@ $< $(TEST_LDLIBS)

.PHONY: opencl-tests opencl-tests-native
opencl-tests: $(OPENCL_TEST_BINS) $(OPENCL_AVA_TEST_BINS) $(POLICY_BENCH)

opencl-tests-native: opencl-tests
	$(OPENCL_TESTS_DIR)/compare --native-only $(BUILD)
