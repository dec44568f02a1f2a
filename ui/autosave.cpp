#include "ui/autosave.h"

#include "ui/workflow_document.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QMessageBox>
#include <QPushButton>
#include <QSaveFile>
#include <QSet>
#include <QStandardPaths>
#include <QTimer>

#include <nlohmann/json.hpp>

#ifdef Q_OS_UNIX
#include <cerrno>
#include <csignal>
#endif

namespace sciagents::ui {

using nlohmann::json;

namespace {
constexpr int kFormat = 1;

// Recovery files owned by live Autosave objects of this process.
QSet<QString>& liveFiles() {
  static QSet<QString> files;
  return files;
}

Autosave::Prompt& promptHook() {
  static Autosave::Prompt prompt;
  return prompt;
}

bool processAlive(qint64 pid) {
#ifdef Q_OS_UNIX
  if (pid <= 0) return false;
  return ::kill(static_cast<pid_t>(pid), 0) == 0 || errno == EPERM;
#else
  Q_UNUSED(pid);
  return false;
#endif
}

std::optional<Autosave::Recovery> readRecovery(const QString& path, qint64* pid) {
  QFile f(path);
  if (!f.open(QIODevice::ReadOnly)) return std::nullopt;
  const QByteArray data = f.readAll();
  const json j = json::parse(data.constData(), data.constData() + data.size(), nullptr, false);
  if (j.is_discarded() || !j.is_object() || j.value("sciagents_recovery", 0) != kFormat ||
      !j.contains("workflow"))
    return std::nullopt;
  Autosave::Recovery r;
  r.recovery_path = path;
  r.document_path = QString::fromStdString(j.value("path", std::string()));
  r.saved_at = QFileInfo(path).lastModified();
  *pid = j.value("pid", qint64(0));
  try {
    r.file = core::parseWorkflowFile(j["workflow"].dump());
  } catch (const std::exception&) {
    return std::nullopt;
  }
  r.title = QString::fromStdString(r.file.workflow.name);
  return r;
}
}  // namespace

QString Autosave::recoveryDir() {
  return QDir(QStandardPaths::writableLocation(QStandardPaths::AppDataLocation))
      .filePath(QStringLiteral("recovery"));
}

Autosave::Autosave(WorkflowDocument* doc, QObject* parent)
    : QObject(parent), m_doc(doc), m_timer(new QTimer(this)) {
  static int sequence = 0;
  m_path = QDir(recoveryDir())
               .filePath(QStringLiteral("recovery-%1-%2.json")
                             .arg(QCoreApplication::applicationPid())
                             .arg(++sequence));
  liveFiles().insert(m_path);
  connect(doc, &WorkflowDocument::changed, this, [this] { ++m_generation; });
  connect(doc, &WorkflowDocument::documentReset, this, &Autosave::discard);
  connect(doc, &WorkflowDocument::modifiedChanged, this, [this](bool modified) {
    if (!modified) discard();  // saved, or undone back to the saved state
  });
  m_timer->setInterval(kIntervalMs);
  connect(m_timer, &QTimer::timeout, this, &Autosave::autosaveNow);
  m_timer->start();
}

Autosave::~Autosave() { liveFiles().remove(m_path); }

void Autosave::setInterval(int ms) { m_timer->setInterval(ms); }

bool Autosave::hasRecoveryFile() const { return QFileInfo::exists(m_path); }

bool Autosave::autosaveNow() {
  if (!m_doc->isModified()) return false;
  if (m_generation == m_saved_generation && hasRecoveryFile()) return false;
  QDir().mkpath(recoveryDir());
  json envelope = {{"sciagents_recovery", kFormat},
                   {"path", m_doc->filePath().toStdString()},
                   {"pid", QCoreApplication::applicationPid()},
                   {"workflow", json::parse(m_doc->toJsonText().toStdString())}};
  QSaveFile f(m_path);
  if (!f.open(QIODevice::WriteOnly)) return false;
  f.setPermissions(QFileDevice::ReadOwner |
                   QFileDevice::WriteOwner);  // the temporary file, before any data
  f.write(QByteArray::fromStdString(envelope.dump(1)));
  if (!f.commit()) return false;
  m_saved_generation = m_generation;
  emit autosaved(m_path);
  return true;
}

void Autosave::discard() {
  QFile::remove(m_path);
  m_saved_generation = m_generation;
}

std::optional<Autosave::Recovery> Autosave::findOrphan() {
  const QDir dir(recoveryDir());
  std::optional<Recovery> best;
  const qint64 me = QCoreApplication::applicationPid();
  for (const QFileInfo& fi :
       dir.entryInfoList({QStringLiteral("recovery-*.json")}, QDir::Files, QDir::Time)) {
    const QString path = fi.absoluteFilePath();
    if (liveFiles().contains(path)) continue;
    qint64 pid = 0;
    auto r = readRecovery(path, &pid);
    if (!r) continue;  // not ours, or half-written by a different version: leave it
    if (pid != me && processAlive(pid)) continue;  // another Studio that is still running
    // Stale: the document was saved after the recovery file was written.
    if (!r->document_path.isEmpty() && QFileInfo::exists(r->document_path) &&
        QFileInfo(r->document_path).lastModified() > r->saved_at) {
      QFile::remove(path);
      continue;
    }
    if (!best) best = std::move(r);  // entries are newest first
  }
  return best;
}

void Autosave::recover(const Recovery& r) {
  m_doc->setRecovered(r.file, r.document_path);
  autosaveNow();  // the recovered changes are ours now
  QFile::remove(r.recovery_path);
}

void Autosave::discardRecovery(const Recovery& r) { QFile::remove(r.recovery_path); }

void Autosave::setPrompt(Prompt prompt) { promptHook() = std::move(prompt); }

bool Autosave::ask(const Recovery& r, QWidget* parent) {
  if (promptHook()) return promptHook()(r);
  const QString name = r.document_path.isEmpty() ? r.title : QFileInfo(r.document_path).fileName();
  QMessageBox box(
      QMessageBox::Warning, QObject::tr("Recover unsaved changes?"),
      QObject::tr("SciAgents Studio did not close cleanly. Unsaved changes to “%1” were kept "
                  "(autosaved %2).")
          .arg(name, QLocale().toString(r.saved_at, QLocale::ShortFormat)),
      QMessageBox::NoButton, parent);
  QPushButton* recover = box.addButton(QObject::tr("&Recover"), QMessageBox::AcceptRole);
  box.addButton(QObject::tr("&Discard"), QMessageBox::DestructiveRole);
  box.setDefaultButton(recover);
  box.setInformativeText(
      QObject::tr("Recover opens them as unsaved changes; Discard deletes them."));
  box.exec();
  return box.clickedButton() == recover;
}

}  // namespace sciagents::ui
