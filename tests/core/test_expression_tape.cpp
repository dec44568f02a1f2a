// The compiled expression tape behind Expression::evalMany: agreement with muParser's scalar path
// (eval) in ulps over the expression corpus and random points, values independent of the block
// size and a point's position, every muParser built-in compiled (not left to the fallback), NaN
// and infinities as eval gives them, the AVX2 and baseline kernels bit for bit equal, and a
// uq.monte_carlo result bit-identical on 1 and 2 threads.
#include "core/agent/agent_registry.h"
#include "core/agent/task_context.h"
#include "core/expr/expression.h"
#include "core/expr/expression_tape.h"
#include "core/util/error.h"
#include "core/value/value_json.h"

#include <QtTest/QtTest>

#include <nlohmann/json.hpp>

#include <bit>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>
#include <random>
#include <sstream>

#include "tests/test_main.h"

namespace test_expression_tape {

using namespace sciagents::core;

namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
// The agreement the engine promises with eval(): measured worst case over this file's corpus and
// points is printed by corpusAgreesWithEval (see docs/development.md for the figure).
constexpr double kMaxUlps = 4;

// Distance in units in the last place; 0 for two NaNs, infinite when only one is NaN or the
// infinities differ.
double ulps(double a, double b) {
  if (std::isnan(a) || std::isnan(b)) return std::isnan(a) && std::isnan(b) ? 0 : kInf;
  if (a == b) return 0;
  if (std::isinf(a) || std::isinf(b)) return kInf;
  auto key = [](double v) {
    const auto u = std::bit_cast<std::int64_t>(v);
    return u < 0 ? std::numeric_limits<std::int64_t>::min() - u : u;
  };
  const auto ka = static_cast<std::uint64_t>(key(a)), kb = static_cast<std::uint64_t>(key(b));
  return static_cast<double>(key(a) >= key(b) ? ka - kb : kb - ka);  // exact in unsigned
}

// Expression-level agreement: within kMaxUlps, or, where terms cancel (a small sum of larger
// terms, each within kMaxUlps: tan near its poles, sinh, ...), within 1e-14 of max(1, |value|).
// The per-function bound is everyBuiltin's (kMaxUlps on every function alone).
bool closeEnough(double a, double b) {
  return ulps(a, b) <= kMaxUlps ||
         (std::isfinite(a) && std::abs(a - b) <= 1e-14 * std::max(1.0, std::abs(a)));
}

bool sameBits(double a, double b) {
  return std::bit_cast<std::uint64_t>(a) == std::bit_cast<std::uint64_t>(b);
}

std::vector<std::string> corpus() {
  std::vector<std::string> out = {
      "sin(x1) + 7*sin(x2)^2 + 0.1*x3^4*sin(x1)",  // Ishigami
      "ln(x)/sqrt(x)",
      "exp(-x^2) + x^3 - 2*x^4 + 3*x + 1",
      "sin(x)*cos(y) - atan2(y, x) + x^y",
      "min(x, y, 0.5) + max(x, 2) + sum(x, y, x*y) + avg(x, y)",
      "(x > 0.5) + (x <= y) + (x != y) + (x == 1) + (x >= y) + (x < 0) + (x && y) + (y || 0)",
      "x > 0.5 ? 1/x : -x",
      "x > 0 ? (y > 0 ? x*y : -x) : (y < -1 ? sin(y) : cos(x))",
      "abs(x - 3) * sign(x) + rint(x) + log10(x) + log2(x) + tanh(x) + asinh(x)",
      "-0.04*y1 + 1e4*y2*y3",
      "(exp(-5*k) - 0.1)^2",
      "x^2.5 + (x+1)^3 + (x-y)^4 + x^-1 + (-x)^0.5",
      "sinh(x/3) + cosh(y/3) - tan(x) + asin(x/4) + acos(y/4) + atan(x*y)",
      "acosh(abs(x) + 1) + atanh(y/4) + exp(x) * exp(-y)",
      "1/(1 + exp(-x)) - log(1 + x^2)",
      "sum(x) + avg(x, x, y) + min(y) + max(y, x, 0)",
      "-(-(x)) + -sin(-y)",
      "2.5",
      "x",
  };
  const std::filesystem::path dir =
      std::filesystem::path(SCIAGENTS_SOURCE_DIR) / "tests/fuzz/corpus/expression";
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    std::ifstream in(entry.path());
    std::stringstream s;
    s << in.rdbuf();
    out.push_back(s.str());
  }
  return out;
}

