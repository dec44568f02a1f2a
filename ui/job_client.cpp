#include "ui/job_client.h"

#include "ui/qt_convert.h"

#include <QNetworkReply>

#include <nlohmann/json.hpp>

namespace sciagents::ui {

QNetworkRequest serverRequest(const RemoteSettings& settings, const QString& path) {
  QUrl url = settings.url;
  QString base = url.path();
  while (base.endsWith(QLatin1Char('/'))) base.chop(1);
  const qsizetype q = path.indexOf(QLatin1Char('?'));
  url.setPath(base + (q < 0 ? path : path.left(q)));
  if (q >= 0) url.setQuery(path.mid(q + 1));
  QNetworkRequest r(url);
  if (!settings.token.isEmpty())
    r.setRawHeader("Authorization", "Bearer " + settings.token.toUtf8());
  r.setHeader(QNetworkRequest::ContentTypeHeader, QStringLiteral("application/json"));
  r.setTransferTimeout(0);
  return r;
}

int serverReplyStatus(QNetworkReply* reply) {
  return reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
}

QString serverReplyError(QNetworkReply* reply) {
  const int status = serverReplyStatus(reply);
  const auto j = parseJson(reply->readAll());
  QString msg = status ? QStringLiteral("HTTP %1").arg(status) : reply->errorString();
  if (!jsonString(j, "error").isEmpty()) msg += QLatin1Char(' ') + jsonString(j, "error");
  if (!jsonString(j, "message").isEmpty()) msg += QStringLiteral(": ") + jsonString(j, "message");
  return msg;
}

}  // namespace sciagents::ui
