// ConvergenceChart: batched, decimated live series; LocalRunner's coalesced metric batches; the
// main window feeding the chart from a real optimization run.
#include "core/agent/agent_registry.h"
#include "isolated_settings.h"
#include "ui/convergence_chart.h"
#include "ui/local_runner.h"
#include "ui/main_window.h"

#include "core/workflow/workflow_json.h"

#include <QLineSeries>
#include <QLogValueAxis>
#include <QValueAxis>
#include <QtTest/QtTest>

#include "tests/test_main.h"

namespace test_convergence_chart {

using namespace sciagents::ui;

namespace {
sciagents::core::Workflow loadExample(const QString& name) {
  QFile f(QStringLiteral(SCIAGENTS_SOURCE_DIR "/examples/") + name);
  if (!f.open(QIODevice::ReadOnly)) qFatal("cannot open %s", qPrintable(f.fileName()));
  return sciagents::core::parseWorkflowFile(f.readAll().toStdString()).workflow;
}

MetricBatch ramp(int from, int count) {
  MetricBatch b;
  for (int i = from; i < from + count; ++i)
    b.push_back(
        MetricSample{"fit", "objective", double(i), 1.0 / (1.0 + i) + ((i % 97 == 0) ? 5.0 : 0.0)});
  return b;
}
}  // namespace

class TestConvergenceChart : public QObject {
  Q_OBJECT
 private slots:
  void initTestCase() { studio_test::isolateSettings("test_convergence_chart"); }

  void decimatesOverBudget() {
    ConvergenceChart c;
    const int n = 10000, batch = 250;
    for (int i = 0; i < n; i += batch) {
      c.addSamples(ramp(i, batch));
      if ((i / batch) % 4 == 3) c.flush();  // several batches per draw, like the timer
    }
    QTRY_COMPARE(c.pendingCount(), qsizetype(0));  // the timer drains the rest
    const QString key = ConvergenceChart::seriesKey("fit", "objective");
    QCOMPARE(c.seriesKeys(), QStringList{key});
    QCOMPARE(c.samples(key).size(), qsizetype(n));
    QLineSeries* s = c.series(key);
    QVERIFY(s);
    QVERIFY2(s->count() <= c.pointBudget() + 2, qPrintable(QString::number(s->count())));
    QVERIFY(s->count() >= c.pointBudget() / 2);
    QCOMPARE(s->points().last(), QPointF(n - 1, 1.0 / n));
    // Min/max decimation keeps the spikes (every 97th sample is +5).
    double ymax = 0;
    for (const QPointF& p : s->points()) ymax = std::max(ymax, p.y());
    QVERIFY(ymax > 5.0);
    // Axes follow the data.
    QCOMPARE(c.xAxis()->min(), 0.0);
    QCOMPARE(c.xAxis()->max(), double(n - 1));
  }

  void keepsCompleteDataUnderBudget() {
    ConvergenceChart c;
    c.setPointBudget(20000);
    for (int i = 0; i < 10000; i += 500) c.addSamples(ramp(i, 500));
    c.flush();
    QLineSeries* s = c.series(ConvergenceChart::seriesKey("fit", "objective"));
    QVERIFY(s);
    QCOMPARE(s->count(), 10000);
    QCOMPARE(s->at(9999), QPointF(9999, 1.0 / 10000));
    QCOMPARE(s->at(1234), QPointF(1234, 1.0 / 1235));
  }

  void logScaleHidesNonPositive() {
    ConvergenceChart c;
    c.addSamples(
        {{"s", "residual", 0, 1.0}, {"s", "residual", 1, 0.0}, {"s", "residual", 2, 1e-6}});
    c.flush();
    QLineSeries* s = c.series("s: residual");
    QCOMPARE(s->count(), 3);
    c.setLogY(true);
    auto* logAxis = qobject_cast<QLogValueAxis*>(c.yAxis());
    QVERIFY(logAxis);
    QCOMPARE(s->count(), 2);
    QVERIFY(logAxis->min() <= 1e-6 && logAxis->max() >= 1.0);
    QVERIFY(s->attachedAxes().contains(c.yAxis()));
    c.setLogY(false);
    QVERIFY(qobject_cast<QValueAxis*>(c.yAxis()));
    QCOMPARE(s->count(), 3);
    c.clear();
    QVERIFY(c.seriesKeys().isEmpty());
  }

