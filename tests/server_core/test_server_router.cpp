// Router and request validation without the network: auth, scopes, rate limits, path tricks,
// content types, strict JSON, workflow validation, limits, job routes, health and metrics.
#include "core/agent/agent_registry.h"
#include "core/metrics/metrics_registry.h"
#include "core/store/job_store.h"
#include "core/store/token_store.h"
#include "core/util/clock.h"
#include "server/job_manager.h"
#include "server/json_body.h"
#include "server/rate_limiter.h"
#include "server/route_table.h"
#include "server/router.h"

#include <nlohmann/json.hpp>

#include <QTemporaryDir>
#include <QtTest>

#include <fstream>
#include <map>
#include <stdexcept>
#include <vector>

#include "tests/test_main.h"

namespace test_server_router {

using namespace sciagents;
using namespace sciagents::server;
using nlohmann::json;

namespace {
const char* kSolve =
    R"({"sciagents":1,"name":"lin","steps":[{"id":"s","agent":"linear_algebra","task":"solve","params":{"A":[[2,1],[1,3]],"b":[1,2]}}]})";

std::string header(const HttpResponse& r, const std::string& name) {
  for (const auto& [k, v] : r.headers)
    if (k == name) return v;
  return {};
}
}  // namespace

class TestServerRouter : public QObject {
  Q_OBJECT

  QTemporaryDir m_dir;
  ServerConfig m_config;
  std::unique_ptr<core::store::JobStore> m_store;
  std::unique_ptr<core::store::TokenStore> m_tokens;
  core::metrics::MetricsRegistry m_metrics;
  std::unique_ptr<JobManager> m_jobs;
  std::unique_ptr<RateLimiter> m_limiter;
  std::unique_ptr<Router> m_router;
  std::string m_alice, m_bob, m_admin;

  HttpResponse call(const std::string& method, const std::string& target,
                    const std::string& token = {}, const std::string& body = {},
                    const std::string& ct = "application/json") {
    HttpRequest r;
    r.method = method;
    r.target = target;
    if (!token.empty()) r.authorization = "Bearer " + token;
    r.body = body;
    if (method == "POST") r.content_type = ct;
    return m_router->handle(r);
  }
  static json parse(const HttpResponse& r) { return json::parse(r.body); }
  std::string submit(const std::string& token, const std::string& body = kSolve) {
    auto r = call("POST", "/v1/jobs", token, body);
    if (r.status != 202) qWarning() << r.status << r.body.c_str();
    return r.status == 202 ? parse(r)["id"].get<std::string>() : std::string();
  }

 private slots:
  void init() {
    const auto db = std::filesystem::path(m_dir.filePath("router.db").toStdString());
    std::filesystem::remove(db);
    std::filesystem::remove(db.string() + "-wal");
    std::filesystem::remove(db.string() + "-shm");
    m_config = ServerConfig{};
    m_config.queue_max = 4;
    m_config.max_body = 4096;
    m_config.rate_limit = 1000;
    m_config.max_grid_points = 1000000;
    m_store = std::make_unique<core::store::JobStore>(db);
    m_tokens = std::make_unique<core::store::TokenStore>(db);
    m_alice = m_tokens->create("alice", core::store::TokenScope::User);
    m_bob = m_tokens->create("bob", core::store::TokenScope::User);
    m_admin = m_tokens->create("root", core::store::TokenScope::Admin);
    JobManagerOptions o;
    o.queue_max = m_config.queue_max;
    o.start_workers = false;  // jobs stay queued: the router is tested alone
    o.cache_dir = m_dir.filePath("cache").toStdString();
    o.registry = &core::AgentRegistry::builtin();
    m_jobs = std::make_unique<JobManager>(*m_store, o, m_metrics);
    m_jobs->start();
    m_limiter = std::make_unique<RateLimiter>(m_config.rate_limit, 2 * m_config.rate_limit);
    m_router = std::make_unique<Router>(m_config, *m_jobs, *m_tokens, *m_limiter, m_metrics,
                                        core::AgentRegistry::builtin());
  }
  void cleanup() {
    m_router.reset();
    m_jobs.reset();
    m_limiter.reset();
    m_tokens.reset();
    m_store.reset();
  }

