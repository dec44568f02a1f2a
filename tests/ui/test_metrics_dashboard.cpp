// The Prometheus text parser (counters, gauges, histograms with labels, escaped label values) and
// the metrics dashboard fed with exposition snapshots, locally and from a fake /metrics server.
#include "core/agent/agent_registry.h"
#include "core/metrics/metrics_registry.h"
#include "core/metrics/process_sample.h"
#include "core/metrics/prometheus_text.h"
#include "core/workflow/workflow_json.h"
#include "isolated_settings.h"
#include "ui/local_runner.h"
#include "ui/main_window.h"
#include "ui/metrics_dashboard.h"
#include "ui/remote_target.h"

#include <QChart>
#include <QChartView>
#include <QComboBox>
#include <QDockWidget>
#include <QLineSeries>
#include <QMenu>
#include <QMenuBar>
#include <QTcpServer>
#include <QTcpSocket>
#include <QValueAxis>
#include <QtTest/QtTest>

#include <cmath>

#include "tests/test_main.h"

namespace test_metrics_dashboard {

using sciagents::core::metrics::MetricsRegistry;
using sciagents::core::metrics::ProcessSample;
using sciagents::core::metrics::PrometheusText;
using sciagents::ui::MainWindow;
using sciagents::ui::MetricsDashboard;

namespace {
// Captured from a `sciagents serve` /metrics (trimmed), plus an escaped label value.
const char* kCaptured =
    "# HELP errors_total Errors by type\n"
    "# TYPE errors_total counter\n"
    "errors_total{type=\"http\"} 3\n"
    "errors_total{type=\"job\"} 1\n"
    "# HELP sciagents_jobs_running Jobs running now\n"
    "# TYPE sciagents_jobs_running gauge\n"
    "sciagents_jobs_running 2\n"
    "# HELP sciagents_queue_depth Jobs waiting for a worker\n"
    "# TYPE sciagents_queue_depth gauge\n"
    "sciagents_queue_depth 5\n"
    "# HELP sciagents_step_duration_seconds Wall time of succeeded workflow steps\n"
    "# TYPE sciagents_step_duration_seconds histogram\n"
    "sciagents_step_duration_seconds_bucket{agent=\"ode_pde\",task=\"ivp\",le=\"0.1\"} 4\n"
    "sciagents_step_duration_seconds_bucket{agent=\"ode_pde\",task=\"ivp\",le=\"1\"} 8\n"
    "sciagents_step_duration_seconds_bucket{agent=\"ode_pde\",task=\"ivp\",le=\"+Inf\"} 10\n"
    "sciagents_step_duration_seconds_sum{agent=\"ode_pde\",task=\"ivp\"} 6.5\n"
    "sciagents_step_duration_seconds_count{agent=\"ode_pde\",task=\"ivp\"} 10\n"
    "sciagents_step_duration_seconds_bucket{agent=\"fit\",task=\"a \\\"b\\\" "
    "\\\\c\\nd\",le=\"0.1\"} 0\n"
    "sciagents_step_duration_seconds_bucket{agent=\"fit\",task=\"a \\\"b\\\" \\\\c\\nd\",le=\"1\"} "
    "0\n"
    "sciagents_step_duration_seconds_bucket{agent=\"fit\",task=\"a \\\"b\\\" "
    "\\\\c\\nd\",le=\"+Inf\"} 0\n"
    "sciagents_step_duration_seconds_sum{agent=\"fit\",task=\"a \\\"b\\\" \\\\c\\nd\"} 0\n"
    "sciagents_step_duration_seconds_count{agent=\"fit\",task=\"a \\\"b\\\" \\\\c\\nd\"} 0\n"
    "# HELP process_cpu_seconds_total Total user and system CPU time spent in seconds.\n"
    "# TYPE process_cpu_seconds_total counter\n"
    "process_cpu_seconds_total 12.5\n"
    "# TYPE process_resident_memory_bytes gauge\n"
    "process_resident_memory_bytes 1.048576e+08\n"
    "this is not a metric line\n";

QString snapshot(double errors, double cpu, double running) {
  return QStringLiteral(
             "errors_total{type=\"job\"} %1\n"
             "sciagents_jobs_running %3\n"
             "sciagents_queue_depth 1\n"
             "sciagents_step_duration_seconds_bucket{le=\"0.5\"} 10\n"
             "sciagents_step_duration_seconds_bucket{le=\"1\"} 20\n"
             "sciagents_step_duration_seconds_bucket{le=\"+Inf\"} 20\n"
             "sciagents_step_duration_seconds_sum 12\n"
             "sciagents_step_duration_seconds_count 20\n"
             "process_cpu_seconds_total %2\n"
             "process_resident_memory_bytes 209715200\n")
      .arg(errors)
      .arg(cpu)
      .arg(running);
}
}  // namespace

class TestMetricsDashboard : public QObject {
  Q_OBJECT
 private slots:
  void initTestCase() { studio_test::isolateSettings("test_metrics_dashboard"); }

