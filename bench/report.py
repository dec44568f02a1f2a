#!/usr/bin/python3
"""Writes bench/REPORT.md from one bench/run-all.sh session: for every pair in bench/pairs.tsv, our
median time (Google Benchmark JSON), the peer's median (the line bench/peers/*.py printed) and the
ratio peer / ours (above 1: we are faster), both methods, both accuracies (our error counter, the
error the peer line prints) and whether they match within a factor 3, with the date and the machine.
Rows where we are slower are listed again at the end. Benchmarks without a peer are listed with
their time alone; pairs whose measurement is missing are flagged, not dropped. The server load and
the Python callable overhead (python-callable.txt, already Markdown) get sections of their own.

Usage: /usr/bin/python3 bench/report.py --raw BUILD/bench-results --pairs bench/pairs.tsv --out bench/REPORT.md
"""
import argparse
import datetime
import glob
import json
import os
import platform
import re
import sys

UNIT_MS = {"ns": 1e-6, "us": 1e-3, "ms": 1.0, "s": 1e3}
# "NAME   median 12.3 ms ..." or "NAME: median wall 123 ms, CPU 99 ms" (peer output formats).
PEER_LINE = re.compile(r"^(?P<name>\S.*?):?\s+median\s+(?:wall\s+)?(?P<v>[0-9.]+(?:e[-+]?\d+)?)\s*(?P<u>ns|us|ms|s)\b")
PEER_CPU = re.compile(r"\bcpu\s+(?P<v>[0-9.]+)\s*(?P<u>ns|us|ms|s)?\b", re.I)
NUM = r"(?P<v>[-+]?(?:\d+\.?\d*|\.\d+)(?:e[-+]?\d+)?)"
# The accuracy a peer line prints (first match wins), as (label, pattern).
PEER_ERRORS = [(k, re.compile(p + r"\s*[=:]?\s*" + NUM, re.I)) for k, p in [
    ("max_rel_err", r"\bmax_rel_err\b"), ("abs_error", r"\babs_error\b"), ("max_abs_error", r"\bmax_abs_error\b"),
    ("max_z", r"\bmax_z\b"), ("rel_l2_error", r"\brel_l2_error\b"), ("residual", r"\bresidual\b"),
    ("error", r"\berror\b"), ("scaled_residual", r"\|\|r\|\|/\(\|\|A\|\| \|\|x\|\| eps\) ="),
    ("max_abs_err_x", r"max\|x-1\| ="), ("max_rel_err_vs_certified", r"max rel err vs certified ="),
    ("log_marginal_likelihood", r"\blml\b")]]
# Our Google Benchmark counters that carry the accuracy (first present wins).
OUR_ERRORS = [k for k, _ in PEER_ERRORS]
MATCH = 3.0  # errors within this factor count as matched accuracy


def ours_medians(path):
    """{run name: (real ms, cpu ms, (error label, error) or None)} from a Google Benchmark JSON file
    (median aggregate if any)."""
    with open(path) as f:
        doc = json.load(f)
    out = {}
    for b in doc.get("benchmarks", []):
        name = b.get("run_name", b["name"])
        is_median = b.get("aggregate_name") == "median"
        if b.get("run_type") == "aggregate" and not is_median:
            continue
        if name in out and not is_median:
            continue
        k = UNIT_MS[b.get("time_unit", "ns")]
        err = next(((c, float(b[c])) for c in OUR_ERRORS if c in b), None)
        out[name] = (b["real_time"] * k, b["cpu_time"] * k, err)
    return out, doc.get("context", {})


def peer_medians(path):
    """{peer line name: (wall ms, cpu ms or None, (error label, error) or None)} from a peer's output."""
    out = {}
    with open(path) as f:
        for line in f:
            m = PEER_LINE.match(line.rstrip())
            if not m:
                continue
            wall = float(m.group("v")) * UNIT_MS[m.group("u")]
            rest = line[m.end():]
            c = PEER_CPU.search(rest)
            cpu = float(c.group("v")) * UNIT_MS[c.group("u") or m.group("u")] if c else None
            err = None
            for label, pat in PEER_ERRORS:
                e = pat.search(rest)
                if e:
                    err = (label, float(e.group("v")))
                    break
            out[m.group("name").strip()] = (wall, cpu, err)
    return out


