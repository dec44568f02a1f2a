// Remote server connection settings: URL and token, "Test connection" (GET /readyz, then
// /v1/agents with the token; shows the server's version and Studio's, both on a mismatch).
// A "Slurm" section holds the options of the "Slurm (through server)" target (partition, account,
// array tasks, time limit, CPUs and memory per task; empty/0 = the server's default).
// Accepting saves them (token file 0600, see RemoteSettings).
#pragma once

#include "ui/remote_settings.h"

#include <QDialog>

class QLabel;
class QLineEdit;
class QPushButton;
class QSpinBox;

namespace sciagents::ui {

class RemoteTarget;

class ConnectionDialog final : public QDialog {
  Q_OBJECT
 public:
  explicit ConnectionDialog(const RemoteSettings& settings, QWidget* parent = nullptr);

  RemoteSettings settings() const;
  QLineEdit* urlEdit() const { return m_url; }
  QLineEdit* tokenEdit() const { return m_token; }
  QPushButton* testButton() const { return m_test; }
  QLabel* statusLabel() const { return m_status; }
  QLineEdit* slurmPartitionEdit() const { return m_partition; }
  QLineEdit* slurmAccountEdit() const { return m_account; }
  QSpinBox* slurmTasksBox() const { return m_tasks; }
  QSpinBox* slurmTimeLimitBox() const { return m_time_limit; }
  QSpinBox* slurmCpusBox() const { return m_cpus; }
  QSpinBox* slurmMemBox() const { return m_mem; }

 public slots:
  void testConnection();
  void accept() override;

 private:
  QLineEdit* m_url;
  QLineEdit* m_token;
  QPushButton* m_test;
  QLabel* m_status;
  QLineEdit* m_partition;
  QLineEdit* m_account;
  QSpinBox* m_tasks;
  QSpinBox* m_time_limit;
  QSpinBox* m_cpus;
  QSpinBox* m_mem;
  RemoteTarget* m_probe;
};

}  // namespace sciagents::ui