  void parsesCapturedText() {
    const auto p = PrometheusText::parse(kCaptured);
    QCOMPARE(p.errors.size(), std::size_t(1));  // the junk line, reported and skipped
    QCOMPARE(p.types.at("errors_total"), std::string("counter"));
    QCOMPARE(p.types.at("sciagents_step_duration_seconds"), std::string("histogram"));
    QCOMPARE(p.help.at("sciagents_queue_depth"), std::string("Jobs waiting for a worker"));
    QCOMPARE(p.sum("errors_total"), 4.0);
    QCOMPARE(p.sum("errors_total", {{"type", "http"}}), 3.0);
    QCOMPARE(p.sum("sciagents_jobs_running"), 2.0);
    QCOMPARE(p.sum("process_resident_memory_bytes"), 104857600.0);
    QVERIFY(p.has("process_cpu_seconds_total"));
    QVERIFY(!p.has("process_open_fds"));

    // The escaped label value comes back unescaped.
    bool found = false;
    for (const auto& s : p.samples)
      if (s.labels.count("agent") && s.labels.at("agent") == "fit") {
        QCOMPARE(s.labels.at("task"), std::string("a \"b\" \\c\nd"));
        found = true;
      }
    QVERIFY(found);
    QCOMPARE(p.sum("sciagents_step_duration_seconds_count", {{"task", "a \"b\" \\c\nd"}}), 0.0);

    const auto h = p.histogram("sciagents_step_duration_seconds");
    QCOMPARE(h.count, 10.0);
    QCOMPARE(h.sum, 6.5);
    QCOMPARE(h.mean(), 0.65);
    QCOMPARE(h.buckets.size(), std::size_t(3));
    QVERIFY(std::isinf(h.buckets.back().first));
    // p50: rank 5 lies in (0.1, 1] holding 4 of 8 -> 0.1 + 0.9 * 1/4.
    QVERIFY(std::abs(h.quantile(0.5) - 0.325) < 1e-12);
    // p95: rank 9.5 is in +Inf -> the highest finite bound.
    QCOMPARE(h.quantile(0.95), 1.0);
    QCOMPARE(p.histogram("sciagents_step_duration_seconds", {{"agent", "ode_pde"}}).count, 10.0);
    QCOMPARE(p.histogram("missing").quantile(0.95), 0.0);
  }

  void parsesTheRegistryExposition() {
    MetricsRegistry reg;
    reg.counter("c_total", "with \\ and\nnewline", {{"path", "C:\\tmp \"x\"\nnext"}}).inc(3);
    reg.gauge("g", "a gauge").set(-2.5);
    auto& h = reg.histogram("d_seconds", "durations", {{"k", "v"}}, {0.5, 1.0});
    h.observe(0.25);
    h.observe(0.75);
    h.observe(2.0);
    const auto p = PrometheusText::parse(reg.exposition());
    QVERIFY2(p.errors.empty(), p.errors.empty() ? "" : p.errors.front().c_str());
    QCOMPARE(p.sum("c_total", {{"path", "C:\\tmp \"x\"\nnext"}}), 3.0);
    QCOMPARE(p.help.at("c_total"), std::string("with \\ and\nnewline"));
    QCOMPARE(p.sum("g"), -2.5);
    const auto s = p.histogram("d_seconds", {{"k", "v"}});
    QCOMPARE(s.count, 3.0);
    QCOMPARE(s.sum, 3.0);
    QCOMPARE(s.buckets.size(), std::size_t(3));
    QCOMPARE(s.buckets[0].second, 1.0);
    QCOMPARE(s.buckets[1].second, 2.0);
    QVERIFY(std::abs(s.quantile(0.5) - 0.75) < 1e-12);  // rank 1.5 in (0.5, 1] holding 1
  }