  void healthNeedsNoAuth() {
    auto r = call("GET", "/livez");
    QCOMPARE(r.status, 200);
    QCOMPARE(parse(r)["status"].get<std::string>(), std::string("ok"));
    r = call("GET", "/readyz");
    QCOMPARE(r.status, 200);
    auto j = parse(r);
    QCOMPARE(j["status"].get<std::string>(), std::string("ready"));
    QVERIFY(j.contains("queue") && j.contains("running") && j.contains("workers") &&
            j.contains("version"));
    r = call("POST", "/livez");
    QCOMPARE(r.status, 405);
    QCOMPARE(header(r, "Allow"), std::string("GET"));
  }

  void metricsExposition() {
    call("GET", "/livez");
    submit(m_alice);
    call("GET", "/v1/jobs/0123456789abcdef0123456789abcdef", m_alice);
    auto r = call("GET", "/metrics");
    QCOMPARE(r.status, 200);
    QVERIFY(r.content_type.rfind("text/plain; version=0.0.4", 0) == 0);
    for (const char* needle :
         {"sciagents_jobs{state=\"queued\"} 1", "sciagents_queue_depth 1",
          "sciagents_jobs_running 0",
          "sciagents_http_requests_total{code=\"200\",method=\"GET\",route=\"/livez\"} ",
          "sciagents_http_requests_total{code=\"404\",method=\"GET\",route=\"/v1/jobs/{id}\"} ",
          "sciagents_http_request_duration_seconds_bucket{", "process_cpu_seconds_total",
          "process_resident_memory_bytes", "process_open_fds", "process_start_time_seconds",
          "errors_total{type=\"http\"} 0", "errors_total{type=\"job\"} 0",
          "sciagents_job_duration_seconds_count 0", "workflow_execution_duration_seconds_count 0"})
      QVERIFY2(r.body.find(needle) != std::string::npos, needle);
    // Raw paths never become label values.
    QVERIFY(r.body.find("0123456789abcdef0123456789abcdef") == std::string::npos);
  }

  void authIsRequiredOnV1() {
    for (const auto& target :
         {"/v1/jobs", "/v1/agents", "/v1/jobs/0123456789abcdef0123456789abcdef", "/v1/nothing"}) {
      auto r = call("GET", target);
      QCOMPARE(r.status, 401);
      QCOMPARE(parse(r)["error"].get<std::string>(), std::string("unauthorized"));
      QVERIFY(header(r, "WWW-Authenticate").rfind("Bearer", 0) == 0);
    }
    QCOMPARE(call("GET", "/v1/jobs", "not-a-token").status, 401);
    HttpRequest basic;
    basic.method = "GET";
    basic.target = "/v1/jobs";
    basic.authorization = "Basic " + m_alice;
    QCOMPARE(m_router->handle(basic).status, 401);
    basic.authorization = "bearer " + m_alice;  // the scheme is case-insensitive
    QCOMPARE(m_router->handle(basic).status, 200);
    m_tokens->revoke("alice");
    QCOMPARE(call("GET", "/v1/jobs", m_alice).status, 401);
  }

  void agentsMatchTheCli() {
    auto r = call("GET", "/v1/agents", m_alice);
    QCOMPARE(r.status, 200);
    QCOMPARE(r.body, core::AgentRegistry::builtin().toJson().dump(2) + "\n");
  }

