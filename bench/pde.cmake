# ode_pde PDE/BVP tasks measured through the task function; peers: peers/pde_peer.py.
sciagents_add_bench(bench_pde pde_bench.cpp)
