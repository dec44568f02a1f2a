// Autosave and crash recovery: an edited document is autosaved (the slot is called directly: no
// timing), the window goes away without its close handler (in-process "crash") or its process is
// killed with SIGKILL, and a new window offers the changes back (the prompt hook answers);
// recovered documents are modified and keep their file path; clean saves and closes leave nothing.
#include "isolated_settings.h"
#include "studio_test_util.h"

#include "core/agent/agent_registry.h"
#include "ui/autosave.h"

#include <QAbstractButton>
#include <QDir>
#include <QFile>
#include <QMessageBox>
#include <QProcess>
#include <QTemporaryDir>
#include <QTimer>
#include <QUndoStack>

#include <cstdio>
#include <memory>

#include "tests/test_main.h"

namespace test_studio_recovery {

using namespace sciagents::ui;
using namespace studio_test;
using nlohmann::json;

namespace {
void setTestIdentity() { studio_test::isolateSettings("test_studio_recovery"); }

// The child process of killedProcessIsRecovered: opens FILE, edits it, autosaves, reports the
// recovery file on stdout and waits to be killed.
int childMain(int argc, char** argv, const QString& file) {
  QApplication app(argc, argv);
  setTestIdentity();
  MainWindow w(sciagents::core::AgentRegistry::builtin());
  if (!w.openFile(file)) return 3;
  w.document()->setParam("decay", "rtol", json(1e-6));
  if (!w.autosave()->autosaveNow()) return 4;
  std::printf("autosaved %s\n", qPrintable(w.autosave()->recoveryPath()));
  std::fflush(stdout);
  return QApplication::exec();
}
}  // namespace

class TestStudioRecovery : public QObject {
  Q_OBJECT

  QTemporaryDir m_tmp;

  QString copyExample() {
    const QString path = m_tmp.filePath("decay.workflow.json");
    QFile::remove(path);
    if (!QFile::copy(MainWindow::examplesDir() + "/ode-decay.workflow.json", path)) return {};
    QFile::setPermissions(path, QFileDevice::ReadOwner | QFileDevice::WriteOwner);
    return path;
  }

  static QStringList recoveryFiles() {
    return QDir(Autosave::recoveryDir()).entryList({"recovery-*.json"}, QDir::Files);
  }

 private slots:
  void initTestCase() {
    setTestIdentity();
    QVERIFY(m_tmp.isValid());
  }

  void init() {
    QDir(Autosave::recoveryDir()).removeRecursively();
    Autosave::setPrompt({});
  }

  void cleanupTestCase() { Autosave::setPrompt({}); }

