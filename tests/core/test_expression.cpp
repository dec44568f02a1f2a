// Expressions: values, constants, error messages with positions, copies across threads.
#include "core/expr/expression.h"
#include "core/util/error.h"

#include <QtTest/QtTest>

#include <array>
#include <cmath>
#include <cstring>
#include <numbers>
#include <thread>

#include "tests/test_main.h"

namespace test_expression {

using namespace sciagents::core;

namespace {

std::optional<Error> errorOf(const std::string& text, std::vector<std::string> vars = {},
                             const Constants& constants = {}) {
  try {
    Expression e(text, std::move(vars), constants);
  } catch (const Error& err) {
    return err;
  }
  return std::nullopt;
}

}  // namespace

class TestExpression : public QObject {
  Q_OBJECT

 private slots:
  void values() {
    Expression e("-k*y + 2*t", {"t", "y"}, {{"k", 0.5}});
    const std::array<double, 2> x{3.0, 4.0};
    QCOMPARE(e.eval(x), -0.5 * 4.0 + 2 * 3.0);
    QCOMPARE(e(std::span<const double>(x)), 4.0);
    QCOMPARE(e.eval(x.data()), 4.0);
    QCOMPARE(e.text(), std::string("-k*y + 2*t"));
    QCOMPARE(e.variables(), (std::vector<std::string>{"t", "y"}));
    QCOMPARE(Expression("2^10", {}).eval(nullptr), 1024.0);
    QCOMPARE(Expression("x > 1 ? 10 : 20", {"x"}).eval(std::array{2.0}), 10.0);
    QCOMPARE(Expression("1e5*x", {"x"}).eval(std::array{2.0}), 2e5);
    QVERIFY(std::isnan(Expression("sqrt(-1)", {}).eval(nullptr)));
    QVERIFY(std::isinf(Expression("1/x", {"x"}).eval(std::array{0.0})));
  }

  void constantsAndFunctions() {
    const double x = 0.7;
    QCOMPARE(Expression("sin(x)^2 + cos(x)^2", {"x"}).eval(&x), 1.0);
    QCOMPARE(Expression("exp(log(x))", {"x"}).eval(&x), std::exp(std::log(x)));
    QCOMPARE(Expression("min(x, 0.2, 3)", {"x"}).eval(&x), 0.2);
    QCOMPARE(Expression("max(x, 2)", {"x"}).eval(&x), 2.0);
    QCOMPARE(Expression("abs(-x) + sqrt(4)", {"x"}).eval(&x), 2.7);
    QCOMPARE(Expression("_pi", {}).eval(nullptr), std::numbers::pi);
    QCOMPARE(Expression("_e", {}).eval(nullptr), std::numbers::e);
    QCOMPARE(Expression("pi", {}).eval(nullptr), std::numbers::pi);
    QCOMPARE(Expression("2*e", {}).eval(nullptr), 2 * std::numbers::e);
    // A user's own e or pi wins over the implicit constant.
    QCOMPARE(Expression("e + 1", {"e"}).eval(std::array{5.0}), 6.0);
    QCOMPARE(Expression("pi", {}, {{"pi", 3.0}}).eval(nullptr), 3.0);
  }

  void unknownVariable() {
    const auto err = errorOf("-k*(q+1)", {"k"});
    QVERIFY(err);
    QCOMPARE(err->code(), ErrorCode::InvalidInput);
    QCOMPARE(std::string(err->what()),
             std::string("unknown variable 'q' at position 4 in '-k*(q+1)'\n") +
                 std::string(43, ' ') + "^");
    // The caret sits under the q.
    const std::string msg = err->what();
    const auto nl = msg.find('\n');
    QCOMPARE(msg[msg.find('\'', msg.find(" in ")) + 1 + 4], 'q');
    QCOMPARE(msg.size() - nl - 2, msg.find('\'', msg.find(" in ")) + 1 + 4);
    const auto first = errorOf("-k*(y", {});
    QVERIFY(first);
    QVERIFY(std::string(first->what()).starts_with("unknown variable 'k' at position 1"));
    QVERIFY(std::string(errorOf("sine(x)", {"x"})->what())
                .starts_with("unknown function 'sine' at position 0"));
  }

