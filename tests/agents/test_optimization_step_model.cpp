// optimization tasks whose objective / residuals / model is another workflow step (a step-reference
// model, core/agent/model_evaluator.h), re-run per point by the engine with batched
// finite-difference gradients: each task reaches the known optimum through an ode_pde.ivp step.
#include "core/agent/agent_registry.h"
#include "core/util/error.h"
#include "core/workflow/workflow_engine.h"

#include <QtTest>

#include <nlohmann/json.hpp>

#include <cmath>
#include <string>

#include "tests/test_main.h"

namespace test_optimization_step_model {

using namespace sciagents::core;

namespace {

RunResult runWorkflow(const std::string& json, int threads = 2) {
  RunOptions o;
  o.use_cache = false;
  o.threads = threads;
  return WorkflowEngine(AgentRegistry::builtin()).run(parseWorkflow(json), o);
}

// An ODE step whose final value is `rate` (constant in t) integrated over [0, 1]: y_final = rate.
// The engine re-runs it with constants a and b set to the optimizer's point.
// (Built with nlohmann/json: moc, which reads this file for the namespace of the test class, loses
// count of the braces in raw string literals like R"({"id":")".)
std::string odeStep(const std::string& id, const std::string& rates, const std::string& y0) {
  using nlohmann::json;
  const json states = y0 == "[0]" ? json::array({"y"}) : json::array({"u", "v"});
  const json params = {{"rhs", json::parse(rates)},
                       {"states", states},
                       {"y0", json::parse(y0)},
                       {"t_span", {0, 1}},
                       {"constants", {{"a", 0}, {"b", 0}}}};
  return json{{"id", id}, {"agent", "ode_pde"}, {"task", "ivp"}, {"params", params}}.dump();
}

const char* kRosenbrockRate = R"(["(1-a)^2 + 100*(b-a^2)^2"])";
const char* kRosenbrockModel =
    R"({"step":"rosen","input":["constants.a","constants.b"],"output":"y_final[0]"})";

std::string warnings(const StepResult& s) {
  std::string out;
  if (auto it = s.diagnostics.find("warnings"); it != s.diagnostics.end())
    for (const auto& w : it->second.asList()) out += w.asString() + "\n";
  return out;
}

}  // namespace

class TestOptimizationStepModel : public QObject {
  Q_OBJECT

 private slots:
  // Before: "objective" had to be an expression string ("expected an expression string, got map").
  void minimizeReachesTheRosenbrockMinimumThroughAStep() {
    const std::string wf =
        R"({"sciagents":1,"steps":[)" + odeStep("rosen", kRosenbrockRate, "[0]") +
        R"(,{"id":"opt","agent":"optimization","task":"minimize","params":{"objective":)" +
        kRosenbrockModel + R"(,"variables":["a","b"],"x0":[-1.2,1]}}]})";
    const RunResult r = runWorkflow(wf);
    const StepResult* s = r.step("opt");
    QVERIFY2(s->status == StepStatus::Succeeded, s->error.c_str());
    const Vector x = s->outputs.at("x").asVector();
    QVERIFY2(std::abs(x[0] - 1) < 1e-4 && std::abs(x[1] - 1) < 1e-4,
             (std::to_string(x[0]) + ", " + std::to_string(x[1])).c_str());
    QVERIFY(s->outputs.at("fun").asDouble() < 1e-8);
    QVERIFY(s->outputs.at("success").asBool());
    const std::string g = s->diagnostics.at("gradient").asString();
    QVERIFY2(g.rfind("finite differences (h = ", 0) == 0, g.c_str());
    QVERIFY2(g.find("one batch") != std::string::npos, g.c_str());
    // Every evaluation of the objective is one run of the step, counted.
    const std::int64_t evals = s->diagnostics.at("model_evaluations").asInt();
    QCOMPARE(evals, s->outputs.at("nfev").asInt());
    QCOMPARE(s->diagnostics.at("model").asMap().at("kind").asString(), std::string("step"));
    QCOMPARE(s->diagnostics.at("model").asMap().at("runs").asInt(), evals);
    QCOMPARE(s->diagnostics.at("failed_evaluations").asInt(), std::int64_t{0});
  }

  // The same problem as an expression reaches the same point (the step integrates the constant
  // rate exactly up to rounding, so both runs see the same function).
  void minimizeStepAndExpressionAgree() {
    const std::string viaStep =
        R"({"sciagents":1,"steps":[)" + odeStep("rosen", kRosenbrockRate, "[0]") +
        R"(,{"id":"opt","agent":"optimization","task":"minimize","params":{"objective":)" +
        kRosenbrockModel + R"(,"variables":["a","b"],"x0":[-1.2,1],"method":"L-BFGS-B"}}]})";
    const std::string viaExpr =
        R"({"sciagents":1,"steps":[{"id":"opt","agent":"optimization","task":"minimize",)"
        R"("params":{"objective":"(1-a)^2 + 100*(b-a^2)^2","variables":["a","b"],)"
        R"("x0":[-1.2,1],"method":"L-BFGS-B"}}]})";
    const RunResult a = runWorkflow(viaStep), b = runWorkflow(viaExpr);
    QVERIFY2(a.status == StepStatus::Succeeded, a.step("opt")->error.c_str());
    QVERIFY2(b.status == StepStatus::Succeeded, b.step("opt")->error.c_str());
    const Vector xa = a.step("opt")->outputs.at("x").asVector(),
                 xb = b.step("opt")->outputs.at("x").asVector();
    QVERIFY((xa - xb).lpNorm<Eigen::Infinity>() < 1e-5);
  }