  void crashedWindowIsRecovered() {
    const QString path = copyExample();
    QVERIFY(!path.isEmpty());
    const QByteArray original = [&] {
      QFile f(path);
      f.open(QIODevice::ReadOnly);
      return f.readAll();
    }();
    json edited;
    {
      auto w = std::make_unique<MainWindow>(sciagents::core::AgentRegistry::builtin());
      QVERIFY(w->openFile(path));
      QVERIFY(!w->autosave()->autosaveNow());  // nothing to save while unmodified
      QVERIFY(recoveryFiles().isEmpty());
      QVERIFY(w->document()->setParam("decay", "rtol", json(1e-6)));
      w->document()->setName("Decay, edited");
      w->document()->moveSteps({{"decay", QPointF(120, 80)}});
      edited = docJson(w->document());
      QSignalSpy saved(w->autosave(), &Autosave::autosaved);
      QVERIFY(w->autosave()->autosaveNow());
      QCOMPARE(saved.count(), 1);
      QVERIFY(!w->autosave()->autosaveNow());  // no change since
      QVERIFY(w->autosave()->hasRecoveryFile());
      QCOMPARE(recoveryFiles().size(), 1);
      QCOMPARE(QFileInfo(w->autosave()->recoveryPath()).permissions() &
                   (QFileDevice::ReadOther | QFileDevice::ReadGroup),
               QFileDevice::Permissions());
      // The "crash": the window goes without its close handler.
    }
    QCOMPARE(recoveryFiles().size(), 1);

    int asked = 0;
    QString asked_path;
    Autosave::setPrompt([&](const Autosave::Recovery& r) {
      ++asked;
      asked_path = r.document_path;
      return true;
    });
    MainWindow w2(sciagents::core::AgentRegistry::builtin());
    QVERIFY(w2.offerRecovery());
    QCOMPARE(asked, 1);
    QCOMPARE(asked_path, QFileInfo(path).absoluteFilePath());
    QCOMPARE(docJson(w2.document()), edited);
    QVERIFY(w2.document()->isModified());
    QVERIFY(w2.isWindowModified());
    QCOMPARE(w2.document()->filePath(), QFileInfo(path).absoluteFilePath());
    QCOMPARE(w2.document()->step("decay")->params["rtol"].get<double>(), 1e-6);
    {  // the file on disk is untouched until the user saves
      QFile f(path);
      QVERIFY(f.open(QIODevice::ReadOnly));
      QCOMPARE(f.readAll(), original);
    }
    // The crashed window's file is gone; the recovered changes are this window's recovery file now.
    QCOMPARE(recoveryFiles(), QStringList{QFileInfo(w2.autosave()->recoveryPath()).fileName()});
    QVERIFY(!w2.offerRecovery());  // nothing else to offer
    QCOMPARE(asked, 1);

    // Saving is a clean state: no recovery file; an edit and an undo back to it clean up too.
    QVERIFY(w2.saveTo(path));
    QVERIFY(recoveryFiles().isEmpty());
    QVERIFY(w2.document()->setParam("decay", "atol", json(1e-9)));
    QVERIFY(w2.autosave()->autosaveNow());
    QCOMPARE(recoveryFiles().size(), 1);
    w2.document()->undoStack()->undo();
    QVERIFY(!w2.document()->isModified());
    QVERIFY(recoveryFiles().isEmpty());
  }

  void discardAnswerDeletesTheChanges() {
    const QString path = copyExample();
    {
      MainWindow w(sciagents::core::AgentRegistry::builtin());
      QVERIFY(w.openFile(path));
      QVERIFY(w.document()->setParam("decay", "rtol", json(1e-7)));
      QVERIFY(w.autosave()->autosaveNow());
    }
    Autosave::setPrompt([](const Autosave::Recovery&) { return false; });
    MainWindow w(sciagents::core::AgentRegistry::builtin());
    QVERIFY(!w.offerRecovery());
    QVERIFY(!w.document()->isModified());
    QVERIFY(w.document()->stepIds().isEmpty());
    QVERIFY(recoveryFiles().isEmpty());
  }

  void untitledDocumentIsRecovered() {
    json edited;
    {
      MainWindow w(sciagents::core::AgentRegistry::builtin());
      w.document()->addStep("integration", "quad", QPointF(10, 20));
      QVERIFY(w.document()->setParam("quad", "f", json("x^2")));
      edited = docJson(w.document());
      QVERIFY(w.autosave()->autosaveNow());
    }
    Autosave::setPrompt([](const Autosave::Recovery& r) { return r.document_path.isEmpty(); });
    MainWindow w(sciagents::core::AgentRegistry::builtin());
    QVERIFY(w.offerRecovery());
    QCOMPARE(docJson(w.document()), edited);
    QVERIFY(w.document()->isModified());
    QVERIFY(w.document()->filePath().isEmpty());
  }

  void staleRecoveryIsNotOffered() {
    const QString path = copyExample();
    {
      MainWindow w(sciagents::core::AgentRegistry::builtin());
      QVERIFY(w.openFile(path));
      QVERIFY(w.document()->setParam("decay", "rtol", json(1e-7)));
      QVERIFY(w.autosave()->autosaveNow());
    }
    // The document was saved (by another Studio, or by hand) after the autosave.
    QFile f(path);
    QVERIFY(f.open(QIODevice::ReadWrite));
    QVERIFY(f.setFileTime(QDateTime::currentDateTime().addSecs(3600),
                          QFileDevice::FileModificationTime));
    f.close();
    int asked = 0;
    Autosave::setPrompt([&](const Autosave::Recovery&) { return ++asked > 0; });
    MainWindow w(sciagents::core::AgentRegistry::builtin());
    QVERIFY(!w.offerRecovery());
    QCOMPARE(asked, 0);
    QVERIFY(recoveryFiles().isEmpty());
  }