  void syntaxErrors_data() {
    QTest::addColumn<QString>("text");
    QTest::addColumn<QString>("message");
    QTest::addColumn<int>("position");
    QTest::newRow("missing paren") << "-x*(y"
                                   << "missing closing parenthesis for this '('" << 3;
    QTest::newRow("missing paren 2") << "sin(x"
                                     << "missing closing parenthesis for this '('" << 3;
    QTest::newRow("empty") << ""
                           << "empty expression" << 0;
    QTest::newRow("blank") << "   "
                           << "empty expression" << 0;
    QTest::newRow("trailing op") << "x+"
                                 << "unexpected end of expression" << 2;
    QTest::newRow("extra paren") << "x)"
                                 << "unexpected parenthesis ')'" << 1;
    QTest::newRow("two values") << "3 4"
                                << "unexpected value '4'" << 2;
    QTest::newRow("two vars") << "x y"
                              << "unexpected variable 'y'" << 2;
    QTest::newRow("bad char") << "x+#"
                              << "unexpected character '#'" << 2;
    QTest::newRow("two results") << "x, y"
                                 << "expected a single expression, found 2 separated by ','" << 1;
    QTest::newRow("else") << "x ? 1"
                          << "'?' without a matching ':'" << 2;
    QTest::newRow("few args") << "min()"
                              << "too few arguments for function 'min'" << 0;
    QTest::newRow("string") << "\"abc\""
                            << "strings are not supported in expressions" << 0;
  }

  void syntaxErrors() {
    QFETCH(QString, text);
    QFETCH(QString, message);
    QFETCH(int, position);
    const auto err = errorOf(text.toStdString(), {"x", "y"});
    QVERIFY(err);
    const QString what = QString::fromStdString(err->what());
    const QString expected =
        message + " at position " + QString::number(position) + " in '" + text + "'";
    if (!what.startsWith(expected)) QFAIL(qPrintable("got: " + what));
    // The same issue through the syntax-only check, and positions stay inside the text.
    const auto issue = checkExpressionSyntax(text.toStdString());
    QVERIFY(issue);
    QVERIFY(issue->position <= static_cast<std::size_t>(text.size()));
    QCOMPARE(QString::fromStdString(issue->describe()).section('\n', 0, 0),
             what.section('\n', 0, 0));
  }

  void badDefinitions() {
    QVERIFY(std::string(errorOf("x", {"x", "x"})->what()) == "duplicate variable 'x'");
    QVERIFY(std::string(errorOf("x", {"y-1"})->what()).starts_with("invalid variable name 'y-1'"));
    QVERIFY(std::string(errorOf("x", {"1x"})->what()).starts_with("invalid variable name '1x'"));
    QVERIFY(std::string(errorOf("k", {"k"}, {{"k", 1}})->what())
                .starts_with("'k' is given both as a variable and as a constant"));
    QVERIFY(std::string(errorOf("sin", {"sin"})->what())
                .starts_with("variable 'sin' has the name of a built-in function"));
  }

  void syntaxCheckAcceptsAnyIdentifier() {
    QVERIFY(!checkExpressionSyntax("-k*(q+1) + alpha_2*sin(theta)"));
    QVERIFY(!checkExpressionSyntax("pi*e + _pi"));
    const auto issue = checkExpressionSyntax("foo(3) + x");
    QVERIFY(issue);
    QCOMPARE(issue->message, std::string("unknown function 'foo'"));
    QCOMPARE(issue->position, std::size_t{0});
    const auto paren = checkExpressionSyntax("-k*(q+1");
    QVERIFY(paren);
    QCOMPARE(paren->position, std::size_t{3});
  }