  void globalMinimizeThroughAStep() {
    const std::string wf =
        R"({"sciagents":1,"steps":[)" + odeStep("rosen", kRosenbrockRate, "[0]") +
        R"(,{"id":"opt","agent":"optimization","task":"global_minimize","params":{"objective":)" +
        kRosenbrockModel +
        R"(,"variables":["a","b"],"bounds":[[-2,2],[-1,3]],"seed":4,"popsize":5,"maxiter":60}}]})";
    const RunResult r = runWorkflow(wf);
    const StepResult* s = r.step("opt");
    QVERIFY2(s->status == StepStatus::Succeeded, s->error.c_str());
    const Vector x = s->outputs.at("x").asVector();
    QVERIFY2(std::abs(x[0] - 1) < 1e-4 && std::abs(x[1] - 1) < 1e-4,
             (std::to_string(x[0]) + ", " + std::to_string(x[1])).c_str());
    QCOMPARE(s->diagnostics.at("model_evaluations").asInt(), s->outputs.at("nfev").asInt());
    QVERIFY(s->diagnostics.at("gradient").asString().rfind("finite differences (h = ", 0) == 0);
  }

  // A vector of residuals from one step: u' = a^2 + b^2 - 4, v' = a - b integrated over [0, 1].
  void rootOfAStepsResidualVector() {
    const std::string wf =
        R"({"sciagents":1,"steps":[)" + odeStep("res", R"(["a^2 + b^2 - 4", "a - b"])", "[0,0]") +
        R"(,{"id":"root","agent":"optimization","task":"root","params":{"f":)"
        R"({"step":"res","input":["constants.a","constants.b"],"output":"y_final"},)"
        R"("variables":["a","b"],"x0":[1,0.5]}}]})";
    const RunResult r = runWorkflow(wf);
    const StepResult* s = r.step("root");
    QVERIFY2(s->status == StepStatus::Succeeded, s->error.c_str());
    const Vector x = s->outputs.at("x").asVector();
    QVERIFY2(std::abs(x[0] - std::sqrt(2.0)) < 1e-8 && std::abs(x[1] - std::sqrt(2.0)) < 1e-8,
             (std::to_string(x[0]) + ", " + std::to_string(x[1])).c_str());
    QVERIFY(s->outputs.at("success").asBool());
    QVERIFY2(s->diagnostics.at("jacobian").asString().rfind("finite differences (h = ", 0) == 0,
             s->diagnostics.at("jacobian").asString().c_str());
    QCOMPARE(s->diagnostics.at("model_evaluations").asInt(), s->outputs.at("nfev").asInt());
  }

  void rootRefusesANonSquareStepModel() {
    const std::string wf = R"({"sciagents":1,"steps":[)" +
                           odeStep("res", R"(["a^2 + b^2 - 4", "a - b"])", "[0,0]") +
                           R"(,{"id":"root","agent":"optimization","task":"root","params":{"f":)"
                           R"({"step":"res","input":["constants.a"],"output":"y_final"},)"
                           R"("x0":[1]}}]})";
    const RunResult r = runWorkflow(wf);
    const StepResult* s = r.step("root");
    QCOMPARE(s->status, StepStatus::Failed);
    QVERIFY2(s->error.find("2 residual(s) for 1 variable(s)") != std::string::npos,
             s->error.c_str());
  }

