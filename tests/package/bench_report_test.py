#!/usr/bin/python3
"""bench/report.py turns one run-all.sh session into ratio tables: Google Benchmark medians against
the medians the peers print, both methods and both errors in every row (matched or not), rows where
we are slower listed again, every pair of bench/pairs.tsv naming a real kernel, and missing sides
flagged instead of dropped. Runs on synthetic results (no benchmark is run).

Usage: /usr/bin/python3 tests/package/bench_report_test.py [--sciagents build/bin/sciagents]
"""
import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import unittest

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
sys.path.insert(0, os.path.join(ROOT, "bench"))
import report  # noqa: E402


def gb_json(path, rows):
    """rows: (run_name, real, cpu, unit[, counters]); writes medians plus a mean that must be ignored."""
    bench = []
    for name, real, cpu, unit, *counters in rows:
        for agg, k in (("mean", 10.0), ("median", 1.0)):
            b = {"name": name + "_" + agg, "run_name": name, "run_type": "aggregate",
                 "aggregate_name": agg, "real_time": real * k, "cpu_time": cpu * k, "time_unit": unit}
            b.update({c: v * k for c, v in (counters[0] if counters else {}).items()})
            bench.append(b)
    with open(path, "w") as f:
        json.dump({"context": {}, "benchmarks": bench}, f)


class BenchReport(unittest.TestCase):
    def test_ratios_units_and_missing_pairs(self):
        with tempfile.TemporaryDirectory() as d:
            raw = os.path.join(d, "raw")
            os.mkdir(raw)
            gb_json(os.path.join(raw, "fam.json"), [("BM_A/real_time", 2.0, 1.5, "ms", {"error": 2e-9}),
                                                    ("BM_B", 500.0, 400.0, "us"),
                                                    ("BM_C", 1.0, 1.0, "ms", {"max_rel_err": 1e-5, "nfev": 9.0}),
                                                    ("BM_Alone", 3.0, 3.0, "ms")])
            with open(os.path.join(raw, "fam.peer.txt"), "w") as f:
                f.write("numpy 1.24, scipy 1.10\n"
                        "peer a                median     10.00 ms (cpu 6.00 ms)  error 1e-9\n"
                        "gp fit b: median wall 250 ms, CPU 200 ms, lml -681.773\n"
                        "odeint c rtol=1e-08 (LSODA)  median 0.5 ms (cpu 0.5 ms)   max_rel_err 1e-7\n"
                        "peer extra            median    100.00 us/call (cpu 90.00)\n")
            pairs = os.path.join(d, "pairs.tsv")
            with open(pairs, "w") as f:
                f.write("# comment\nfam\tBM_A/real_time\tpeer a\tproblem A\tours A\tpeer A\n"
                        "fam\tBM_B\tgp fit b\tproblem B\tours B\tpeer B\n"
                        "fam\tBM_C\todeint c rtol=1e-08 (LSODA)\tproblem C\tCVODE BDF\todeint LSODA\n"
                        "fam\tBM_Gone\tpeer a\tproblem G\tours G\tpeer G\n")
            text, problems = report.build_report(raw, pairs, "2026-01-02", "host, cpu, 2 cores")
        rows = {r.split("|")[1].strip(): [c.strip() for c in r.split("|")[1:-1]] for r in text.splitlines()
                if r.startswith("| `")}
        a = rows["`BM_A/real_time`"]
        # peer / ours: 10 ms / 2 ms; CPU 6 / 1.5. 250 ms / 0.5 ms (units converted).
        self.assertEqual(a[6], "5.00")
        self.assertEqual(a[12], "4.00")
        self.assertEqual(rows["`BM_B`"][6], "500.00")
        self.assertEqual(rows["`BM_Gone`"][6], "missing")
        self.assertEqual(rows["`BM_Alone`"][1], "(no peer)")
        self.assertIn("2026-01-02", text)
        # both methods and both errors; 2e-9 vs 1e-9 is matched, 1e-5 vs 1e-7 is not
        self.assertEqual((a[2], a[3]), ("ours A", "peer A"))
        self.assertEqual((a[7], a[8]), ("2e-09 (error)", "1e-09 (error)"))
        self.assertTrue(a[9].startswith("matched"), a[9])
        c = rows["`BM_C`"]
        self.assertEqual((c[7], c[8]), ("1e-05 (max_rel_err)", "1e-07 (max_rel_err)"))
        self.assertEqual(c[9], "peer ×1e+02 more accurate")
        self.assertEqual(rows["`BM_B`"][8], "-6.8e+02 (log_marginal_likelihood)")
        # rows where we are slower are named again: only BM_C (0.5 ms peer vs 1 ms ours)
        slower = text.split("## Rows where we are slower")[1]
        self.assertIn("BM_C (CVODE BDF) vs odeint c rtol=1e-08 (LSODA) (odeint LSODA): ratio 0.50", slower)
        self.assertNotIn("BM_A", slower)
        self.assertIn("`peer extra`", text)            # listed as a peer line without a counterpart
        self.assertEqual(problems, ["fam: BM_Gone vs peer a: ours missing"])

    def test_python_callable_section(self):
        """bench/python_callable_overhead.py's output (Markdown) becomes a section of its own."""
        with tempfile.TemporaryDirectory() as d:
            raw = os.path.join(d, "raw")
            os.mkdir(raw)
            pairs = os.path.join(d, "pairs.tsv")
            open(pairs, "w").close()
            with open(os.path.join(raw, "python-callable.txt"), "w") as f:
                f.write("Measured now.\n\n| quantity | time |\n|---|---:|\n| a | 1 ms |\n")
            text, problems = report.build_report(raw, pairs, "2026-01-02", "host")
        self.assertIn("## Python callable overhead (bench/python_callable_overhead.py, no peer)\n\n"
                      "Measured now.\n\n| quantity | time |", text)
        self.assertEqual(problems, [])

    def test_pairs_name_real_kernels(self):
        """Every C++ name in bench/pairs.tsv is a benchmark of the family's executable (when built)."""
        build = os.path.dirname(os.path.dirname(os.path.abspath(ARGS.sciagents)))
        with open(os.path.join(ROOT, "bench", "run-all.sh")) as f:
            exes = dict(re.findall(r'^family\s+(\w+)\s+"(\w+)', f.read(), re.M))
        checked = 0
        for fam, ours, *_ in report.read_pairs(os.path.join(ROOT, "bench", "pairs.tsv")):
            self.assertIn(fam, exes, "pairs.tsv family %s has no `family` line in run-all.sh" % fam)
            exe = os.path.join(build, "bench", exes[fam])
            if not os.path.exists(exe):
                continue
            names = subprocess.run([exe, "--benchmark_list_tests"], capture_output=True, text=True, timeout=60).stdout
            self.assertIn(ours, names.split(), "%s: %s is not a benchmark of %s" % (fam, ours, exes[fam]))
            checked += 1
        if checked == 0:
            self.skipTest("no benchmark executable built")


if __name__ == "__main__":
    p = argparse.ArgumentParser(add_help=False)
    p.add_argument("--sciagents", default="build/bin/sciagents")
    ARGS, rest = p.parse_known_args()
    unittest.main(argv=[sys.argv[0]] + rest, verbosity=2)
