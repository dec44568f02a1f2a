sciagents_add_bench(bench_uq uq_bench.cpp)
