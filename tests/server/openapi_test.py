#!/usr/bin/python3
"""docs/api/openapi.yaml against a running `sciagents serve`:

- every path + method in the spec is served (with an admin token: not 404/405) and answers with a
  status the spec documents for it; JSON answers carry the spec's required fields;
- the server serves no /v1 route that the spec lacks: a list of plausible routes and methods is
  probed and must give 404 or 405, and every 405's Allow header names only documented methods.

Usage: /usr/bin/python3 tests/server/openapi_test.py --sciagents build/bin/sciagents
"""
import os
import sys
import unittest

import yaml

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import server_util as su  # noqa: E402

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
SPEC_PATH = os.path.join(ROOT, "docs", "api", "openapi.yaml")
METHODS = ("get", "post", "put", "patch", "delete")
ARGS = None
SRV = None
ADMIN = None
JOB = None
SIDECAR = None  # a .npy sidecar of JOB's result ({name} of /v1/jobs/{id}/files/{name})
VICTIM = "openapi-victim"  # the token DELETE /v1/tokens/{name} revokes


def setUpModule():
    global SRV, ADMIN, JOB, SIDECAR
    # Arrays of 2+ numbers become .npy sidecars, so the job's result has some to fetch.
    SRV = su.Server(ARGS.sciagents, extra_args=["--workers", "1", "--sidecar-min-elements", "2"],
                    keep=ARGS.keep)
    ADMIN = SRV.create_token("openapi-admin", admin=True)
    SRV.create_token(VICTIM)
    SRV.start()
    s = SRV.session(ADMIN)
    JOB = s.post(SRV.url + "/v1/jobs", json=su.quick_solve(2), timeout=15).json()["id"]
    su.wait_job(s, SRV.url, JOB)
    x = s.get(SRV.url + "/v1/jobs/%s/result" % JOB, timeout=15).json()["steps"]["s"]["outputs"]["x"]
    SIDECAR = x["path"].split("/", 1)[1]


def tearDownModule():
    if SRV:
        SRV.cleanup()


def load_spec():
    with open(SPEC_PATH) as f:
        return yaml.safe_load(f)


def resolve(spec, node):
    while isinstance(node, dict) and "$ref" in node:
        ref = node["$ref"].lstrip("#/").split("/")
        node = spec
        for part in ref:
            node = node[part]
    return node


def required_fields(spec, schema):
    schema = resolve(spec, schema)
    if not isinstance(schema, dict):
        return set()
    req = set(schema.get("required", []))
    for sub in schema.get("allOf", []):
        req |= required_fields(spec, sub)
    return req


def call(method, path, token=True):
    s = SRV.session(ADMIN if token else None)
    path = path.replace("/v1/tokens/{name}", "/v1/tokens/" + VICTIM)
    url = SRV.url + path.replace("{id}", JOB).replace("{name}", SIDECAR)
    kw = {"timeout": 30}
    if method == "post":
        kw["json"] = su.quick_solve(2, name="openapi probe")
    if path.endswith("/events"):
        kw["stream"] = True
    r = s.request(method.upper(), url, **kw)
    if path.endswith("/events"):
        su.read_sse(r)  # a finished job: state then done, then the server closes
        r.close()
    return r


