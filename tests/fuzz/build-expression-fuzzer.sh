#!/usr/bin/env bash
# A light build of fuzz_expression: only core/expr (and core/util/error) with muParser, compiled
# by clang with libFuzzer, ASan and UBSan, without configuring the whole project for fuzzing
# (tests/fuzz/CMakeLists.txt instruments all of core). The tape kernels get their usual flags.
# Usage: tests/fuzz/build-expression-fuzzer.sh OUT_DIR
# Then:  OUT_DIR/fuzz_expression -max_total_time=300 CORPUS_COPY tests/fuzz/corpus/expression
set -euo pipefail
out=${1:?usage: $0 OUT_DIR}
src=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
mkdir -p "$out/obj"
cxx=${CXX:-clang++}
flags=(-std=c++20 -O1 -g -fno-omit-frame-pointer -fsanitize=fuzzer-no-link,address,undefined
       -fno-sanitize-recover=undefined -I"$src" -DSCIAGENTS_TAPE_AVX2)
objs=()
compile() {  # file [extra flags...]
  local f=$1
  shift
  local o="$out/obj/$(basename "${f%.cpp}").o"
  "$cxx" "${flags[@]}" "$@" -c "$src/$f" -o "$o"
  objs+=("$o")
}
compile core/util/error.cpp
compile core/expr/expression.cpp
compile core/expr/expression_parse.cpp
compile core/expr/expression_bytecode.cpp
compile core/expr/expression_tape.cpp
compile core/expr/expression_tape_compile.cpp
compile core/expr/expression_tape_derivative.cpp
compile core/expr/expression_tape_sse2.cpp -ffp-contract=off
compile core/expr/expression_tape_avx2.cpp -mavx2 -mno-fma -ffp-contract=off
"$cxx" "${flags[@]}" -fsanitize=fuzzer "$src/tests/fuzz/fuzz_expression.cpp" "${objs[@]}" \
  -lmuparser -o "$out/fuzz_expression"
echo "$out/fuzz_expression"
