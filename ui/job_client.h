// The HTTP pieces Studio's server clients share (RemoteTarget, JobBrowser): a request to the
// configured server (URL base path kept, Bearer token, JSON content type, no transfer timeout)
// and the one-line description of a failed reply ("HTTP 401 unauthorized: …", or the network
// error when there is no HTTP status).
#pragma once

#include "ui/remote_settings.h"

#include <QNetworkRequest>
#include <QString>

class QNetworkReply;

namespace sciagents::ui {

// `path` starts with '/' ("/v1/jobs"); it may carry a query ("/v1/jobs?limit=10").
QNetworkRequest serverRequest(const RemoteSettings& settings, const QString& path);
// Reads the reply's body (the server's {"error", "message"} document).
QString serverReplyError(QNetworkReply* reply);
// The HTTP status of a finished reply, 0 when none came (unreachable, aborted).
int serverReplyStatus(QNetworkReply* reply);

}  // namespace sciagents::ui
