#include "ui/feedback/feedback_delivery.h"

#include "core/store/feedback_outbox.h"

#include <QNetworkReply>
#include <QNetworkRequest>

#include <algorithm>

namespace sciagents::ui {

FeedbackDelivery::FeedbackDelivery(core::store::FeedbackOutbox* outbox, QObject* parent)
    : QObject(parent), m_outbox(outbox) {
  m_timer.setSingleShot(true);
  connect(&m_timer, &QTimer::timeout, this, &FeedbackDelivery::flush);
}

void FeedbackDelivery::setServer(const QUrl& url, const QString& token) {
  m_url = url;
  m_token = token;
}

void FeedbackDelivery::flush() {
  if (busy()) return;  // a pass is running; it re-arms the timer when it ends
  m_delivered = m_failed = 0;
  if (!m_url.isValid() || m_url.isEmpty()) {
    emit flushFinished(0, 0);
    return;
  }
  for (const auto& item : m_outbox->due(1000)) m_queue.push_back(item.id);
  sendNext();
}

void FeedbackDelivery::sendNext() {
  while (!m_queue.empty()) {
    const std::string id = m_queue.front();
    m_queue.pop_front();
    const auto item = m_outbox->get(id);
    if (!item || item->delivered_us || item->rejected) continue;  // deleted or done meanwhile
    QUrl url = m_url;
    QString path = url.path();
    if (path.endsWith('/')) path.chop(1);
    url.setPath(path + QStringLiteral("/v1/feedback"));
    QNetworkRequest req(url);
    req.setHeader(QNetworkRequest::ContentTypeHeader, QStringLiteral("application/json"));
    req.setRawHeader("Authorization", "Bearer " + m_token.toUtf8());
    req.setTransferTimeout(30000);
    m_reply = m_net.post(req, QByteArray::fromStdString(item->body));
    QNetworkReply* reply = m_reply;
    connect(reply, &QNetworkReply::finished, this, [this, reply, id] { onReply(reply, id); });
    return;
  }
  scheduleNext();
  emit flushFinished(m_delivered, m_failed);
}

void FeedbackDelivery::onReply(QNetworkReply* reply, const std::string& id) {
  m_reply = nullptr;
  reply->deleteLater();
  const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
  const QByteArray body = reply->readAll();
  if (status == 200 || status == 201) {
    m_outbox->markDelivered(id);
    ++m_delivered;
  } else if (status == 400 || status == 409 || status == 413 || status == 415) {
    // The server will never take this content: keep it visible, stop retrying.
    m_outbox->markRejected(id, std::to_string(status) + ": " + body.left(500).toStdString());
    ++m_failed;
  } else {
    const std::string why = status ? std::to_string(status) + ": " + body.left(300).toStdString()
                                   : reply->errorString().toStdString();
    m_outbox->markFailed(id, why);
    ++m_failed;
  }
  sendNext();
}

void FeedbackDelivery::scheduleNext() {
  const auto next = m_outbox->nextDue();
  if (!next || !m_url.isValid() || m_url.isEmpty()) {
    m_timer.stop();
    return;
  }
  const std::int64_t wait_ms =
      std::clamp<std::int64_t>((*next - m_outbox->now()) / 1000, 1000, 6LL * 3600 * 1000);
  m_timer.start(static_cast<int>(wait_ms));
}

}  // namespace sciagents::ui
