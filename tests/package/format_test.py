#!/usr/bin/env python3
"""The source tree is formatted: `clang-format --dry-run -Werror` (the repository's .clang-format) over
every C and C++ file of the project. Run by `make test` (ctest label `lint`), so CI checks every change.

The formatting rules of clang-format differ between major versions; the tree is formatted with
clang-format 14 (Debian 12's `clang-format`). With another major version the test is skipped (exit 77)
and says so, rather than failing on rules the tree was not formatted with.

  /usr/bin/python3 tests/package/format_test.py [--fix]      (--fix rewrites the files in place)
"""
import os
import re
import shutil
import subprocess
import sys

SOURCE_DIR = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
FOLDERS = ["app", "bench", "core", "server", "tests", "ui"]
SUFFIXES = (".cpp", ".h", ".c", ".hpp", ".cc")
VERSION = 14


def find_clang_format():
    for name in (f"clang-format-{VERSION}", "clang-format"):
        path = shutil.which(name)
        if not path:
            continue
        out = subprocess.run([path, "--version"], capture_output=True, text=True).stdout
        m = re.search(r"version (\d+)", out)
        if m and int(m.group(1)) == VERSION:
            return path
    return None


def sources():
    files = []
    for folder in FOLDERS:
        for root, dirs, names in os.walk(os.path.join(SOURCE_DIR, folder)):
            dirs[:] = sorted(d for d in dirs if not d.startswith("."))
            files += [os.path.join(root, n) for n in sorted(names) if n.endswith(SUFFIXES)]
    return files


def main():
    tool = find_clang_format()
    if tool is None:
        print(f"clang-format {VERSION} is not installed (Debian 12: apt-get install clang-format); "
              "the formatting check needs that version")
        return 77
    files = sources()
    if len(files) < 100:
        print(f"only {len(files)} source files found under {SOURCE_DIR}: wrong folder?")
        return 1
    args = ["-i"] if "--fix" in sys.argv[1:] else ["--dry-run", "-Werror"]
    bad = []
    for k in range(0, len(files), 50):
        chunk = files[k:k + 50]
        r = subprocess.run([tool, "--style=file", *args, *chunk], capture_output=True, text=True,
                           cwd=SOURCE_DIR)
        if r.returncode != 0:
            for line in r.stderr.splitlines():
                m = re.match(r"(.+?):(\d+):\d+: error", line)
                if m:
                    bad.append((os.path.relpath(m.group(1), SOURCE_DIR), int(m.group(2))))
            if not bad:
                print(r.stderr)
                return 1
    if bad:
        by_file = {}
        for f, line in bad:
            by_file.setdefault(f, []).append(line)
        print(f"{len(by_file)} files are not formatted ({len(bad)} places); "
              "fix with: /usr/bin/python3 tests/package/format_test.py --fix")
        for f, lines in sorted(by_file.items()):
            print(f"  {f}: lines {', '.join(str(x) for x in lines[:8])}{' ...' if len(lines) > 8 else ''}")
        return 1
    print(f"{len(files)} files formatted ({os.path.basename(tool)})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
