// Remote server connection settings: URL and token, "Test connection" (GET /readyz, then
// /v1/agents with the token; shows the server's version and Studio's, both on a mismatch).
// Accepting saves them (token file 0600, see RemoteSettings).
#pragma once

#include "ui/remote_settings.h"

#include <QDialog>

class QLabel;
class QLineEdit;
class QPushButton;

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

 public slots:
  void testConnection();
  void accept() override;

 private:
  QLineEdit* m_url;
  QLineEdit* m_token;
  QPushButton* m_test;
  QLabel* m_status;
  RemoteTarget* m_probe;
};

}  // namespace sciagents::ui
