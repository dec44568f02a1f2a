// A fitted surrogate's `model` output map used as the `model` of a later task (uq.monte_carlo,
// uq.sobol): predictions agree with the surrogate's own, inputs are matched by name.
#include "surrogate_test_util.h"

#include "core/agents/surrogate/surrogate_predict.h"

#include <cmath>

#include "tests/test_main.h"

namespace test_surrogate_models {

using namespace surrogate_test;

namespace {
agent_test::TaskResult runUq(const char* id, const Map& params) {
  return agent_test::runTask(*AgentRegistry::builtin().task("uq", id), params);
}
Map withModel(const json& params, const Value& model) {
  Map m = fromJson(params).asMap();
  m["model"] = model;
  return m;
}
}  // namespace

class TestSurrogateModels : public QObject {
  Q_OBJECT

 private slots:
  void fittedSurrogatesServeAsModels() {
    const json inputs = json::array({uniformInput("a", 0, 1), uniformInput("b", 1, 3)});
    const json x =
        json::array({json::array({0.2, 1.5}), json::array({0.7, 2.9}), json::array({0.5, 2.0})});
    const char* f = "a*b + a^2";
    for (const char* id : {"gp", "pce", "rbf"}) {
      json p{{"model", f}, {"inputs", inputs}, {"n", 60}, {"seed", 9}, {"xtest", x}};
      if (std::string(id) == "pce") p["degree"] = 2;
      const auto fit = run(id, p);
      const Vector own = fit.out(std::string(id) == "gp" ? "mean" : "prediction").asVector();
      // the same points through uq.monte_carlo's model, with the inputs listed in the other order
      const json swapped = json::array({uniformInput("b", 1, 3), uniformInput("a", 0, 1)});
      const auto mc =
          runUq("monte_carlo",
                withModel(json{{"inputs", swapped}, {"n", 4000}, {"seed", 1}}, fit.out("model")));
      const double exact_mean = 0.5 * 2 + 1.0 / 3;  // E[a]E[b] + E[a^2]
      qInfo("%s: MC mean through the surrogate %.5f (exact %.5f), model %s", id,
            mc.out("mean").asDouble(), exact_mean,
            mc.diagnostics.at("model_description").asString().c_str());
      QVERIFY(std::abs(mc.out("mean").asDouble() - exact_mean) < 0.03);
      QVERIFY(mc.diagnostics.at("model_description").asString().find("matched by name") !=
              std::string::npos);
      // the evaluator reproduces the surrogate's own predictions at xtest
      const TaskSpec& t = task("gp");
      const TaskContext ctx(t, t.resolveParams({}));
      auto model = sciagents::core::agents::surrogate::makeSurrogateModel(
          "model", fit.out("model").asMap(), {"a", "b"});
      Matrix pts(3, 2);
      for (int i = 0; i < 3; ++i) pts.row(i) << x[i][0].get<double>(), x[i][1].get<double>();
      const Vector via = model->evaluate(pts, ctx);
      QVERIFY((via - own).cwiseAbs().maxCoeff() < 1e-12);
      for (int i = 0; i < 3; ++i)
        QVERIFY(std::abs(own[i] - (pts(i, 0) * pts(i, 1) + pts(i, 0) * pts(i, 0))) < 1e-2);
    }
  }

  void pceSurrogateGivesSobolIndicesThroughUq() {
    const json inputs = json::array({uniformInput("x1", -1, 1), uniformInput("x2", -1, 1)});
    const auto fit =
        run("pce", json{{"model", "x1 + 2*x2^2"}, {"inputs", inputs}, {"degree", 2}, {"seed", 3}});
    const auto s = runUq(
        "sobol", withModel(json{{"inputs", inputs}, {"n", 8192}, {"seed", 2}, {"bootstrap", 0}},
                           fit.out("model")));
    const Vector ST = s.out("ST").asVector(), pce = fit.out("ST").asVector();
    qInfo("ST through the PCE model: %.4f %.4f, from the coefficients: %.4f %.4f", ST[0], ST[1],
          pce[0], pce[1]);
    QVERIFY((ST - pce).cwiseAbs().maxCoeff() < 0.02);
  }

  void badSurrogateMapNamesTheModel() {
    const json inputs = json::array({uniformInput("a", 0, 1)});
    Map bad{{"surrogate", "kriging"}};
    try {
      runUq("monte_carlo", withModel(json{{"inputs", inputs}, {"n", 10}}, Value(bad)));
      QFAIL("no error");
    } catch (const Error& e) {
      QCOMPARE(e.param(), std::string("model"));
      QVERIFY(std::string(e.what()).find("unknown surrogate kind") != std::string::npos);
    }
  }
};

SCIAGENTS_TEST_GUILESS_MAIN(TestSurrogateModels)

}  // namespace test_surrogate_models
#include "test_surrogate_models.moc"
