// performance_profiler.profile: the log-log fit, exponents of a toy task whose counted work is
// known (O(n) and O(n^2), fit "count"), the structure of timed profiles (dense LU, a step
// reference through the engine) and bad inputs. No assertion depends on a timing: timed exponents
// are only printed (the machine may be loaded).
#include "core/agent/agent_registry.h"
#include "core/agents/performance_profiler/scaling_fit.h"
#include "core/agents/performance_profiler/tasks.h"
#include "core/util/error.h"
#include "core/value/value_json.h"
#include "core/workflow/workflow_engine.h"
#include "task_result.h"

#include <QtTest>

#include <nlohmann/json.hpp>

#include <atomic>
#include <cmath>

#include "tests/test_main.h"

namespace test_profiler {

using namespace sciagents::core;
using namespace sciagents::core::agents;

namespace {

std::atomic<int> g_toy_runs{0};

// "toy.work": n^power units of deterministic floating-point work, reported as output "units".
AgentRegistry toyRegistry() {
  AgentRegistry r = AgentRegistry();
  AgentSpec a;
  a.id = "toy";
  a.version = "1";
  TaskSpec t;
  t.id = "work";
  t.params = {ParamSpec::make("n", ParamType::Integer).req().range(1, 1e7),
              ParamSpec::make("power", ParamType::Integer).def(1).range(1, 2)};
  t.outputs = {{"value", ValueKind::Scalar, ""}, {"units", ValueKind::Integer, ""}};
  t.run = [](TaskContext& ctx) {
    ++g_toy_runs;
    const auto n = ctx.integer("n");
    const std::int64_t units = ctx.integer("power") == 1 ? n * 2000 : n * n;
    volatile double s = 0.0;
    for (std::int64_t i = 0; i < units; ++i) s = s + std::sqrt(static_cast<double>(i) + s * 1e-9);
    ctx.output("value", static_cast<double>(s));
    ctx.output("units", units);
  };
  a.tasks = {t};
  r.add(a);
  return r;
}

Map runProfileOn(const AgentRegistry& reg, const std::string& params_json,
                 Map* diagnostics = nullptr) {
  const TaskSpec* t = AgentRegistry::builtin().task("performance_profiler", "profile");
  TaskContext ctx(*t, t->resolveParams(fromJson(nlohmann::json::parse(params_json)).asMap()));
  profiler::runProfile(reg, ctx);
  if (diagnostics) *diagnostics = ctx.takeDiagnostics();
  return ctx.takeOutputs();
}

void expectParamError(const AgentRegistry& reg, const std::string& params_json,
                      const std::string& param, const std::string& needle) {
  agent_test::expectParamErrorFrom([&] { runProfileOn(reg, params_json); }, param, needle,
                                   params_json);
}

}  // namespace

class TestProfiler : public QObject {
  Q_OBJECT

 private slots:
  void powerLawFitIsExactOnAPowerLaw() {
    Vector n(4), t(4);
    n << 10, 20, 40, 80;
    for (int i = 0; i < 4; ++i) t[i] = 3e-6 * std::pow(n[i], 2.5);
    const auto f = profiler::fitPowerLaw(n, t);
    QVERIFY(std::abs(f.exponent - 2.5) < 1e-12);
    QVERIFY(std::abs(f.prefactor / 3e-6 - 1) < 1e-10);
    QVERIFY(f.exponent_stderr < 1e-10 && std::abs(f.r_squared - 1) < 1e-12);
    t[1] *= 1.3;  // noise: the standard error becomes positive, R^2 drops below 1
    const auto g = profiler::fitPowerLaw(n, t);
    QVERIFY(g.exponent_stderr > 0.01 && g.r_squared < 1);
    QVERIFY(std::isnan(profiler::fitPowerLaw(n.head(2), t.head(2)).exponent_stderr));
  }

