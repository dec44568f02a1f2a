// Metrics registry and Prometheus text exposition (format 0.0.4).
#include "core/metrics/metrics_registry.h"

#include <QtTest/QtTest>

#include <cmath>
#include <stdexcept>
#include <thread>

#include "tests/test_main.h"

namespace test_metrics {

using namespace sciagents::core::metrics;

class TestMetrics : public QObject {
  Q_OBJECT

 private slots:
  void counterAndGauge() {
    MetricsRegistry r;
    Counter& c = r.counter("jobs_total", "Jobs");
    c.inc();
    c.inc(2.5);
    QCOMPARE(c.value(), 3.5);
    QCOMPARE(&r.counter("jobs_total", "ignored"), &c);  // same name + labels -> same instrument
    QVERIFY(&r.counter("jobs_total", "Jobs", {{"state", "failed"}}) != &c);
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, c.inc(-1.0));
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, c.inc(std::nan("")));
    QCOMPARE(c.value(), 3.5);

    Gauge& g = r.gauge("queue_depth", "Queued jobs");
    g.set(5);
    g.add(-2);
    QCOMPARE(g.value(), 3.0);
  }

  void histogramBuckets() {
    Histogram h({0.1, 1, 10});
    for (double v : {0.05, 0.1, 0.5, 1.0, 5.0, 50.0}) h.observe(v);
    h.observe(std::nan(""));
    // le is inclusive: 0.1 falls in the 0.1 bucket, NaN only in +Inf.
    QCOMPARE(h.bucketCounts(), (std::vector<std::uint64_t>{2, 4, 5, 7}));
    QCOMPARE(h.count(), std::uint64_t{7});
    QVERIFY(std::isnan(h.sum()));
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, Histogram({1, 0.5}));
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, Histogram({1, 1}));
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, Histogram({std::nan("")}));
    Histogram inf({1, INFINITY});  // an explicit +Inf is the implicit one
    QCOMPARE(inf.bounds(), std::vector<double>{1});
  }

  void defaultBuckets() {
    const auto b = MetricsRegistry::defaultSecondsBuckets();
    QCOMPARE(b.front(), 1e-5);
    QCOMPARE(b.back(), 100.0);
    QVERIFY(std::is_sorted(b.begin(), b.end()));
    QVERIFY(std::adjacent_find(b.begin(), b.end()) == b.end());
  }

  void exposition() {
    MetricsRegistry r;
    r.counter("sciagents_jobs_total", "Jobs by final state.", {{"state", "succeeded"}}).inc(3);
    r.counter("sciagents_jobs_total", "", {{"state", "failed"}}).inc();
    r.gauge("sciagents_queue", "Line one\nback\\slash \"quoted\"").set(-1.5);
    r.gauge("a_gauge", "Escapes",
            {{"path", "C:\\dir\\file"}, {"quote", "say \"hi\""}, {"text", "two\nlines"}})
        .set(1e-7);
    Histogram& h =
        r.histogram("step_seconds", "Step duration.", {{"agent", "ode_pde"}}, {0.005, 0.5, 2.5});
    h.observe(0.001);
    h.observe(0.25);
    h.observe(0.25);
    h.observe(7);
    const std::string expected =
        "# HELP a_gauge Escapes\n"
        "# TYPE a_gauge gauge\n"
        "a_gauge{path=\"C:\\\\dir\\\\file\",quote=\"say \\\"hi\\\"\",text=\"two\\nlines\"} 1e-07\n"
        "# HELP sciagents_jobs_total Jobs by final state.\n"
        "# TYPE sciagents_jobs_total counter\n"
        "sciagents_jobs_total{state=\"failed\"} 1\n"
        "sciagents_jobs_total{state=\"succeeded\"} 3\n"
        "# HELP sciagents_queue Line one\\nback\\\\slash \"quoted\"\n"
        "# TYPE sciagents_queue gauge\n"
        "sciagents_queue -1.5\n"
        "# HELP step_seconds Step duration.\n"
        "# TYPE step_seconds histogram\n"
        "step_seconds_bucket{agent=\"ode_pde\",le=\"0.005\"} 1\n"
        "step_seconds_bucket{agent=\"ode_pde\",le=\"0.5\"} 3\n"
        "step_seconds_bucket{agent=\"ode_pde\",le=\"2.5\"} 3\n"
        "step_seconds_bucket{agent=\"ode_pde\",le=\"+Inf\"} 4\n"
        "step_seconds_sum{agent=\"ode_pde\"} 7.501\n"
        "step_seconds_count{agent=\"ode_pde\"} 4\n";
    QCOMPARE(r.exposition(), expected);
  }

  void specialValues() {
    MetricsRegistry r;
    r.gauge("g", "h", {{"k", "inf"}}).set(INFINITY);
    r.gauge("g", "h", {{"k", "minf"}}).set(-INFINITY);
    r.gauge("g", "h", {{"k", "nan"}}).set(std::nan(""));
    r.gauge("g", "h", {{"k", "big"}}).set(1e300);
    r.gauge("g", "h", {{"k", "int"}}).set(42);
    const std::string text = r.exposition();
    QVERIFY(text.find("g{k=\"inf\"} +Inf\n") != std::string::npos);
    QVERIFY(text.find("g{k=\"minf\"} -Inf\n") != std::string::npos);
    QVERIFY(text.find("g{k=\"nan\"} NaN\n") != std::string::npos);
    QVERIFY(text.find("g{k=\"big\"} 1e+300\n") != std::string::npos);
    QVERIFY(text.find("g{k=\"int\"} 42\n") != std::string::npos);
  }

  void defaultBucketExposition() {
    MetricsRegistry r;
    r.histogram("d_seconds", "d").observe(3e-5);
    const std::string text = r.exposition();
    QVERIFY(text.find("d_seconds_bucket{le=\"1e-05\"} 0\n") != std::string::npos);
    QVERIFY(text.find("d_seconds_bucket{le=\"5e-05\"} 1\n") != std::string::npos);
    QVERIFY(text.find("d_seconds_bucket{le=\"100\"} 1\n") != std::string::npos);
    QVERIFY(text.find("d_seconds_bucket{le=\"+Inf\"} 1\n") != std::string::npos);
    QVERIFY(text.find("d_seconds_count 1\n") != std::string::npos);
  }

  void nameValidation() {
    MetricsRegistry r;
    for (const char* bad : {"", "1abc", "a-b", "a b", "é"})
      QVERIFY_THROWS_EXCEPTION(std::invalid_argument, r.counter(bad, "h"));
    r.counter("ns:sub_total", "colons are allowed");
    r.counter("_x", "h");
    for (const char* bad : {"", "1a", "a:b", "a-b", "__reserved"})
      QVERIFY_THROWS_EXCEPTION(std::invalid_argument, r.counter("ok", "h", {{bad, "v"}}));
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, r.histogram("h", "h", {{"le", "1"}}));
    r.counter("typed", "h");
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, r.gauge("typed", "h"));
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, r.histogram("typed", "h"));
    r.histogram("hist", "h", {}, {1, 2});
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, r.histogram("hist", "h", {{"a", "b"}}, {1, 3}));
    r.histogram("hist", "h", {{"a", "b"}}, {1, 2});
  }

  void concurrency() {
    MetricsRegistry r;
    constexpr int kThreads = 4, kOps = 50000;
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t)
      threads.emplace_back([&, t] {
        for (int i = 0; i < kOps; ++i) {
          r.counter("c_total", "c", {{"shared", "yes"}}).inc();
          r.gauge("g", "g").add(1);
          r.histogram("h_seconds", "h", {}, {0.5}).observe(i % 2 ? 1.0 : 0.25);
          if (i % 1000 == 0) {
            r.counter("per_thread_total", "p", {{"t", std::to_string(t)}}).inc();
            (void)r.exposition();
          }
        }
      });
    for (auto& th : threads) th.join();
    QCOMPARE(r.counter("c_total", "c", {{"shared", "yes"}}).value(), double(kThreads * kOps));
    QCOMPARE(r.gauge("g", "g").value(), double(kThreads * kOps));
    Histogram& h = r.histogram("h_seconds", "h", {}, {0.5});
    QCOMPARE(h.count(), std::uint64_t(kThreads * kOps));
    QCOMPARE(h.bucketCounts(),
             (std::vector<std::uint64_t>{kThreads * kOps / 2, std::uint64_t(kThreads * kOps)}));
    QCOMPARE(h.sum(), kThreads * kOps / 2 * 1.25);
  }

  void globalRegistry() { QCOMPARE(&MetricsRegistry::global(), &MetricsRegistry::global()); }
};

SCIAGENTS_TEST_GUILESS_MAIN(TestMetrics)

}  // namespace test_metrics
#include "test_metrics.moc"
