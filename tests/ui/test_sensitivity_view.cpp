// Issue 18 item 3: the results of uq.sobol as a scientist reads them: S1 and ST as bars per input
// with interval whiskers, labelled by the inputs' names; table rows named by input; values shown
// with the digits their half-width supports; tick labels without rounding noise.
#include "isolated_settings.h"
#include "studio_test_util.h"
#include "ui/qt_convert.h"
#include "ui/results_panel.h"
#include "ui/sensitivity_bars.h"
#include "ui/value_format.h"

#include <QRegularExpression>
#include <QStandardItemModel>
#include <QTabWidget>
#include <QtTest/QtTest>

#include <cmath>

#include "tests/test_main.h"

namespace test_sensitivity_view {

using namespace sciagents::ui;

namespace {
// The Ishigami function over inputs named alpha, beta, gamma (names the panel must not invent).
const char* kSobol = R"json({"sciagents": 1, "name": "ishigami", "steps": [
  {"id": "sobol", "agent": "uq", "task": "sobol",
   "params": {"model": "sin(alpha) + 7*sin(beta)^2 + 0.1*gamma^4*sin(alpha)",
              "inputs": [{"name": "alpha", "dist": "uniform", "a": -3.141592653589793, "b": 3.141592653589793},
                         {"name": "beta", "dist": "uniform", "a": -3.141592653589793, "b": 3.141592653589793},
                         {"name": "gamma", "dist": "uniform", "a": -3.141592653589793, "b": 3.141592653589793}],
              "n": 1024, "seed": 7, "bootstrap": 60}}]})json";

const sciagents::core::Vector& vec(const sciagents::core::StepResult& s, const char* name) {
  return s.outputs.at(name).asVector();
}

int decimalsOf(const QString& number) {
  const int dot = number.indexOf(QLatin1Char('.'));
  return dot < 0 ? 0 : int(number.size()) - dot - 1;
}
}  // namespace

class TestSensitivityView : public QObject {
  Q_OBJECT
 private slots:
  void initTestCase() { studio_test::isolateSettings("test_sensitivity_view"); }

  void sobolIndicesAreBarsPerInputWithWhiskers() {
    const auto result = studio_test::runLocally(kSobol);
    QVERIFY(result);
    const sciagents::core::StepResult* s = result->step("sobol");
    QVERIFY(s);
    QCOMPARE(int(s->status), int(sciagents::core::StepStatus::Succeeded));
    ResultsPanel panel;
    panel.resize(1100, 420);
    panel.setResult(result);
    panel.show();
    QVERIFY(QTest::qWaitForWindowExposed(&panel));
    for (const char* output : {"S1", "ST", "S1_conf", "ST_interval"}) {
      panel.showOutput(QString::fromLatin1(output));
      QCOMPARE(panel.currentPlot(), static_cast<QWidget*>(panel.sensitivityBars()));
    }
    const auto& bars = panel.sensitivityBars()->inputs();
    QCOMPARE(bars.size(), 3);
    const QStringList names{"alpha", "beta", "gamma"};
    const auto& interval1 = s->outputs.at("S1_interval").asMatrix();
    const auto& intervalT = s->outputs.at("ST_interval").asMatrix();
    for (int i = 0; i < 3; ++i) {
      QCOMPARE(bars[i].name, names[i]);
      QCOMPARE(bars[i].first.value, vec(*s, "S1")[i]);
      QCOMPARE(bars[i].total.value, vec(*s, "ST")[i]);
      // Whiskers are the bootstrap percentile intervals.
      QCOMPARE(bars[i].first.low, interval1(i, 0));
      QCOMPARE(bars[i].first.high, interval1(i, 1));
      QCOMPARE(bars[i].total.low, intervalT(i, 0));
      QCOMPARE(bars[i].total.high, intervalT(i, 1));
      QVERIFY(bars[i].first.low < bars[i].first.high);
      // Each input has its own place on the axis, left to right.
      const QRectF cat = panel.sensitivityBars()->categoryRect(i);
      QVERIFY(cat.width() > 20);
      if (i > 0) QVERIFY(cat.left() >= panel.sensitivityBars()->categoryRect(i - 1).right() - 0.5);
    }
    // Round ticks, labelled without rounding noise, covering every whisker.
    const QStringList labels = panel.sensitivityBars()->tickLabels();
    QVERIFY2(labels.size() >= 3, qPrintable(labels.join(' ')));
    for (const QString& l : labels)
      QVERIFY2(!l.contains(QLatin1Char('e')) && l.size() <= 5, qPrintable(l));
    QVERIFY(labels.contains(QStringLiteral("0.0")) || labels.contains(QStringLiteral("0.00")) ||
            labels.contains(QStringLiteral("0")));
    const QList<double> ticks = panel.sensitivityBars()->ticks();
    for (const auto& b : bars)
      QVERIFY(ticks.front() <= std::min(b.first.low, b.total.low) &&
              ticks.back() >= std::max(b.first.high, b.total.high));
    const QImage shot = panel.sensitivityBars()->grab().toImage();
    QVERIFY(!shot.isNull());
  }

