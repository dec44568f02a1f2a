// Every validator can fail: for each task with a validate hook, executor_validator.validate passes
// the task's honest result and rejects a deliberately perturbed copy of it (issue 15, item 3). The
// coverage test fails when a task gains a validate hook without a case here.
#include "core/agent/agent_registry.h"
#include "core/util/error.h"
#include "core/workflow/workflow_engine.h"

#include <QtTest>

#include <nlohmann/json.hpp>

#include <cmath>
#include <fstream>
#include <functional>
#include <limits>
#include <random>
#include <set>

#include "tests/test_main.h"

namespace test_validators_reject {

using namespace sciagents::core;

namespace {

struct Verdict {
  bool passed = false;
  std::string summary;
  List checks;
  std::string describe() const {
    std::string s = summary;
    for (const auto& c : checks) {
      const Map& m = c.asMap();
      s += "\n  " + m.at("name").asString() + " = " + std::to_string(m.at("value").asDouble()) +
           " (limit " + std::to_string(m.at("limit").asDouble()) + ", " +
           (m.at("passed").asBool() ? "passed)" : "failed: " + m.at("detail").asString() + ")");
    }
    return s;
  }
  double value(const std::string& name) const {
    for (const auto& c : checks)
      if (c.asMap().at("name").asString() == name) return c.asMap().at("value").asDouble();
    return std::numeric_limits<double>::quiet_NaN();
  }
};

Map runTask(const std::string& agent, const std::string& task, const Map& params) {
  const TaskSpec* t = AgentRegistry::builtin().task(agent, task);
  if (!t) throw std::runtime_error("no task " + agent + "." + task);
  TaskContext ctx(*t, t->resolveParams(params));
  ctx.setRegistry(&AgentRegistry::builtin());
  t->run(ctx);
  return ctx.outputs();
}

// executor_validator.validate on a result handed over as {agent, task, params, outputs}, the way a
// workflow link hands it a finished step.
Verdict validate(const std::string& agent, const std::string& task, const Map& params,
                 const Map& outputs) {
  const TaskSpec* v = AgentRegistry::builtin().task("executor_validator", "validate");
  const Map target{{"agent", agent},
                   {"task", task},
                   {"id", "checked"},
                   {"params", params},
                   {"outputs", outputs}};
  TaskContext ctx(*v, v->resolveParams({{"target", target}}));
  ctx.setRegistry(&AgentRegistry::builtin());
  v->run(ctx);
  const Map& o = ctx.outputs();
  return {o.at("passed").asBool(), o.at("summary").asString(), o.at("checks").asList()};
}

using Perturb = std::function<void(Map& outputs)>;

struct Case {
  std::string agent, task;
  Map params;
  Perturb perturb;
};

Matrix scaled(const Value& v, double f) { return v.toMatrix() * f; }

Map bvpSine() {
  return {{"rhs", List{"v", "-y"}},
          {"states", List{"y", "v"}},
          {"bc", List{"ya_y", "yb_y - 1"}},
          {"x_span", List{0.0, M_PI / 2}}};
}

// Every case: (name, what it runs, how its result is spoiled).
std::vector<std::pair<std::string, Case>> cases() {
  auto scaleGrid = [](const char* out, double f) {
    return [=](Map& o) {
      GridField g = o.at(out).asGrid();
      g.values *= f;
      o[out] = g;
    };
  };
  auto addToVector = [](const char* out, Eigen::Index i, double d) {
    return [=](Map& o) {
      Vector v = o.at(out).toVector();
      v[i] += d;
      o[out] = v;
    };
  };
  std::vector<std::pair<std::string, Case>> c;
  c.push_back({"solve",
               {"linear_algebra",
                "solve",
                {{"A", List{List{4, 1}, List{1, 3}}}, {"b", List{1, 2}}},
                [](Map& o) { o["x"] = scaled(o.at("x"), 1.01); }}});
  // ivp at the default tolerances (rtol 1e-3, atol 1e-6): the acceptance case, y off by 10 %.
  const Map oscillator{{"rhs", List{"v", "-x"}},
                       {"states", List{"x", "v"}},
                       {"y0", List{1, 0}},
                       {"t_span", List{0, 10}}};
  c.push_back(
      {"ivp", {"ode_pde", "ivp", oscillator, [](Map& o) { o["y"] = scaled(o.at("y"), 1.1); }}});
  const Map robertson{{"rhs", List{"-0.04*a + 1e4*b*c", "0.04*a - 1e4*b*c - 3e7*b^2", "3e7*b^2"}},
                      {"states", List{"a", "b", "c"}},
                      {"y0", List{1, 0, 0}},
                      {"t_span", List{0, 40}},
                      {"atol", List{1e-8, 1e-12, 1e-8}}};
  c.push_back({"ivp_stiff",
               {"ode_pde", "ivp", robertson, [](Map& o) { o["y"] = scaled(o.at("y"), 1.1); }}});
  Map robertson_radau = robertson;
  robertson_radau["method"] = "radau";
  c.push_back({"ivp_radau", {"ode_pde", "ivp", robertson_radau, [](Map& o) {
                               o["y"] = scaled(o.at("y"), 1.1);
                             }}});
  c.push_back(
      {"bvp", {"ode_pde", "bvp", bvpSine(), [](Map& o) { o["y"] = scaled(o.at("y"), 1.01); }}});
  c.push_back({"heat",
               {"ode_pde",
                "heat",
                {{"dim", 2},
                 {"n", 31},
                 {"alpha", 0.01},
                 {"u0", "sin(pi*x)*sin(pi*y)"},
                 {"t_span", List{0, 0.5}}},
                scaleGrid("u", 1.1)}});
  c.push_back({"wave",
               {"ode_pde",
                "wave",
                {{"dim", 2}, {"n", 31}, {"u0", "sin(pi*x)*sin(pi*y)"}, {"t_span", List{0, 1}}},
                scaleGrid("u", 1.1)}});
  c.push_back({"poisson",
               {"ode_pde",
                "poisson",
                {{"dim", 2}, {"n", 15}, {"f", "2*pi^2*sin(pi*x)*sin(pi*y)"}},
                [](Map& o) {
                  GridField g = o.at("u").asGrid();
                  g.values[g.values.size() / 2] += 0.01;
                  o["u"] = g;
                }}});
  c.push_back({"minimize",
               {"optimization",
                "minimize",
                {{"objective", "100*(y - x^2)^2 + (1 - x)^2"},
                 {"variables", List{"x", "y"}},
                 {"x0", List{-1.2, 1}}},
                addToVector("x", 0, 0.01)}});
  c.push_back(
      {"global_minimize",
       {"optimization",
        "global_minimize",
        {{"objective", "(y - 5.1/(4*pi^2)*x^2 + 5/pi*x - 6)^2 + 10*(1 - 1/(8*pi))*cos(x) + 10"},
         {"variables", List{"x", "y"}},
         {"bounds", List{List{-5, 10}, List{0, 15}}},
         {"seed", 5}},
        [](Map& o) { o["x"] = Vector(Vector::LinSpaced(2, 0, 5)); }}});
  c.push_back(
      {"root", {"optimization", "root", {{"f", "cos(x) - x"}, {"bracket", List{0, 1}}}, [](Map& o) {
                  o["x"] = Vector(Vector::Constant(1, 0.74));
                }}});
  c.push_back({"curve_fit",
               {"optimization",
                "curve_fit",
                {{"model", "b1*(1 - exp(-b2*x))"},
                 {"params", List{"b1", "b2"}},
                 {"xdata", List{77.6, 114.9, 141.1, 190.8, 239.9, 289.0, 332.8, 378.4, 434.8, 477.3,
                                536.8, 593.1, 689.1, 760.0}},
                 {"ydata", List{10.07, 14.73, 17.94, 23.93, 29.61, 35.18, 40.02, 44.82, 50.76,
                                55.05, 61.01, 66.40, 75.47, 81.78}},
                 {"p0", List{500, 1e-4}}},
                [](Map& o) {
                  Vector p = o.at("popt").toVector();
                  p[1] *= 1.001;
                  o["popt"] = p;
                }}});
  c.push_back({"evaluate",
               {"special_functions",
                "evaluate",
                {{"function", "gamma"}, {"args", List{List{0.3, 1.7, 4.2, 9.9}}}},
                [](Map& o) {
                  Vector v = o.at("values").toVector();
                  v[1] *= 1 + 1e-6;
                  o["values"] = v;
                }}});
  c.push_back({"fft",
               {"special_functions",
                "fft",
                {{"x", List{1, 2, 0, -1, 3, 0.5, 2, 1}}, {"kind", "rfft"}},
                addToVector("real", 2, 1e-3)}});
  c.push_back(
      {"quad", {"integration", "quad", {{"f", "ln(x)/sqrt(x)"}, {"a", 0}, {"b", 1}}, [](Map& o) {
                  o["value"] = o.at("value").asDouble() * (1 + 1e-4);
                }}});
  c.push_back({"cubature",
               {"integration",
                "cubature",
                {{"f", "sin(x)*cos(y)"},
                 {"vars", List{"x", "y"}},
                 {"bounds", List{List{0, M_PI}, List{0, M_PI / 2}}}},
                [](Map& o) { o["value"] = o.at("value").asDouble() * (1 + 1e-4); }}});
  return c;
}

}  // namespace

class TestValidatorsReject : public QObject {
  Q_OBJECT

