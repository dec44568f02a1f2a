#!/usr/bin/env bash
# Runs every benchmark next to its SciPy peer, alternating, single-threaded, in one session.
# Usage: bench/run-all.sh [BUILD_DIR]   (see bench/README.md and shared notes on benchmarking)
set -euo pipefail
build=${1:-build}
cd "$(dirname "$0")/.."
E=(env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE OPENBLAS_NUM_THREADS=1)
GB=(--benchmark_repetitions=5 --benchmark_report_aggregates_only=true)
PY=/usr/bin/python3
echo "# $(date -u +%F) $(uname -n) $(nproc) cores"
for round in 1 2; do
  echo "## round $round: ours"
  "${E[@]}" "$build/bench/bench_linear_algebra" "${GB[@]}" --benchmark_filter='Dense|Sparse'
  echo "## round $round: SciPy"
  "${E[@]}" "$PY" bench/peers/linear_algebra_peer.py
done
echo "## uq: Sobol indices of Ishigami at N=2^16, ours then NumPy/SciPy"
"${E[@]}" "$build/bench/bench_uq" "${GB[@]}"
"${E[@]}" "$PY" bench/peers/uq_peer.py
echo "## surrogate: GP fit of 500 points in 2-D, ours then NumPy/SciPy"
"${E[@]}" "$build/bench/bench_surrogate" --benchmark_repetitions=3 --benchmark_report_aggregates_only=true
"${E[@]}" "$PY" bench/peers/surrogate_peer.py --reps 3
echo "## inverse: MCMC 10^5 adaptive-Metropolis steps on a 5-D posterior, ours then NumPy"
"${E[@]}" "$build/bench/bench_inverse" "${GB[@]}"
"${E[@]}" "$PY" bench/peers/inverse_peer.py
echo "## engine overhead (ours only: no peer runs workflows)"
"$build/bench/bench_engine" "${GB[@]}"
if command -v wrk >/dev/null && [ -x "$build/bin/sciagents" ]; then
  echo "## server load (bench/server/run.sh)"
  bench/server/run.sh "$build" 10 || echo "(server load targets missed, see above)"
fi
