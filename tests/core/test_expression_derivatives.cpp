// Exact derivatives of compiled expressions (ExpressionDerivatives, Graph::derivative): every
// operation against its closed form, a generated family of smooth expressions against
// Richardson-extrapolated central differences, an ODE right-hand side's Jacobian, and the shared
// multi-output tape of an ExpressionSet (ExpressionSet::eval) against each expression's eval.
#include "core/expr/expression.h"

#include <QtTest/QtTest>

#include <bit>
#include <cmath>
#include <cstdint>
#include <functional>
#include <random>
#include <string>
#include <vector>

#include "tests/test_main.h"

namespace test_expression_derivatives {

using namespace sciagents::core;

namespace {

using Grad = std::function<std::vector<double>(double, double)>;

struct Case {
  std::string text;  // in x and y
  Grad grad;         // (d/dx, d/dy)
  std::vector<std::pair<double, double>> points;
};

double sgn(double v) { return v < 0 ? -1.0 : v > 0 ? 1.0 : 0.0; }

bool near(double a, double b) {
  if (std::isnan(a) || std::isnan(b)) return std::isnan(a) && std::isnan(b);
  return std::abs(a - b) <= 1e-13 * std::max(1.0, std::abs(b));
}

std::vector<double> derivs(const Expression& e, double x, double y) {
  const auto d = ExpressionDerivatives::of(e, {0, 1});
  if (!d) return {};
  std::vector<double> out(2);
  const double p[2] = {x, y};
  d->eval(p, out.data());
  return out;
}

const std::vector<std::pair<double, double>> kPts = {
    {0.3, 0.7}, {-0.45, 0.2}, {0.9, -0.6}, {0.1, 0.1}};
const std::vector<std::pair<double, double>> kPos = {{0.3, 0.7}, {1.7, 2.2}, {0.05, 3.0}};

std::vector<Case> closedForms() {
  const double l2 = std::log(2.0), l10 = std::log(10.0);
  return {
      {"x + y",
       [](double, double) {
         return std::vector{1.0, 1.0};
       },
       kPts},
      {"x - 3*y",
       [](double, double) {
         return std::vector{1.0, -3.0};
       },
       kPts},
      {"x * y",
       [](double x, double y) {
         return std::vector{y, x};
       },
       kPts},
      {"x / y",
       [](double x, double y) {
         return std::vector{1 / y, -x / (y * y)};
       },
       kPts},
      {"-x",
       [](double, double) {
         return std::vector{-1.0, 0.0};
       },
       kPts},
      {"x^2",
       [](double x, double) {
         return std::vector{2 * x, 0.0};
       },
       kPts},
      {"(x+y)^3",
       [](double x, double y) {
         return std::vector{3 * (x + y) * (x + y), 3 * (x + y) * (x + y)};
       },
       kPts},
      {"x^4",
       [](double x, double) {
         return std::vector{4 * x * x * x, 0.0};
       },
       kPts},
      {"x^2.5",
       [](double x, double) {
         return std::vector{2.5 * std::pow(x, 1.5), 0.0};
       },
       kPos},
      {"x^-1",
       [](double x, double) {
         return std::vector{-1 / (x * x), 0.0};
       },
       kPos},
      {"x^y",
       [](double x, double y) {
         return std::vector{y * std::pow(x, y - 1), std::pow(x, y) * std::log(x)};
       },
       kPos},
      {"2^y",
       [](double, double y) {
         return std::vector{0.0, std::pow(2, y) * std::log(2.0)};
       },
       kPts},
      {"abs(x)",
       [](double x, double) {
         return std::vector{sgn(x), 0.0};
       },
       kPts},
      {"abs(x - y)",
       [](double x, double y) {
         return std::vector{sgn(x - y), -sgn(x - y)};
       },
       kPts},
      {"sign(x) + rint(y) + (x < y) + (x >= y) + (x == y) + (x != y) + (x && y) + (x || y)",
       [](double, double) {
         return std::vector{0.0, 0.0};
       },
       kPts},
      {"min(x, y)",
       [](double x, double y) {
         return x <= y ? std::vector{1.0, 0.0} : std::vector{0.0, 1.0};
       },
       kPts},
      {"max(x, y)",
       [](double x, double y) {
         return x >= y ? std::vector{1.0, 0.0} : std::vector{0.0, 1.0};
       },
       kPts},
      {"min(x, 2*y, 0.25)",
       [](double x, double y) {
         const double m = std::min(std::min(x, 2 * y), 0.25);
         return m == x       ? std::vector{1.0, 0.0}
                : m == 2 * y ? std::vector{0.0, 2.0}
                             : std::vector{0.0, 0.0};
       },
       kPts},
      {"sum(x, x*y, y) + avg(x, y)",
       [](double x, double y) {
         return std::vector{1 + y + 0.5, x + 1 + 0.5};
       },
       kPts},
      {"x > 0.2 ? x^2 : sin(y)",
       [](double x, double y) {
         return x > 0.2 ? std::vector{2 * x, 0.0} : std::vector{0.0, std::cos(y)};
       },
       kPts},
      {"x > 0 ? (y > 0 ? x*y : -x) : 3*y",
       [](double x, double y) {
         return x > 0 ? (y > 0 ? std::vector{y, x} : std::vector{-1.0, 0.0})
                      : std::vector{0.0, 3.0};
       },
       kPts},
      {"atan2(y, x)",
       [](double x, double y) {
         return std::vector{-y / (x * x + y * y), x / (x * x + y * y)};
       },
       kPts},
      {"sqrt(x)",
       [](double x, double) {
         return std::vector{0.5 / std::sqrt(x), 0.0};
       },
       kPos},
      {"exp(x*y)",
       [](double x, double y) {
         return std::vector{y * std::exp(x * y), x * std::exp(x * y)};
       },
       kPts},
      {"ln(x)",
       [](double x, double) {
         return std::vector{1 / x, 0.0};
       },
       kPos},
      {"log(y)",
       [](double, double y) {
         return std::vector{0.0, 1 / y};
       },
       kPos},
      {"log2(x)",
       [=](double x, double) {
         return std::vector{1 / (x * l2), 0.0};
       },
       kPos},
      {"log10(x)",
       [=](double x, double) {
         return std::vector{1 / (x * l10), 0.0};
       },
       kPos},
      {"sin(x)",
       [](double x, double) {
         return std::vector{std::cos(x), 0.0};
       },
       kPts},
      {"cos(x)",
       [](double x, double) {
         return std::vector{-std::sin(x), 0.0};
       },
       kPts},
      {"tan(x)",
       [](double x, double) {
         return std::vector{1 / (std::cos(x) * std::cos(x)), 0.0};
       },
       kPts},
      {"asin(x)",
       [](double x, double) {
         return std::vector{1 / std::sqrt(1 - x * x), 0.0};
       },
       kPts},
      {"acos(x)",
       [](double x, double) {
         return std::vector{-1 / std::sqrt(1 - x * x), 0.0};
       },
       kPts},
      {"atan(x)",
       [](double x, double) {
         return std::vector{1 / (1 + x * x), 0.0};
       },
       kPts},
      {"sinh(x)",
       [](double x, double) {
         return std::vector{std::cosh(x), 0.0};
       },
       kPts},
      {"cosh(x)",
       [](double x, double) {
         return std::vector{std::sinh(x), 0.0};
       },
       kPts},
      {"tanh(x)",
       [](double x, double) {
         return std::vector{1 / (std::cosh(x) * std::cosh(x)), 0.0};
       },
       kPts},
      {"asinh(x)",
       [](double x, double) {
         return std::vector{1 / std::sqrt(x * x + 1), 0.0};
       },
       kPts},
      {"acosh(x + 1)",
       [](double x, double) {
         return std::vector{1 / std::sqrt((x + 1) * (x + 1) - 1), 0.0};
       },
       kPos},
      {"atanh(x)",
       [](double x, double) {
         return std::vector{1 / (1 - x * x), 0.0};
       },
       kPts},
      {"sin(x)^2 + cos(x)^2",
       [](double, double) {
         return std::vector{0.0, 0.0};
       },
       kPts},
      {"exp(-k*x) * y",
       [](double x, double y) {
         return std::vector{-0.5 * std::exp(-0.5 * x) * y, std::exp(-0.5 * x)};
       },
       kPts},
  };
}

// A random smooth expression in x, y, z (every function applied where it is smooth).
std::string randomSmooth(std::mt19937_64& rng, int depth) {
  std::uniform_int_distribution<int> pick(0, depth <= 0 ? 3 : 19);
  std::uniform_real_distribution<double> c(-2.0, 2.0);
  const auto sub = [&] { return randomSmooth(rng, depth - 1); };
  switch (pick(rng)) {
    case 0:
      return "x";
    case 1:
      return "y";
    case 2:
      return "z";
    case 3:
      return std::to_string(c(rng));
    case 4:
      return "(" + sub() + " + " + sub() + ")";
    case 5:
      return "(" + sub() + " - " + sub() + ")";
    case 6:
      return "(" + sub() + " * " + sub() + ")";
    case 7:
      return "(" + sub() + " / (1.5 + " + sub() + "^2))";
    case 8:
      return "sin(" + sub() + ")";
    case 9:
      return "cos(" + sub() + ")";
    case 10:
      return "exp(sin(" + sub() + "))";
    case 11:
      return "ln(1 + " + sub() + "^2)";
    case 12:
      return "sqrt(2 + " + sub() + "^2)";
    case 13:
      return "atan(" + sub() + ")";
    case 14:
      return "tanh(" + sub() + ")";
    case 15:
      return "(" + sub() + ")^3";
    case 16:
      return "(1.2 + " + sub() + "^2)^" + std::to_string(c(rng));
    case 17:
      return "atan2(" + sub() + ", 3 + " + sub() + "^2)";
    case 18:
      return "asinh(" + sub() + ") + sinh(sin(" + sub() + "))";
    default:
      return "-(" + sub() + ")";
  }
}

}  // namespace

class TestExpressionDerivatives : public QObject {
  Q_OBJECT

