# Quick start: `make run` and `make test`. Both install missing system packages first.
BUILD_DIR ?= build
BUILD_TYPE ?= Release
JOBS ?= $(shell nproc 2>/dev/null || echo 2)
# Tests run $(TEST_JOBS) at a time, the number of cores by default. About a third of the suite's
# time is spent waiting on the servers, Slurm daemons and podman the tests start, so one more test
# than cores is faster (2 cores, 2026-12-07: ctest -j2 ~230 s, -j3 174-190 s, all passing); the
# default stays at the cores, the load every test is written for.
TEST_JOBS ?= $(JOBS)
CMAKE_FLAGS ?=
CTEST_FLAGS ?=
# ccache hits across checkouts in different folders (CI clones elsewhere).
export CCACHE_BASEDIR := $(CURDIR)
export CCACHE_NOHASHDIR := true

.PHONY: all deps configure build test run bench fuzz clean format package sanitize sanitize-asan sanitize-tsan lint

all: build

deps:
	@bash installers/install-deps.sh

$(BUILD_DIR)/build.ninja:
	cmake -S . -B $(BUILD_DIR) -G Ninja -DCMAKE_BUILD_TYPE=$(BUILD_TYPE) \
	  $(if $(CI),-DSCIAGENTS_WERROR=ON) $(CMAKE_FLAGS)

configure: $(BUILD_DIR)/build.ninja

build: deps configure
	cmake --build $(BUILD_DIR) -j $(JOBS)

test: build
	ctest --test-dir $(BUILD_DIR) --output-on-failure -j $(TEST_JOBS) $(CTEST_FLAGS)

# Starts Studio when it is built and a display is available; otherwise runs the quick-start
# workflow on the command line.
run: build
	@if [ -x $(BUILD_DIR)/bin/sciagents-studio ] && [ -n "$$DISPLAY$$WAYLAND_DISPLAY" ]; then \
	  $(BUILD_DIR)/bin/sciagents-studio; \
	else \
	  echo "No display (or Studio not built): running examples/quickstart.workflow.json on the CLI"; \
	  $(BUILD_DIR)/bin/sciagents run examples/quickstart.workflow.json; \
	fi

# Every benchmark next to its peer; writes bench/REPORT.md (ratio tables, date, machine).
bench: build
	cmake --build $(BUILD_DIR) -j $(JOBS) --target benches
	bash bench/run-all.sh $(BUILD_DIR)

# Debian package and tarball in $(BUILD_DIR) (cmake/Packaging.cmake).
package: build
	cd $(BUILD_DIR) && cpack -G DEB && cpack -G TGZ

# ASan+UBSan build (build-asan) running the unit, accuracy and server tests, then a TSan build
# (build-tsan) running the engine and server tests. Any sanitizer report fails the test that caused it,
# and any report file (also from child processes) fails the target.
# test_runtime_libs is left out: it compares `ldd sciagents` with the container image, which has no
# libasan/libubsan.
SAN_JOBS ?= 2
SAN_FLAGS = -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -g -DNDEBUG" -DSCIAGENTS_BUILD_STUDIO=OFF -DSCIAGENTS_BUILD_BENCH=OFF
# The engine (parallel DAG, sweeps, cancellation, step models), the metrics registry and the server.
TSAN_TESTS = test_engine test_validator test_step_model test_metrics test_server_store test_server_router \
  test_server_jobs test_server_http test_server_api test_server_fault test_server_bad_input \
  test_server_openapi test_server_feedback
# Their executables (tests/CMakeLists.txt: one per test folder and group; the Python-script tests
# share sciagents_script_test).
TSAN_TARGETS = tests_workflow tests_core tests_server_core_server sciagents_script_test
_space := $(subst ,, )
sanitize: sanitize-asan sanitize-tsan

sanitize-asan: deps
	cmake -S . -B build-asan $(SAN_FLAGS) -DSCIAGENTS_SANITIZE=address
	cmake --build build-asan -j $(SAN_JOBS)
	rm -rf build-asan/sanitizer-reports && mkdir -p build-asan/sanitizer-reports
	ctest --test-dir build-asan --output-on-failure -j $(SAN_JOBS) -L 'unit|accuracy|server' -E '^test_runtime_libs$$'; \
	  status=$$?; bash cmake/scripts/check-sanitizer-reports.sh build-asan/sanitizer-reports && exit $$status

sanitize-tsan: deps
	cmake -S . -B build-tsan $(SAN_FLAGS) -DSCIAGENTS_SANITIZE=thread
	cmake --build build-tsan -j $(SAN_JOBS) --target sciagents $(TSAN_TARGETS)
	rm -rf build-tsan/sanitizer-reports && mkdir -p build-tsan/sanitizer-reports
	ctest --test-dir build-tsan --output-on-failure -j $(SAN_JOBS) -R '^($(subst $(_space),|,$(strip $(TSAN_TESTS))))$$'; \
	  status=$$?; bash cmake/scripts/check-sanitizer-reports.sh build-tsan/sanitizer-reports && exit $$status

# clang-tidy (.clang-tidy) and cppcheck on the C++ files changed against $(LINT_BASE).
LINT_BASE ?= main
lint: configure
	bash cmake/scripts/lint-changed.sh $(BUILD_DIR) $(LINT_BASE)

# libFuzzer targets (clang); FUZZ_SECONDS per target.
FUZZ_SECONDS ?= 60
fuzz: deps
	cmake -S . -B build-fuzz -G Ninja -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_BUILD_TYPE=RelWithDebInfo \
	  -DSCIAGENTS_BUILD_FUZZ=ON -DSCIAGENTS_BUILD_TESTS=OFF -DSCIAGENTS_BUILD_BENCH=OFF
	cmake --build build-fuzz -j $(JOBS) --target fuzz_expression fuzz_workflow fuzz_value_json fuzz_http_request
	bash tests/fuzz/run-fuzzers.sh build-fuzz $(FUZZ_SECONDS)

# Formats every C/C++ file with clang-format 14 (what test_format, label lint, checks in make test).
format:
	/usr/bin/python3 tests/package/format_test.py --fix

clean:
	rm -rf $(BUILD_DIR)