  void submitStatusResultCancel() {
    auto r = call("POST", "/v1/jobs", m_alice, kSolve);
    QCOMPARE(r.status, 202);
    auto j = parse(r);
    const auto id = j["id"].get<std::string>();
    QCOMPARE(id.size(), std::size_t{32});
    QCOMPARE(j["state"].get<std::string>(), std::string("queued"));
    QCOMPARE(j["location"].get<std::string>(), "/v1/jobs/" + id);
    QCOMPARE(header(r, "Location"), "/v1/jobs/" + id);

    r = call("GET", "/v1/jobs/" + id, m_alice);
    QCOMPARE(r.status, 200);
    j = parse(r);
    QCOMPARE(j["name"].get<std::string>(), std::string("lin"));
    QCOMPARE(j["owner"].get<std::string>(), std::string("alice"));
    QCOMPARE(j["state"].get<std::string>(), std::string("queued"));
    QCOMPARE(j["progress"]["steps_total"].get<int>(), 1);
    QVERIFY(j["started_at"].is_null() && j["finished_at"].is_null() && j["error"].is_null());
    QVERIFY(j["created_at"].get<std::string>().back() == 'Z');

    r = call("GET", "/v1/jobs/" + id + "/result", m_alice);
    QCOMPARE(r.status, 404);
    QCOMPARE(parse(r)["error"].get<std::string>(), std::string("not_ready"));
    QCOMPARE(parse(r)["state"].get<std::string>(), std::string("queued"));

    // Other users do not see it; admins do.
    QCOMPARE(call("GET", "/v1/jobs/" + id, m_bob).status, 404);
    QCOMPARE(call("DELETE", "/v1/jobs/" + id, m_bob).status, 404);
    QCOMPARE(call("GET", "/v1/jobs/" + id + "/events", m_bob).status, 404);
    QCOMPARE(call("GET", "/v1/jobs/" + id, m_admin).status, 200);
    QCOMPARE(parse(call("GET", "/v1/jobs", m_bob))["jobs"].size(), std::size_t{0});
    QCOMPARE(parse(call("GET", "/v1/jobs", m_admin))["jobs"].size(), std::size_t{1});
    QCOMPARE(call("GET", "/v1/jobs?owner=alice", m_bob).status, 403);
    QCOMPARE(parse(call("GET", "/v1/jobs?owner=alice", m_admin))["jobs"].size(), std::size_t{1});

    r = call("GET", "/v1/jobs/" + id + "/events", m_alice);
    QVERIFY(r.sse);
    QCOMPARE(r.sse_job, id);

    r = call("DELETE", "/v1/jobs/" + id, m_alice);
    QCOMPARE(r.status, 202);
    QCOMPARE(parse(r)["state"].get<std::string>(), std::string("cancelled"));
    r = call("DELETE", "/v1/jobs/" + id, m_alice);  // idempotent
    QCOMPARE(r.status, 200);
    QCOMPARE(parse(r)["state"].get<std::string>(), std::string("cancelled"));
    r = call("GET", "/v1/jobs/" + id + "/result", m_alice);
    QCOMPARE(r.status, 404);
    QCOMPARE(parse(r)["state"].get<std::string>(), std::string("cancelled"));
    QCOMPARE(parse(call("GET", "/v1/jobs?state=cancelled&limit=5", m_alice))["jobs"].size(),
             std::size_t{1});
    QCOMPARE(parse(call("GET", "/v1/jobs?state=running", m_alice))["jobs"].size(), std::size_t{0});
    QCOMPARE(call("GET", "/v1/jobs?state=bogus", m_alice).status, 400);
    QCOMPARE(call("GET", "/v1/jobs?limit=0", m_alice).status, 400);
    QCOMPARE(call("GET", "/v1/jobs?limit=abc", m_alice).status, 400);
    QCOMPARE(call("GET", "/v1/jobs?what=1", m_alice).status, 400);
  }