 private slots:
  void everyOperationAgainstClosedForm() {
    for (const Case& c : closedForms()) {
      const Expression e(c.text, {"x", "y"}, {{"k", 0.5}});
      for (auto [x, y] : c.points) {
        const std::vector<double> got = derivs(e, x, y), want = c.grad(x, y);
        QVERIFY2(got.size() == 2, c.text.c_str());
        for (int j = 0; j < 2; ++j) {
          const std::string at = c.text + " d/d" + (j ? "y" : "x") + " at (" + std::to_string(x) +
                                 ", " + std::to_string(y) + "): " + std::to_string(got[j]) +
                                 " vs " + std::to_string(want[j]);
          QVERIFY2(near(got[j], want[j]), at.c_str());
        }
      }
    }
  }

  void generatedFamilyAgainstDifferenceQuotients() {
    std::mt19937_64 rng(2026);
    std::uniform_real_distribution<double> u(-1.5, 1.5);
    int checked = 0;
    double worst = 0;
    for (int k = 0; k < 300; ++k) {
      const std::string text = randomSmooth(rng, 4);
      const Expression e(text, {"x", "y", "z"});
      const auto d = ExpressionDerivatives::of(e, {0, 1, 2});
      QVERIFY2(d.has_value(), text.c_str());
      for (int p = 0; p < 4; ++p) {
        double x[3] = {u(rng), u(rng), u(rng)}, g[3];
        d->eval(x, g);
        for (int j = 0; j < 3; ++j) {
          // Richardson-extrapolated central differences: error O(h^4).
          const auto cd = [&](double h) {
            double a[3] = {x[0], x[1], x[2]}, b[3] = {x[0], x[1], x[2]};
            a[j] += h;
            b[j] -= h;
            return (e.eval(a) - e.eval(b)) / (2 * h);
          };
          const double h = 1e-3, fd = (4 * cd(h / 2) - cd(h)) / 3;
          if (!std::isfinite(fd)) continue;
          const double err = std::abs(g[j] - fd) / std::max(1.0, std::abs(fd));
          worst = std::max(worst, err);
          ++checked;
          QVERIFY2(err < 1e-6, (text + " d/dx" + std::to_string(j) + ": " + std::to_string(g[j]) +
                                " vs " + std::to_string(fd))
                                   .c_str());
        }
      }
    }
    qInfo(
        "%d partial derivatives of 300 generated expressions: worst relative difference from "
        "extrapolated central differences %.2g",
        checked, worst);
    QVERIFY(checked > 3000);
  }

