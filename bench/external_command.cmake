# external.command per-evaluation cost (peer: bench/peers/external_command_peer.py). The model
# program and the bare vfork/exec/wait limit loop are plain C (bench/c/).
add_executable(bench_external_model c/external_model.c)
add_executable(bench_spawn_limit c/spawn_limit.c)
find_package(Threads REQUIRED)
target_link_libraries(bench_spawn_limit PRIVATE Threads::Threads)
set_target_properties(bench_external_model bench_spawn_limit PROPERTIES C_STANDARD 11
                      RUNTIME_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR}/bench)
sciagents_add_bench(bench_external_command external_command_bench.cpp)
target_compile_definitions(bench_external_command
                           PRIVATE SCIAGENTS_BENCH_MODEL="$<TARGET_FILE:bench_external_model>")
add_dependencies(bench_external_command bench_external_model bench_spawn_limit)
