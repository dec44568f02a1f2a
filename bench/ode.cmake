sciagents_add_bench(bench_ode ode_bench.cpp)
