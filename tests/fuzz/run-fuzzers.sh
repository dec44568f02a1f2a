#!/usr/bin/env bash
# Runs every libFuzzer target for SECONDS each on a scratch copy of the seed corpus.
# Usage: tests/fuzz/run-fuzzers.sh BUILD_DIR SECONDS
# Exits non-zero when any target crashes, leaks, times out, runs out of memory or is missing.
# Reproducers are kept in BUILD_DIR/fuzz-artifacts/<target>/.
set -euo pipefail

if [[ $# -lt 1 || $# -gt 2 ]]; then
  echo "usage: $0 BUILD_DIR [SECONDS]" >&2
  exit 2
fi
build_dir=$(cd "$1" && pwd)
seconds=${2:-60}
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

work=$(mktemp -d "${TMPDIR:-/tmp}/sciagents-fuzz.XXXXXX")
trap 'rm -rf "$work"' EXIT

# target:corpus-folder; the first two are required (built by `make fuzz`).
targets=(fuzz_expression:expression fuzz_workflow:workflow fuzz_value_json:value_json fuzz_http_request:http)
required=(fuzz_expression fuzz_workflow)

status=0
for entry in "${targets[@]}"; do
  target=${entry%%:*}
  seeds=${entry#*:}
  bin="$build_dir/fuzz/$target"
  if [[ ! -x "$bin" ]]; then
    if [[ " ${required[*]} " == *" $target "* ]]; then
      echo "$target: MISSING ($bin not built)" >&2
      status=1
    fi
    continue
  fi
  corpus="$work/corpus/$target"
  artifacts="$build_dir/fuzz-artifacts/$target"
  mkdir -p "$corpus" "$artifacts"
  cp -R "$here/corpus/$seeds/." "$corpus/"
  log="$work/$target.log"
  echo "== $target for ${seconds}s"
  if "$bin" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
      -artifact_prefix="$artifacts/" "$corpus" >"$log" 2>&1; then
    outcome=ok
  else
    outcome="FAILED (exit $?)"
    status=1
    grep -E "ERROR: |SUMMARY: |Test unit written|==[0-9]+==" "$log" | head -20 >&2 || true
    cp "$log" "$artifacts/last-run.log"
  fi
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  echo "$target: ${runs:-?} executions, $outcome"
done
exit $status
