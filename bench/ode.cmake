sciagents_add_bench(bench_ode ode_bench.cpp)
# The scalar expression path behind ODE right-hand sides and Jacobians (muParser, tape, set, AD).
sciagents_add_bench(bench_ode_rhs ode_rhs_bench.cpp)

# The limit row of bench/ode: bare CVODE with compiled right-hand sides (bench/c/cvode_limit.c), no
# task layer; bench/peers/ode_peer.py --cvode runs it next to the SciPy peers.
add_executable(bench_cvode_limit c/cvode_limit.c)
target_link_libraries(bench_cvode_limit PRIVATE SUNDIALS::cvode m)
set_target_properties(bench_cvode_limit PROPERTIES C_STANDARD 11 RUNTIME_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR}/bench)
