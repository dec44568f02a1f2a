// The block path of uq.monte_carlo for expression models (core/agents/uq/monte_carlo_blocks.h) and
// its building blocks: parallelBlocks (core/runtime/parallel_blocks.h), the moments tree and the
// exact quantiles by bucket counting (core/agents/uq/sample_summary.h). Results must be the same
// for any thread count, the samples those of the counter-based streams, and the statistics those
// of a direct computation on the values.
#include "uq_test_util.h"

#include "core/agents/uq/sample_summary.h"
#include "core/agents/uq/uq_common.h"
#include "core/expr/expression.h"
#include "core/runtime/parallel_blocks.h"
#include "core/runtime/thread_pool.h"

#include <atomic>
#include <chrono>
#include <cmath>
#include <future>
#include <random>
#include <stdexcept>
#include <thread>

#include "tests/test_main.h"

namespace test_uq_blocks {

using namespace uq_test;
using namespace sciagents::core::agents::uq;

namespace {

const char* kMixedInputs = R"([{"name":"a","dist":"uniform","a":-1,"b":3},
    {"name":"b","dist":"normal","mu":1,"sigma":0.5},
    {"name":"c","dist":"beta","alpha":2,"beta":5}])";

std::string mixedParams(const std::string& extra) {
  return std::string(R"j({"model":"a*b + exp(c) - sin(a*c)","inputs":)j") + kMixedInputs + extra +
         "}";
}

void expectSameOutputs(const agent_test::TaskResult& a, const agent_test::TaskResult& b) {
  for (const char* k : {"mean", "variance", "std", "stderr", "min", "max"})
    QVERIFY2(a.out(k).asDouble() == b.out(k).asDouble(), k);
  QVERIFY(a.out("ci").asVector() == b.out("ci").asVector());
  QVERIFY(a.out("quantiles").asVector() == b.out("quantiles").asVector());
  QCOMPARE(a.out("n").asInt(), b.out("n").asInt());
  const Table& ha = a.out("histogram").asTable();
  const Table& hb = b.out("histogram").asTable();
  for (std::size_t c = 0; c < ha.data.size(); ++c)
    QVERIFY(ha.data[c].asVector() == hb.data[c].asVector());
}

long double exactMean(const std::vector<double>& v) {
  long double s = 0;
  for (double x : v) s += x;
  return s / static_cast<long double>(v.size());
}

long double exactM2(const std::vector<double>& v) {
  const long double m = exactMean(v);
  long double s = 0;
  for (double x : v) s += (x - m) * (x - m);
  return s;
}

}  // namespace

class TestUqBlocks : public QObject {
  Q_OBJECT

 private slots:
  void parallelBlocksRunsEveryBlockOnce() {
    for (int threads : {1, 2, 3, 8}) {
      std::vector<std::atomic<int>> hits(1000);
      std::vector<std::atomic<int>> busy(static_cast<std::size_t>(threads));
      std::atomic<bool> overlap{false};
      parallelBlocks(hits.size(), threads, [&](std::size_t b, int slot) {
        QVERIFY(slot >= 0 && slot < threads);
        if (busy[static_cast<std::size_t>(slot)]++ != 0)
          overlap = true;  // a slot runs one block at a time
        ++hits[b];
        --busy[static_cast<std::size_t>(slot)];
      });
      QVERIFY(!overlap);
      for (const auto& h : hits) QCOMPARE(h.load(), 1);
    }
    parallelBlocks(0, 4, [](std::size_t, int) { QFAIL("no block to run"); });
  }

  void parallelBlocksRethrowsTheLowestFailingBlock() {
    for (int threads : {1, 2, 4}) {
      try {
        parallelBlocks(200, threads, [](std::size_t b, int) {
          if (b == 37 || b == 150) throw std::runtime_error("block " + std::to_string(b));
        });
        QFAIL("no exception");
      } catch (const std::runtime_error& e) {
        QCOMPARE(std::string(e.what()), std::string("block 37"));
      }
    }
  }

  void parallelBlocksBorrowsTheRunPool() {
    // Inside a run the helpers are queued on the run's pool: with its only worker busy elsewhere
    // the calling thread does every block itself (no extra thread, no deadlock).
    ThreadPool pool(1);
    std::promise<void> release;
    std::shared_future<void> gate = release.get_future().share();
    std::promise<void> started;
    pool.submit([gate, &started] {
      started.set_value();
      gate.wait();
    });
    started.get_future().wait();
    const auto caller = std::this_thread::get_id();
    std::atomic<int> elsewhere{0};
    {
      const RunPoolScope scope(&pool);
      QCOMPARE(currentRunPool(), &pool);
      parallelBlocks(64, 2, [&](std::size_t, int) {
        if (std::this_thread::get_id() != caller) ++elsewhere;
      });
    }
    QCOMPARE(elsewhere.load(), 0);
    QCOMPARE(currentRunPool(), static_cast<ThreadPool*>(nullptr));
    release.set_value();
  }