  void odeJacobianAndSharedTape() {
    const std::vector<std::string> rhs = {"-0.04*y1 + 1e4*y2*y3", "0.04*y1 - 1e4*y2*y3 - 3e7*y2^2",
                                          "3e7*y2^2"};
    const ExpressionSet set(rhs, {"t", "y1", "y2", "y3"});
    QVERIFY(set.compiled());
    const auto j = ExpressionDerivatives::of(set, {1, 2, 3});
    QVERIFY(j.has_value());
    QCOMPARE(j->rows(), std::size_t(3));
    QCOMPARE(j->cols(), std::size_t(3));
    const double x[4] = {0.0, 0.9, 3e-5, 0.1};
    double got[9];
    j->eval(x, got);
    const double y2 = x[2], y3 = x[3];
    const double want[9] = {-0.04,     1e4 * y3, 1e4 * y2, 0.04, -1e4 * y3 - 6e7 * y2,
                            -1e4 * y2, 0.0,      6e7 * y2, 0.0};
    for (int k = 0; k < 9; ++k) QVERIFY2(near(got[k], want[k]), std::to_string(k).c_str());
    // The shared tape gives each expression's own value, bit for bit.
    double out[3];
    set.eval(x, out);
    for (int i = 0; i < 3; ++i)
      QCOMPARE(std::bit_cast<std::uint64_t>(out[i]), std::bit_cast<std::uint64_t>(set[i].eval(x)));
  }