  void knownCostsGiveTheirExponents() {
    const AgentRegistry reg = toyRegistry();
    g_toy_runs = 0;
    Map diag;
    const Map lin = runProfileOn(reg, R"({"target":{"agent":"toy","task":"work","params":{"n":1}},
        "param":"n","sizes":[2000,4000,8000,16000],"repeats":3,"fit":"count","count":"units"})",
                                 &diag);
    QCOMPARE(g_toy_runs.load(), 1 + 4 * 3);  // warm-up plus every repeat really ran
    const double p1 = lin.at("exponent").asDouble();
    QVERIFY2(std::abs(p1 - 1) < 1e-12, std::to_string(p1).c_str());
    QCOMPARE(lin.at("counts").asVector()[3], 16000.0 * 2000);
    QCOMPARE(diag.at("method").asString(), std::string("loglog_fit_count"));
    const Map quad = runProfileOn(reg, R"({"target":{"agent":"toy","task":"work",
        "params":{"power":2}},"param":"n","sizes":[500,1000,2000,4000],"repeats":3,"warmup":false,
        "fit":"count","count":"units"})");
    const double p2 = quad.at("exponent").asDouble();
    QVERIFY2(std::abs(p2 - 2) < 1e-12, std::to_string(p2).c_str());
    // The timed exponents of the same runs are reported, not judged (a loaded machine skews them).
    qInfo("O(n), O(n^2) toy: timed cpu %.3g s .. %.3g s", quad.at("cpu_seconds").asVector()[0],
          quad.at("cpu_seconds").asVector()[3]);
    const Table& t = lin.at("table").asTable();
    QCOMPARE(t.columns.front(), std::string("size"));
    QCOMPARE(t.data.size(), t.columns.size());
    QCOMPARE(t.data[0].asVector().size(), Eigen::Index(4));
    for (const char* d : {"method", "memory_method", "measurement", "target", "repeats"})
      QVERIFY2(diag.count(d), d);
  }

  // A timed profile of dense LU: one measurement per size, every figure finite and positive. The
  // exponent (about 2..3) is printed, not asserted: it is derived from timings.
  void denseSolveProfileHasOneMeasurementPerSize() {
    const Map out = runProfileOn(AgentRegistry::builtin(), R"({
        "target":{"agent":"linear_algebra","task":"solve","params":{"method":"lu"}},
        "sizes":[100,200,400,800],"repeats":3,
        "generate":[{"agent":"linear_algebra","task":"matrix","params":{"kind":"random","seed":1},"size":"n",
                     "output":"A","to":"A"},
                    {"agent":"linear_algebra","task":"matrix","params":{"kind":"ones","cols":1},"size":"n",
                     "output":"A","to":"b"}]})");
    const double p = out.at("exponent").asDouble();
    qInfo("dense solve: exponent %.3f +- %.3f, R^2 %.3f", p, out.at("exponent_stderr").asDouble(),
          out.at("r_squared").asDouble());
    QVERIFY(std::isfinite(p));
    for (const char* k : {"cpu_seconds", "process_cpu_seconds", "wall_seconds"}) {
      const Vector v = out.at(k).asVector();
      QCOMPARE(v.size(), Eigen::Index(4));
      QVERIFY2(v.allFinite() && (v.array() > 0).all(), k);
    }
    Vector sizes(4);
    sizes << 100, 200, 400, 800;
    QVERIFY(out.at("sizes").asVector() == sizes);
    const Vector mem = out.at("peak_memory_bytes").asVector();
    QCOMPARE(mem.size(), Eigen::Index(4));
    QVERIFY(out.find("counts") == out.end());  // only with fit "count"
  }

  void stepReferenceThroughTheEngine() {
    RunOptions o;
    o.use_cache = true;
    o.threads = 2;
    const auto r = WorkflowEngine(AgentRegistry::builtin())
                       .run(parseWorkflow(R"({"sciagents":1,"steps":[
      {"id":"m","agent":"linear_algebra","task":"matrix","params":{"kind":"hilbert","n":10}},
      {"id":"p","agent":"performance_profiler","task":"profile",
       "params":{"target":{"step":"m"},"param":"n","sizes":[100,200,400],"repeats":2}}]})"),
                            o);
    QCOMPARE(std::string(stepStatusName(r.status)), std::string("succeeded"));
    const StepResult* p = r.step("p");
    QVERIFY(std::isfinite(p->outputs.at("exponent").asDouble()));  // timed: not judged
    QCOMPARE(p->outputs.at("sizes").asVector().size(), Eigen::Index(3));
    QCOMPARE(p->outputs.at("cpu_seconds").asVector().size(), Eigen::Index(3));
    QVERIFY(p->diagnostics.at("target").asString().find("linear_algebra.matrix") !=
            std::string::npos);
    // A reference to a step that does not exist is refused with its name.
    try {
      const auto bad = WorkflowEngine(AgentRegistry::builtin())
                           .run(parseWorkflow(R"({"sciagents":1,"steps":[
        {"id":"p","agent":"performance_profiler","task":"profile",
         "params":{"target":{"step":"nope"},"param":"n","sizes":[1,2]}}]})"),
                                o);
      QVERIFY(bad.status != StepStatus::Succeeded);
      QVERIFY2(bad.step("p")->error.find("nope") != std::string::npos,
               bad.step("p")->error.c_str());
    } catch (const Error& e) {
      QVERIFY2(std::string(e.what()).find("nope") != std::string::npos, e.what());
    }
  }

  void badInputsNameTheParam() {
    const AgentRegistry reg = toyRegistry();
    const std::string target = R"({"target":{"agent":"toy","task":"work","params":{"n":1}},)";
    expectParamError(reg, target + R"("param":"n","sizes":[10]})", "sizes", "at least 2 sizes");
    expectParamError(reg, target + R"("param":"n","sizes":[10,"big"]})", "sizes", "");
    expectParamError(reg, target + R"("param":"n","sizes":[10,-1]})", "sizes", "positive");
    expectParamError(reg, target + R"("param":"n","sizes":[10,10]})", "sizes", "not all be equal");
    expectParamError(reg, target + R"("param":"n","sizes":[10,20.5]})", "sizes", "not an integer");
    expectParamError(reg, target + R"("param":"m","sizes":[10,20]})", "param",
                     "'m' is not a parameter of toy.work");
    expectParamError(reg, target + R"("sizes":[10,20]})", "param", "give the parameter");
    expectParamError(reg, R"({"target":{"agent":"toy","task":"nope"},"param":"n","sizes":[1,2]})",
                     "target", "no task 'nope'");
    expectParamError(reg, R"({"target":{"agent":"nope","task":"x"},"param":"n","sizes":[1,2]})",
                     "target", "unknown agent");
    expectParamError(
        reg,
        target +
            R"("sizes":[10,20],"generate":[{"agent":"toy","task":"work","size":"n","output":"y","to":"n"}]})",
        "generate", "no output 'y'");
    expectParamError(
        reg,
        target +
            R"("sizes":[10,20],"generate":[{"agent":"toy","task":"work","size":"n","output":"value","to":"q"}]})",
        "generate", "\"to\" 'q' is not a parameter");
    expectParamError(reg, target + R"("param":"n","sizes":[10,20],"fit":"gpu"})", "fit", "");
    expectParamError(reg, target + R"("param":"n","sizes":[10,20],"fit":"count"})", "count",
                     "needs the output");
    expectParamError(reg, target + R"("param":"n","sizes":[10,20],"count":"units"})", "count",
                     "only with fit");
    expectParamError(reg, target + R"("param":"n","sizes":[10,20],"fit":"count","count":"nope"})",
                     "count", "no output or diagnostic 'nope'");
  }
};

SCIAGENTS_TEST_GUILESS_MAIN(TestProfiler)

}  // namespace test_profiler
#include "test_profiler.moc"