  void localRunnerCoalescesMetrics() {
    const auto wf = loadExample("opt-rosenbrock.workflow.json");
    LocalRunner r(sciagents::core::AgentRegistry::builtin());
    r.setUseCache(false);
    QSignalSpy metrics(&r, &ExecutionTarget::metrics);
    QSignalSpy finished(&r, &ExecutionTarget::finished);
    QVERIFY(r.start(wf));
    QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 1, 60000);
    QVERIFY(finished.at(0).at(0).toBool());
    QVERIFY(!metrics.isEmpty());
    qsizetype samples = 0;
    QSet<QString> series;
    for (const auto& args : metrics) {
      const auto batch = args.at(0).value<MetricBatch>();
      QVERIFY(!batch.isEmpty());
      samples += batch.size();
      for (const auto& s : batch) series.insert(s.step + "/" + s.series);
    }
    QVERIFY(series.contains("bfgs/objective"));
    QVERIFY(series.contains("lbfgs/objective"));
    QVERIFY2(samples > metrics.size(), "samples cross threads in batches, not one by one");
  }

  void windowFeedsChart() {
    MainWindow w(sciagents::core::AgentRegistry::builtin());
    QVERIFY(w.openFile(SCIAGENTS_SOURCE_DIR "/examples/opt-rosenbrock.workflow.json"));
    w.runner()->setUseCache(false);
    w.runAll();
    QTRY_VERIFY_WITH_TIMEOUT(!w.runner()->isRunning(), 60000);
    ConvergenceChart* c = w.convergenceChart();
    QTRY_COMPARE(c->pendingCount(), qsizetype(0));
    QVERIFY(c->seriesKeys().contains("bfgs: objective"));
    QLineSeries* s = c->series("bfgs: objective");
    QVERIFY(s && s->count() > 2);
    QCOMPARE(s->count(), c->samples("bfgs: objective").size());
    QVERIFY(s->points().last().y() < 1e-6);  // converged to f* = 0
    // Positive values over many decades: the axis is logarithmic without asking.
    QVERIFY(c->logY());
    QVERIFY(qobject_cast<QLogValueAxis*>(c->yAxis()));
  }

  // Issue 18 item 11: short runs have a Convergence chart too. An ODE solve of a few ms sends its
  // thinned step-size history at the end (none of the 4096 solves inside the Sobol study does:
  // nobody listens to a study's samples), and uq.sobol its indices on nested prefixes of the
  // design.
  void shortOdeAndSobolRunsHaveConvergence() {
    MainWindow w(sciagents::core::AgentRegistry::builtin());
    QVERIFY(w.openFile(SCIAGENTS_SOURCE_DIR "/examples/uq-ode-sobol.workflow.json"));
    w.runner()->setUseCache(false);
    w.runAll();
    QTRY_VERIFY_WITH_TIMEOUT(!w.runner()->isRunning(), 60000);
    ConvergenceChart* c = w.convergenceChart();
    QTRY_COMPARE(c->pendingCount(), qsizetype(0));
    const QStringList keys = c->seriesKeys();
    QVERIFY2(keys.contains("sim: step_size"), qPrintable(keys.join(", ")));
    const qsizetype points = c->samples("sim: step_size").size();
    QVERIFY2(points >= 2 && points <= 33, qPrintable(QString::number(points)));
    QStringList s1, st;
    for (const QString& k : keys) {
      QVERIFY2(!k.startsWith("sensitivity: step_size"), qPrintable(k));
      if (k.startsWith("sensitivity: S1 ")) s1 << k;
      if (k.startsWith("sensitivity: ST ")) st << k;
    }
    QVERIFY2(!s1.isEmpty() && s1.size() == st.size(), qPrintable(keys.join(", ")));
    const auto first = c->samples(s1.front());
    QVERIFY(first.size() >= 3);  // n/64 ... n
    QVERIFY(first.front().x() < first.back().x());
  }

  void choosesLogAxisUntilTheUserDoes() {
    ConvergenceChart c;
    c.addSamples({{"s", "f", 0, 10.0}, {"s", "f", 1, 0.5}});
    c.flush();
    QVERIFY(!c.logY());  // under two decades: linear
    c.addSamples({{"s", "f", 2, 1e-3}, {"s", "f", 3, 1e-9}});
    c.flush();
    QVERIFY(c.logY());
    c.addSamples({{"s", "g", 0, -1.0}});  // a value <= 0 cannot be shown on a log axis
    c.flush();
    QVERIFY(!c.logY());
    c.clear();
    c.addSamples({{"s", "f", 0, 1.0}, {"s", "f", 1, 1e-8}});
    c.flush();
    QVERIFY(c.logY());
    c.setLogY(false);  // the user's choice holds from now on
    c.addSamples({{"s", "f", 2, 1e-12}});
    c.flush();
    QVERIFY(!c.logY());
  }
};

SCIAGENTS_TEST_MAIN(TestConvergenceChart)

}  // namespace test_convergence_chart
#include "test_convergence_chart.moc"
