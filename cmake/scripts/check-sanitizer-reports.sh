#!/usr/bin/env bash
# `make sanitize`: fails when any sanitizer wrote a report file (log_path, cmake/Sanitize.cmake),
# including reports of child processes whose stderr no test reads. Prints every report.
# Usage: cmake/scripts/check-sanitizer-reports.sh BUILD_DIR/sanitizer-reports
set -euo pipefail
dir=${1:?usage: check-sanitizer-reports.sh DIR}
mapfile -t reports < <(find "$dir" -type f 2>/dev/null | sort)
if [ ${#reports[@]} -eq 0 ]; then
  echo "sanitizer reports: none in $dir"
  exit 0
fi
for f in "${reports[@]}"; do
  echo "===== $f"
  cat "$f"
done
echo "sanitizer reports: ${#reports[@]} file(s) in $dir (above)"
exit 1
