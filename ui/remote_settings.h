// Connection settings of the remote server target: the URL (QSettings) and the API token, kept
// in its own file readable by the owner only (0600) under QStandardPaths::AppConfigLocation, and
// the options of the "Slurm (through server)" target (QSettings, group remote/slurm).
#pragma once

#include <QString>
#include <QUrl>

namespace sciagents::ui {

// Per-job Slurm options sent with POST /v1/jobs ("slurm" member, docs/slurm.md). Empty strings and
// zeros are left out of the request, so the server's --slurm-* defaults apply.
struct RemoteSlurmOptions {
  QString partition;
  QString account;
  int tasks = 0;           // array tasks
  int time_limit_min = 0;  // wall-time limit per array task
  int cpus = 0;            // CPUs per array task
  int mem_mb = 0;

  bool operator==(const RemoteSlurmOptions&) const = default;
};

struct RemoteSettings {
  QUrl url;
  QString token;
  RemoteSlurmOptions slurm{};

  static QString tokenFilePath();
  static RemoteSettings load();
  // Writes the URL and the Slurm options to QSettings and the token file with owner-only
  // permissions; false with `error` when the file cannot be written.
  bool save(QString* error = nullptr) const;
};

}  // namespace sciagents::ui