  void processSampleReadsProc() {
#if defined(__linux__)
    const auto s = ProcessSample::read();
    QVERIFY(s.valid);
    QVERIFY(s.resident_bytes > 1e6);
    const auto p = PrometheusText::parse(s.exposition());
    QVERIFY(p.errors.empty());
    QCOMPARE(p.sum("process_resident_memory_bytes"), s.resident_bytes);
#else
    QSKIP("/proc only on Linux");
#endif
  }

  void dashboardShowsTwoSnapshots() {
    MetricsDashboard d;
    d.setAutoRefresh(false);
    d.ingest(snapshot(2, 10.0, 1), 0.0);
    d.ingest(snapshot(6, 11.5, 3), 2.0);
    QCOMPARE(d.snapshotCount(), 2);
    const auto& s = d.latest();
    QCOMPARE(s.running, 3.0);
    QCOMPARE(s.queued, 1.0);
    QCOMPARE(s.step_count, 20.0);
    QCOMPARE(s.step_mean_s, 0.6);
    QCOMPARE(s.step_p95_s, 0.95);  // rank 19 in (0.5, 1] holding 10 -> 0.5 + 0.5 * 9/10
    QCOMPARE(s.errors_total, 6.0);
    QCOMPARE(s.error_rate, 2.0);
    QCOMPARE(s.cpu_percent, 75.0);
    QCOMPARE(s.rss_bytes, 209715200.0);
    for (const QString& name : d.seriesNames()) {
      QVERIFY2(d.series(name), qPrintable(name));
      QCOMPARE(d.series(name)->count(), 2);
      QCOMPARE(d.series(name)->at(1).x(), 2.0);
    }
    QCOMPARE(d.series("running")->at(1).y(), 3.0);
    QCOMPARE(d.series("cpu %")->at(0).y(), 0.0);  // no rate before the second snapshot
    QCOMPARE(d.series("cpu %")->at(1).y(), 75.0);
    QCOMPARE(d.series("rss MiB")->at(1).y(), 200.0);
    QCOMPARE(d.valueText("running"), QString("3"));
    QCOMPARE(d.valueText("step p95"), QString("950 ms"));
    QCOMPARE(d.valueText("rss MiB"), QString("200.0 MiB"));
    QCOMPARE(d.valueText("errors"), QString("6"));

    // The window selector sets the x range.
    d.windowBox()->setCurrentIndex(d.windowBox()->findData(300));
    QCOMPARE(d.windowSeconds(), 300);
    auto* x = qobject_cast<QValueAxis*>(d.chart(0)->axes(Qt::Horizontal).value(0));
    QVERIFY(x);
    QCOMPARE(x->max() - x->min(), 300.0);
    d.clear();
    QCOMPARE(d.series("running")->count(), 0);
  }

