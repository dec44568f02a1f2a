// The "model" mechanism: a uq task whose model is another step of the workflow, re-run per sample
// by the engine (parallel, cached, cancellable), checked against the same model as an expression.
#include "core/agent/agent_registry.h"
#include "core/agents/uq/uq_agent.h"
#include "core/util/error.h"
#include "core/workflow/workflow_engine.h"
#include "core/workflow/workflow_validator.h"
#include "test_agents.h"

#include <QTemporaryDir>
#include <QtTest>

#include <cmath>

#include "tests/test_main.h"

namespace test_step_model {

using namespace sciagents::core;

namespace {
AgentRegistry registryWithUq() {
  AgentRegistry r = sciagents::test::testRegistry();
  r.add(agents::uqAgent());
  return r;
}

const char* kInputs =
    R"([{"name":"a","dist":"uniform","a":0,"b":1},{"name":"b","dist":"normal","mu":1,"sigma":0.5}])";

std::string workflow(const std::string& uq_task, const std::string& model,
                     const std::string& extra = "") {
  return std::string(R"({"sciagents":1,"steps":[
    {"id":"tmpl","agent":"test","task":"add","params":{"a":0.5,"b":0,"scale":2}},
    {"id":"uq","agent":"uq","task":")") +
         uq_task + R"(","params":{"model":)" + model + R"(,"inputs":)" + kInputs + extra + "}}]}";
}
}  // namespace

class TestStepModel : public QObject {
  Q_OBJECT

  AgentRegistry m_registry = registryWithUq();
  QTemporaryDir m_dir;

  RunResult run(const std::string& json, int threads, bool cache = false,
                const std::string& cache_name = "cache") {
    RunOptions o;
    o.threads = threads;
    o.use_cache = cache;
    o.cache_dir = m_dir.filePath(QString::fromStdString(cache_name)).toStdString();
    return WorkflowEngine(m_registry).run(parseWorkflow(json), o);
  }

  std::vector<ValidationIssue> issues(const std::string& json) {
    return validateWorkflow(parseWorkflow(json), m_registry);
  }

 private slots:
  void stepModelEqualsTheSameExpression() {
    const std::string ref = R"({"step":"tmpl","input":["a","b"],"output":"sum"})";
    const auto viaStep = run(workflow("monte_carlo", ref, R"(,"n":500,"seed":3)"), 4);
    const auto viaExpr = run(workflow("monte_carlo", R"x("2*(a+b)")x", R"(,"n":500,"seed":3)"), 4);
    QVERIFY2(viaStep.status == StepStatus::Succeeded, viaStep.step("uq")->error.c_str());
    const auto& s = viaStep.step("uq")->outputs;
    const auto& e = viaExpr.step("uq")->outputs;
    QCOMPARE(s.at("mean").asDouble(), e.at("mean").asDouble());
    QCOMPARE(s.at("variance").asDouble(), e.at("variance").asDouble());
    QVERIFY(s.at("quantiles").asVector() == e.at("quantiles").asVector());
    const Map& model = viaStep.step("uq")->diagnostics.at("model").asMap();
    QCOMPARE(model.at("kind").asString(), std::string("step"));
    QCOMPARE(model.at("evaluations").asInt(), std::int64_t{500});
    // The template step also ran normally, with its own params.
    QCOMPARE(viaStep.step("tmpl")->outputs.at("sum").asDouble(), 1.0);
  }

  void sameSeedSameResultWithOneAndTwoThreads() {
    const std::string ref = R"({"step":"tmpl","input":["a","b"],"output":"sum"})";
    for (const char* task : {"sobol", "monte_carlo", "rare_event"}) {
      const std::string extra =
          std::string(task) == "sobol"        ? R"(,"n":256,"seed":11,"bootstrap":50)"
          : std::string(task) == "rare_event" ? R"(,"n":400,"seed":11,"threshold":0.5)"
                                              : R"(,"n":300,"seed":11)";
      const auto one = run(workflow(task, ref, extra), 1), two = run(workflow(task, ref, extra), 2);
      QVERIFY2(one.status == StepStatus::Succeeded, one.step("uq")->error.c_str());
      QVERIFY2(two.status == StepStatus::Succeeded, two.step("uq")->error.c_str());
      const Map& a = one.step("uq")->outputs;
      const Map& b = two.step("uq")->outputs;
      QCOMPARE(a.size(), b.size());
      for (const auto& [name, v] : a)
        QVERIFY2(v == b.at(name), (std::string(task) + "." + name).c_str());
    }
  }