  // curve_fit against an ODE decay y' = -k y, y(0) = A: the step maps (k, A) to the predicted
  // series at the data times (its output "y", one state: a vector), and the fit recovers k and A.
  void curveFitRecoversODEDecayParameters() {
    const double k = 0.7, amp = 2.0;
    std::string t_json = "[", y_json = "[";
    for (int i = 0; i <= 8; ++i) {
      const double t = 0.5 * i;
      t_json += (i ? "," : "") + std::to_string(t);
      char buf[64];
      std::snprintf(buf, sizeof buf, "%.17g", amp * std::exp(-k * t));
      y_json += (i ? "," : "") + std::string(buf);
    }
    t_json += "]";
    y_json += "]";
    const std::string wf =
        R"({"sciagents":1,"steps":[{"id":"decay","agent":"ode_pde","task":"ivp","params":{"rhs":["-k*y"],)"
        R"("states":["y"],"y0":[1],"t_span":[0,4],"t_eval":)" +
        t_json +
        R"(,"constants":{"k":1},"rtol":1e-11,"atol":1e-13}},)"
        R"({"id":"fit","agent":"optimization","task":"curve_fit","params":{"model":)"
        R"({"step":"decay","input":["constants.k","y0[0]"],"output":"y"},"params":["k","A"],)"
        R"("xdata":)" +
        t_json + R"(,"ydata":)" + y_json + R"(,"p0":[0.3,1.5]}}]})";
    const RunResult r = runWorkflow(wf);
    const StepResult* s = r.step("fit");
    QVERIFY2(s->status == StepStatus::Succeeded, s->error.c_str());
    const Vector p = s->outputs.at("popt").asVector();
    QVERIFY2(std::abs(p[0] - k) < 1e-7 && std::abs(p[1] - amp) < 1e-7,
             (std::to_string(p[0]) + ", " + std::to_string(p[1])).c_str());
    QVERIFY(s->outputs.at("rss").asDouble() < 1e-16);
    QVERIFY(s->outputs.at("success").asBool());
    QVERIFY2(s->diagnostics.at("jacobian").asString().rfind("finite differences (h = ", 0) == 0,
             s->diagnostics.at("jacobian").asString().c_str());
    QVERIFY(s->diagnostics.at("model_evaluations").asInt() > 0);
    QVERIFY(s->outputs.at("perr").asVector().allFinite());
  }

  void curveFitNamesAWrongSeriesLength() {
    const std::string wf =
        R"({"sciagents":1,"steps":[{"id":"decay","agent":"ode_pde","task":"ivp","params":{"rhs":["-k*y"],)"
        R"("states":["y"],"y0":[1],"t_span":[0,1],"t_eval":[0,0.5,1],"constants":{"k":1}}},)"
        R"({"id":"fit","agent":"optimization","task":"curve_fit","params":{"model":)"
        R"({"step":"decay","input":["constants.k"],"output":"y"},"params":["k"],)"
        R"("xdata":[0,0.25,0.5,0.75],"ydata":[1,0.8,0.6,0.5]}}]})";
    const RunResult r = runWorkflow(wf);
    const StepResult* s = r.step("fit");
    QCOMPARE(s->status, StepStatus::Failed);
    QVERIFY2(s->error.find("3 values but ydata has 4") != std::string::npos, s->error.c_str());
  }

  // A failed run of the step is a NaN objective value: the method steps away from it, and the
  // count is reported with a warning. The template is NaN for a < 0 (sqrt of a negative); the
  // Latin-hypercube start of DE puts 2 of its 10 members there (a in [-1, 4], strata 0.5 wide).
  void failedEvaluationsAreCountedNotHidden() {
    const std::string wf =
        R"({"sciagents":1,"steps":[)" +
        odeStep("rosen", R"x(["(a-2)^2 + (b-1)^2 + 0*sqrt(a)"])x", "[0]") +
        R"(,{"id":"opt","agent":"optimization","task":"global_minimize","params":{"objective":)" +
        kRosenbrockModel +
        R"(,"variables":["a","b"],"bounds":[[-1,4],[-2,3]],"seed":2,"popsize":5,"maxiter":40}}]})";
    const RunResult r = runWorkflow(wf);
    const StepResult* s = r.step("opt");
    QVERIFY2(s->status == StepStatus::Succeeded, s->error.c_str());
    const Vector x = s->outputs.at("x").asVector();
    QVERIFY2(std::abs(x[0] - 2) < 1e-4 && std::abs(x[1] - 1) < 1e-4,
             (std::to_string(x[0]) + ", " + std::to_string(x[1])).c_str());
    QVERIFY2(s->diagnostics.at("failed_evaluations").asInt() >= 2, warnings(*s).c_str());
    QVERIFY2(warnings(*s).find("failed and counted as NaN") != std::string::npos,
             warnings(*s).c_str());
  }

  // Tasks that take no step model still refuse one with a message naming the param.
  void expressionParamsOfOtherTasksRefuseAStepModel() {
    const std::string wf = R"({"sciagents":1,"steps":[)" +
                           odeStep("rosen", kRosenbrockRate, "[0]") +
                           R"(,{"id":"q","agent":"integration","task":"quad","params":{"f":)" +
                           kRosenbrockModel + R"(,"a":0,"b":1}}]})";
    const RunResult r = runWorkflow(wf);
    const StepResult* s = r.step("q");
    QCOMPARE(s->status, StepStatus::Failed);
    QVERIFY2(
        s->error.find("'f'") != std::string::npos || s->error.find("param f") != std::string::npos,
        s->error.c_str());
  }
};

SCIAGENTS_TEST_GUILESS_MAIN(TestOptimizationStepModel)

}  // namespace test_optimization_step_model
#include "test_optimization_step_model.moc"