  void momentsTreeIsAccurate() {
    // Values with a large offset (the hard case of variance): the tree of two-pass blocks against a
    // long double reference, and not worse than a sequential Welford update.
    std::mt19937_64 rng(7);
    std::uniform_real_distribution<double> u(0, 1);
    std::vector<double> v(300001);
    for (double& x : v) x = 1e8 + u(rng);
    std::vector<Moments> blocks;
    for (std::size_t s = 0; s < v.size(); s += 4096)
      blocks.push_back(finiteMoments(v.data() + s, std::min<std::size_t>(4096, v.size() - s)));
    const Moments m = mergeTree(blocks);
    double wm = 0, wm2 = 0, wn = 0;
    for (double x : v) {
      ++wn;
      const double d = x - wm;
      wm += d / wn;
      wm2 += d * (x - wm);
    }
    const long double mean = exactMean(v), m2 = exactM2(v);
    QCOMPARE(m.n, static_cast<double>(v.size()));
    const double err_mean = static_cast<double>(std::abs(m.mean - mean) / mean);
    const double err_m2 = static_cast<double>(std::abs(m.m2 - m2) / m2);
    const double welford_m2 = static_cast<double>(std::abs(wm2 - m2) / m2);
    qInfo("relative error of m2: tree %.3g, Welford %.3g; of the mean: tree %.3g", err_m2,
          welford_m2, err_mean);
    QVERIFY(err_mean < 1e-15);
    QVERIFY(err_m2 < 1e-8);
    QVERIFY(err_m2 <= welford_m2 * 1.01 + 1e-12);
    // Non-finite values are left out of a block.
    const double y[] = {1, NAN, 3, INFINITY};
    const Moments f = finiteMoments(y, 4);
    QCOMPARE(f.n, 2.0);
    QCOMPARE(f.mean, 2.0);
    QCOMPARE(f.m2, 2.0);
  }

  void bucketQuantilesEqualSelection() {
    Vector levels(7);
    levels << 0, 0.05, 0.25, 0.5, 0.75, 0.95, 1;
    std::mt19937_64 rng(3);
    std::normal_distribution<double> normal(0, 1);
    std::vector<std::vector<double>> sets;
    sets.emplace_back();
    for (int i = 0; i < 100003; ++i) sets.back().push_back(std::exp(3 * normal(rng)));  // skewed
    sets.emplace_back();
    for (int i = 0; i < 50000; ++i)
      sets.back().push_back(std::round(normal(rng) * 2));  // many ties
    sets.emplace_back(20000, 4.25);                        // constant
    sets.emplace_back();
    for (int i = 0; i < 9000; ++i)
      sets.back().push_back((i % 2 ? 1 : -1) * 1e307 * (i % 9));  // huge range
    sets.push_back({2.0});
    for (const auto& v : sets) {
      std::vector<double> copy = v;
      double lo = 0, hi = 0;
      const Vector expected = quantilesBySelection(copy, levels, &lo, &hi);
      for (int threads : {1, 2, 3}) {
        Vector counts;
        const Vector q =
            quantilesByBuckets(v.data(), v.size(), levels, lo, hi, 4096, threads, 30, &counts);
        QVERIFY(q == expected);
        const Value hist =
            histogram(Eigen::Map<const Vector>(v.data(), static_cast<Eigen::Index>(v.size())), 30);
        const Table& h = hist.asTable();
        QVERIFY2(counts == h.data[2].asVector(),
                 (std::to_string(v.size()) + " values, " + std::to_string(threads) + " threads")
                     .c_str());
      }
    }
  }

  void monteCarloIsTheSameForAnyThreadCount() {
    for (const char* extra :
         {R"(,"n":10123,"seed":4)", R"(,"n":9000,"seed":4,"sampling":"lhs")",
          R"(,"n":8200,"seed":2,"correlation":[[1,0.3,0],[0.3,1,0.2],[0,0.2,1]])"}) {
      const auto r1 = run("monte_carlo", mixedParams(extra), 1);
      const auto r2 = run("monte_carlo", mixedParams(extra), 2);
      const auto r3 = run("monte_carlo", mixedParams(extra), 3);
      expectSameOutputs(r1, r2);
      expectSameOutputs(r1, r3);
    }
  }