def read_pairs(path):
    """Rows of bench/pairs.tsv: family, our run name, peer line, problem, our method, peer method."""
    pairs = []
    with open(path) as f:
        for n, line in enumerate(f, 1):
            if not line.strip() or line.startswith("#"):
                continue
            cols = line.rstrip("\n").split("\t")
            if len(cols) != 6 or not all(c.strip() for c in cols):
                sys.exit("%s:%d: expected 6 non-empty tab-separated columns (family, ours, peer line, "
                         "problem, our method, peer method), got %d" % (path, n, len(cols)))
            pairs.append(cols)
    return pairs


def machine():
    model = "unknown CPU"
    try:
        with open("/proc/cpuinfo") as f:
            model = next((l.split(":", 1)[1].strip() for l in f if l.startswith("model name")), model)
    except OSError:
        pass
    return "%s, %s, %d cores" % (platform.node(), model, os.cpu_count() or 0)


def fmt(ms):
    if ms is None:
        return "—"
    return "%.3g ms" % ms if ms >= 0.01 else "%.3g µs" % (ms * 1e3)


def fmt_err(e):
    return "—" if e is None else "%.2g (%s)" % (e[1], e[0])


def accuracy(oe, pe):
    """Whether the two errors match within MATCH, or which side is more accurate and by how much."""
    if oe is None or pe is None:
        return "—"
    a, b = abs(oe[1]), abs(pe[1])
    if oe[0] == "log_marginal_likelihood" or pe[0] == "log_marginal_likelihood":
        return "Δ %.2g" % abs(oe[1] - pe[1])
    if a == 0 or b == 0:
        return "matched (both 0)" if a == b else ("ours exact" if a == 0 else "peer exact")
    r = a / b
    if 1 / MATCH <= r <= MATCH:
        return "matched (×%.2g)" % max(r, 1 / r)
    return "ours ×%.2g more accurate" % (1 / r) if r < 1 else "peer ×%.2g more accurate" % r


