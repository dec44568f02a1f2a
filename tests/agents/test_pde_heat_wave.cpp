// ode_pde.heat and ode_pde.wave: reference problems, every integrator, Neumann faces, energy,
// hooks and bad input (negative alpha, CFL violation).
#include "test_pde_util.h"

#include "tests/test_main.h"

namespace test_pde_heat_wave {

using namespace pde_test;

namespace {
Map heatRef(const char* method = "auto") {
  return {{"dim", 2},
          {"n", 64},
          {"alpha", 0.01},
          {"u0", "sin(pi*x)*sin(pi*y)"},
          {"t_span", List{0.0, 0.5}},
          {"exact", "exp(-2*pi^2*0.01*t)*sin(pi*x)*sin(pi*y)"},
          {"method", method}};
}
Map waveRef(const char* method = "auto") {
  return {{"dim", 2},
          {"n", 64},
          {"c", 1.0},
          {"u0", "sin(pi*x)*sin(pi*y)"},
          {"v0", "0"},
          {"t_span", List{0.0, 2.0}},
          {"exact", "cos(sqrt(2)*pi*t)*sin(pi*x)*sin(pi*y)"},
          {"method", method}};
}
}  // namespace

class TestPdeHeatWave : public QObject {
  Q_OBJECT

 private slots:
  void heatReference2d() {
    for (const char* m : {"auto", "bdf2", "crank_nicolson"}) {
      const Result r = run("heat", heatRef(m));
      QVERIFY2(r.out("error_l2").asDouble() < 1e-3, m);
      QCOMPARE(r.out("snapshots").asList().size(), std::size_t(11));
      QCOMPARE(r.out("t").asVector().size(), 11);
      QCOMPARE(r.out("u").asGrid().values.size(), 66 * 66);
    }
    const Result r = run("heat", heatRef());
    QCOMPARE(QString::fromStdString(r.method()), QString("bdf2"));
    QVERIFY2(r.rationale().find("spectral radius") != std::string::npos, r.rationale().c_str());
    // Backward Euler is first order: needs its own (smaller) step but still meets the bar.
    QVERIFY(run("heat", heatRef("backward_euler")).out("error_l2").asDouble() < 1e-3);
  }

  void heatTimeOrder() {
    // Fixed dt halved: BDF2 error (time part, vs a fine reference) drops ~4x.
    Map p = heatRef("bdf2");
    p["n"] = 15;
    p["alpha"] = 1.0;
    p["t_span"] = List{0.0, 0.1};
    p.erase("exact");
    p["dt"] = 1e-4;
    const Vector ref = run("heat", p).out("u").asGrid().values;
    p["dt"] = 0.01;
    const double e1 = (run("heat", p).out("u").asGrid().values - ref).norm();
    p["dt"] = 0.005;
    const double e2 = (run("heat", p).out("u").asGrid().values - ref).norm();
    QVERIFY2(e1 / e2 > 3.3 && e1 / e2 < 4.8, std::to_string(e1 / e2).c_str());
  }

  void heat1dNeumannInsulated() {
    // u0 = cos(pi x) with du/dn = 0: u = exp(-alpha pi^2 t) cos(pi x); plus a t_eval and a source.
    Map b{{"x0", Map{{"type", "neumann"}, {"value", 0.0}}},
          {"x1", Map{{"type", "neumann"}, {"value", 0.0}}}};
    const Result r = run("heat", {{"dim", 1},
                                  {"n", 200},
                                  {"alpha", 0.5},
                                  {"u0", "cos(pi*x)"},
                                  {"boundary", b},
                                  {"t_span", List{0.0, 0.3}},
                                  {"t_eval", List{0.0, 0.1, 0.25}},
                                  {"exact", "exp(-0.5*pi^2*t)*cos(pi*x)"}});
    QVERIFY2(r.out("error_max").asDouble() < 1e-4,
             std::to_string(r.out("error_max").asDouble()).c_str());
    const auto& snaps = r.out("snapshots").asList();
    QCOMPARE(snaps.size(), std::size_t(3));
    const GridField& s1 = snaps[1].asGrid();
    QVERIFY(std::abs(s1.values[0] - std::exp(-0.5 * M_PI * M_PI * 0.1)) < 1e-4);
    // Constant source on insulated rod: mean temperature rises linearly.
    const Result q = run("heat", {{"dim", 1},
                                  {"n", 50},
                                  {"u0", "0"},
                                  {"source", "2"},
                                  {"boundary", b},
                                  {"t_span", List{0.0, 1.0}}});
    QVERIFY(std::abs(q.out("u").asGrid().values.mean() - 2.0) < 1e-8);
  }

