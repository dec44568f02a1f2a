// special_functions.fft: against direct sums, NumPy's n and norm conventions, round trips, DCT-II.
#include "test_integration_util.h"

#include <cmath>
#include <complex>
#include <numbers>

#include "tests/test_main.h"

namespace test_special_fft {

using namespace integ_test;

namespace {
Vector signal(int n) {
  Vector x(n);
  for (int i = 0; i < n; ++i) x[i] = std::sin(0.7 * i) + 0.1 * i * i / n - (i % 3);
  return x;
}
}  // namespace

class TestSpecialFft : public QObject {
  Q_OBJECT

 private slots:
  void fftMatchesDirectSum() {
    for (int n : {8, 15, 97}) {
      const Vector x = signal(n);
      const Result r = run("special_functions", "fft", {{"x", x}});
      const Vector &re = r.out("real").asVector(), &im = r.out("imag").asVector();
      for (int k = 0; k < n; ++k) {
        std::complex<double> s = 0;
        for (int j = 0; j < n; ++j) s += x[j] * std::polar(1.0, -2 * std::numbers::pi * j * k / n);
        QVERIFY(std::abs(s - std::complex<double>(re[k], im[k])) < 1e-12 * n);
      }
    }
  }

  void roundTripsAndNorms() {
    const Vector x = signal(12);
    for (const char* norm : {"backward", "ortho", "forward"}) {
      const Result f = run("special_functions", "fft", {{"x", x}, {"norm", norm}});
      const Result b = run(
          "special_functions", "fft",
          {{"x_real", f.out("real")}, {"x_imag", f.out("imag")}, {"kind", "ifft"}, {"norm", norm}});
      QVERIFY((b.out("real").asVector() - x).norm() < 1e-13);
      QVERIFY(b.out("imag").asVector().norm() < 1e-13);
      const Result rf =
          run("special_functions", "fft", {{"x", x}, {"kind", "rfft"}, {"norm", norm}});
      QCOMPARE(rf.out("real").asVector().size(), 7);
      const Result ir = run("special_functions", "fft",
                            {{"x_real", rf.out("real")},
                             {"x_imag", rf.out("imag")},
                             {"kind", "irfft"},
                             {"norm", norm}});
      QVERIFY((ir.out("y").asVector() - x).norm() < 1e-13);
    }
    // ortho is unitary: Parseval.
    const Result o = run("special_functions", "fft", {{"x", x}, {"norm", "ortho"}});
    const double e =
        o.out("real").asVector().squaredNorm() + o.out("imag").asVector().squaredNorm();
    QVERIFY(std::abs(e - x.squaredNorm()) < 1e-12 * x.squaredNorm());
  }

  void nPadsAndCrops() {
    const Result r = run("special_functions", "fft", {{"x", List{1, 2, 3}}, {"n", 5}});
    QCOMPARE(r.out("real").asVector().size(), 5);
    QVERIFY(std::abs(r.out("real").asVector()[0] - 6) < 1e-14);
    const Result c = run("special_functions", "fft", {{"x", List{1, 2, 3, 4}}, {"n", 2}});
    QVERIFY(std::abs(c.out("real").asVector()[1] - (-1)) < 1e-14);
  }

  void dctTypeTwo() {
    const Vector x = signal(10);
    const int n = 10;
    for (const char* norm : {"backward", "ortho"}) {
      const Result r = run("special_functions", "fft", {{"x", x}, {"kind", "dct"}, {"norm", norm}});
      const Vector& y = r.out("y").asVector();
      for (int k = 0; k < n; ++k) {
        double s = 0;
        for (int j = 0; j < n; ++j)
          s += 2 * x[j] * std::cos(std::numbers::pi * k * (2 * j + 1) / (2.0 * n));
        if (std::string(norm) == "ortho")
          s *= k == 0 ? std::sqrt(1.0 / (4 * n)) : std::sqrt(1.0 / (2 * n));
        QVERIFY(std::abs(y[k] - s) < 1e-12 * n);
      }
      if (std::string(norm) == "ortho")
        QVERIFY(std::abs(y.squaredNorm() - x.squaredNorm()) < 1e-12 * x.squaredNorm());
    }
  }

  void validateAndBadInput() {
    const Map p{{"x", signal(33)}, {"kind", "rfft"}};
    const Result r = run("special_functions", "fft", p);
    const auto checks = validate("special_functions", "fft", p, r.outputs);
    QVERIFY2(checks.size() == 1 && checks[0].passed, checks[0].detail.c_str());
    Map wrong = r.outputs;
    Vector re = r.out("real").asVector();
    re[3] += 1e-3;
    wrong["real"] = re;
    QVERIFY(!validate("special_functions", "fft", p, wrong)[0].passed);
    QCOMPARE(runError("special_functions", "fft", {}).param(), std::string("x"));
    QCOMPARE(
        runError("special_functions", "fft", {{"x_real", List{1, 2}}, {"x_imag", List{1}}}).param(),
        std::string("x_imag"));
  }
};

SCIAGENTS_TEST_GUILESS_MAIN(TestSpecialFft)

}  // namespace test_special_fft
#include "test_special_fft.moc"