  void monteCarloSamplesComeFromTheCounterStreams() {
    // Sample (i, j) is input j's quantile of Stream(seed, 1).uniform(i * d + j), as randomUniforms
    // gives it; the values are the expression's at the samples and the statistics those of the
    // values.
    const std::int64_t n = 10000;
    const auto r =
        run("monte_carlo", mixedParams(R"(,"n":10000,"seed":11,"return_samples":true)"), 2);
    const Matrix x = r.out("samples").asMatrix();
    const Vector y = r.out("values").asVector();
    QCOMPARE(x.rows(), Eigen::Index(n));
    const Matrix u = randomUniforms(11, 1, n, 3);
    Distribution da, db, dc;
    da.kind = Distribution::Kind::Uniform, da.p[0] = -1, da.p[1] = 3;
    db.kind = Distribution::Kind::Normal, db.p[0] = 1, db.p[1] = 0.5;
    dc.kind = Distribution::Kind::Beta, dc.p[0] = 2, dc.p[1] = 5, dc.p[2] = 0, dc.p[3] = 1;
    for (Eigen::Index i = 0; i < n; ++i) {
      QCOMPARE(x(i, 0), da.quantile(u(i, 0)));
      QCOMPARE(x(i, 1), db.quantile(u(i, 1)));
      QCOMPARE(x(i, 2), dc.quantile(u(i, 2)));
    }
    const Expression e("a*b + exp(c) - sin(a*c)", {"a", "b", "c"});
    Vector expected(n);
    e.evalMany(x.data(), static_cast<std::size_t>(n), expected.data());
    QVERIFY(y == expected);
    std::vector<double> v(y.data(), y.data() + n);
    const long double mean = exactMean(v), var = exactM2(v) / (n - 1);
    QVERIFY(std::abs(r.out("mean").asDouble() - mean) <= 1e-14 * std::abs(mean));
    QVERIFY(std::abs(r.out("variance").asDouble() - var) <= 1e-13 * var);
    std::vector<double> copy = v;
    double lo = 0, hi = 0;
    QVERIFY(r.out("quantiles").asVector() ==
            quantilesBySelection(copy, r.out("quantile_levels").asVector(), &lo, &hi));
    QCOMPARE(r.out("min").asDouble(), lo);
    QCOMPARE(r.out("max").asDouble(), hi);
    QCOMPARE(r.diagnostics.at("model").asMap().at("evaluations").asInt(), std::int64_t(n));
  }

  void monteCarloFailedSamples() {
    // sqrt of a negative number: the samples with a < 0.5 fail.
    const std::string in = R"([{"name":"a","dist":"uniform","a":0,"b":1}])";
    const std::string drop =
        R"j({"model":"sqrt(a - 0.5)","n":5000,"seed":8,"on_failed_samples":"drop",
                                 "return_samples":true,"inputs":)j" +
        in + "}";
    const auto r1 = run("monte_carlo", drop, 1), r2 = run("monte_carlo", drop, 2);
    expectSameOutputs(r1, r2);
    const Vector a = r1.out("samples").asMatrix().col(0), y = r1.out("values").asVector();
    std::vector<double> finite;
    std::int64_t first_failed = -1;
    for (Eigen::Index i = 0; i < a.size(); ++i) {
      if (a[i] >= 0.5) {
        finite.push_back(y[i]);
      } else {
        QVERIFY(std::isnan(y[i]));
        if (first_failed < 0) first_failed = i;
      }
    }
    QCOMPARE(r1.out("n").asInt(), static_cast<std::int64_t>(finite.size()));
    QCOMPARE(r1.diagnostics.at("failed_samples").asInt(),
             static_cast<std::int64_t>(5000 - finite.size()));
    QCOMPARE(r1.diagnostics.at("failed_sample_indices").asList()[0].asInt(), first_failed);
    QVERIFY(std::abs(r1.out("mean").asDouble() - exactMean(finite)) < 1e-14);
    QVERIFY(r1.warnings().find("dropped") != std::string::npos);
    expectParamError("monte_carlo",
                     R"j({"model":"sqrt(a - 0.5)","n":5000,"seed":8,"inputs":)j" + in + "}",
                     "model", "sample #" + std::to_string(first_failed) + " (a=");
  }
};

SCIAGENTS_TEST_GUILESS_MAIN(TestUqBlocks)

}  // namespace test_uq_blocks
#include "test_uq_blocks.moc"