  void samplesGoThroughTheCache() {
    const std::string ref = R"({"step":"tmpl","input":["a","b"],"output":"sum"})";
    const auto first =
        run(workflow("sobol", ref, R"(,"n":64,"seed":2,"bootstrap":10)"), 2, true, "c1");
    QCOMPARE(first.step("uq")->diagnostics.at("model").asMap().at("cache_hits").asInt(),
             std::int64_t{0});
    // A different bootstrap count re-runs the uq step, but every model sample comes from the cache.
    const auto second =
        run(workflow("sobol", ref, R"(,"n":64,"seed":2,"bootstrap":20)"), 2, true, "c1");
    QVERIFY(!second.step("uq")->cached);
    const Map& m = second.step("uq")->diagnostics.at("model").asMap();
    QCOMPARE(m.at("cache_hits").asInt(), std::int64_t{64 * 4});
    QCOMPARE(m.at("runs").asInt(), std::int64_t{0});
    QVERIFY(second.step("uq")->outputs.at("S1") == first.step("uq")->outputs.at("S1"));
    // Changing the template changes the uq step's cache key.
    std::string changed = workflow("sobol", ref, R"(,"n":64,"seed":2,"bootstrap":20)");
    changed.replace(changed.find("\"scale\":2"), 9, "\"scale\":3");
    const auto third = run(changed, 2, true, "c1");
    QVERIFY(!third.step("uq")->cached);
    QCOMPARE(third.step("uq")->outputs.at("variance").asDouble(),
             first.step("uq")->outputs.at("variance").asDouble() * 2.25);
  }

  void validationNamesStepAndParam() {
    auto expect = [&](const std::string& model, const std::string& needle) {
      const auto found = issues(workflow("monte_carlo", model));
      QVERIFY2(!found.empty(), model.c_str());
      QCOMPARE(found.front().step, std::string("uq"));
      QCOMPARE(found.front().param, std::string("model"));
      QVERIFY2(found.front().message.find(needle) != std::string::npos,
               found.front().describe().c_str());
    };
    expect(R"({"step":"nosuch","input":["a","b"],"output":"sum"})",
           "step 'nosuch', which does not exist");
    expect(R"({"step":"tmpl","input":["a","c"],"output":"sum"})",
           "'c' is not a parameter of task 'add'");
    expect(R"({"step":"tmpl","input":["a","b.x"],"output":"sum"})",
           "does not exist in the step's params");
    expect(R"({"step":"tmpl","input":["a","b"],"output":"total"})", "no output 'total'");
    expect(R"({"step":"tmpl","input":["a","b"]})", "\"output\" must name");
    expect(R"({"step":"uq","input":["a","b"],"output":"sum"})", "its own step");
    QVERIFY(
        issues(workflow("monte_carlo", R"({"step":"tmpl","input":["a","b"],"output":"pair[0]"})"))
            .empty());
  }

  void runTimeErrorsNameTheModel() {
    // One input path for two inputs.
    auto r = run(
        workflow("monte_carlo", R"({"step":"tmpl","input":"a","output":"sum"})", R"(,"n":20)"), 2);
    QCOMPARE(r.step("uq")->status, StepStatus::Failed);
    QVERIFY2(r.step("uq")->error.find("param 'model'") != std::string::npos,
             r.step("uq")->error.c_str());
    QVERIFY2(r.step("uq")->error.find("1 input path(s) but the task has 2") != std::string::npos,
             r.step("uq")->error.c_str());
    // An output that is not one number, where the task needs one (monte_carlo and sobol take
    // vectors, rare_event not).
    r = run(workflow("rare_event", R"({"step":"tmpl","input":["a","b"],"output":"pair"})",
                     R"(,"n":16,"method":"mc")"),
            2);
    QVERIFY2(r.step("uq")->error.find("not one number") != std::string::npos,
             r.step("uq")->error.c_str());
    // A template that fails at the samples (scale out of its range): the sample and its values are
    // named.
    std::string wf = workflow(
        "monte_carlo", R"({"step":"tmpl","input":["a","scale"],"output":"sum"})", R"(,"n":20)");
    wf.replace(wf.find("\"mu\":1"), 6,
               "\"mu\":20");  // scale ~ N(20, 0.5): outside its range [-10, 10]
    r = run(wf, 2);
    const std::string msg = r.step("uq")->error;
    QCOMPARE(r.step("uq")->status, StepStatus::Failed);
    QVERIFY2(msg.find("sample #") != std::string::npos && msg.find("scale=") != std::string::npos,
             msg.c_str());
  }