  void envelopeIsAccepted() {
    const std::string env =
        std::string(R"({"workflow":)") + kSolve + R"(,"seed":7,"no_cache":true,"wall_time_s":5})";
    QCOMPARE(call("POST", "/v1/jobs", m_alice, env).status, 202);
    const std::string bad_seed = std::string(R"({"workflow":)") + kSolve + R"(,"seed":-1})";
    QCOMPARE(call("POST", "/v1/jobs", m_alice, bad_seed).status, 400);
    const std::string extra = std::string(R"({"workflow":)") + kSolve + R"(,"color":"red"})";
    QCOMPARE(call("POST", "/v1/jobs", m_alice, extra).status, 400);
    QCOMPARE(call("POST", "/v1/jobs", m_alice, R"({"workflow":[1]})").status, 400);
    QCOMPARE(call("POST", "/v1/jobs", m_alice,
                  std::string(R"({"workflow":)") + kSolve + R"(,"wall_time_s":0})")
                 .status,
             400);
  }

  void badBodiesAreRejected() {
    auto expect = [&](const std::string& body, int status, const std::string& code,
                      const std::string& ct = "application/json") -> json {
      auto r = call("POST", "/v1/jobs", m_alice, body, ct);
      auto j = parse(r);
      if (r.status != status || j.value("error", std::string()) != code ||
          j.value("message", std::string()).empty())
        QTest::qFail(
            (body.substr(0, 60) + " -> " + std::to_string(r.status) + " " + r.body).c_str(),
            __FILE__, __LINE__);
      return j;
    };
    expect(kSolve, 415, "unsupported_media_type", "text/plain");
    expect(kSolve, 415, "unsupported_media_type", "");
    QCOMPARE(call("POST", "/v1/jobs", m_alice, kSolve, "Application/JSON; charset=utf-8").status,
             202);
    expect("", 400, "invalid_json");
    expect("{", 400, "invalid_json");
    expect("{\"sciagents\":1,}", 400, "invalid_json");
    expect("{} trailing", 400, "invalid_json");
    expect("/* c */ {}", 400, "invalid_json");
    expect(std::string(100, '[') + std::string(100, ']'), 400, "invalid_json");
    expect("{\"a\":\"\xff\xfe\"}", 400, "invalid_json");
    expect("{\"a\":\"\xc3\x28\"}", 400, "invalid_json");
    expect("[1,2]", 400, "bad_request");
    expect("42", 400, "bad_request");
    expect(std::string(5000, ' '), 413, "payload_too_large");
    expect("{\"steps\":[]}", 422, "invalid_workflow");
    auto j = expect(
        R"({"sciagents":1,"steps":[{"id":"s","agent":"linear_algebra","task":"solve","params":{"A":"nope","b":[1]}}]})",
        422, "invalid_workflow");
    QVERIFY(j["issues"].is_array() && !j["issues"].empty());
    const auto first = j["issues"][0].get<std::string>();
    QVERIFY2(
        first.find("step 's'") != std::string::npos && first.find("param 'A'") != std::string::npos,
        first.c_str());
    expect(R"({"sciagents":1,"steps":[{"id":"x","agent":"nope","task":"t","params":{}}]})", 422,
           "invalid_workflow");
    j = expect(
        R"({"sciagents":1,"steps":[{"id":"p","agent":"ode_pde","task":"poisson","params":{"dim":3,"n":1000,"f":"1"}}]})",
        422, "limit_exceeded");
    QCOMPARE(j["step"].get<std::string>(), std::string("p"));
    QCOMPARE(j["param"].get<std::string>(), std::string("n"));
    QVERIFY(j["message"].get<std::string>().find("step 'p'") != std::string::npos);
    j = expect(
        R"({"sciagents":1,"steps":[{"id":"h","agent":"ode_pde","task":"heat","params":{"dim":2,"n":10,"u0":"0","t_span":[0,1]},
                "sweep":{"param":"n","values":[10,20,5000]}}]})",
        422, "limit_exceeded");
    QCOMPARE(j["step"].get<std::string>(), std::string("h"));
    // Expressions that divide by zero are accepted (they fail at run time, not the server).
    QCOMPARE(
        call(
            "POST", "/v1/jobs", m_alice,
            R"({"sciagents":1,"steps":[{"id":"q","agent":"integration","task":"quad","params":{"f":"1/0","a":0,"b":1}}]})")
                .status /
            100,
        2);
  }

  void pathTricksNeverReachARoute() {
    for (const auto& target :
         {"/v1/jobs/../agents", "/v1/./agents", "/v1//agents", "/v1/jobs%2f..%2fagents",
          "/v1/%2e%2e/agents", "/v1/agents\\..", "/v1/jobs/\x01", "*", "", "v1/jobs"}) {
      auto r = call("GET", target, m_alice);
      QVERIFY2(r.status == 400 || r.status == 404, target);
      QVERIFY(parse(r).contains("error"));
    }
    QCOMPARE(call("GET", "/" + std::string(9000, 'a'), m_alice).status, 400);
    QCOMPARE(call("GET", "/v1/jobs/NOT-HEX", m_alice).status, 404);
    QCOMPARE(call("GET", "/v1/jobs/0123456789ABCDEF0123456789ABCDEF", m_alice).status, 404);
    QCOMPARE(call("GET", "/v1/jobs/0123456789abcdef0123456789abcdef/result", m_alice).status, 404);
    QCOMPARE(call("GET", "/v1/jobs/0123456789abcdef0123456789abcdef/nothing", m_alice).status, 404);
    QCOMPARE(call("GET", "/nothing").status, 404);
    QCOMPARE(call("GET", "/v1/feedback/summary", m_admin).status, 404);
    QCOMPARE(call("POST", "/v1/feedback", m_alice, "{}").status, 404);
    QCOMPARE(call("GET", "/v1/agents/", m_alice).status, 200);  // one trailing slash is tolerated
  }

  // Issue 22: jobs belong to a token id, not to a name that can be given to a new token.
  void newTokenUnderAnOldNameSeesNoneOfItsJobs() {
    const auto id = submit(m_alice);
    QVERIFY(!id.empty());
    const auto old_id = m_tokens->verify(m_alice)->id;
    m_tokens->revoke("alice");
    const auto alice2 = m_tokens->create("alice", core::store::TokenScope::User);
    QCOMPARE(call("GET", "/v1/jobs/" + id, alice2).status, 404);
    QCOMPARE(call("GET", "/v1/jobs/" + id + "/result", alice2).status, 404);
    QCOMPARE(call("GET", "/v1/jobs/" + id + "/events", alice2).status, 404);
    QCOMPARE(call("DELETE", "/v1/jobs/" + id, alice2).status, 404);
    QCOMPARE(parse(call("GET", "/v1/jobs", alice2))["jobs"].size(), std::size_t{0});
    QCOMPARE(parse(call("GET", "/v1/jobs?owner=alice", alice2))["jobs"].size(), std::size_t{0});
    // An admin finds the old job by the old token's id, not by the reused name.
    QCOMPARE(parse(call("GET", "/v1/jobs?owner=" + old_id, m_admin))["jobs"].size(),
             std::size_t{1});
    QCOMPARE(parse(call("GET", "/v1/jobs?owner=alice", m_admin))["jobs"].size(), std::size_t{0});
    QCOMPARE(call("GET", "/v1/jobs?owner=nobody", m_admin).status, 404);
  }

  void adminRevokesThroughTheApi() {
    std::vector<std::string> revoked;
    m_router->setRevocationHandler([&](const std::string& id) { revoked.push_back(id); });
    const auto bob_id = m_tokens->verify(m_bob)->id;
    QCOMPARE(call("DELETE", "/v1/tokens/bob", m_alice).status, 403);
    QVERIFY(m_tokens->verify(m_bob));
    QVERIFY(revoked.empty());
    auto r = call("DELETE", "/v1/tokens/bob", m_admin);
    QCOMPARE(r.status, 200);
    QCOMPARE(parse(r)["id"].get<std::string>(), bob_id);
    QCOMPARE(revoked, std::vector<std::string>{bob_id});
    QCOMPARE(call("GET", "/v1/jobs", m_bob).status, 401);
    QCOMPARE(call("DELETE", "/v1/tokens/bob", m_admin).status, 404);  // no active token 'bob'
    r = call("GET", "/v1/tokens/bob", m_admin);
    QCOMPARE(r.status, 405);
    QCOMPARE(header(r, "Allow"), std::string("DELETE"));
    // Event streams carry the caller's token id, so revocation can find and close them.
    r = call("GET", "/v1/jobs/" + submit(m_alice) + "/events", m_alice);
    QVERIFY(r.sse);
    QCOMPARE(r.sse_owner, m_tokens->verify(m_alice)->id);
  }

  void usedUpQuotaRefusesNewJobsWith507() {
    m_config.result_quota_bytes = 1000;
    const auto id = submit(m_alice);
    QCOMPARE(call("DELETE", "/v1/jobs/" + id, m_alice).status, 202);  // queued: cancelled now
    m_store->finish(id, JobState::Succeeded, core::unixMicros(), "", "", 1,
                    {"/nowhere/" + id + "/result.json", 1500});
    auto r = call("POST", "/v1/jobs", m_alice, kSolve);
    QCOMPARE(r.status, 507);
    QCOMPARE(parse(r)["error"].get<std::string>(), std::string("quota_exceeded"));
    QVERIFY(parse(r)["message"].get<std::string>().find("--result-quota-mb") != std::string::npos);
    QCOMPARE(parse(r)["used_bytes"].get<std::int64_t>(), std::int64_t{1500});
    QCOMPARE(call("POST", "/v1/jobs", m_bob, kSolve).status, 202);  // other tokens unaffected
    QCOMPARE(call("DELETE", "/v1/jobs/" + id + "/result", m_bob).status, 404);
    r = call("DELETE", "/v1/jobs/" + id + "/result", m_alice);  // frees the quota
    QCOMPARE(r.status, 200);
    QCOMPARE(parse(r)["freed_bytes"].get<std::int64_t>(), std::int64_t{1500});
    QCOMPARE(call("POST", "/v1/jobs", m_alice, kSolve).status, 202);
  }

  void resultFilesAreStreamedToTheirOwnerOnly() {
    const auto id = submit(m_alice);
    QCOMPARE(call("DELETE", "/v1/jobs/" + id, m_alice).status, 202);
    const auto dir = std::filesystem::path(m_dir.filePath("results").toStdString()) / id;
    std::filesystem::create_directories(dir / "files");
    std::ofstream(dir / "result.json") << R"({"sciagents_result":1})";
    std::ofstream(dir / "files" / "s.0.npy") << "not really npy";
    m_store->finish(id, JobState::Succeeded, core::unixMicros(), "", "", 1,
                    {(dir / "result.json").string(), 36});
    auto r = call("GET", "/v1/jobs/" + id + "/result", m_alice);
    QCOMPARE(r.status, 200);
    QCOMPARE(r.body_file, (dir / "result.json").string());  // the network layer streams it
    QVERIFY(r.body.empty());
    r = call("GET", "/v1/jobs/" + id + "/files/s.0.npy", m_alice);
    QCOMPARE(r.status, 200);
    QCOMPARE(r.body_file, (dir / "files" / "s.0.npy").string());
    QCOMPARE(r.content_type, std::string("application/octet-stream"));
    QCOMPARE(r.route, std::string("/v1/jobs/{id}/files/{name}"));
    QCOMPARE(call("GET", "/v1/jobs/" + id + "/files/s.0.npy", m_admin).status, 200);
    for (const auto& bad : {"s.1.npy", "result.json", ".s.0.npy", "s.0.npy.txt"})
      QCOMPARE(call("GET", "/v1/jobs/" + id + "/files/" + bad, m_alice).status, 404);
    QCOMPARE(call("GET", "/v1/jobs/" + id + "/files/s.0.npy", m_bob).status, 404);
    QCOMPARE(call("GET", "/v1/jobs/" + id + "/result", m_bob).status, 404);
    QCOMPARE(call("GET", "/v1/jobs/" + id + "/files/../result.json", m_alice).status, 400);
    QCOMPARE(call("POST", "/v1/jobs/" + id + "/files/s.0.npy", m_alice, "{}").status, 405);
  }

  void wrongMethodsGet405WithAllow() {
    auto r = call("PUT", "/v1/jobs", m_alice);
    QCOMPARE(r.status, 405);
    QCOMPARE(header(r, "Allow"), std::string("GET, POST"));
    r = call("POST", "/v1/jobs/0123456789abcdef0123456789abcdef", m_alice, "{}");
    QCOMPARE(r.status, 405);
    QCOMPARE(header(r, "Allow"), std::string("GET, DELETE"));
    QCOMPARE(call("DELETE", "/v1/agents", m_alice).status, 405);
    QCOMPARE(call("BREW", "/metrics").status, 405);
  }

  // Every route of the API contract (docs/server.md, "API overview") is in the route table once,
  // with its methods in the order of the Allow header.
  void routeTableHoldsTheApi() {
    std::map<std::string, std::string> got;
    for (const auto& p : m_router->routes().patterns()) {
      QVERIFY2(!got.count(p.text), p.text.c_str());
      got[p.text] = p.allow();
    }
    const std::map<std::string, std::string> want = {{"/livez", "GET"},
                                                     {"/readyz", "GET"},
                                                     {"/metrics", "GET"},
                                                     {"/v1/agents", "GET"},
                                                     {"/v1/tokens/{name}", "DELETE"},
                                                     {"/v1/jobs", "GET, POST"},
                                                     {"/v1/jobs/{id}", "GET, DELETE"},
                                                     {"/v1/jobs/{id}/events", "GET"},
                                                     {"/v1/jobs/{id}/result", "GET, DELETE"},
                                                     {"/v1/jobs/{id}/files/{name}", "GET"}};
    QCOMPARE(got, want);  // feedback routes only when set (server.cpp), not here
    RouteTable t;
    t.add("GET", "/x/{id}", Access::Token, [](const RouteCall&) { return HttpResponse{}; });
    QVERIFY_THROWS_EXCEPTION(
        std::logic_error,
        t.add("GET", "/x/{id}", Access::Token, [](const RouteCall&) { return HttpResponse{}; }));
    QVERIFY_THROWS_EXCEPTION(
        std::logic_error,
        t.add("POST", "/x/{id}", Access::Open, [](const RouteCall&) { return HttpResponse{}; }));
    std::vector<std::string> params;
    QVERIFY(t.match({"x", "42"}, params));
    QCOMPARE(params, std::vector<std::string>{"42"});
    QVERIFY(!t.match({"x"}, params));
    QVERIFY(!t.match({"x", "42", "y"}, params));
  }

  // What differs between backends comes from their runners: the option member of the envelope,
  // its checks, the refusal of external steps on Slurm and the "slurm" member of a job's status.
  void backendDetailsComeFromTheRunner() {
    json env = {{"workflow", json::parse(kSolve)}, {"backend", "slurm"}, {"slurm", {{"tasks", 2}}}};
    auto r = call("POST", "/v1/jobs", m_alice, env.dump());
    QCOMPARE(r.status, 202);
    const std::string id = parse(r)["id"].get<std::string>();
    auto st = parse(call("GET", "/v1/jobs/" + id, m_alice));
    QCOMPARE(st["backend"].get<std::string>(), std::string("slurm"));
    QVERIFY(st["slurm"].is_object() && st["slurm"]["job_id"].is_null() &&
            st["slurm"]["dir"].is_null());
    QCOMPARE(m_store->get(id)->backend_options, std::string(R"({"tasks":2})"));
    const auto local = parse(call("GET", "/v1/jobs/" + submit(m_alice), m_alice));
    QCOMPARE(local["backend"].get<std::string>(), std::string("local"));
    QVERIFY(!local.contains("slurm"));

    env["slurm"] = {{"tasks", 2}, {"colour", "red"}};
    r = call("POST", "/v1/jobs", m_alice, env.dump());
    QCOMPARE(r.status, 400);
    QVERIFY2(parse(r)["message"].get<std::string>().find("colour") != std::string::npos,
             r.body.c_str());
    env.erase("slurm");
    env["backend"] = "pbs";
    r = call("POST", "/v1/jobs", m_alice, env.dump());
    QCOMPARE(r.status, 400);
    QCOMPARE(parse(r)["message"].get<std::string>(),
             std::string("field 'backend' must be \"local\" or \"slurm\""));
    env["backend"] = "local";
    env["local"] = json::object();  // only backends that take options have an envelope member
    r = call("POST", "/v1/jobs", m_alice, env.dump());
    QCOMPARE(r.status, 400);
    QCOMPARE(parse(r)["message"].get<std::string>(),
             std::string("unknown field 'local' in the job envelope (workflow, seed, no_cache, "
                         "wall_time_s, backend, slurm)"));
  }

  void fullQueueGets429() {
    for (int i = 0; i < m_config.queue_max; ++i) QVERIFY(!submit(m_alice).empty());
    auto r = call("POST", "/v1/jobs", m_alice, kSolve);
    QCOMPARE(r.status, 429);
    QCOMPARE(parse(r)["error"].get<std::string>(), std::string("too_many_requests"));
    QVERIFY(std::stoi(header(r, "Retry-After")) >= 1);
  }

  void rateLimitPerToken() {
    RateLimiter limiter(2, 3);
    const auto t0 = std::chrono::steady_clock::now();
    QCOMPARE(limiter.acquire("a", t0), 0);
    QCOMPARE(limiter.acquire("a", t0), 0);
    QCOMPARE(limiter.acquire("a", t0), 0);
    QVERIFY(limiter.acquire("a", t0) >= 1);
    QCOMPARE(limiter.acquire("b", t0), 0);  // buckets are per token
    QCOMPARE(limiter.acquire("a", t0 + std::chrono::milliseconds(600)), 0);
    RateLimiter off(0, 0);
    for (int i = 0; i < 1000; ++i) QCOMPARE(off.acquire("a", t0), 0);

    // Through the router: a tiny limit gives 429 with Retry-After.
    ServerConfig cfg = m_config;
    cfg.rate_limit = 1;
    RateLimiter strict(1, 2);
    Router router(cfg, *m_jobs, *m_tokens, strict, m_metrics, core::AgentRegistry::builtin());
    HttpRequest req;
    req.method = "GET";
    req.target = "/v1/jobs";
    req.authorization = "Bearer " + m_alice;
    int limited = 0;
    for (int i = 0; i < 10; ++i) {
      auto r = router.handle(req);
      if (r.status == 429) {
        ++limited;
        QVERIFY(std::stoi(header(r, "Retry-After")) >= 1);
      }
    }
    QVERIFY(limited >= 7);
  }

  void strictJsonParser() {
    QVERIFY(parseJsonStrict(R"({"a":[1,2,{"b":null}]})").value);
    QVERIFY(!parseJsonStrict(std::string(65, '[') + std::string(65, ']')).value);
    QVERIFY(parseJsonStrict(std::string(64, '[') + std::string(64, ']')).value);
    QVERIFY(parseJsonStrict("[\"" + std::string(70, '[') + "\"]")
                .value);  // brackets inside a string do not nest
    QVERIFY(!parseJsonStrict("{\"a\":1}", 64, 3).value);
    QVERIFY(!parseJsonStrict("\"\xed\xa0\x80\"").value);  // UTF-16 surrogate encoded in UTF-8
    QVERIFY(!parseJsonStrict("NaN").value);
  }
};

SCIAGENTS_TEST_GUILESS_MAIN(TestServerRouter)

}  // namespace test_server_router
#include "test_server_router.moc"
