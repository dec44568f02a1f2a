// Autosave and crash recovery for one WorkflowDocument. While the document has unsaved changes,
// autosaveNow() (every kIntervalMs by a timer, or called directly) writes it atomically to a
// recovery file in the application data folder (QStandardPaths::AppDataLocation/recovery), together
// with the document's file path. Saving, loading another document, undoing back to the saved state
// or discard() (a clean close) removes the file; a crash leaves it behind. At the next start,
// findOrphan() returns a recovery file that no live Studio owns and that is newer than the file it
// belongs to, and recover() puts it into a document as unsaved changes to that same file.
#pragma once

#include "core/workflow/workflow_json.h"

#include <QDateTime>
#include <QObject>
#include <QString>

#include <functional>
#include <optional>

class QTimer;

namespace sciagents::ui {

class WorkflowDocument;

class Autosave final : public QObject {
  Q_OBJECT
 public:
  static constexpr int kIntervalMs = 60 * 1000;

  // One recovery file found at start.
  struct Recovery {
    QString recovery_path;  // the file in the recovery folder
    QString document_path;  // the workflow file it belongs to ("" for an untitled document)
    QString title;          // the workflow's name
    QDateTime saved_at;     // when it was autosaved
    core::WorkflowFile file;
  };
  // Asked whether to recover (true) or discard (false). The default shows a message box; tests
  // install their own answer.
  using Prompt = std::function<bool(const Recovery&)>;

  explicit Autosave(WorkflowDocument* doc, QObject* parent = nullptr);
  ~Autosave() override;  // keeps the file: only discard() or a save removes it

  static QString recoveryDir();
  QString recoveryPath() const { return m_path; }
  bool hasRecoveryFile() const;
  void setInterval(int ms);

  // The newest recovery file left by a Studio that ended without closing cleanly, if it is newer
  // than the document file it belongs to (older ones are stale and removed).
  static std::optional<Recovery> findOrphan();
  // Loads `r` into the document (modified, with r.document_path as its path) and removes r's file.
  void recover(const Recovery& r);
  static void discardRecovery(const Recovery& r);

  static void setPrompt(Prompt prompt);  // empty: back to the message box
  static bool ask(const Recovery& r, QWidget* parent);

 public slots:
  bool autosaveNow();  // writes the recovery file if there are unsaved changes since the last one
  void discard();      // removes this document's recovery file (clean save, close or discard)

 signals:
  void autosaved(const QString& path);

 private:
  WorkflowDocument* m_doc;
  QTimer* m_timer;
  QString m_path;
  quint64 m_generation = 0;  // edits since the document was opened
  quint64 m_saved_generation = 0;
};

}  // namespace sciagents::ui
