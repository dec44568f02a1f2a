# surrogate agent benchmarks (peer: bench/peers/surrogate_peer.py).
sciagents_add_bench(bench_surrogate surrogate_bench.cpp)