  void liveWindowsAreNotOrphans() {
    MainWindow a(sciagents::core::AgentRegistry::builtin());
    QVERIFY(a.document()->addStep("integration", "quad", QPointF()).size() > 0);
    QVERIFY(a.autosave()->autosaveNow());
    MainWindow b(sciagents::core::AgentRegistry::builtin());
    QVERIFY(!b.offerRecovery());  // a is still running
    QVERIFY(a.autosave()->hasRecoveryFile());
    a.autosave()->discard();
  }

  void cleanCloseLeavesNoRecoveryFile() {
    const QString path = copyExample();
    MainWindow w(sciagents::core::AgentRegistry::builtin());
    w.show();
    QVERIFY(QTest::qWaitForWindowExposed(&w));
    QVERIFY(w.openFile(path));
    QVERIFY(w.document()->setParam("decay", "rtol", json(1e-7)));
    QVERIFY(w.autosave()->autosaveNow());
    QCOMPARE(recoveryFiles().size(), 1);
    // Close; the "unsaved changes" question is answered with Discard.
    bool answered = false;
    QTimer::singleShot(0, this, [&] {
      auto* box = qobject_cast<QMessageBox*>(QApplication::activeModalWidget());
      if (!box) return;
      answered = true;
      box->button(QMessageBox::Discard)->click();
    });
    QVERIFY(w.close());
    QVERIFY(answered);
    QVERIFY(recoveryFiles().isEmpty());
  }

  void killedProcessIsRecovered() {
    const QString path = copyExample();
    QProcess child;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert("SCIAGENTS_RECOVERY_CHILD", path);
    env.insert("QT_QPA_PLATFORM", "offscreen");
    child.setProcessEnvironment(env);
    child.start(QCoreApplication::applicationFilePath(), {sciagents::test::currentTestName()});
    QVERIFY(child.waitForStarted(10000));
    QByteArray out;
    while (!out.contains('\n') && child.waitForReadyRead(20000))
      out += child.readAllStandardOutput();
    QVERIFY2(out.startsWith("autosaved "), out.constData());
    MainWindow w(sciagents::core::AgentRegistry::builtin());
    QVERIFY(!w.offerRecovery());  // the child is alive: its changes are not orphans yet
    child.kill();                 // SIGKILL: no destructor, no close handler
    QVERIFY(child.waitForFinished(10000));
    QCOMPARE(child.exitStatus(), QProcess::CrashExit);
    QVERIFY(QFileInfo::exists(QString::fromUtf8(out.mid(10).trimmed())));
    Autosave::setPrompt([](const Autosave::Recovery&) { return true; });
    QVERIFY(w.offerRecovery());
    QCOMPARE(w.document()->step("decay")->params["rtol"].get<double>(), 1e-6);
    QCOMPARE(w.document()->filePath(), QFileInfo(path).absoluteFilePath());
    QVERIFY(w.document()->isModified());
  }
};

// The test, or with SCIAGENTS_RECOVERY_CHILD the child it kills.
int testMain(int argc, char** argv) {
  if (const QString child = qEnvironmentVariable("SCIAGENTS_RECOVERY_CHILD"); !child.isEmpty())
    return childMain(argc, argv, child);
  QApplication app(argc, argv);
  app.setAttribute(Qt::AA_Use96Dpi, true);
  TestStudioRecovery t;
  QTEST_SET_MAIN_SOURCE_PATH
  return QTest::qExec(&t, argc, argv);
}
[[maybe_unused]] const bool registered = sciagents::test::registerTest(__FILE__, testMain);

}  // namespace test_studio_recovery

#include "test_studio_recovery.moc"