  void identifiers() {
    QCOMPARE(expressionIdentifiers("b + a*b + sin(c) + _pi + pi*e"),
             (std::vector<std::string>{"b", "a", "c"}));
    QCOMPARE(expressionIdentifiers("1e5*x2 + y_1"), (std::vector<std::string>{"x2", "y_1"}));
    QVERIFY(expressionIdentifiers("3 + 4").empty());
  }

  void copiesAreIndependent() {
    Expression a("x*x + c", {"x"}, {{"c", 1.0}});
    Expression b = a;
    const double two = 2.0, three = 3.0;
    QCOMPARE(a.eval(&two), 5.0);
    QCOMPARE(b.eval(&three), 10.0);
    QCOMPARE(a.eval(&two), 5.0);
    Expression c("0", {});
    c = b;
    QCOMPARE(c.eval(&two), 5.0);
    QCOMPARE(c.variables(), a.variables());
    Expression moved = std::move(c);
    QCOMPARE(moved.eval(&three), 10.0);
  }

  void threadsWithOwnCopies() {
    const Expression original("-0.04*y1 + 1e4*y2*y3 + sin(t)", {"t", "y1", "y2", "y3"});
    constexpr int kThreads = 4, kEvals = 200000;
    std::array<int, kThreads> mismatches{};
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t)
      threads.emplace_back([&, t] {
        const Expression mine = original;  // one copy per thread
        for (int i = 0; i < kEvals; ++i) {
          const double x[4] = {0.001 * i, 1.0 + t, 1e-4 * i, 0.5 * t + 1e-3 * i};
          const double expected = -0.04 * x[1] + 1e4 * x[2] * x[3] + std::sin(x[0]);
          if (mine.eval(x) != expected) ++mismatches[t];
        }
      });
    for (auto& th : threads) th.join();
    for (int t = 0; t < kThreads; ++t) QCOMPARE(mismatches[t], 0);
  }

  void millionEvaluations() {
    const Expression e("-0.04*y1+1e4*y2*y3", {"y1", "y2", "y3"});
    double sum = 0.0, expected = 0.0;
    for (int i = 0; i < 1000000; ++i) {
      const double x[3] = {1.0 * i, 1e-6 * i, 2.0};
      sum += e.eval(x);
      expected += -0.04 * x[0] + 1e4 * x[1] * x[2];
    }
    QCOMPARE(sum, expected);
  }

