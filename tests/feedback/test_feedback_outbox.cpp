// core/store/feedback_outbox: durable enqueue, due/pending listings, delivery marks, exponential
// back-off with jitter (deterministic under an injected clock and seed), persistence across
// reopening, delete of pending items by kind.
#include "core/store/feedback_outbox.h"
#include "core/util/error.h"

#include <QTemporaryDir>
#include <QtTest>

#include "tests/test_main.h"

namespace test_feedback_outbox {

using namespace sciagents::core::store;

class TestFeedbackOutbox : public QObject {
  Q_OBJECT

  QTemporaryDir m_dir;
  std::int64_t m_now = 1'000'000'000;
  std::filesystem::path file(const char* name) { return m_dir.filePath(name).toStdString(); }
  FeedbackOutbox::Clock clock() {
    return [this] { return m_now; };
  }

 private slots:
  void enqueueListDeliver() {
    FeedbackOutbox box(file("a.db"), clock(), 1);
    QVERIFY(box.enqueue("r1", OutboxKind::Response, R"({"a":1})"));
    m_now += 10;
    QVERIFY(box.enqueue("e1", OutboxKind::Analytics, R"({"b":2})"));
    QVERIFY(!box.enqueue("r1", OutboxKind::Response, R"({"a":1})"));  // same id: no second copy
    auto due = box.due();
    QCOMPARE(due.size(), std::size_t(2));
    QCOMPARE(due[0].id, std::string("r1"));  // oldest first
    QCOMPARE(due[0].body, std::string(R"({"a":1})"));
    QCOMPARE(due[1].kind, OutboxKind::Analytics);
    box.markDelivered("r1");
    QCOMPARE(box.pending().size(), std::size_t(1));
    QCOMPARE(box.get("r1")->delivered_us.value(), m_now);
    QVERIFY_THROWS_EXCEPTION(sciagents::core::Error, box.enqueue("", OutboxKind::Response, "{}"));
  }

  void backoffIsExponentialWithBoundedJitter() {
    RetryPolicy p;
    p.base_us = 1000;
    p.max_us = 20000;
    p.jitter = 0.5;
    FeedbackOutbox a(file("b.db"), clock(), 42, p);
    FeedbackOutbox b(file("b2.db"), clock(), 42, p);
    std::vector<std::int64_t> da, db;
    for (int n = 1; n <= 8; ++n) da.push_back(a.backoffDelay(n)), db.push_back(b.backoffDelay(n));
    QCOMPARE(da, db);  // same seed, same schedule
    for (int n = 1; n <= 8; ++n) {
      const double full = std::min(20000.0, 1000.0 * std::pow(2.0, n - 1));
      QVERIFY2(da[n - 1] >= 0.5 * full - 1 && da[n - 1] <= full,
               qPrintable(QString::number(da[n - 1])));
    }
    FeedbackOutbox c(file("b3.db"), clock(), 43, p);
    std::vector<std::int64_t> dc;
    for (int n = 1; n <= 8; ++n) dc.push_back(c.backoffDelay(n));
    QVERIFY(dc != da);  // jitter really depends on the seed
  }

  void failedItemsWaitForTheirNextAttempt() {
    RetryPolicy p;
    p.base_us = 1000;
    p.jitter = 0.0;  // exact delays: 1000, 2000, 4000 ...
    FeedbackOutbox box(file("c.db"), clock(), 7, p);
    box.enqueue("r", OutboxKind::Response, "{}");
    QCOMPARE(box.markFailed("r", "connection refused"), std::int64_t(1000));
    QCOMPARE(box.due().size(), std::size_t(0));
    QCOMPARE(box.nextDue().value(), m_now + 1000);
    m_now += 999;
    QCOMPARE(box.due().size(), std::size_t(0));
    m_now += 1;
    QCOMPARE(box.due().size(), std::size_t(1));
    QCOMPARE(box.markFailed("r", "timeout"), std::int64_t(2000));
    QCOMPARE(box.markFailed("r", "timeout"), std::int64_t(4000));
    const auto item = box.get("r");
    QCOMPARE(item->attempts, 3);
    QCOMPARE(item->last_error, std::string("timeout"));
    box.markRejected("r", "400: bad");
    m_now += 1'000'000'000;
    QCOMPARE(box.due().size(), std::size_t(0));      // rejected: never retried
    QCOMPARE(box.pending().size(), std::size_t(1));  // but still shown
    QVERIFY(!box.nextDue().has_value());
  }

  void survivesReopening() {
    const auto f = file("d.db");
    {
      FeedbackOutbox box(f, clock(), 1);
      for (int i = 0; i < 5; ++i) box.enqueue("id" + std::to_string(i), OutboxKind::Response, "{}");
      box.markDelivered("id0");
      box.markFailed("id1", "down");
    }
    FeedbackOutbox box(f, clock(), 1);
    const auto p = box.pending();
    QCOMPARE(p.size(), std::size_t(4));
    QCOMPARE(p[0].id, std::string("id1"));
    QCOMPARE(p[0].attempts, 1);
  }

  void removePendingByKind() {
    FeedbackOutbox box(file("e.db"), clock(), 1);
    box.enqueue("r1", OutboxKind::Response, "{}");
    box.enqueue("r2", OutboxKind::Response, "{}");
    box.enqueue("e1", OutboxKind::Analytics, "{}");
    box.enqueue("e2", OutboxKind::Analytics, "{}");
    box.markDelivered("e2");
    QCOMPARE(box.removePending(OutboxKind::Analytics), std::size_t(1));
    QCOMPARE(box.pending().size(), std::size_t(2));
    QCOMPARE(box.removePending(OutboxKind::Response), std::size_t(2));
    QCOMPARE(box.pending().size(), std::size_t(0));
  }
};

SCIAGENTS_TEST_GUILESS_MAIN(TestFeedbackOutbox)

}  // namespace test_feedback_outbox
#include "test_feedback_outbox.moc"