  // Step statistics and the error rate cover the selected window, not everything since start.
  void stepStatisticsFollowTheWindow() {
    // count/sum and buckets (le 0.5, 1, +Inf) of the step histogram, and the error counter.
    auto text = [](double count, double sum, double le05, double le1, double errors) {
      return QStringLiteral(
                 "sciagents_step_duration_seconds_bucket{le=\"0.5\"} %1\n"
                 "sciagents_step_duration_seconds_bucket{le=\"1\"} %2\n"
                 "sciagents_step_duration_seconds_bucket{le=\"+Inf\"} %3\n"
                 "sciagents_step_duration_seconds_sum %4\n"
                 "sciagents_step_duration_seconds_count %3\n"
                 "errors_total %5\n")
          .arg(le05)
          .arg(le1)
          .arg(count)
          .arg(sum)
          .arg(errors);
    };
    MetricsDashboard d;
    d.setAutoRefresh(false);
    d.setWindowSeconds(60);
    d.ingest(text(10, 2.5, 10, 10, 0), 0);  // 10 fast steps (0.25 s each) before
    d.ingest(text(10, 2.5, 10, 10, 0), 30);
    QVERIFY(!d.latest().full_window);  // 30 s of history: since start
    QCOMPARE(d.latest().step_count, 10.0);
    QCOMPARE(d.latest().step_mean_s, 0.25);
    d.ingest(text(20, 11.5, 10, 20, 6), 70);  // 10 slow steps (0.9 s) and 6 errors in (0, 70]
    QVERIFY(d.latest().full_window);          // baseline: the snapshot at t = 0
    QCOMPARE(d.latest().steps_total, 20.0);
    QCOMPARE(d.latest().step_count, 10.0);
    QCOMPARE(d.latest().step_mean_s, 0.9);                  // not the cumulative 0.575
    QCOMPARE(d.latest().step_p95_s, 0.5 + 0.5 * 9.5 / 10);  // inside (0.5, 1], the slow steps only
    QCOMPARE(d.latest().error_rate, 6.0 / 70.0);
    QCOMPARE(d.series("step mean")->at(2).y(), 0.9);
    QVERIFY(d.valueText("steps").contains("last 1 min"));
    d.ingest(text(20, 11.5, 10, 20, 6), 140);  // a quiet minute: baseline t = 70
    QCOMPARE(d.latest().step_count, 0.0);
    QCOMPARE(d.latest().step_mean_s, 0.0);
    QCOMPARE(d.latest().error_rate, 0.0);
    QCOMPARE(d.valueText("step mean"), QString("–"));
    QCOMPARE(d.latest().errors_total, 6.0);  // totals stay totals
    // A 5-minute window reaches back before the first snapshot: everything since start again.
    d.setWindowSeconds(300);
    QVERIFY(!d.latest().full_window);
    QCOMPARE(d.latest().step_count, 20.0);
    QCOMPARE(d.latest().step_mean_s, 11.5 / 20);
    QCOMPARE(d.latest().error_rate, 6.0 / 140.0);
    QCOMPARE(d.valueText("step mean"), QString("575 ms"));
    d.setWindowSeconds(60);
    QCOMPARE(d.latest().step_count, 0.0);
    // A source restart (counters go down) starts the history over.
    d.ingest(text(1, 0.1, 1, 1, 0), 150);
    QCOMPARE(d.latest().step_count, 1.0);
    QCOMPARE(d.latest().step_mean_s, 0.1);
    QCOMPARE(d.latest().error_rate, 0.0);
  }

  void localSourceReadsTheRegistry() {
    MetricsRegistry::global()
        .histogram("sciagents_step_duration_seconds", "Wall time of succeeded workflow steps",
                   {{"agent", "t"}, {"task", "t"}})
        .observe(0.2);
    MetricsDashboard d;
    d.setAutoRefresh(false);
    d.refresh();
    QCOMPARE(d.snapshotCount(), 1);
    QVERIFY(d.latest().step_count >= 1);
    QVERIFY(d.latest().rss_bytes > 1e6);  // from /proc: the registry has no process metrics
  }

  void remoteSourceReadsMetrics() {
    QTcpServer server;
    QVERIFY(server.listen(QHostAddress::LocalHost));
    QByteArray path;
    connect(&server, &QTcpServer::newConnection, this, [&] {
      QTcpSocket* sock = server.nextPendingConnection();
      connect(sock, &QTcpSocket::readyRead, sock, [sock, &path] {
        const QByteArray req = sock->readAll();
        path = req.split(' ').value(1);
        const QByteArray body = snapshot(1, 3, 4).toUtf8();
        sock->write(
            "HTTP/1.1 200 OK\r\nContent-Type: text/plain; version=0.0.4\r\nConnection: "
            "close\r\nContent-Length: " +
            QByteArray::number(body.size()) + "\r\n\r\n" + body);
        sock->disconnectFromHost();
      });
    });
    MetricsDashboard d;
    d.setAutoRefresh(false);
    d.setRemoteSource(QUrl(QStringLiteral("http://127.0.0.1:%1/").arg(server.serverPort())));
    QSignalSpy spy(&d, &MetricsDashboard::refreshed);
    d.refresh();
    QVERIFY(spy.wait(5000));
    QCOMPARE(path, QByteArray("/metrics"));
    QCOMPARE(d.latest().running, 4.0);
    QCOMPARE(d.latest().errors_total, 1.0);
  }

