#!/usr/bin/python3
"""Feedback over HTTP against a real `sciagents serve` (docs/feedback.md):

- POST /v1/feedback: 201 stored, 200 {"duplicate": true} for the same response id (idempotent),
  409 for the same id with other content, 400 naming the field at fault, 413, 415, 401;
- GET /v1/feedback/summary: 403 for a user token; for an admin token, NPS and mean satisfaction
  on a fixture of 10 final-survey responses whose expected values are computed by hand below;
- opt-in analytics events: ids and numbers only (an expression in place of an id is refused);
- `sciagents feedback export --format json|csv` reads what the server stored.

Usage: /usr/bin/python3 tests/server/feedback_test.py --sciagents build/bin/sciagents
"""
import csv
import io
import json
import os
import subprocess
import sys
import unittest
import uuid

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import server_util as su  # noqa: E402

ARGS = None
SRV = None
TOK = {}
T = 15

# Final survey fixture: 10 responses.
#   recommend (0-10):    10 9 9 8 7 6 5 10 3 9  -> promoters (9-10): 5, passives (7-8): 2,
#                                                   detractors (0-6): 3 -> NPS = (5-3)/10*100 = 20
#   satisfaction (1-5):  5 4 4 3 5 2 1 5 2 4     -> sum 35 -> mean 3.5
#   docs_quality:        excellent x3, good x4, fair x2, poor x1
RECOMMEND = [10, 9, 9, 8, 7, 6, 5, 10, 3, 9]
SATISFACTION = [5, 4, 4, 3, 5, 2, 1, 5, 2, 4]
DOCS = ["excellent", "good", "good", "excellent", "fair", "poor", "good", "excellent", "fair", "good"]
EXPECTED_NPS = 20.0
EXPECTED_SATISFACTION = 3.5


def rid():
    return uuid.uuid4().hex


def final_response(i):
    return {"response_id": rid(), "survey": "final", "version": 1, "submitted_at": "2026-11-29T12:00:00Z",
            "client": "feedback_test",
            "answers": {"satisfaction": SATISFACTION[i], "recommend": RECOMMEND[i], "docs_quality": DOCS[i],
                        "examples_quality": "good", "speed": "good", "reliability": "excellent",
                        "resource_use": "fair", "completeness": "good",
                        "production_use": {"choice": "maybe", "details": "needs \"more\" agents, soon"},
                        "feature_use_case": {"choice": "no"}, "most_valuable": "=the DAG engine"}}


def setUpModule():
    global SRV
    SRV = su.Server(ARGS.sciagents, extra_args=["--workers", "1"], keep=ARGS.keep)
    TOK["user"] = SRV.create_token("fb-user")
    TOK["admin"] = SRV.create_token("fb-admin", admin=True)
    SRV.start()


def tearDownModule():
    if SRV:
        SRV.cleanup()


def S(name):
    return SRV.session(TOK[name])


def post(doc, who="user", **kw):
    return S(who).post(SRV.url + "/v1/feedback", json=doc, timeout=T, **kw)


