#!/usr/bin/python3
"""Secrets scan: fails when a file of the tree holds a private key, a cloud or forge access token,
or a SciAgents bearer token written out in full.

Scans the files git knows (tracked, plus untracked files that are not ignored), or every file under
the root outside build*/ directories when there is no git. Files that must hold such text (test
fixtures) are listed in secrets_allowlist.txt with a reason; nothing else is skipped.

Usage: /usr/bin/python3 tests/package/secrets_scan.py [ROOT]   (exit 0 clean, 1 findings)
"""
import os
import re
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))

# (name, pattern). Patterns are built from pieces so that this file does not match itself.
PATTERNS = [
    ("private key", re.compile("-----BEGIN (?:RSA |EC |DSA |OPENSSH |ENCRYPTED |PGP )?PRIVATE" + " KEY( BLOCK)?-----")),
    ("AWS access key id", re.compile(r"\b(?:AKIA|ASIA)[0-9A-Z]{16}\b")),
    ("AWS secret access key", re.compile(r"(?i)aws_?secret_?access_?key\s*[=:]\s*['\"]?[A-Za-z0-9/+]{40}\b")),
    ("GitHub token", re.compile(r"\b(?:gh[pousr]_[A-Za-z0-9]{36,}|github_pat_[A-Za-z0-9_]{40,})\b")),
    ("GitLab token", re.compile(r"\bglpat-[A-Za-z0-9_-]{20,}\b")),
    ("Slack token", re.compile(r"\bxox[abprs]-[A-Za-z0-9-]{10,}\b")),
    ("Google API key", re.compile(r"\bAIza[0-9A-Za-z_-]{35}\b")),
    # SciAgents tokens are 64 hex digits (core/store/token_store.cpp); one written next to where a
    # token goes is a leaked credential. Placeholders such as $SCIAGENTS_TOKEN or ... do not match.
    ("SciAgents bearer token", re.compile(r"(?i)(?:bearer\s+|sciagents_token\s*[=:]\s*['\"]?)[0-9a-f]{64}\b")),
]
BINARY_SUFFIXES = (".png", ".ico", ".icns", ".npy", ".gz", ".jpg", ".jpeg", ".db", ".sqlite")


def load_allowlist(path=os.path.join(HERE, "secrets_allowlist.txt")):
    """Lines 'PATH  reason'; PATH is relative to the repository root. Every entry needs a reason."""
    allowed = {}
    with open(path) as f:
        for n, line in enumerate(f, 1):
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            parts = line.split(None, 1)
            if len(parts) < 2:
                raise SystemExit("%s:%d: allowlist entry '%s' has no reason" % (path, n, line))
            allowed[parts[0]] = parts[1]
    return allowed


def tree_files(root):
    try:
        out = subprocess.run(["git", "-C", root, "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
                             capture_output=True, check=True).stdout
        return sorted({p for p in out.decode().split("\0") if p})
    except (OSError, subprocess.CalledProcessError):
        files = []
        for d, dirs, names in os.walk(root):
            dirs[:] = [x for x in dirs if not x.startswith("build") and x != ".git"]
            files += [os.path.relpath(os.path.join(d, n), root) for n in names]
        return sorted(files)


def scan_text(text):
    """[(line number, pattern name)] for every match in text."""
    found = []
    for name, rx in PATTERNS:
        for m in rx.finditer(text):
            found.append((text.count("\n", 0, m.start()) + 1, name))
    return found


def scan(root, allowed):
    findings = []
    for rel in tree_files(root):
        path = os.path.join(root, rel)
        if rel in allowed or rel.endswith(BINARY_SUFFIXES) or not os.path.isfile(path) or os.path.islink(path):
            continue
        with open(path, "rb") as f:
            text = f.read().decode("utf-8", errors="replace")
        findings += ["%s:%d: %s" % (rel, line, name) for line, name in scan_text(text)]
    return findings


def main():
    root = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else os.path.join(HERE, "..", ".."))
    allowed = load_allowlist()
    missing = [p for p in allowed if not os.path.exists(os.path.join(root, p))]
    findings = scan(root, allowed)
    for f in findings:
        print("secret: " + f)
    for p in missing:
        print("allowlist entry for a file that does not exist: " + p)
    print("secrets scan: %d files, %d findings, %d allowlisted" % (len(tree_files(root)), len(findings), len(allowed)))
    return 1 if findings or missing else 0


if __name__ == "__main__":
    sys.exit(main())