  void cancellationStopsTheSamples() {
    auto cancel = std::make_shared<std::atomic<bool>>(false);
    struct Stopper : RunListener {
      std::shared_ptr<std::atomic<bool>> flag;
      void progress(std::string_view step, double f, std::string_view) override {
        if (step == "uq" && f > 0.05) flag->store(true);
      }
    } stopper;
    stopper.flag = cancel;
    RunOptions o;
    o.threads = 2;
    o.use_cache = false;
    o.cancel = cancel;
    o.listener = &stopper;
    const auto r =
        WorkflowEngine(m_registry)
            .run(parseWorkflow(workflow("monte_carlo",
                                        R"({"step":"tmpl","input":["a","b"],"output":"sum"})",
                                        R"(,"n":200000)")),
                 o);
    QCOMPARE(r.step("uq")->status, StepStatus::Cancelled);
  }

  // A vector output ("pair" = [a, b]) is summarised per component, each exactly as the scalar
  // model of that component would be (same seed, same samples).
  void monteCarloSummarisesAVectorOutputPerComponent() {
    const std::string extra = R"(,"n":300,"seed":5,"return_samples":true)";
    const auto vec = run(
        workflow("monte_carlo", R"({"step":"tmpl","input":["a","b"],"output":"pair"})", extra), 2);
    QVERIFY2(vec.status == StepStatus::Succeeded, vec.step("uq")->error.c_str());
    const Map& v = vec.step("uq")->outputs;
    QCOMPARE(v.at("mean").asVector().size(), Eigen::Index{2});
    QCOMPARE(v.at("ci").asMatrix().rows(), Eigen::Index{2});
    QCOMPARE(v.at("quantiles").asMatrix().rows(), Eigen::Index{2});
    QCOMPARE(v.at("quantiles").asMatrix().cols(), Eigen::Index{5});
    QCOMPARE(v.at("values").asMatrix().cols(), Eigen::Index{2});
    QCOMPARE(v.at("histogram").asList().size(), std::size_t{2});
    QCOMPARE(vec.step("uq")->diagnostics.at("output_components").asInt(), std::int64_t{2});
    const char* component[] = {R"x("a")x", R"x("b")x"};
    for (int c = 0; c < 2; ++c) {
      const auto one = run(workflow("monte_carlo", component[c], extra), 2);
      QVERIFY2(one.status == StepStatus::Succeeded, one.step("uq")->error.c_str());
      const Map& s = one.step("uq")->outputs;
      QCOMPARE(v.at("mean").asVector()[c], s.at("mean").asDouble());
      QCOMPARE(v.at("variance").asVector()[c], s.at("variance").asDouble());
      QCOMPARE(v.at("std").asVector()[c], s.at("std").asDouble());
      QCOMPARE(v.at("min").asVector()[c], s.at("min").asDouble());
      QCOMPARE(v.at("max").asVector()[c], s.at("max").asDouble());
      QVERIFY(Vector(v.at("ci").asMatrix().row(c).transpose()) == s.at("ci").asVector());
      QVERIFY(Vector(v.at("quantiles").asMatrix().row(c).transpose()) ==
              s.at("quantiles").asVector());
    }
  }

  // scale ~ U(0, 12) but the template accepts scale in [-10, 10]: the samples with scale > 10 fail.
  static std::string failingWorkflow(const std::string& task, const std::string& extra) {
    std::string wf =
        workflow(task, R"({"step":"tmpl","input":["a","scale"],"output":"sum"})", extra);
    wf.replace(wf.find(R"("dist":"normal","mu":1,"sigma":0.5)"), 34,
               R"("dist":"uniform","a":0,"b":12)");
    return wf;
  }

