// Connection settings of the remote server target: the URL (QSettings) and the API token, kept
// in its own file readable by the owner only (0600) under QStandardPaths::AppConfigLocation.
#pragma once

#include <QString>
#include <QUrl>

namespace sciagents::ui {

struct RemoteSettings {
  QUrl url;
  QString token;

  static QString tokenFilePath();
  static RemoteSettings load();
  // Writes the URL to QSettings and the token file with owner-only permissions; false with
  // `error` when the file cannot be written.
  bool save(QString* error = nullptr) const;
};

}  // namespace sciagents::ui
