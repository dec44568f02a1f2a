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
  return QDir(QStandardPaths::writableLocation(QStandardPaths::AppConfigLocation))
      .filePath(QStringLiteral("remote-token"));
}

RemoteSettings RemoteSettings::load() {
  RemoteSettings s;
  QSettings q;
  s.url = QUrl(q.value(QStringLiteral("remote/url")).toString());
  s.slurm.partition = q.value(QStringLiteral("remote/slurm/partition")).toString();
  s.slurm.account = q.value(QStringLiteral("remote/slurm/account")).toString();
  s.slurm.tasks = q.value(QStringLiteral("remote/slurm/tasks"), 0).toInt();
  s.slurm.time_limit_min = q.value(QStringLiteral("remote/slurm/time_limit_min"), 0).toInt();
  s.slurm.cpus = q.value(QStringLiteral("remote/slurm/cpus"), 0).toInt();
  s.slurm.mem_mb = q.value(QStringLiteral("remote/slurm/mem_mb"), 0).toInt();
  QFile f(tokenFilePath());
  if (f.open(QIODevice::ReadOnly)) s.token = QString::fromUtf8(f.readAll()).trimmed();
  return s;
}

bool RemoteSettings::save(QString* error) const {
  QSettings q;
  q.setValue(QStringLiteral("remote/url"), url.toString());
  q.setValue(QStringLiteral("remote/slurm/partition"), slurm.partition);
  q.setValue(QStringLiteral("remote/slurm/account"), slurm.account);
  q.setValue(QStringLiteral("remote/slurm/tasks"), slurm.tasks);
  q.setValue(QStringLiteral("remote/slurm/time_limit_min"), slurm.time_limit_min);
  q.setValue(QStringLiteral("remote/slurm/cpus"), slurm.cpus);
  q.setValue(QStringLiteral("remote/slurm/mem_mb"), slurm.mem_mb);
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