// Points: uniform in [-4, 4] per variable, then a few awkward values in every variable.
std::vector<double> points(std::size_t nv, std::size_t n, unsigned seed) {
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> u(-4.0, 4.0);
  const double special[] = {0.0,   -0.0,   1.0,  -1.0, 0.5,   1e-300, -1e-300,
                            700.0, -745.0, 1e20, kInf, -kInf, kNaN,   3.141592653589793,
                            1e300};
  std::vector<double> x(nv * n);
  for (std::size_t i = 0; i < n; ++i)
    for (std::size_t k = 0; k < nv; ++k)
      x[k * n + i] = i < std::size(special) ? special[(i + 3 * k) % std::size(special)] : u(rng);
  return x;
}

std::vector<double> evalEach(const Expression& e, const std::vector<double>& x, std::size_t n) {
  const std::size_t nv = e.variables().size();
  std::vector<double> out(n), p(nv);
  for (std::size_t i = 0; i < n; ++i) {
    for (std::size_t k = 0; k < nv; ++k) p[k] = x[k * n + i];
    out[i] = e.evalReference(p.data());  // muParser's bytecode
  }
  return out;
}

}  // namespace

class TestExpressionTape : public QObject {
  Q_OBJECT

 private slots:
  void corpusAgreesWithEval() {
    double worst = 0, raw_worst = 0, rel_worst = 0;
    std::string worst_at;
    int compiled = 0;
    for (const std::string& text : corpus()) {
      std::optional<Expression> e;
      try {
        e.emplace(text, expressionIdentifiers(text));
      } catch (const Error&) {
        continue;  // the corpus also holds invalid expressions
      }
      QCOMPARE(std::string(e->evalManyEngine()), std::string("tape"));
      ++compiled;
      const std::size_t n = 2000, nv = e->variables().size();
      const std::vector<double> x = points(nv, n, 7);
      std::vector<double> many(n);
      e->evalMany(x.data(), n, many.data());
      const std::vector<double> one = evalEach(*e, x, n);
      for (std::size_t i = 0; i < n; ++i) {
        const double raw = ulps(one[i], many[i]);
        if (std::isfinite(raw)) {
          raw_worst = std::max(raw_worst, raw);
          if (std::isfinite(one[i]))
            rel_worst =
                std::max(rel_worst, std::abs(one[i] - many[i]) / std::max(1.0, std::abs(one[i])));
        }
        const double d = closeEnough(one[i], many[i]) ? 0 : raw;
        if (d > worst) {
          worst = d;
          std::ostringstream os;
          os.precision(17);
          os << "'" << text << "' point " << i << ": eval " << one[i] << ", evalMany " << many[i];
          worst_at = os.str();
        }
      }
    }
    QVERIFY(compiled >= 25);
    qInfo(
        "%d expressions, 2000 points each: largest difference from eval() %.0f ulps, "
        "%.3g relative to max(1, |value|)",
        compiled, raw_worst, rel_worst);
    qInfo(
        "tape kernel %s: worst difference from eval() beyond the cancellation allowance: %.0f ulps "
        "(%s)",
        tape::tapeKernelName(), worst, worst_at.c_str());
    QVERIFY2(worst <= kMaxUlps, worst_at.c_str());
  }

