// File ▸ Export as Python… (issue 20, item 2): the action's save dialog proposes <workflow>.py next
// to the workflow file, the script written is the open document's workflow (edits included) as
// core/workflow/python_export.h writes it (the same text as `sciagents export-python` for a saved
// file) and is valid Python; a file that cannot be written gets an error dialog naming it. The
// dialogs are answered by a timer polling for the modal widget, as the other Studio tests do.
#include "isolated_settings.h"

#include "core/agent/agent_registry.h"
#include "core/workflow/python_export.h"
#include "ui/main_window.h"
#include "ui/workflow_document.h"

#include <QAction>
#include <QApplication>
#include <QDir>
#include <QFile>
#include <QFileDialog>
#include <QFileInfo>
#include <QLineEdit>
#include <QMessageBox>
#include <QProcess>
#include <QTemporaryDir>
#include <QTimer>
#include <QtTest/QtTest>

#include <memory>

#include "tests/test_main.h"

namespace test_export_python {

using namespace sciagents::ui;
using nlohmann::json;

namespace {

QString readAll(const QString& path) {
  QFile f(path);
  return f.open(QIODevice::ReadOnly) ? QString::fromUtf8(f.readAll()) : QString();
}

// Answers the next modal QFileDialog with `path` (after recording the file it proposed), once.
void answerNextFileDialog(const QString& path, QString* proposed) {
  auto* poll = new QTimer(qApp);
  QObject::connect(poll, &QTimer::timeout, poll, [poll, path, proposed] {
    auto* d = qobject_cast<QFileDialog*>(QApplication::activeModalWidget());
    if (!d || !d->isVisible()) return;
    poll->stop();
    poll->deleteLater();
    const QStringList selected = d->selectedFiles();
    *proposed = selected.isEmpty() ? QString() : selected.first();
    d->selectFile(path);
    // selectFile() ignores a folder that does not exist: type the name as a user would.
    if (d->selectedFiles() != QStringList{path})
      if (auto* edit = d->findChild<QLineEdit*>(QStringLiteral("fileNameEdit")))
        edit->setText(path);
    static_cast<QDialog*>(d)->accept();  // QFileDialog::accept, protected there
  });
  poll->start(20);
}

// Closes the next modal QMessageBox, recording its text.
void closeNextMessageBox(QString* text) {
  auto* poll = new QTimer(qApp);
  QObject::connect(poll, &QTimer::timeout, poll, [poll, text] {
    auto* box = qobject_cast<QMessageBox*>(QApplication::activeModalWidget());
    if (!box || !box->isVisible()) return;
    poll->stop();
    poll->deleteLater();
    *text = box->text();
    box->accept();
  });
  poll->start(20);
}

}  // namespace

class TestExportPython : public QObject {
  Q_OBJECT

 private slots:
  void initTestCase() { studio_test::isolateSettings("test_export_python"); }

  void init() {
    m_tmp = std::make_unique<QTemporaryDir>();
    QVERIFY(m_tmp->isValid());
  }

  void exportsTheOpenWorkflow() {
    // A copy of a tutorial workflow, so that the dialog opens in a folder of this test's own.
    const QString source = m_tmp->filePath("tutorial-chain-steps.workflow.json");
    QVERIFY(QFile::copy(MainWindow::examplesDir() + "/tutorial-chain-steps.workflow.json", source));
    MainWindow w(sciagents::core::AgentRegistry::builtin());
    w.show();
    QVERIFY(QTest::qWaitForWindowExposed(&w));
    QVERIFY(w.openFile(source));
    QCOMPARE(w.defaultPythonFileName(), QString("tutorial-chain-steps.py"));
    auto* action = w.findChild<QAction*>(QStringLiteral("ExportPythonAction"));
    QVERIFY(action);

    // Unchanged document: exactly what `sciagents export-python FILE -o chain.py` writes.
    const QString out = m_tmp->filePath("chain.py");
    QString proposed;
    answerNextFileDialog(out, &proposed);
    action->trigger();
    QCOMPARE(QFileInfo(proposed).fileName(), QString("tutorial-chain-steps.py"));
    QCOMPARE(QFileInfo(proposed).absolutePath(), QFileInfo(source).absolutePath());
    QTRY_VERIFY(QFile::exists(out));
    QFile in(source);
    QVERIFY(in.open(QIODevice::ReadOnly));
    const std::string text = in.readAll().toStdString();
    sciagents::core::PythonExportOptions o;
    o.source = "tutorial-chain-steps.workflow.json";
    o.script = "chain.py";
    o.key_order = nlohmann::ordered_json::parse(text);
    const std::string expected =
        sciagents::core::exportPython(sciagents::core::parseWorkflowFile(text), o);
    QCOMPARE(readAll(out), QString::fromStdString(expected));
    QVERIFY(expected.find("Usage: python3 chain.py [result.json]") != std::string::npos);

    // An edit not yet saved is in the script.
    QVERIFY(w.document()->setParam("ivp", "rtol", json(2.5e-9)));
    const QString edited = m_tmp->filePath("edited.py");
    answerNextFileDialog(edited, &proposed);
    action->trigger();
    QTRY_VERIFY(QFile::exists(edited));
    QVERIFY2(readAll(edited).contains("\"rtol\": 2.5e-09,"), qPrintable(readAll(edited)));
    // Valid Python.
    QProcess py;
    py.start(
        "/usr/bin/python3",
        {"-c", "import ast,sys; ast.parse(open(sys.argv[1], encoding='utf-8').read())", edited});
    QVERIFY(py.waitForFinished(60000));
    QVERIFY2(py.exitCode() == 0, py.readAllStandardError().constData());

    // A folder that does not exist: an error dialog naming the file, nothing written.
    const QString bad = m_tmp->filePath("missing/folder/x.py");
    QString message;
    answerNextFileDialog(bad, &proposed);
    closeNextMessageBox(&message);
    action->trigger();
    QTRY_VERIFY(!message.isEmpty());
    QVERIFY2(message.contains("x.py"), qPrintable(message));
    QVERIFY(!QFile::exists(bad));
    QString error;
    QVERIFY(!w.exportPython(bad, &error));
    QVERIFY(error.contains("x.py"));
  }

  // A new, unsaved workflow: the name comes from the workflow's name, the dialog opens at home.
  void unsavedWorkflow() {
    MainWindow w(sciagents::core::AgentRegistry::builtin());
    w.newFile();
    QVERIFY(!w.addTask("linear_algebra", "solve").isEmpty());
    const std::string name = w.document()->workflow().name;
    QCOMPARE(w.defaultPythonFileName(),
             QString::fromStdString(sciagents::core::pythonScriptFileName(name)));
    const QString out = m_tmp->filePath("new.py");
    QString error;
    QVERIFY2(w.exportPython(out, &error), qPrintable(error));
    const QString script = readAll(out);
    QVERIFY(script.contains("\"linear_algebra.solve\""));
    QVERIFY(script.contains("Exported from a SciAgents workflow"));
  }

 private:
  std::unique_ptr<QTemporaryDir> m_tmp;
};

SCIAGENTS_TEST_MAIN(TestExportPython)

}  // namespace test_export_python

#include "test_export_python.moc"
