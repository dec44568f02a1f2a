#include "ui/remote_settings.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QObject>
#include <QSettings>
#include <QStandardPaths>

namespace sciagents::ui {

namespace {
constexpr auto kOwnerOnly = QFileDevice::ReadOwner | QFileDevice::WriteOwner;
}

QString RemoteSettings::tokenFilePath() {
  return QDir(QStandardPaths::writableLocation(QStandardPaths::AppConfigLocation)).filePath(QStringLiteral("remote-token"));
}

RemoteSettings RemoteSettings::load() {
  RemoteSettings s;
  s.url = QUrl(QSettings().value(QStringLiteral("remote/url")).toString());
  QFile f(tokenFilePath());
  if (f.open(QIODevice::ReadOnly)) s.token = QString::fromUtf8(f.readAll()).trimmed();
  return s;
}

bool RemoteSettings::save(QString* error) const {
  QSettings().setValue(QStringLiteral("remote/url"), url.toString());
  const QString path = tokenFilePath();
  QDir().mkpath(QFileInfo(path).absolutePath());
  QFile f(path);
  // Restrict an existing file before writing the secret into it; new files are created 0600.
  if (f.exists() && !f.setPermissions(kOwnerOnly)) {
    if (error) *error = QObject::tr("Cannot restrict %1: %2").arg(path, f.errorString());
    return false;
  }
  if (!f.open(QIODevice::WriteOnly | QIODevice::Truncate, kOwnerOnly)) {
    if (error) *error = QObject::tr("Cannot write %1: %2").arg(path, f.errorString());
    return false;
  }
  f.write(token.trimmed().toUtf8());
  f.write("\n");
  f.close();
  f.setPermissions(kOwnerOnly);  // umask cannot widen it, but be explicit
  return true;
}

}  // namespace sciagents::ui