 private slots:
  void honestPassesPerturbedFails_data() {
    QTest::addColumn<int>("index");
    const auto all = cases();
    for (std::size_t i = 0; i < all.size(); ++i)
      QTest::newRow(all[i].first.c_str()) << static_cast<int>(i);
  }
  void honestPassesPerturbedFails() {
    QFETCH(int, index);
    const Case c = cases()[static_cast<std::size_t>(index)].second;
    const Map honest = runTask(c.agent, c.task, c.params);
    const Verdict ok = validate(c.agent, c.task, c.params, honest);
    qInfo("honest:    %s", ok.describe().c_str());
    QVERIFY2(ok.passed, ok.describe().c_str());
    QVERIFY(!ok.checks.empty());
    Map spoiled = honest;
    c.perturb(spoiled);
    const Verdict bad = validate(c.agent, c.task, c.params, spoiled);
    qInfo("perturbed: %s", bad.describe().c_str());
    QVERIFY2(!bad.passed, bad.describe().c_str());
    QVERIFY2(bad.summary.rfind("check failed for", 0) == 0, bad.summary.c_str());
  }

  // Every builtin task with a validate hook has a case above.
  void everyValidatorHasACase() {
    std::set<std::string> hooked, covered;
    for (const auto& a : AgentRegistry::builtin().agents())
      for (const auto& t : a.tasks)
        if (t.validate) hooked.insert(a.id + "." + t.id);
    for (const auto& [name, c] : cases()) covered.insert(c.agent + "." + c.task);
    for (const auto& h : hooked)
      QVERIFY2(covered.count(h), ("no perturbation case for " + h).c_str());
  }

