# optimization agent benchmarks (peer: bench/peers/optimization_peer.py).
sciagents_add_bench(bench_optimization optimization_bench.cpp)
