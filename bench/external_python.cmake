# external.python per-call overhead (peer: bench/peers/external_python_peer.py).
sciagents_add_bench(bench_external_python external_python_bench.cpp)