  void monteCarloDropsFailedSamplesAndSaysHowMany() {
    const auto r = run(
        failingWorkflow("monte_carlo",
                        R"(,"n":400,"seed":9,"return_samples":true,"on_failed_samples":"drop")"),
        2);
    QVERIFY2(r.status == StepStatus::Succeeded, r.step("uq")->error.c_str());
    const Map& out = r.step("uq")->outputs;
    const Map& diag = r.step("uq")->diagnostics;
    const Matrix x = out.at("samples").asMatrix();
    const Vector y = out.at("values").asVector();
    // The failed samples are exactly those outside the template's range, and they are NaN.
    std::vector<std::int64_t> expected;
    double sum = 0;
    for (Eigen::Index i = 0; i < x.rows(); ++i) {
      if (x(i, 1) > 10) {
        expected.push_back(i);
        QVERIFY(std::isnan(y[i]));
      } else {
        sum += x(i, 1) * x(i, 0);
      }
    }
    QVERIFY(expected.size() > 20 && expected.size() < 120);  // about 1/6 of 400
    QCOMPARE(diag.at("failed_samples").asInt(), static_cast<std::int64_t>(expected.size()));
    const List& idx = diag.at("failed_sample_indices").asList();
    QCOMPARE(idx.size(), std::min<std::size_t>(20, expected.size()));
    for (std::size_t k = 0; k < idx.size(); ++k) QCOMPARE(idx[k].asInt(), expected[k]);
    const auto used = static_cast<std::int64_t>(400 - expected.size());
    QCOMPARE(out.at("n").asInt(), used);
    const double mean = sum / static_cast<double>(used);
    QVERIFY(std::abs(out.at("mean").asDouble() - mean) <= 1e-12 * std::abs(mean));
    // The error bar comes from the finite samples: stderr = std / sqrt(n_used).
    QVERIFY(std::abs(out.at("stderr").asDouble() -
                     out.at("std").asDouble() / std::sqrt(double(used))) < 1e-15);
    QCOMPARE(diag.at("model").asMap().at("failed_samples").asInt(),
             static_cast<std::int64_t>(expected.size()));
    std::string warnings;
    for (const auto& w : diag.at("warnings").asList()) warnings += w.asString();
    QVERIFY2(warnings.find(std::to_string(expected.size()) +
                           " of 400 model samples failed and were dropped") != std::string::npos,
             warnings.c_str());
  }

  void monteCarloAndSobolRefuseFailedSamplesNamingThem() {
    // The failing indices, from a drop run with the same seed.
    const auto dropped =
        run(failingWorkflow("monte_carlo", R"(,"n":400,"seed":9,"on_failed_samples":"drop")"), 2);
    const List& idx = dropped.step("uq")->diagnostics.at("failed_sample_indices").asList();
    const std::int64_t nfailed = dropped.step("uq")->diagnostics.at("failed_samples").asInt();
    QVERIFY(idx.size() >= 3);
    const auto failed = run(failingWorkflow("monte_carlo", R"(,"n":400,"seed":9)"), 2);
    const std::string msg = failed.step("uq")->error;
    QCOMPARE(failed.step("uq")->status, StepStatus::Failed);
    const std::string named = std::to_string(nfailed) + " of 400 model samples failed (#" +
                              std::to_string(idx[0].asInt()) + ", #" +
                              std::to_string(idx[1].asInt()) + ", #" +
                              std::to_string(idx[2].asInt());
    QVERIFY2(msg.find(named) != std::string::npos, (msg + " / expected " + named).c_str());
    QVERIFY2(msg.find("on_failed_samples") != std::string::npos, msg.c_str());
    QVERIFY2(msg.find("scale=") != std::string::npos, msg.c_str());  // the first failure's point
    // Sobol cannot drop rows: it refuses, naming the samples.
    const auto sobol = run(failingWorkflow("sobol", R"(,"n":64,"seed":9,"bootstrap":10)"), 2);
    QCOMPARE(sobol.step("uq")->status, StepStatus::Failed);
    const std::string smsg = sobol.step("uq")->error;
    QVERIFY2(smsg.find("of 256 model samples failed (#") != std::string::npos, smsg.c_str());
    QVERIFY2(smsg.find("Sobol indices cannot drop samples") != std::string::npos, smsg.c_str());
  }