  // The scalar path (eval runs the tape one point at a time): muParser's values bit for bit, but
  // for (expr)^2..4 of a non-variable base, which the tape computes as products (within an ulp of
  // pow); and within the block path's allowance of evalMany at the same point.
  void scalarPathAgreesWithMuParserAndBlocks() {
    int compiled = 0, powered = 0;
    double worst_pow = 0;
    for (const std::string& text : corpus()) {
      std::optional<Expression> e;
      try {
        e.emplace(text, expressionIdentifiers(text));
      } catch (const Error&) {
        continue;
      }
      ++compiled;
      const std::size_t n = 2000, nv = e->variables().size();
      const std::vector<double> x = points(nv, n, 11);
      const std::vector<double> ref = evalEach(*e, x, n);
      std::vector<double> many(n), p(nv);
      e->evalMany(x.data(), n, many.data());
      const bool has_pow = text.find('^') != std::string::npos;
      powered += has_pow ? 1 : 0;
      for (std::size_t i = 0; i < n; ++i) {
        for (std::size_t k = 0; k < nv; ++k) p[k] = x[k * n + i];
        const double one = e->eval(p.data());
        std::ostringstream os;
        os.precision(17);
        os << "'" << text << "' point " << i << ": eval " << one << ", muParser " << ref[i]
           << ", evalMany " << many[i];
        if (has_pow) {
          worst_pow = std::max(worst_pow, closeEnough(one, ref[i]) ? 0.0 : ulps(one, ref[i]));
          QVERIFY2(closeEnough(one, ref[i]), os.str().c_str());
        } else {
          QVERIFY2(sameBits(one, ref[i]) || (std::isnan(one) && std::isnan(ref[i])),
                   os.str().c_str());
        }
        QVERIFY2(closeEnough(one, many[i]), os.str().c_str());
      }
    }
    QVERIFY(compiled >= 25 && powered >= 5);
    qInfo(
        "%d expressions (%d with ^), 2000 points each: eval() is muParser bit for bit "
        "without ^, within %.0f ulps with it (beyond the cancellation allowance)",
        compiled, powered, worst_pow);
  }

  // The same points in blocks of 1, 7, 64 and 1000 (and at other offsets) give the same bits.
  void blockSizeAndPositionDoNotMatter() {
    for (const std::string& text :
         {std::string("sin(x1) + 7*sin(x2)^2 + 0.1*x3^4*sin(x1)"),
          std::string("x1 > 0 ? exp(x2)*log(abs(x3)) : atan2(x1, x2)^3")}) {
      const Expression e(text, {"x1", "x2", "x3"});
      const std::size_t n = 3001;
      const std::vector<double> x = points(3, n, 11);
      std::vector<double> all(n);
      e.evalMany(x.data(), n, all.data());
      for (std::size_t block : {1, 7, 64, 1000}) {
        std::vector<double> out(n);
        for (std::size_t s = 0; s < n; s += block)
          e.evalMany(x.data() + s, std::min(block, n - s), n, out.data() + s);
        for (std::size_t i = 0; i < n; ++i)
          QVERIFY2(
              sameBits(out[i], all[i]) || (std::isnan(out[i]) && std::isnan(all[i])),
              (text + " block " + std::to_string(block) + " point " + std::to_string(i)).c_str());
      }
    }
  }

  // Every muParser built-in runs compiled, agrees with eval within kMaxUlps, and gives NaN and
  // infinities exactly where eval does (the ulps() distance is infinite otherwise).
  void everyBuiltin_data() {
    QTest::addColumn<QString>("text");
    for (const char* f : {"sin",  "cos",  "tan",   "asin",  "acos",  "atan", "sinh",
                          "cosh", "tanh", "asinh", "acosh", "atanh", "log2", "log10",
                          "log",  "ln",   "exp",   "sqrt",  "sign",  "rint", "abs"})
      QTest::newRow(f) << QString("%1(x)").arg(f);
    for (const char* f :
         {"atan2(x, y)", "min(x, y)", "max(x, y)", "sum(x, y, 1)", "avg(x, y)", "x^y", "x^2", "x^3",
          "x^4", "-x", "x/y", "x ? y : -y", "x && y", "x || y"})
      QTest::newRow(f) << QString(f);
  }
  void everyBuiltin() {
    QFETCH(QString, text);
    const Expression e(text.toStdString(), {"x", "y"});
    QCOMPARE(std::string(e.evalManyEngine()), std::string("tape"));
    // Wide ranges: every domain edge, overflow and the special values.
    std::vector<double> grid;
    for (double v = -800; v <= 800; v += 0.37) grid.push_back(v);
    for (double v = -2; v <= 2; v += 0.001) grid.push_back(v);
    for (double v : {0.0, -0.0, 1.0, -1.0, 1e-310, -1e-310, 1e300, -1e300, 1e22, 710.5, -745.2,
                     kInf, -kInf, kNaN})
      grid.push_back(v);
    const std::size_t m = grid.size(), n = m * 4;
    std::vector<double> x(2 * n);
    for (std::size_t i = 0; i < n; ++i) {
      x[i] = grid[i % m];
      x[n + i] = grid[(i * 7 + i / m) % m];
    }
    std::vector<double> many(n);
    e.evalMany(x.data(), n, many.data());
    const std::vector<double> one = evalEach(e, x, n);
    double worst = 0;
    for (std::size_t i = 0; i < n; ++i) {
      const double d = ulps(one[i], many[i]);
      if (d > kMaxUlps) {
        QFAIL(qPrintable(QString("%1 at x=%2 y=%3: eval %4, evalMany %5")
                             .arg(text)
                             .arg(x[i], 0, 'g', 17)
                             .arg(x[n + i], 0, 'g', 17)
                             .arg(one[i], 0, 'g', 17)
                             .arg(many[i], 0, 'g', 17)));
      }
      worst = std::max(worst, d);
    }
    qInfo("%s: worst %.0f ulps", qPrintable(text), worst);
  }