class Feedback(unittest.TestCase):
    # Runs first (alphabetical: test_a...): the fixture is the only survey data on the server then.
    def test_a_summary_on_fixture(self):
        for i in range(10):
            r = post(final_response(i))
            self.assertEqual(r.status_code, 201, r.text)
        # A mid-point answer with an early NPS of 0: reported under its question, not in the
        # headline NPS (tagged "metric": "nps" only in the final survey).
        mid = {"response_id": rid(), "survey": "midpoint", "version": 1, "submitted_at": "2026-11-29T12:00:00Z",
               "answers": {"usage_count": "1-5", "created_workflows": {"choice": "yes"},
                           "performance_ok": {"choice": "yes", "details": ""}, "errors": {"choice": "no"},
                           "continue": "maybe", "early_recommend": 0, "agents_used": ["ode_pde", "uq"]}}
        self.assertEqual(post(mid).status_code, 201)
        r = S("user").get(SRV.url + "/v1/feedback/summary", timeout=T)
        self.assertEqual(r.status_code, 403, r.text)
        self.assertEqual(r.json()["error"], "forbidden")
        r = S("admin").get(SRV.url + "/v1/feedback/summary", timeout=T)
        self.assertEqual(r.status_code, 200, r.text)
        s = r.json()
        print("summary: nps=%s satisfaction=%s" % (s["nps"]["score"], s["mean_satisfaction"]), file=sys.stderr)
        self.assertEqual(s["responses"], 11)
        self.assertEqual(s["surveys"]["final"]["responses"], 10)
        self.assertEqual(s["surveys"]["midpoint"]["responses"], 1)
        self.assertEqual(s["surveys"]["welcome"]["responses"], 0)
        self.assertAlmostEqual(s["nps"]["score"], EXPECTED_NPS, places=9)
        self.assertEqual((s["nps"]["promoters"], s["nps"]["passives"], s["nps"]["detractors"]), (5, 2, 3))
        self.assertAlmostEqual(s["mean_satisfaction"], EXPECTED_SATISFACTION, places=9)
        q = s["surveys"]["final"]["questions"]
        self.assertEqual(q["docs_quality"]["counts"], {"excellent": 3, "good": 4, "fair": 2, "poor": 1})
        self.assertEqual(q["production_use"]["counts"], {"yes": 0, "maybe": 10, "no": 0})
        self.assertEqual(q["satisfaction"]["counts"], {"1": 1, "2": 2, "3": 1, "4": 3, "5": 3})
        mq = s["surveys"]["midpoint"]["questions"]
        self.assertEqual(mq["early_recommend"]["nps"]["score"], -100.0)
        self.assertEqual(mq["agents_used"]["counts"]["uq"], 1)
        self.assertEqual(mq["agents_used"]["counts"]["linear_algebra"], 0)

    def test_idempotent_post(self):
        doc = final_response(0)
        r1 = post(doc)
        self.assertEqual(r1.status_code, 201, r1.text)
        self.assertEqual(r1.json(), {"response_id": doc["response_id"], "kind": "response", "duplicate": False})
        r2 = post(doc)
        self.assertEqual(r2.status_code, 200, r2.text)
        self.assertTrue(r2.json()["duplicate"])
        other = dict(doc, answers=dict(doc["answers"], recommend=0))
        r3 = post(other)
        self.assertEqual(r3.status_code, 409, r3.text)
        self.assertEqual(r3.json()["error"], "conflict")

    def test_bad_bodies(self):
        def bad(doc, needle, status=400, **kw):
            r = post(doc, **kw) if doc is not None else S("user").post(SRV.url + "/v1/feedback", timeout=T, **kw)
            self.assertEqual(r.status_code, status, r.text)
            self.assertIn(needle, r.json()["message"])
        good = final_response(1)
        bad(dict(good, survey="nope"), "unknown survey 'nope'")
        bad(dict(good, version=2), "field 'version' must be 1")
        bad(dict(good, response_id="x"), "response_id")
        bad(dict(good, extra=1), "unknown field 'extra'")
        bad(dict(good, answers=dict(good["answers"], recommend=11)), "question 'recommend': expected an integer 0..10, got 11")
        bad(dict(good, answers=dict(good["answers"], satisfaction=0)), "question 'satisfaction'")
        bad(dict(good, answers=dict(good["answers"], speed="fast")), "'fast' is not an option")
        missing = dict(good, answers={k: v for k, v in good["answers"].items() if k != "recommend"})
        bad(missing, "question 'recommend': an answer is required")
        bad(dict(good, answers=dict(good["answers"], nonsense="x")), "has no question 'nonsense'")
        bad([1, 2], "JSON object")
        r = S("user").post(SRV.url + "/v1/feedback", data="{", headers={"Content-Type": "application/json"}, timeout=T)
        self.assertEqual(r.status_code, 400)
        self.assertEqual(r.json()["error"], "invalid_json")
        r = S("user").post(SRV.url + "/v1/feedback", data=json.dumps(good), headers={"Content-Type": "text/plain"}, timeout=T)
        self.assertEqual(r.status_code, 415)
        huge = dict(good, answers=dict(good["answers"], pain_point="x" * 70000))
        bad(huge, "exceeds the limit", status=413)
        self.assertEqual(SRV.session().post(SRV.url + "/v1/feedback", json=good, timeout=T).status_code, 401)
        r = S("user").get(SRV.url + "/v1/feedback", timeout=T)
        self.assertEqual(r.status_code, 405)
        self.assertEqual(r.headers["Allow"], "POST")
        self.assertEqual(S("admin").post(SRV.url + "/v1/feedback/summary", json={}, timeout=T).status_code, 405)
        self.assertEqual(S("admin").get(SRV.url + "/v1/feedback/x", timeout=T).status_code, 404)

    def test_analytics_events(self):
        ev = {"response_id": rid(), "analytics": 1, "submitted_at": "2026-11-29T12:00:00Z",
              "event": {"type": "step_run", "agent": "ode_pde", "task": "ivp", "duration_ms": 12,
                        "outcome": "failed", "error_kind": "invalid_input"}}
        r = post(ev)
        self.assertEqual(r.status_code, 201, r.text)
        self.assertEqual(r.json()["kind"], "analytics")
        leak = json.loads(json.dumps(ev))
        leak["response_id"] = rid()
        leak["event"]["task"] = "-2*y"
        r = post(leak)
        self.assertEqual(r.status_code, 400, r.text)
        self.assertIn("event 'task' must be an identifier", r.json()["message"])
        leak["event"]["task"] = "ivp"
        leak["event"]["params"] = {"rhs": ["-2*y"]}
        self.assertEqual(post(leak).status_code, 400)
        s = S("admin").get(SRV.url + "/v1/feedback/summary", timeout=T).json()
        self.assertGreaterEqual(s["analytics_events"], 1)

    def test_export(self):
        doc = final_response(2)
        self.assertEqual(post(doc).status_code, 201)
        r = SRV.cli("feedback", "export", "--format", "json", "--data-dir", SRV.data_dir)
        items = json.loads(r.stdout)
        mine = [i for i in items if i["response_id"] == doc["response_id"]]
        self.assertEqual(len(mine), 1)
        self.assertEqual(mine[0]["document"]["answers"]["recommend"], doc["answers"]["recommend"])
        self.assertEqual(mine[0]["owner"], "fb-user")
        out = os.path.join(SRV.root, "export.csv")
        SRV.cli("feedback", "export", "--format", "csv", "--data-dir", SRV.data_dir, "-o", out)
        with open(out, newline="") as f:
            rows = list(csv.DictReader(f))
        by_q = {r["question"]: r for r in rows if r["response_id"] == doc["response_id"]}
        self.assertEqual(set(by_q), set(doc["answers"]))
        self.assertEqual(by_q["production_use"]["answer"], "maybe")
        self.assertEqual(by_q["production_use"]["details"], 'needs "more" agents, soon')
        self.assertEqual(by_q["most_valuable"]["answer"], "'=the DAG engine")  # no spreadsheet formula
        r = SRV.cli("feedback", "export", "--format", "xml", "--data-dir", SRV.data_dir, check=False)
        self.assertEqual(r.returncode, 2)
        self.assertIn("--format expects csv or json", r.stderr)
        r = SRV.cli("feedback", "export", "--data-dir", os.path.join(SRV.root, "none"), check=False)
        self.assertEqual(r.returncode, 2)
        self.assertIn("no server store", r.stderr)


if __name__ == "__main__":
    ARGS, argv = su.parse_args()
    unittest.main(argv=argv, verbosity=2, warnings="ignore")