  void setsOfTheCorpusEvaluateAsTheirItems() {
    std::mt19937_64 rng(5);
    std::uniform_real_distribution<double> u(-3.0, 3.0);
    for (int k = 0; k < 50; ++k) {
      std::vector<std::string> texts;
      for (int i = 0; i < 4; ++i) texts.push_back(randomSmooth(rng, 3));
      texts.push_back("x");  // an input as an output
      texts.push_back("2.5");
      const ExpressionSet set(texts, {"x", "y", "z"});
      QVERIFY(set.compiled());
      for (int p = 0; p < 20; ++p) {
        const double x[3] = {u(rng), u(rng), u(rng)};
        std::vector<double> out(texts.size());
        set.eval(x, out.data());
        for (std::size_t i = 0; i < texts.size(); ++i) {
          const double one =
              set[i].eval(x);  // its own tape (muParser's values: test_expression_tape)
          QVERIFY2(std::bit_cast<std::uint64_t>(out[i]) == std::bit_cast<std::uint64_t>(one) ||
                       (std::isnan(out[i]) && std::isnan(one)),
                   texts[i].c_str());
        }
      }
    }
  }

  void badVariableIndexThrows() {
    const Expression e("x*y", {"x", "y"});
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, ExpressionDerivatives::of(e, {2}));
  }
};

SCIAGENTS_TEST_GUILESS_MAIN(TestExpressionDerivatives)

}  // namespace test_expression_derivatives
#include "test_expression_derivatives.moc"