class Spec(unittest.TestCase):
    def test_spec_parses(self):
        spec = load_spec()
        self.assertTrue(spec["openapi"].startswith("3.0"))
        self.assertTrue(spec["paths"])
        for path, item in spec["paths"].items():
            for m in METHODS:
                if m in item:
                    self.assertIn("responses", item[m], (m, path))

    def test_spec_has_no_yaml_slips(self):
        # An unquoted ", " inside a YAML flow mapping silently makes a key with a null value.
        def walk(node, path):
            if isinstance(node, dict):
                for k, v in node.items():
                    self.assertIsNotNone(v, "null value at %s/%s (quote the text?)" % (path, k))
                    walk(v, "%s/%s" % (path, k))
            elif isinstance(node, list):
                for i, v in enumerate(node):
                    walk(v, "%s[%d]" % (path, i))
        walk(load_spec(), "")

    def test_spec_is_valid_openapi(self):
        try:
            from openapi_spec_validator import validate
        except ImportError:
            self.skipTest("openapi-spec-validator is not installed for this interpreter")
        validate(load_spec())

    def test_every_documented_route_is_served(self):
        spec = load_spec()
        # DELETE last: it would cancel the job the others read (it is finished, so nothing changes).
        ops = [(p, m) for p, item in spec["paths"].items() for m in METHODS if m in item]
        ops.sort(key=lambda pm: pm[1] == "delete")
        for path, method in ops:
            op = spec["paths"][path][method]
            r = call(method, path)
            documented = {int(c) for c in op["responses"] if c.isdigit()}
            self.assertNotIn(r.status_code, (404, 405), "%s %s is in the spec but not served" % (method.upper(), path))
            self.assertIn(r.status_code, documented, "%s %s answered %d, not documented (%s)"
                          % (method.upper(), path, r.status_code, sorted(documented)))
            resp = resolve(spec, op["responses"][str(r.status_code)])
            content = resp.get("content", {})
            if "application/json" in content and not path.endswith("/events"):
                body = r.json()
                missing = required_fields(spec, content["application/json"]["schema"]) - set(body)
                self.assertEqual(missing, set(), "%s %s lacks required fields" % (method.upper(), path))
            if "text/event-stream" in content:
                self.assertTrue(r.headers["Content-Type"].startswith("text/event-stream"))
            if "text/plain" in content:
                self.assertTrue(r.headers["Content-Type"].startswith("text/plain"))
            # Secured routes refuse a missing token.
            secured = op.get("security", spec.get("security")) != []
            if secured:
                self.assertEqual(call(method, path, token=False).status_code, 401, "%s %s without a token" % (method, path))

    def test_no_undocumented_v1_routes(self):
        spec = load_spec()
        documented = {p: {m for m in METHODS if m in item} for p, item in spec["paths"].items()}
        candidates = ["/v1", "/v1/", "/v1/jobs", "/v1/jobs/{id}", "/v1/jobs/{id}/result", "/v1/jobs/{id}/events",
                      "/v1/jobs/{id}/cancel", "/v1/jobs/{id}/log", "/v1/jobs/{id}/logs", "/v1/jobs/{id}/outputs",
                      "/v1/jobs/{id}/status", "/v1/jobs/{id}/spec", "/v1/jobs/{id}/workflow", "/v1/agents",
                      "/v1/agents/ode_pde", "/v1/agents/ode_pde/ivp", "/v1/tokens", "/v1/tokens/{name}", "/v1/admin",
                      "/v1/users", "/v1/feedback", "/v1/feedback/summary", "/v1/version", "/v1/health", "/v1/livez",
                      "/v1/readyz", "/v1/metrics", "/v1/status", "/v1/workers", "/v1/queue", "/v1/config", "/v1/me",
                      "/v1/whoami", "/v1/surveys", "/v1/results", "/v1/events", "/v1/cache", "/v1/openapi.yaml",
                      "/v1/docs", "/v2/jobs", "/api/v1/jobs", "/v1/jobs/{id}/files/{name}", "/v1/jobs/{id}/files"]
        served_extra = []
        for path in candidates:
            for m in METHODS:
                if m in documented.get(path, set()):
                    continue
                if path.endswith("/events") and m == "get":
                    continue
                r = call(m, path)
                if r.status_code == 405:
                    allow = {a.strip().lower() for a in r.headers.get("Allow", "").split(",") if a.strip()}
                    self.assertTrue(allow, "405 without Allow on %s %s" % (m, path))
                    extra = allow - documented.get(path, set()) - {"head", "options"}
                    self.assertEqual(extra, set(), "%s allows undocumented methods %s" % (path, extra))
                elif r.status_code != 404:
                    served_extra.append("%s %s -> %d" % (m.upper(), path, r.status_code))
        self.assertEqual(served_extra, [], "routes served but missing from docs/api/openapi.yaml")


if __name__ == "__main__":
    ARGS, argv = su.parse_args()
    unittest.main(argv=argv, verbosity=2, warnings="ignore")