  // evalMany runs the compiled tape over a batch: eval()'s values bit for bit for arithmetic,
  // comparisons, x^2..x^4, a*x+b, variadic functions and ?:, within a few ulps where a SIMD math
  // function is involved (tests/core/test_expression_tape.cpp measures the ulps), for several
  // variables and batches longer than one block.
  void evalManyMatchesEval() {
    const std::vector<std::pair<std::string, std::vector<std::string>>> cases = {
        {"ln(x)/sqrt(x)", {"x"}},
        {"exp(-x^2) + x^3 - 2*x^4 + 3*x + 1", {"x"}},
        {"sin(x)*cos(y) - atan2(y, x) + x^y", {"x", "y"}},
        {"min(x, y, 0.5) + max(x, 2) + sum(x, y, x*y) + avg(x, y)", {"x", "y"}},
        {"(x > 0.5) + (x <= y) + (x != y) + (x == 1) + (x >= y) + (x < 0) + (x && y) + (y || 0)",
         {"x", "y"}},
        {"x > 0.5 ? 1/x : -x", {"x"}},
        {"-k*y + 2*t", {"t", "y"}},
        {"2.5", {"x"}},
        {"x", {"x"}},
        {"abs(x - 3) * sign(x) + rint(x) + log10(x) + log2(x) + tanh(x) + asinh(x)", {"x"}},
    };
    for (const auto& [text, vars] : cases) {
      std::optional<Expression> compiled;
      try {
        compiled.emplace(text, vars, Constants{{"k", 0.5}});
      } catch (const Error& err) {
        QFAIL(err.what());
      }
      const Expression& e = *compiled;
      // Expressions calling a transcendental function (SIMD math in the tape).
      const bool simd_math =
          text.find_first_of("(") != std::string::npos &&
          (text.find("ln") != std::string::npos || text.find("exp") != std::string::npos ||
           text.find("sin") != std::string::npos || text.find("log") != std::string::npos ||
           text.find("tanh") != std::string::npos || text.find("atan2") != std::string::npos);
      const std::size_t n = 150, nv = vars.size();
      std::vector<double> x(n * nv), many(n);
      for (std::size_t k = 0; k < nv; ++k)
        for (std::size_t i = 0; i < n; ++i)
          x[k * n + i] = -3.0 + 0.0473 * static_cast<double>(i) + 0.31 * static_cast<double>(k);
      e.evalMany(x.data(), n, many.data());
      for (std::size_t i = 0; i < n; ++i) {
        std::vector<double> point(nv);
        for (std::size_t k = 0; k < nv; ++k) point[k] = x[k * n + i];
        const double one = e.eval(point.data());
        const bool exact = std::memcmp(&one, &many[i], sizeof one) == 0 ||
                           (std::isnan(one) && std::isnan(many[i]));
        const bool near =
            simd_math && std::isfinite(one) &&
            std::abs(one - many[i]) <= 4 * 2.220446049250313e-16 * std::max(1.0, std::abs(one));
        QVERIFY2(exact || near, (text + " at point " + std::to_string(i)).c_str());
      }
    }
  }

  void evalManyInPlace() {  // out may be the input itself
    const Expression e("ln(x)/sqrt(x) + x^2", {"x"});
    std::vector<double> x(100);
    for (std::size_t i = 0; i < x.size(); ++i) x[i] = 0.01 + 0.37 * static_cast<double>(i);
    const std::vector<double> in = x;
    e.evalMany(x.data(), x.size(), x.data());
    for (std::size_t i = 0; i < x.size(); ++i) QCOMPARE(x[i], e.eval(&in[i]));
  }

  void evalArgumentCount() {
    const Expression e("x + y", {"x", "y"});
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, e.eval(std::array{1.0}));
  }

  void expressionSet() {
    const ExpressionSet rhs({"-0.04*y1 + 1e4*y2*y3", "0.04*y1 - 1e4*y2*y3 - k*y2^2", "k*y2^2"},
                            {"t", "y1", "y2", "y3"}, {{"k", 3e7}});
    QCOMPARE(rhs.size(), std::size_t{3});
    const std::array<double, 4> x{0.0, 1.0, 1e-5, 0.5};
    std::array<double, 3> out{};
    rhs.eval(x, out);
    QCOMPARE(out[0], -0.04 * 1.0 + 1e4 * 1e-5 * 0.5);
    QCOMPARE(out[1], 0.04 * 1.0 - 1e4 * 1e-5 * 0.5 - 3e7 * 1e-5 * 1e-5);
    QCOMPARE(out[2], 3e7 * 1e-5 * 1e-5);
    QCOMPARE(out[0] + out[1] + out[2], 0.0);
    QCOMPARE(rhs[2].text(), std::string("k*y2^2"));
    std::array<double, 2> small{};
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, rhs.eval(x, small));
    try {
      ExpressionSet bad({"y1", "y1 + z"}, {"y1"});
      QFAIL("expected an error");
    } catch (const Error& e) {
      QVERIFY(std::string(e.what()).starts_with("unknown variable 'z' at position 5 in 'y1 + z'"));
    }
  }
};

SCIAGENTS_TEST_GUILESS_MAIN(TestExpression)

}  // namespace test_expression
#include "test_expression.moc"
