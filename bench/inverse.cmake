# inverse agent benchmarks (peer: bench/peers/inverse_peer.py).
sciagents_add_bench(bench_inverse inverse_bench.cpp)
