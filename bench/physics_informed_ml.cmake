sciagents_add_bench(bench_pinn pinn_bench.cpp)
