sciagents_add_test(NAME test_profiler SOURCES test_profiler.cpp LABELS unit)
# Single-threaded BLAS: a threaded OpenBLAS spin-waits for its helper threads, which on a loaded
# machine adds CPU time to every small solve and flattens the measured scaling (see
# docs/agents/performance_profiler.md).
set_property(TEST test_profiler APPEND PROPERTY ENVIRONMENT "OPENBLAS_NUM_THREADS=1")
