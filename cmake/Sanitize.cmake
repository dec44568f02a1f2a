# SCIAGENTS_SANITIZE=address|thread: instrument every target of this project (not third-party
# libraries) with ASan+UBSan or TSan. `make sanitize` builds build-asan and build-tsan with it.
# Any report is fatal: UBSan does not recover, and the test environment sets halt_on_error.
set(SCIAGENTS_SANITIZE "" CACHE STRING "Sanitizer build: empty (off), address (ASan+UBSan) or thread (TSan)")
set_property(CACHE SCIAGENTS_SANITIZE PROPERTY STRINGS "" address thread)

if(SCIAGENTS_SANITIZE STREQUAL "")
  return()
endif()
if(MSVC)
  message(FATAL_ERROR "SCIAGENTS_SANITIZE is for GCC and Clang")
endif()
if(SCIAGENTS_SANITIZE STREQUAL "address")
  set(_san_flags -fsanitize=address,undefined -fno-sanitize-recover=all)
elseif(SCIAGENTS_SANITIZE STREQUAL "thread")
  set(_san_flags -fsanitize=thread)
else()
  message(FATAL_ERROR "SCIAGENTS_SANITIZE must be address or thread, got '${SCIAGENTS_SANITIZE}'")
endif()
add_compile_options(${_san_flags} -fno-omit-frame-pointer -g)
add_link_options(${_san_flags})
message(STATUS "Sanitizer build: ${SCIAGENTS_SANITIZE} (${_san_flags})")

# Runtime options every ctest test gets (tests/CMakeLists.txt appends them to ENVIRONMENT). Reports
# also go to files in build-*/sanitizer-reports/ (log_path): a child process (a `sciagents serve` a
# test starts and stops) may report where no test reads its stderr; `make sanitize` fails on any file
# there (cmake/scripts/check-sanitizer-reports.sh).
set(_supp ${PROJECT_SOURCE_DIR}/cmake/sanitizers)
set(SCIAGENTS_SANITIZER_REPORTS ${CMAKE_BINARY_DIR}/sanitizer-reports)
file(MAKE_DIRECTORY ${SCIAGENTS_SANITIZER_REPORTS})
# Instrumented code runs several times slower: hang guards in the tests (server_util.scaled, ctest
# TIMEOUT via sciagents_add_test) are multiplied by SCIAGENTS_TEST_TIMEOUT_SCALE.
set(SCIAGENTS_TEST_TIMEOUT_SCALE 4)
if(SCIAGENTS_SANITIZE STREQUAL "address")
  set(SCIAGENTS_SANITIZER_ENV
    "SCIAGENTS_TEST_TIMEOUT_SCALE=${SCIAGENTS_TEST_TIMEOUT_SCALE}"
    "ASAN_OPTIONS=halt_on_error=1:detect_leaks=1:strict_string_checks=1:detect_stack_use_after_return=1:log_path=${SCIAGENTS_SANITIZER_REPORTS}/asan"
    "UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1:log_path=${SCIAGENTS_SANITIZER_REPORTS}/ubsan"
    "LSAN_OPTIONS=suppressions=${_supp}/lsan.supp")
else()
  # die_after_fork=0: QProcess (Qt 6.4 forkfd, vfork-like) runs TSan's fork hooks in the test's own
  # address space, after which TSan would refuse the test's next std::thread. The child execs at once.
  set(SCIAGENTS_SANITIZER_ENV
    "SCIAGENTS_TEST_TIMEOUT_SCALE=${SCIAGENTS_TEST_TIMEOUT_SCALE}"
    "TSAN_OPTIONS=halt_on_error=1:second_deadlock_stack=1:die_after_fork=0:suppressions=${_supp}/tsan.supp:log_path=${SCIAGENTS_SANITIZER_REPORTS}/tsan")
endif()
