// The shared text helpers (core/util/text_format.h): trim, lower case, and each named precision
// giving exactly the text of the printf format it replaces.
#include "core/util/text_format.h"

#include <QtTest/QtTest>

#include <cmath>
#include <cstdio>
#include <limits>
#include <sstream>

#include "tests/test_main.h"

namespace test_text_format {

using namespace sciagents::core;

namespace {
std::string printf_g(const char* format, double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, format, v);
  return buf;
}
std::string ostream_g(double v, int precision) {
  std::ostringstream os;
  os.precision(precision);
  os << v;
  return os.str();
}
}  // namespace

class TestTextFormat : public QObject {
  Q_OBJECT
 private slots:
  void trims() {
    QCOMPARE(trim("  a b \r\n"), std::string("a b"));
    QCOMPARE(trim(" \t\n "), std::string());
    QCOMPARE(trim(""), std::string());
    QCOMPARE(trim("\tx\n", kBlanks), std::string("x\n"));
    QCOMPARE(trim("x"), std::string("x"));
  }

  void lowers() { QCOMPARE(toLower("Content-Type: ÄB"), std::string("content-type: Äb")); }

  void namedPrecisionsMatchTheirFormats() {
    const double values[] = {0.0,
                             -0.0,
                             1.0 / 3.0,
                             123456789.123456789,
                             1e-300,
                             2.5e17,
                             -7.25,
                             1e21,
                             42.0,
                             std::numeric_limits<double>::infinity(),
                             std::numeric_limits<double>::quiet_NaN()};
    for (double v : values) {
      QCOMPARE(formatRough(v), printf_g("%.3g", v));
      QCOMPARE(formatBrief(v), printf_g("%.4g", v));
      QCOMPARE(formatCompact(v), printf_g("%.6g", v));
      QCOMPARE(formatCompact(v), printf_g("%g", v));
      QCOMPARE(formatFine(v), printf_g("%.8g", v));
      QCOMPARE(formatFine(v), ostream_g(v, 8));
      QCOMPARE(formatPrecise(v), printf_g("%.10g", v));
      QCOMPARE(formatPrecise(v), ostream_g(v, 10));
      QCOMPARE(formatExact(v), printf_g("%.17g", v));
      if (std::isfinite(v)) QCOMPARE(std::stod(formatExact(v)), v);
    }
    QCOMPARE(formatCompact(1.0 / 3.0), std::string("0.333333"));
    QCOMPARE(formatPrecise(1.0 / 3.0), std::string("0.3333333333"));
    QCOMPARE(formatShortest(0.1), std::string("0.1"));
    QCOMPARE(formatShortest(1e21), std::string("1e+21"));
    QCOMPARE(formatShortest(3.0), std::string("3"));
  }
};

SCIAGENTS_TEST_GUILESS_MAIN(TestTextFormat)

}  // namespace test_text_format
#include "test_text_format.moc"