  // The honest ivp examples (their own tolerances, every method) pass the ivp check.
  void ivpExamplesPassTheirValidation_data() {
    QTest::addColumn<QString>("name");
    for (const char* n : {"ode-decay", "ode-oscillator", "ode-falling-ball", "ode-lorenz",
                          "ode-robertson", "ode-vanderpol"})
      QTest::newRow(n) << QString(n);
  }
  void ivpExamplesPassTheirValidation() {
    QFETCH(QString, name);
    std::ifstream in(std::string(SCIAGENTS_SOURCE_DIR) + "/examples/" + name.toStdString() +
                     ".workflow.json");
    QVERIFY(in.good());
    nlohmann::json wf = nlohmann::json::parse(in);
    std::vector<std::string> checked;
    for (const auto& s : nlohmann::json(wf["steps"]))
      if (s["agent"] == "ode_pde" && s["task"] == "ivp") {
        const std::string id = s["id"];
        checked.push_back(id);
        wf["steps"].push_back({{"id", "check_" + id},
                               {"agent", "executor_validator"},
                               {"task", "validate"},
                               {"params", {{"target", {{"step", id}}}}}});
      }
    QVERIFY(!checked.empty());
    RunOptions o;
    o.use_cache = false;
    o.threads = 2;
    const RunResult r = WorkflowEngine(AgentRegistry::builtin()).run(parseWorkflow(wf.dump()), o);
    for (const auto& id : checked) {
      const StepResult* v = r.step("check_" + id);
      QVERIFY2(v && v->outputs.count("passed"), ("no verdict for " + id).c_str());
      const Verdict d{v->outputs.at("passed").asBool(), v->outputs.at("summary").asString(),
                      v->outputs.at("checks").asList()};
      qInfo("%s: %s", id.c_str(), d.describe().c_str());
      QVERIFY2(d.value("resolve_difference_final") <= 20, d.describe().c_str());
      // Van der Pol mu = 1000 samples its output steps, which crowd into the jumps, where the
      // jump-time error (well above rtol |t|) is a large pointwise difference: the samples check
      // fails there (under the old 1000-unit bar too), truthfully, so only its end is asserted.
      if (name != "ode-vanderpol") QVERIFY2(d.passed, d.describe().c_str());
    }
  }