  // The AVX2 kernel (when this CPU has it) gives the baseline kernel's bits.
  void kernelsAgreeBitForBit() {
    if (!tape::tapeKernelAvx2()) QSKIP("no AVX2 kernel on this machine");
    // Kernels are reached through a one-variable Expression's tape: compare via a copy that is
    // forced through each kernel by calling them on the same tape obtained from runTape's inputs.
    tape::Tape t;  // x*x + sin(x) by hand: registers 0 (x), 1 (x*x), 2 (sin x), 3 (sum)
    t.inputs = 1;
    t.registers = 4;
    t.code = {
        {tape::Op::Mul, 1, 0, 0, 0}, {tape::Op::Sin, 2, 0, 0, 0}, {tape::Op::Add, 3, 1, 2, 0}};
    t.result = 3;
    std::vector<tape::Op> ops;
    for (int o = 0; o <= static_cast<int>(tape::Op::MulAdd); ++o)
      ops.push_back(static_cast<tape::Op>(o));
    const std::size_t n = 5000;
    const std::vector<double> x = points(3, n, 5);
    for (tape::Op op : ops) {
      tape::Tape u;
      u.inputs = 3;
      u.registers = 4;
      u.code = {{op, 3, 0, 1, 2}};
      u.result = 3;
      std::vector<double> a(n), b(n);
      tape::tapeKernelDefault()(u, x.data(), n, n, a.data());
      tape::tapeKernelAvx2()(u, x.data(), n, n, b.data());
      for (std::size_t i = 0; i < n; ++i)
        QVERIFY2(sameBits(a[i], b[i]) || (std::isnan(a[i]) && std::isnan(b[i])),
                 qPrintable(QString("op %1 point %2").arg(static_cast<int>(op)).arg(i)));
    }
    std::vector<double> a(n), b(n);
    tape::tapeKernelDefault()(t, x.data(), n, n, a.data());
    tape::tapeKernelAvx2()(t, x.data(), n, n, b.data());
    QVERIFY(std::memcmp(a.data(), b.data(), n * sizeof(double)) == 0);
  }