  void tableRowsAreNamedAndDigitsMatchTheUncertainty() {
    const auto result = studio_test::runLocally(kSobol);
    QVERIFY(result);
    const sciagents::core::StepResult* s = result->step("sobol");
    ResultsPanel panel;
    panel.setResult(result);
    panel.showOutput(QStringLiteral("S1"));
    QStandardItemModel* t = panel.elementsModel();
    QCOMPARE(t->rowCount(), 3);
    QCOMPARE(t->horizontalHeaderItem(0)->text(), QStringLiteral("input"));
    const QRegularExpression pm(QStringLiteral("^(-?[0-9.]+) ± ([0-9.]+)$"));
    for (int i = 0; i < 3; ++i) {
      QCOMPARE(t->item(i, 0)->text(), (QStringList{"alpha", "beta", "gamma"})[i]);
      const QString text = t->item(i, 1)->text();
      const auto m = pm.match(text);
      QVERIFY2(m.hasMatch(), qPrintable(text));
      // Same decimals on both sides; the half-width has one significant digit (two from 1).
      QCOMPARE(decimalsOf(m.captured(1)), decimalsOf(m.captured(2)));
      const QString digits = QString(m.captured(2))
                                 .remove(QLatin1Char('.'))
                                 .remove(QRegularExpression(QStringLiteral("^0+")));
      QVERIFY2(digits.size() == 1 || (digits.size() == 2 && digits.startsWith('1')),
               qPrintable(text));
      // The shown numbers are the rounded value and half-width.
      const double h = vec(*s, "S1_conf")[i];
      QVERIFY(std::abs(m.captured(2).toDouble() - h) <=
              0.5 * std::pow(10.0, -decimalsOf(m.captured(2))) + 1e-12);
      QVERIFY(std::abs(m.captured(1).toDouble() - vec(*s, "S1")[i]) <=
              0.5 * std::pow(10.0, -decimalsOf(m.captured(1))) + 1e-12);
    }
    panel.showOutput(QStringLiteral("ST_interval"));
    QCOMPARE(t->rowCount(), 3);
    QCOMPARE(t->item(1, 0)->text(), QStringLiteral("beta"));
    QCOMPARE(t->horizontalHeaderItem(1)->text(), QStringLiteral("low"));
    QCOMPARE(t->horizontalHeaderItem(2)->text(), QStringLiteral("high"));
  }

  void valueWithUncertaintyRounds() {
    QCOMPARE(valueWithUncertainty(0.31391, 0.0521), QStringLiteral("0.31 ± 0.05"));
    QCOMPARE(valueWithUncertainty(0.31391, 0.0152), QStringLiteral("0.314 ± 0.015"));
    QCOMPARE(valueWithUncertainty(-0.0004, 0.03), QStringLiteral("0.00 ± 0.03"));
    QCOMPARE(valueWithUncertainty(123.456, 2.7), QStringLiteral("123 ± 3"));
    QCOMPARE(valueWithUncertainty(0.5, 0), numberForTable(0.5));
  }
};

SCIAGENTS_TEST_MAIN(TestSensitivityView)

}  // namespace test_sensitivity_view
#include "test_sensitivity_view.moc"
