sciagents_add_bench(bench_integration integration_bench.cpp)

# The compiled callbacks of the QUADPACK peer (bench/peers/integration_peer.py --lib).
add_library(bench_integrands MODULE c/integrands.c)
target_link_libraries(bench_integrands PRIVATE m)
set_target_properties(bench_integrands PROPERTIES LIBRARY_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR}/bench)