def build_report(raw, pairs_path, date, host, note=""):
    pairs = read_pairs(pairs_path)
    families = sorted({os.path.basename(p)[:-5] for p in glob.glob(os.path.join(raw, "*.json"))} |
                      {os.path.basename(p)[:-8] for p in glob.glob(os.path.join(raw, "*.missing"))})
    load = ""
    for name in ("load-before.txt", "load-after.txt"):
        p = os.path.join(raw, name)
        if os.path.exists(p):
            load += " %s: %s." % (name[:-4].replace("-", " "), open(p).read().strip().split("load average:")[-1].strip())
    lines = ["# Benchmark report", "",
             "Generated by `bench/run-all.sh` (`make bench`) on **%s**, machine **%s**.%s" % (date, host, load), "",
             "Ours: Google Benchmark median of the repetitions (wall time). Peer: the median the script in",
             "`bench/peers/` prints for the same problem (NumPy/SciPy, numba, or the bare C program named in",
             "the row). **Ratio = peer / ours**: above 1 we are faster. Every row names both methods and both",
             "errors (ours: the benchmark's error counter; peer: the error its line prints, same definition);",
             "*accuracy* says whether they agree within a factor %g, else which side is more accurate." % MATCH,
             "Both sides run single-threaded BLAS (`OPENBLAS_NUM_THREADS=1`) in the same session, alternating",
             "families; on a shared machine compare ratios, not absolute times, and prefer the CPU ratio. CPU",
             "columns: ours is Google Benchmark's CPU time of the timing thread, the peer's is",
             "`time.process_time()` where the script prints it (— where it does not). Pairs: `bench/pairs.tsv`.",
             ""] + ([note, ""] if note else [])
    problems, slower = [], []
    header = ["| benchmark | problem | ours: method | peer: method | ours | peer | ratio | ours error | "
              "peer error | accuracy | ours CPU | peer CPU | ratio CPU | peer line |",
              "|---|---|---|---|---:|---:|---:|---:|---:|---|---:|---:|---:|---|"]
    for fam in families:
        json_path = os.path.join(raw, fam + ".json")
        if not os.path.exists(json_path):
            lines += ["## %s" % fam, "", "Not measured: the benchmark executable was not built.", ""]
            problems.append("%s: not built" % fam)
            continue
        ours, _ = ours_medians(json_path)
        peer_path = os.path.join(raw, fam + ".peer.txt")
        peer = peer_medians(peer_path) if os.path.exists(peer_path) else {}
        fam_pairs = [p for p in pairs if p[0] == fam]
        lines += ["## %s" % fam, ""] + header
        paired = set()
        for _, o, pname, problem, omethod, pmethod in fam_pairs:
            ot = ours.get(o)
            pt = peer.get(pname)
            paired.add(o)
            ratio = "%.2f" % (pt[0] / ot[0]) if ot and pt else "missing"
            if not ot or not pt:
                problems.append("%s: %s vs %s: %s" % (fam, o, pname, "ours missing" if not ot else "peer missing"))
            cpu_ratio = "%.2f" % (pt[1] / ot[1]) if ot and pt and pt[1] and ot[1] else "—"
            oe, pe = ot[2] if ot else None, pt[2] if pt else None
            acc = accuracy(oe, pe)
            if ot and pt and (pt[0] < ot[0] or (pt[1] and ot[1] and pt[1] < ot[1])):
                slower.append("%s: %s (%s) vs %s (%s): ratio %s, CPU ratio %s; errors %s vs %s" % (
                    problem, o, omethod, pname, pmethod, ratio, cpu_ratio, fmt_err(oe), fmt_err(pe)))
            lines.append("| `%s` | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |" % (
                o, problem, omethod, pmethod, fmt(ot[0] if ot else None), fmt(pt[0] if pt else None), ratio,
                fmt_err(oe), fmt_err(pe), acc, fmt(ot[1] if ot else None), fmt(pt[1] if pt else None),
                cpu_ratio, pname))
        for o in sorted(set(ours) - paired):
            lines.append("| `%s` | (no peer) | — | — | %s | — | — | %s | — | — | %s | — | — | — |" % (
                o, fmt(ours[o][0]), fmt_err(ours[o][2]), fmt(ours[o][1])))
        unmatched = sorted(set(peer) - {p[2] for p in fam_pairs})
        lines.append("")
        if unmatched:
            lines += ["Peer lines not paired (further tolerance levels printed to find the matched ones, or "
                      "lines without a C++ counterpart): " + ", ".join(
                          "`%s` %s, %s" % (u, fmt(peer[u][0]), fmt_err(peer[u][2])) for u in unmatched), ""]
    if slower:
        lines += ["## Rows where we are slower (wall or CPU ratio < 1)", ""] + ["- " + r for r in slower] + [""]
    server = os.path.join(raw, "server-load.txt")
    if os.path.exists(server):
        lines += ["## server load (bench/server/run.sh, no peer)", "", "```", open(server).read().rstrip(), "```", ""]
    callable_txt = os.path.join(raw, "python-callable.txt")
    if os.path.exists(callable_txt):
        lines += ["## Python callable overhead (bench/python_callable_overhead.py, no peer)", "",
                  open(callable_txt).read().rstrip(), ""]
    if problems:
        lines += ["## Missing measurements", ""] + ["- " + p for p in problems] + [""]
    return "\n".join(lines), problems


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--raw", required=True)
    ap.add_argument("--pairs", default=os.path.join(os.path.dirname(__file__), "pairs.tsv"))
    ap.add_argument("--out", default=os.path.join(os.path.dirname(__file__), "REPORT.md"))
    ap.add_argument("--note", default="", help="a paragraph placed under the header (e.g. the machine's load)")
    a = ap.parse_args()
    text, problems = build_report(a.raw, a.pairs, datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d"),
                                  machine(), a.note)
    with open(a.out, "w") as f:
        f.write(text)
    for p in problems:
        print("report: " + p, file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