  // An expression model that is NaN somewhere (sqrt of a negative) is handled the same way.
  void expressionModelFailedSamplesDropOrFail() {
    const std::string model = R"x("sqrt(a - 0.25)")x";
    const auto drop =
        run(workflow("monte_carlo", model, R"(,"n":200,"seed":3,"on_failed_samples":"drop")"), 1);
    QVERIFY2(drop.status == StepStatus::Succeeded, drop.step("uq")->error.c_str());
    const std::int64_t nfailed = drop.step("uq")->diagnostics.at("failed_samples").asInt();
    QVERIFY(nfailed > 20 && nfailed < 80);  // about a quarter of 200
    QCOMPARE(drop.step("uq")->outputs.at("n").asInt(), 200 - nfailed);
    QVERIFY(drop.step("uq")->outputs.at("min").asDouble() >= 0);
    const auto fail = run(workflow("monte_carlo", model, R"(,"n":200,"seed":3)"), 1);
    QCOMPARE(fail.step("uq")->status, StepStatus::Failed);
    QVERIFY2(fail.step("uq")->error.find(std::to_string(nfailed) +
                                         " of 200 model samples failed") != std::string::npos,
             fail.step("uq")->error.c_str());
  }

  // Surrogate training on a model design refuses failed design points, naming them.
  void surrogateTrainingRefusesFailedDesignPoints() {
    const std::string wf =
        R"x({"sciagents":1,"steps":[{"id":"fit","agent":"surrogate","task":"rbf","params":{
      "model":"sqrt(a - 0.25)","inputs":[{"name":"a","dist":"uniform","a":0,"b":1}],"n":40,"seed":1}}]})x";
    RunOptions o;
    o.threads = 1;
    o.use_cache = false;
    const auto r = WorkflowEngine(AgentRegistry::builtin()).run(parseWorkflow(wf), o);
    QCOMPARE(r.step("fit")->status, StepStatus::Failed);
    const std::string msg = r.step("fit")->error;
    QVERIFY2(msg.find("of 40 model samples failed (#") != std::string::npos, msg.c_str());
    QVERIFY2(msg.find("a surrogate cannot be trained on a design with failed points") !=
                 std::string::npos,
             msg.c_str());
  }

  // inverse.bayesian with a step that predicts the whole series (one input path per parameter, a
  // vector output) agrees with the closed form as an expression at every xdata (same seed).
  void bayesianAgainstASeriesFromOneStep() {
    const std::string data = R"("data":[0.6703,0.4493,0.3012,0.2019],"sigma":0.01,)"
                             R"("parameters":[{"name":"k","prior":"uniform","a":0.1,"b":2}],)"
                             R"("chains":2,"samples":300,"burn_in":300,"seed":7)";
    const std::string wf = R"({"sciagents":1,"steps":[
      {"id":"sim","agent":"ode_pde","task":"ivp","params":{"rhs":["-k*y"],"states":["y"],"y0":[1],"t_span":[0,2],
        "t_eval":[0.5,1,1.5,2],"constants":{"k":1.0},"rtol":1e-11,"atol":1e-13}},
      {"id":"post","agent":"inverse","task":"bayesian","params":{"model":{"step":"sim","input":["constants.k"],
        "output":"y"},)" + data +
                           "}}]}";
    const std::string expr =
        R"({"sciagents":1,"steps":[{"id":"post","agent":"inverse","task":"bayesian","params":{)"
        R"x("model":"exp(-k*x)","xdata":[0.5,1,1.5,2],)x" +
        data + "}}]}";
    RunOptions o;
    o.threads = 2;
    o.use_cache = false;
    const auto a = WorkflowEngine(AgentRegistry::builtin()).run(parseWorkflow(wf), o),
               b = WorkflowEngine(AgentRegistry::builtin()).run(parseWorkflow(expr), o);
    QVERIFY2(a.status == StepStatus::Succeeded, a.step("post")->error.c_str());
    QVERIFY2(b.status == StepStatus::Succeeded, b.step("post")->error.c_str());
    const double ma = a.step("post")->outputs.at("mean").asVector()[0];
    const double mb = b.step("post")->outputs.at("mean").asVector()[0];
    QVERIFY2(std::abs(ma - 0.8) < 0.01, std::to_string(ma).c_str());
    QVERIFY2(std::abs(ma - mb) < 1e-6, (std::to_string(ma) + " vs " + std::to_string(mb)).c_str());
    QCOMPARE(a.step("post")->diagnostics.at("failed_evaluations").asInt(), std::int64_t{0});
    // A series of the wrong length is refused, naming both lengths.
    std::string wrong = wf;
    wrong.replace(wrong.find(R"("t_eval":[0.5,1,1.5,2])"), 22, R"("t_eval":[0.5,1,2])");
    const auto c = WorkflowEngine(AgentRegistry::builtin()).run(parseWorkflow(wrong), o);
    QCOMPARE(c.step("post")->status, StepStatus::Failed);
    QVERIFY2(c.step("post")->error.find("3 values but `data` has 4") != std::string::npos,
             c.step("post")->error.c_str());
  }

  void odeTemplateMatchesTheClosedForm() {
    // y' = -k y, y(0) = 1, k ~ U(0.5, 1.5): E[y(2)] = (e^-1 - e^-3) / 2.
    const std::string wf = R"({"sciagents":1,"steps":[
      {"id":"sim","agent":"ode_pde","task":"ivp","params":{"rhs":["-k*y"],"states":["y"],"y0":[1],"t_span":[0,2],
        "constants":{"k":1.0},"rtol":1e-10,"atol":1e-12}},
      {"id":"mc","agent":"uq","task":"monte_carlo","params":{"model":{"step":"sim","input":"constants.k","output":"y_final[0]"},
        "inputs":[{"name":"k","dist":"uniform","a":0.5,"b":1.5}],"n":400,"sampling":"lhs","seed":1}}]})";
    RunOptions o;
    o.threads = 2;
    o.use_cache = false;
    const auto r = WorkflowEngine(AgentRegistry::builtin()).run(parseWorkflow(wf), o);
    QVERIFY2(r.status == StepStatus::Succeeded, r.step("mc")->error.c_str());
    const double exact = (std::exp(-1.0) - std::exp(-3.0)) / 2;
    QVERIFY(std::abs(r.step("mc")->outputs.at("mean").asDouble() - exact) < 1e-4);
  }

  // An ODE template with sampled constants runs prepared (compiled once per study): the same
  // indices with 1 and 2 threads and through the cache, bit for bit.
  void preparedOdeTemplateIsThreadAndCacheIndependent() {
    const std::string wf = R"({"sciagents":1,"steps":[
      {"id":"sim","agent":"ode_pde","task":"ivp","params":{"rhs":["-k*y + c"],"states":["y"],"y0":[1],
        "t_span":[0,2],"constants":{"k":1.0,"c":0.5},"rtol":1e-8,"atol":1e-10}},
      {"id":"s","agent":"uq","task":"sobol","params":{"model":{"step":"sim","input":["constants.k","constants.c"],
        "output":"y_final[0]"},"inputs":[{"name":"k","dist":"lognormal","mu":0,"sigma":0.25},
        {"name":"c","dist":"uniform","a":0.2,"b":0.8}],"n":64,"seed":1,"bootstrap":20}}]})";
    auto run = [&](const std::string& json, int threads, bool cache = false) {
      RunOptions o;
      o.threads = threads;
      o.use_cache = cache;
      o.cache_dir = m_dir.filePath("prepared-cache").toStdString();
      return WorkflowEngine(AgentRegistry::builtin()).run(parseWorkflow(json), o);
    };
    const auto one = run(wf, 1), two = run(wf, 2), cached = run(wf, 2, true);
    for (const auto* r : {&one, &two, &cached})
      QVERIFY2(r->status == StepStatus::Succeeded, r->step("s")->error.c_str());
    const Map& model = one.step("s")->diagnostics.at("model").asMap();
    QCOMPARE(model.at("prepared").asBool(), true);
    for (const char* o : {"S1", "ST", "S1_conf", "ST_conf", "mean", "variance"}) {
      QVERIFY2(one.step("s")->outputs.at(o) == two.step("s")->outputs.at(o), o);
      QVERIFY2(one.step("s")->outputs.at(o) == cached.step("s")->outputs.at(o), o);
    }
    // A path the task cannot prepare (t_span) runs the task per sample, as before.
    std::string other = wf;
    other.replace(other.find(R"(["constants.k","constants.c"])"), 29,
                  R"(["constants.k","t_span[1]"])");
    const auto r = run(other, 2);
    QVERIFY2(r.status == StepStatus::Succeeded, r.step("s")->error.c_str());
    QCOMPARE(r.step("s")->diagnostics.at("model").asMap().at("prepared").asBool(), false);
  }
};

SCIAGENTS_TEST_GUILESS_MAIN(TestStepModel)

}  // namespace test_step_model
#include "test_step_model.moc"