  void heatHooksAndBadInput() {
    const TaskSpec& t = task("heat");
    TaskContext ctx(t, t.resolveParams(heatRef()));
    const Map a = t.analyze(ctx);
    QVERIFY(std::abs(a.at("spectral_radius").asDouble() - 0.01 * 8 * 65 * 65) < 1e-6);
    QVERIFY(t.select(ctx).rationale.find("stiffness ratio") != std::string::npos);
    const Result r = run("heat", heatRef());
    for (const auto& c : validate("heat", heatRef(), r.outputs))
      QVERIFY2(c.passed, (c.name + " " + std::to_string(c.value)).c_str());
    QVERIFY_THROWS_EXCEPTION(
        Error, t.resolveParams({{"u0", "1"}, {"t_span", List{0.0, 1.0}}, {"alpha", -0.01}}));
    QVERIFY(
        failure("heat", {{"u0", "sin(k*x)"}, {"t_span", List{0.0, 1.0}}}, ErrorCode::InvalidInput)
            .starts_with("u0:"));
    QVERIFY(failure("heat", {{"u0", "1"}, {"t_span", List{1.0, 0.0}}}, ErrorCode::InvalidInput)
                .starts_with("t_span:"));
    QVERIFY(failure("heat", {{"u0", "1"}, {"source", "log(x-2)"}, {"t_span", List{0.0, 1.0}}},
                    ErrorCode::InvalidInput)
                .starts_with("source:"));
  }

  void waveReference2d() {
    const Result r = run("wave", waveRef());
    QCOMPARE(QString::fromStdString(r.method()), QString("leapfrog"));
    QVERIFY2(r.out("energy_drift").asDouble() < 1e-4,
             std::to_string(r.out("energy_drift").asDouble()).c_str());
    QVERIFY2(r.out("error_max").asDouble() < 5e-3,
             std::to_string(r.out("error_max").asDouble()).c_str());
    QCOMPARE(r.out("energy").asTimeSeries().t.size(), 11);
    QVERIFY(r.diagnostics.at("physical_energy_variation").asDouble() < 1e-3);
    QVERIFY(r.diagnostics.at("cfl_number").asDouble() <= 0.9);
    const Result m = run("wave", waveRef("implicit_midpoint"));
    QVERIFY(m.out("energy_drift").asDouble() < 1e-10);
    QVERIFY(m.out("error_max").asDouble() < 5e-3);
    for (const auto& c : validate("wave", waveRef(), r.outputs))
      QVERIFY2(c.passed, (c.name + " " + std::to_string(c.value)).c_str());
  }

  void wave1dStandingWaveAndCfl() {
    Map p{{"dim", 1},
          {"n", 199},
          {"c", 2.0},
          {"u0", "sin(pi*x)"},
          {"t_span", List{0.0, 1.0}},
          {"exact", "cos(2*pi*t)*sin(pi*x)"},
          {"method", "leapfrog"}};
    QVERIFY(run("wave", p).out("error_max").asDouble() < 1e-3);
    p["dt"] = 0.01;  // CFL limit 2/(c sqrt(4/h^2)) = h/c = 0.0025
    const std::string msg = failure("wave", p, ErrorCode::InvalidInput);
    QVERIFY2(msg.starts_with("dt:") && msg.find("CFL") != std::string::npos, msg.c_str());
    p["method"] = "auto";  // auto switches to the unconditionally stable scheme and says why
    const Result r = run("wave", p);
    QCOMPARE(QString::fromStdString(r.method()), QString("implicit_midpoint"));
    QVERIFY(r.out("error_max").asDouble() < 0.05);
  }
};

SCIAGENTS_TEST_GUILESS_MAIN(TestPdeHeatWave)

}  // namespace test_pde_heat_wave
#include "test_pde_heat_wave.moc"