  // View ▸ Metrics Dashboard shows the tab; the execution target picks the source.
  void reachableFromTheViewMenu() {
    MainWindow w(sciagents::core::AgentRegistry::builtin());
    w.show();
    QVERIFY(QTest::qWaitForWindowExposed(&w));
    MetricsDashboard* d = w.metricsDashboard();
    QVERIFY(d);
    QVERIFY(!d->isRemote());
    QAction* action = nullptr;
    for (QAction* menu : w.menuBar()->actions())
      if (menu->menu() && menu->text() == "&View")
        for (QAction* a : menu->menu()->actions())
          if (a->text() == "&Metrics Dashboard") action = a;
    QVERIFY(action);
    QVERIFY(d->visibleRegion().isEmpty());  // a tab behind the run log
    action->trigger();
    QTRY_VERIFY(!d->visibleRegion().isEmpty());
    QVERIFY(d->snapshotCount() >= 1);
    auto settings = w.remoteTarget()->settings();
    settings.url = QUrl("http://127.0.0.1:9/");
    w.remoteTarget()->setSettings(settings);
    w.setExecutionTarget(w.remoteTarget());
    QVERIFY(d->isRemote());
    QCOMPARE(d->remoteUrl(), QUrl("http://127.0.0.1:9/"));
    w.setExecutionTarget(nullptr);
    QVERIFY(!d->isRemote());
  }

  // Issue 18 item 11: at the default window size every axis of every chart shows its labels whole
  // (they were all "…" on the Jobs and Step duration charts) and the units are readable (the
  // rotated y titles were cut to "se…", "ne core", "iB"): they are in the chart titles.
  void axesReadableAtTheDefaultSize() {
    MainWindow w(sciagents::core::AgentRegistry::builtin());
    w.show();
    QVERIFY(QTest::qWaitForWindowExposed(&w));
    MetricsDashboard* d = w.metricsDashboard();
    for (QAction* menu : w.menuBar()->actions())
      if (menu->menu() && menu->text() == "&View")
        for (QAction* a : menu->menu()->actions())
          if (a->text() == "&Metrics Dashboard") a->trigger();
    QTRY_VERIFY(!d->visibleRegion().isEmpty());
    d->refresh();
    QList<QChart*> charts;
    for (QChartView* v : d->findChildren<QChartView*>()) charts << v->chart();
    QCOMPARE(charts.size(), 5);
    const QStringList units{"[jobs]", "[s]", "[errors/s]", "[% of one core]", "[MiB]"};
    QStringList titles;
    for (QChart* c : charts) titles << c->title();
    for (const QString& u : units)
      QVERIFY2(titles.join(' ').contains(u), qPrintable(titles.join(" | ")));
    for (QChart* c : charts) {
      QTRY_VERIFY(c->plotArea().height() > 40);
      for (QAbstractAxis* axis : c->axes()) {
        QVERIFY2(!axis->labelsTruncated(), qPrintable(c->title()));
        QVERIFY2(axis->titleText().isEmpty(), qPrintable(axis->titleText()));
      }
    }
  }

  // Issue 18 item 11: a local run shorter than the sampling interval still shows in the Jobs chart.
  void shortLocalRunShowsInTheJobsChart() {
    MainWindow w(sciagents::core::AgentRegistry::builtin());
    MetricsDashboard* d = w.metricsDashboard();
    d->setAutoRefresh(false);
    d->refresh();
    QCOMPARE(d->latest().running, 0.0);
    w.runner()->setUseCache(false);
    QSignalSpy finished(w.runner(), &sciagents::ui::ExecutionTarget::finished);
    QVERIFY(w.runner()->start(sciagents::core::parseWorkflowFile(
                                  R"json({"sciagents": 1, "steps": [{"id": "d", "agent": "ode_pde",
                                  "task": "ivp", "params": {"rhs": ["-y"], "y0": [1],
                                  "t_span": [0, 1]}}]})json")
                                  .workflow));
    QTRY_COMPARE(finished.size(), 1);
    QVERIFY(!w.runner()->isRunning());
    d->refresh();  // the run began and ended between two samples
    QCOMPARE(d->latest().running, 1.0);
    d->refresh();
    QCOMPARE(d->latest().running, 0.0);
  }
};

SCIAGENTS_TEST_MAIN(TestMetricsDashboard)

}  // namespace test_metrics_dashboard
#include "test_metrics_dashboard.moc"