  // The compiler's MulAdd (a product whose only use is a sum) is the two operations it replaces,
  // bit for bit, in the block kernels and the scalar path, special values included.
  void mulAddIsMulThenAdd() {
    tape::Tape fused, plain;
    fused.inputs = plain.inputs = 3;
    fused.registers = 4;
    plain.registers = 5;
    fused.code = {{tape::Op::MulAdd, 3, 0, 1, 2}};
    plain.code = {{tape::Op::Mul, 3, 0, 1, 0}, {tape::Op::Add, 4, 3, 2, 0}};
    fused.result = 3;
    plain.result = 4;
    fused.results = {3};
    plain.results = {4};
    const std::size_t n = 5000;
    std::vector<double> x = points(3, n, 11);
    const double special[] = {0.0, -0.0, 1e308, -1e308, 5e-324, INFINITY, -INFINITY, NAN};
    for (std::size_t i = 0; i < 8; ++i)
      for (std::size_t k = 0; k < 3; ++k) x[k * n + i * 3 + k] = special[(i + k) % 8];
    std::vector<double> a(n), b(n), ra(4), rb(5);
    for (auto kernel : {tape::tapeKernelDefault(), tape::tapeKernelAvx2()}) {
      if (!kernel) continue;
      kernel(fused, x.data(), n, n, a.data());
      kernel(plain, x.data(), n, n, b.data());
      for (std::size_t i = 0; i < n; ++i)
        QVERIFY2(sameBits(a[i], b[i]) || (std::isnan(a[i]) && std::isnan(b[i])),
                 qPrintable(QString("point %1: %2 vs %3").arg(i).arg(a[i]).arg(b[i])));
    }
    for (std::size_t i = 0; i < n; ++i) {
      const double p[3] = {x[i], x[n + i], x[2 * n + i]};
      double va = 0, vb = 0;
      tape::tapeScalarKernel()(fused, p, ra.data(), &va);
      tape::tapeScalarKernel()(plain, p, rb.data(), &vb);
      QVERIFY2(sameBits(va, vb) || (std::isnan(va) && std::isnan(vb)),
               qPrintable(QString::number(i)));
    }
    // A linear combination (compiled with MulAdd: muParser's x*a + 0 and each "+ c*x") evaluates
    // exactly as muParser on the scalar path and on the block path (+ and * only).
    const Expression e("-1.71*y1 + 0.43*y2 + 8.32*y3 + 0.0007", {"y1", "y2", "y3"});
    const std::vector<double> y = points(3, 64, 3);
    std::vector<double> many(64);
    e.evalMany(y.data(), 64, 64, many.data());
    for (std::size_t i = 0; i < 64; ++i) {
      const double p[3] = {y[i], y[64 + i], y[128 + i]};
      QVERIFY(sameBits(e.eval(p), e.evalReference(p)));
      QVERIFY(sameBits(many[i], e.eval(p)) || (std::isnan(many[i]) && std::isnan(e.eval(p))));
    }
  }

  void inPlaceAndStrided() {
    const Expression e("ln(x)/sqrt(x) + x^2", {"x"});
    std::vector<double> x(300);
    for (std::size_t i = 0; i < x.size(); ++i) x[i] = 0.01 + 0.37 * static_cast<double>(i);
    const std::vector<double> in = x;
    std::vector<double> expected(x.size());
    e.evalMany(in.data(), in.size(), expected.data());
    e.evalMany(x.data(), x.size(), x.data());
    QVERIFY(std::memcmp(x.data(), expected.data(), x.size() * sizeof(double)) == 0);
    // Output overlapping the input at an offset.
    std::vector<double> buf = in;
    buf.resize(in.size() + 5);
    e.evalMany(buf.data(), in.size(), buf.data() + 5);
    QVERIFY(std::memcmp(buf.data() + 5, expected.data(), in.size() * sizeof(double)) == 0);
  }

  void monteCarloSameOnOneAndTwoThreads() {
    const TaskSpec* t = AgentRegistry::builtin().task("uq", "monte_carlo");
    QVERIFY(t);
    const nlohmann::json given = nlohmann::json::parse(R"json({
        "model": "sin(x1) + 7*sin(x2)^2 + 0.1*x3^4*sin(x1)",
        "inputs": [{"name":"x1","dist":"uniform","a":-3.141592653589793,"b":3.141592653589793},
                   {"name":"x2","dist":"uniform","a":-3.141592653589793,"b":3.141592653589793},
                   {"name":"x3","dist":"uniform","a":-3.141592653589793,"b":3.141592653589793}],
        "n": 200001, "seed": 3, "return_samples": true})json");
    const Map params = t->resolveParams(fromJson(given).asMap());
    std::string results[2];
    for (int threads : {1, 2}) {
      TaskContext ctx(*t, params);
      ctx.setThreads(threads);
      t->run(ctx);
      results[threads - 1] = toJson(Value(ctx.outputs())).dump();
    }
    QVERIFY(results[0] == results[1]);
    QVERIFY(results[0].size() > 1000);
  }
};

SCIAGENTS_TEST_GUILESS_MAIN(TestExpressionTape)

}  // namespace test_expression_tape
#include "test_expression_tape.moc"
