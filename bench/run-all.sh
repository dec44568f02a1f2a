#!/usr/bin/env bash
# Runs every benchmark family next to its NumPy/SciPy peer (single-threaded BLAS, one session) and
# writes bench/REPORT.md with the ratio tables (bench/report.py, pairs in bench/pairs.tsv).
# Usage: bench/run-all.sh [BUILD_DIR] [FAMILY...]     (all families unless some are named)
#   REPORT=path   where to write the report (default bench/REPORT.md)
#   REPORT_NOTE=text   a paragraph under the report's header (e.g. what else loaded the machine)
# Adding a benchmark: one `family` line below, and one line per compared kernel in bench/pairs.tsv.
# Besides the families: the server under load and the Python callable overhead (further down).
set -euo pipefail
build=${1:-build}
shift || true
cd "$(dirname "$0")/.."
E=(env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE OPENBLAS_NUM_THREADS=1)
GB=(--benchmark_repetitions=5 --benchmark_report_aggregates_only=true)
PY=/usr/bin/python3
raw="$build/bench-results"
report=${REPORT:-bench/REPORT.md}

names=() ours=() peers=()
# family NAME "EXECUTABLE [Google Benchmark args]" "PEER SCRIPT [args]"   (peer "" = none; @BUILD@ in
# the peer's args is the build directory: the bare C programs and libraries the bench builds)
family() { names+=("$1"); ours+=("$2"); peers+=("$3"); }
family linear_algebra    "bench_linear_algebra --benchmark_filter=Dense|Sparse"  "linear_algebra_peer.py"
family ode               "bench_ode"                                              "ode_peer.py --cvode @BUILD@/bench/bench_cvode_limit"
family pde               "bench_pde"                                              "pde_peer.py 3"
family optimization      "bench_optimization"                                     "optimization_peer.py"
family integration       "bench_integration"                                      "integration_peer.py --lib @BUILD@/bench/libbench_integrands.so"
family special_functions "bench_special_functions"                                "special_functions_peer.py"
family uq                "bench_uq"                                               "uq_peer.py"
family surrogate         "bench_surrogate --benchmark_repetitions=3"              "surrogate_peer.py --reps 3"
family physics_informed_ml "bench_pinn"                                           "pinn_peer.py"
family inverse           "bench_inverse"                                        "inverse_peer.py"
family engine            "bench_engine"                                           ""
family ode_rhs           "bench_ode_rhs"                                          ""
family external_python   "bench_external_python --benchmark_repetitions=3"       "external_python_peer.py"
family external_command  "bench_external_command --benchmark_repetitions=3"      "external_command_peer.py --build @BUILD@ --reps 3"

wanted=" $* "
rm -rf "$raw" && mkdir -p "$raw"
uptime > "$raw/load-before.txt"
for i in "${!names[@]}"; do
  name=${names[$i]}
  [ $# -gt 0 ] && [[ $wanted != *" $name "* ]] && continue
  read -r exe args <<<"${ours[$i]}"
  if [ ! -x "$build/bench/$exe" ]; then
    echo "## $name: $build/bench/$exe not built (libbenchmark-dev missing?)" | tee "$raw/$name.missing"
    continue
  fi
  echo "## $name: ours ($exe)"
  # shellcheck disable=SC2086  # args are a word list by design
  "${E[@]}" "$build/bench/$exe" "${GB[@]}" $args \
    --benchmark_out="$raw/$name.json" --benchmark_out_format=json
  if [ -n "${peers[$i]}" ]; then
    read -r script pargs <<<"${peers[$i]//@BUILD@/$build}"
    echo "## $name: peer ($script)"
    # shellcheck disable=SC2086
    "${E[@]}" "$PY" "bench/peers/$script" $pargs | tee "$raw/$name.peer.txt"
  fi
done
uptime > "$raw/load-after.txt"

# Measurements without a peer table: the server under load and Slurm array overhead.
if [ $# -eq 0 ] && command -v wrk >/dev/null && [ -x "$build/bin/sciagents" ]; then
  echo "## server load (bench/server/run.sh)"
  bench/server/run.sh "$build" 10 2>&1 | tee "$raw/server-load.txt" || echo "(server load targets missed, see above)"
fi

# Python callable overhead (issue 20, no peer): uq.sobol with Python models through the module in
# build/python (built with SCIAGENTS_PYTHON). Run with the rest, or alone as `run-all.sh BUILD python_callable`.
if { [ $# -eq 0 ] || [[ $wanted == *" python_callable "* ]]; } && [ -d "$build/python/sciagents" ]; then
  echo "## python_callable (bench/python_callable_overhead.py)"
  PYTHONPATH="$build/python" "${E[@]}" "$PY" bench/python_callable_overhead.py | tee "$raw/python-callable.txt"
fi

"$PY" bench/report.py --raw "$raw" --pairs bench/pairs.tsv --out "$report" --note "${REPORT_NOTE:-}"
echo "wrote $report"
