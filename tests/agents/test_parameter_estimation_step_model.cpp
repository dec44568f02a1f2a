// inverse.parameter_estimation with a step model: the predicted data come from another workflow
// step (here an ode_pde.ivp step, standing in for a simulation program) instead of an ODE given by
// rhs. The fit must agree with the ODE form on the same data, and bad set-ups name the param.
#include "core/agent/agent_registry.h"
#include "core/workflow/workflow_engine.h"

#include <QtTest>

#include <cmath>
#include <cstdio>
#include <string>

#include "tests/test_main.h"

namespace test_parameter_estimation_step_model {

using namespace sciagents::core;

namespace {

RunResult runWorkflow(const std::string& json) {
  RunOptions o;
  o.use_cache = false;
  o.threads = 2;
  return WorkflowEngine(AgentRegistry::builtin()).run(parseWorkflow(json), o);
}

std::string list(const std::vector<double>& v) {
  std::string s = "[";
  for (std::size_t i = 0; i < v.size(); ++i) {
    char buf[40];
    std::snprintf(buf, sizeof buf, "%.17g", v[i]);
    s += (i ? "," : "") + std::string(buf);
  }
  return s + "]";
}

// y' = -k y, y(0) = A, observed at t = 0.5 .. 4 with a fixed +-2 % pattern of "noise".
const double kK = 0.7, kA = 2.0;
std::vector<double> times() {
  std::vector<double> t;
  for (int i = 1; i <= 8; ++i) t.push_back(0.5 * i);
  return t;
}
std::vector<double> data() {
  std::vector<double> y;
  const double noise[] = {0.02, -0.015, 0.01, -0.02, 0.005, 0.015, -0.01, -0.005};
  int i = 0;
  for (double t : times()) y.push_back(kA * std::exp(-kK * t) * (1 + noise[i++]));
  return y;
}

// The simulation step and the fit that uses it; `extra` is appended to the fit's params.
std::string stepModelWorkflow(const std::string& fit_params) {
  return R"({"sciagents":1,"steps":[{"id":"decay","agent":"ode_pde","task":"ivp","params":{"rhs":["-k*y"],)"
         R"("states":["y"],"y0":[1],"t_span":[0,4],"t_eval":)" +
         list(times()) +
         R"(,"constants":{"k":1},"rtol":1e-11,"atol":1e-13}},)"
         R"({"id":"fit","agent":"inverse","task":"parameter_estimation","params":{)" +
         fit_params + "}}]}";
}

std::string stepFit() {
  return R"("model":{"step":"decay","input":["constants.k","y0[0]"],"output":"y"},)"
         R"("parameters":[{"name":"k","init":0.3},{"name":"A","init":1.5}],)"
         R"("t_data":)" +
         list(times()) + R"(,"y_data":)" + list(data());
}

const StepResult& fitStep(const RunResult& r) { return *r.step("fit"); }

}  // namespace

class TestParameterEstimationStepModel : public QObject {
  Q_OBJECT

 private slots:
  // Before: parameter_estimation had no `model` param and required rhs (the step form failed
  // validation with "unknown param 'model'" / "missing required param 'rhs'").
  void stepModelFitEqualsTheOdeFit() {
    const RunResult viaStep = runWorkflow(stepModelWorkflow(stepFit()));
    const StepResult& s = fitStep(viaStep);
    QVERIFY2(s.status == StepStatus::Succeeded, s.error.c_str());

    const std::string ode =
        R"({"sciagents":1,"steps":[{"id":"fit","agent":"inverse","task":"parameter_estimation","params":{)"
        R"("rhs":["-k*y"],"states":["y"],"y0":[1.5],"t_span":[0,4],"constants":{"k":0.3},"rtol":1e-11,)"
        R"("atol":1e-13,"parameters":["k","y0.y"],"t_data":)" +
        list(times()) + R"(,"y_data":)" + list(data()) + "}}]}";
    const RunResult viaOde = runWorkflow(ode);
    const StepResult& o = fitStep(viaOde);
    QVERIFY2(o.status == StepStatus::Succeeded, o.error.c_str());

    const Vector ps = s.outputs.at("parameters").asVector(),
                 po = o.outputs.at("parameters").asVector();
    const Vector ss = s.outputs.at("std_errors").asVector(),
                 so = o.outputs.at("std_errors").asVector();
    for (int i = 0; i < 2; ++i) {
      QVERIFY2(std::abs(ps[i] - po[i]) < 1e-7 * std::abs(po[i]),
               (std::to_string(ps[i]) + " vs " + std::to_string(po[i])).c_str());
      QVERIFY2(std::abs(ss[i] - so[i]) < 1e-3 * so[i],
               (std::to_string(ss[i]) + " vs " + std::to_string(so[i])).c_str());
      QVERIFY(ss[i] > 0);
    }
    // The estimates are near the truth (2 % noise on 8 points).
    QVERIFY(std::abs(ps[0] - kK) < 0.05 && std::abs(ps[1] - kA) < 0.1);
    QCOMPARE(s.outputs.at("fitted").asMatrix().rows(), Eigen::Index(8));
    QVERIFY(s.outputs.at("residuals").asMatrix().allFinite());
    QVERIFY(s.diagnostics.at("model_evaluations").asInt() > 0);
    QVERIFY2(s.diagnostics.at("method_rationale").asString().find("finite differences") !=
                 std::string::npos,
             s.diagnostics.at("method_rationale").asString().c_str());
  }

  void badSetUpsNameTheParam() {
    struct Case {
      std::string params, param, text;
    };
    const std::string model =
        R"("model":{"step":"decay","input":["constants.k","y0[0]"],"output":"y"},)";
    const std::string y = R"("y_data":)" + list(data());
    const Case cases[] = {
        {model + R"("parameters":["k","A"],)" + y, "parameters", "'k' has no starting value"},
        {model + R"("parameters":[{"name":"k","init":1},{"name":"A","init":1}],"rhs":["-k*y"],)" +
             y,
         "rhs", "not both"},
        {model +
             R"("parameters":[{"name":"k","init":1},{"name":"A","init":1}],"y_data":[1,0.5,0.3])",
         "model", "output has 8 values but y_data has 3"},
        {R"("parameters":[{"name":"k","init":1}],)" + y, "rhs", "or a step `model`"},
    };
    for (const Case& c : cases) {
      const RunResult r = runWorkflow(stepModelWorkflow(c.params));
      const StepResult& s = fitStep(r);
      QCOMPARE(s.status, StepStatus::Failed);
      QVERIFY2(s.error.find("param '" + c.param + "'") != std::string::npos &&
                   s.error.find(c.text) != std::string::npos,
               s.error.c_str());
    }
  }
};

SCIAGENTS_TEST_GUILESS_MAIN(TestParameterEstimationStepModel)

}  // namespace test_parameter_estimation_step_model
#include "test_parameter_estimation_step_model.moc"