  // The ivp check is scaled to the requested tolerance: a result off by 5 % passes at rtol 1e-1 and
  // fails at the default rtol 1e-3; the reference is an independent family (ARKODE), named.
  void ivpBarFollowsTheTolerance() {
    Map p{{"rhs", List{"-0.5*y"}}, {"states", List{"y"}}, {"y0", List{1}}, {"t_span", List{0, 2}}};
    for (const double rtol : {1e-1, 1e-3}) {
      p["rtol"] = rtol;
      Map out = runTask("ode_pde", "ivp", p);
      out["y"] = scaled(out.at("y"), 1.05);  // 0.5 units of rtol 1e-1, 50 units of rtol 1e-3
      const Verdict v = validate("ode_pde", "ivp", p, out);
      QVERIFY2(v.passed == (rtol > 1e-2), v.describe().c_str());
      QVERIFY2(v.checks[0].asMap().at("detail").asString().find("ARKODE") != std::string::npos,
               v.describe().c_str());
    }
    // Stiff (auto -> bdf): the reference is ARKODE's DIRK, not CVODE again.
    const Map stiff{{"rhs", List{"-1000*(y - cos(t))"}},
                    {"states", List{"y"}},
                    {"y0", List{0}},
                    {"t_span", List{0, 10}}};
    const Verdict v = validate("ode_pde", "ivp", stiff, runTask("ode_pde", "ivp", stiff));
    QVERIFY2(v.passed, v.describe().c_str());
    QVERIFY2(v.checks[0].asMap().at("detail").asString().find("DIRK") != std::string::npos,
             v.describe().c_str());
  }

  // curve_fit: residuals of a wrong model (a line through a parabola's noisy samples) run in long
  // same-sign stretches, so residual_autocorrelation fails although the fit itself is optimal; the
  // right model on the same data passes.
  void curveFitResidualAutocorrelationCanFail() {
    std::mt19937 gen(7);
    std::normal_distribution<double> noise(0.0, 0.05);
    List xs, ys;
    for (int i = 0; i < 40; ++i) {
      const double x = -1 + 2.0 * i / 39;
      xs.push_back(x);
      ys.push_back(x * x + 0.5 * x + noise(gen));
    }
    Map line{{"model", "a*x + b"},
             {"params", List{"a", "b"}},
             {"xdata", xs},
             {"ydata", ys},
             {"p0", List{1, 0}}};
    const Verdict wrong =
        validate("optimization", "curve_fit", line, runTask("optimization", "curve_fit", line));
    QVERIFY2(!wrong.passed, wrong.describe().c_str());
    QVERIFY2(wrong.value("residual_autocorrelation") > 0.5, wrong.describe().c_str());
    Map parabola = line;
    parabola["model"] = "a*x + b + c*x^2";
    parabola["params"] = List{"a", "b", "c"};
    parabola["p0"] = List{1, 0, 0};
    const Verdict right = validate("optimization", "curve_fit", parabola,
                                   runTask("optimization", "curve_fit", parabola));
    QVERIFY2(right.passed, right.describe().c_str());
    QVERIFY(std::isfinite(right.value("residual_autocorrelation")));
  }

  // Non-finite entries in a result fail the check instead of being skipped.
  void nonFiniteResultsFail() {
    const double nan = std::numeric_limits<double>::quiet_NaN();
    const auto all = cases();
    for (const char* name : {"evaluate", "fft", "poisson", "bvp", "ivp"}) {
      const auto it =
          std::find_if(all.begin(), all.end(), [&](const auto& c) { return c.first == name; });
      const Case& c = it->second;
      Map out = runTask(c.agent, c.task, c.params);
      for (auto& [key, v] : out) {
        if (v.kind() == ValueKind::Vector) {
          Vector x = v.asVector();
          x[x.size() - 1] = nan;
          v = x;
        } else if (v.kind() == ValueKind::Matrix) {
          Matrix m = v.asMatrix();
          m(m.rows() - 1, 0) = nan;
          v = m;
        } else if (v.kind() == ValueKind::GridField) {
          GridField g = v.asGrid();
          g.values[g.values.size() / 2] = nan;
          v = g;
        }
      }
      const Verdict bad = validate(c.agent, c.task, c.params, out);
      QVERIFY2(!bad.passed, (std::string(name) + ": " + bad.describe()).c_str());
    }
  }
};

SCIAGENTS_TEST_GUILESS_MAIN(TestValidatorsReject)

}  // namespace test_validators_reject
#include "test_validators_reject.moc"
