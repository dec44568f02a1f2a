#!/usr/bin/env bash
# `make lint`: clang-tidy (.clang-tidy) and cppcheck on the C++ sources changed against a base
# branch (committed, staged, unstaged and untracked changes). Exit 1 on any finding.
# Usage: cmake/scripts/lint-changed.sh [BUILD_DIR] [BASE] [TOOLS]
#   BUILD_DIR has compile_commands.json; TOOLS defaults to "clang-tidy cppcheck" (CI runs each alone).
set -euo pipefail
build=${1:-build}
base=${2:-main}
tools=${3:-clang-tidy cppcheck}
cd "$(dirname "$0")/../.."
[ -f "$build/compile_commands.json" ] || { echo "lint: $build/compile_commands.json missing (configure first)"; exit 2; }
# A unity build's database names the batch files, not the sources: configure (only) a copy of the
# build without batches next to it and read its database.
if grep -q '/Unity/unity_' "$build/compile_commands.json"; then
  cmake -S . -B "$build-lint" -G Ninja -DSCIAGENTS_UNITY_BUILD=OFF -DSCIAGENTS_BUILD_BENCH=OFF >/dev/null
  build="$build-lint"
fi
for tool in $tools; do
  command -v "$tool" >/dev/null || { echo "lint: $tool missing (installers/install-deps.sh installs it)"; exit 2; }
done

merge_base=$(git merge-base "$base" HEAD 2>/dev/null || echo "$base")
mapfile -t changed < <( { git diff --name-only --diff-filter=ACMR "$merge_base" -- '*.cpp' '*.h';
                          git ls-files --others --exclude-standard -- '*.cpp' '*.h'; } | sort -u)
# Sources only in the compilation database can be checked by clang-tidy; headers are checked
# through the sources that include them (HeaderFilterRegex) and directly by cppcheck.
sources=()
for f in "${changed[@]}"; do
  [[ $f == *.cpp && -f $f ]] && grep -q "\"file\": \"[^\"]*/$f\"" "$build/compile_commands.json" && sources+=("$f")
done
files=()
for f in "${changed[@]}"; do [ -f "$f" ] && files+=("$f"); done
echo "lint: ${#files[@]} changed C++ files against $base (${#sources[@]} in the compilation database)"
[ ${#files[@]} -eq 0 ] && exit 0

status=0
if [[ " $tools " == *" clang-tidy "* && ${#sources[@]} -gt 0 ]]; then
  echo "== clang-tidy"
  # The database is GCC's: clang does not know -Wno-restrict; that is not a finding.
  clang-tidy -p "$build" --quiet --extra-arg=-Wno-unknown-warning-option "${sources[@]}" || status=1
fi
if [[ " $tools " == *" cppcheck "* ]]; then
  echo "== cppcheck"
  cppcheck --quiet --error-exitcode=1 --enable=warning,performance,portability --inline-suppr \
    --std=c++20 --language=c++ --suppress=missingIncludeSystem --suppress=unknownMacro \
    -I . -I "$build/generated" "${files[@]}" || status=1
fi
[ $status -eq 0 ] && echo "lint: clean" || echo "lint: findings above"
exit $status
