// Sends the outbox to the configured server's POST /v1/feedback, one request at a time, without
// blocking the GUI thread (QNetworkAccessManager). 200/201 mark an item delivered (the server
// deduplicates by response id, so a retry after a lost reply is harmless); a refusal of the
// content (400, 409, 413, 415) marks it rejected; anything else (no network, 401/403, 429, 5xx)
// schedules a retry with exponential back-off and jitter (FeedbackOutbox::markFailed).
#pragma once

#include <QNetworkAccessManager>
#include <QObject>
#include <QTimer>
#include <QUrl>

#include <deque>
#include <string>

namespace sciagents::core::store {
class FeedbackOutbox;
}

class QNetworkReply;

namespace sciagents::ui {

class FeedbackDelivery final : public QObject {
  Q_OBJECT
 public:
  explicit FeedbackDelivery(core::store::FeedbackOutbox* outbox, QObject* parent = nullptr);

  // The server (base URL, e.g. http://127.0.0.1:8080) and its bearer token. Empty URL: hold.
  void setServer(const QUrl& url, const QString& token);
  QUrl server() const { return m_url; }
  bool busy() const { return m_reply != nullptr || !m_queue.empty(); }

 public slots:
  // Sends every item that is due; then arms a timer for the next due item.
  void flush();

 signals:
  void flushFinished(int delivered, int failed);

 private:
  void sendNext();
  void onReply(QNetworkReply* reply, const std::string& id);
  void scheduleNext();

  core::store::FeedbackOutbox* m_outbox;
  QNetworkAccessManager m_net;
  QTimer m_timer;
  QUrl m_url;
  QString m_token;
  std::deque<std::string> m_queue;  // ids of this pass
  QNetworkReply* m_reply = nullptr;
  int m_delivered = 0;
  int m_failed = 0;
};

}  // namespace sciagents::ui
