# Quick start: `make run` and `make test`. Both install missing system packages first.
BUILD_DIR ?= build
BUILD_TYPE ?= Release
JOBS ?= $(shell nproc 2>/dev/null || echo 2)
CMAKE_FLAGS ?=
CTEST_FLAGS ?=
# ccache hits across checkouts in different folders (CI clones elsewhere).
export CCACHE_BASEDIR := $(CURDIR)
export CCACHE_NOHASHDIR := true

.PHONY: all deps configure build test run bench fuzz clean format

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
	ctest --test-dir $(BUILD_DIR) --output-on-failure -j $(JOBS) $(CTEST_FLAGS)

# Starts Studio when it is built and a display is available; otherwise runs the quick-start
# workflow on the command line.
run: build
	@if [ -x $(BUILD_DIR)/bin/sciagents-studio ] && [ -n "$$DISPLAY$$WAYLAND_DISPLAY" ]; then \
	  $(BUILD_DIR)/bin/sciagents-studio; \
	else \
	  echo "No display (or Studio not built): running examples/quickstart.workflow.json on the CLI"; \
	  $(BUILD_DIR)/bin/sciagents run examples/quickstart.workflow.json; \
	fi

bench: build
	bash bench/run-all.sh $(BUILD_DIR)

# libFuzzer targets (clang); FUZZ_SECONDS per target.
FUZZ_SECONDS ?= 60
fuzz: deps
	cmake -S . -B build-fuzz -G Ninja -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_BUILD_TYPE=RelWithDebInfo \
	  -DSCIAGENTS_BUILD_FUZZ=ON -DSCIAGENTS_BUILD_TESTS=OFF -DSCIAGENTS_BUILD_BENCH=OFF
	cmake --build build-fuzz -j $(JOBS) --target fuzz_expression fuzz_workflow fuzz_value_json fuzz_http_request
	bash tests/fuzz/run-fuzzers.sh build-fuzz $(FUZZ_SECONDS)

format:
	git ls-files '*.cpp' '*.h' | xargs clang-format -i

clean:
	rm -rf $(BUILD_DIR)
