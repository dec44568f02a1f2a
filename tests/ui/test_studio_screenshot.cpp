// Screenshots of what a person sees (run under Xvfb when available): the canvas with a 6-step
// workflow mid-run and the whole window, saved as PNGs under <build>/screenshots/.
#include "ui/canvas_view.h"
#include "ui/local_runner.h"
#include "ui/main_window.h"
#include "ui/node_item.h"
#include "ui/workflow_document.h"
#include "ui/workflow_scene.h"

#include <QDir>
#include <QGuiApplication>
#include <QImage>
#include <QPixmap>
#include <QtTest/QtTest>

using namespace sciagents::ui;

class TestStudioScreenshot : public QObject {
  Q_OBJECT

  static QString outDir() {
    const QString dir = QStringLiteral(SCIAGENTS_BINARY_DIR "/screenshots");
    QDir().mkpath(dir);
    return dir;
  }

  // An image of one colour means nothing was drawn.
  static bool hasContent(const QImage& img) {
    const QRgb first = img.pixel(0, 0);
    for (int y = 0; y < img.height(); y += 7)
      for (int x = 0; x < img.width(); x += 7)
        if (img.pixel(x, y) != first) return true;
    return false;
  }

 private slots:
  void initTestCase() {
    QStandardPaths::setTestModeEnabled(true);
    QCoreApplication::setOrganizationName("SciAgentsTests");
    QCoreApplication::setApplicationName("test_studio_screenshot");
  }

  void canvasMidRun() {
    MainWindow w;
    w.resize(1500, 900);
    QVERIFY(w.openFile(MainWindow::examplesDir() + "/analyze-select-validate.workflow.json"));
    w.show();
    QVERIFY(QTest::qWaitForWindowExposed(&w));
    WorkflowScene* s = w.scene();
    QCOMPARE(s->nodes().size(), 6);
    s->setStatus("A", NodeStatus::Done);
    s->setStatus("b", NodeStatus::Cached);
    s->setStatus("analysis", NodeStatus::Done);
    s->setStatus("choice", NodeStatus::Failed);
    s->setStatus("solve", NodeStatus::Running);
    s->setStatus("check", NodeStatus::Pending);
    s->selectSteps({"solve"});
    QCoreApplication::processEvents();
    w.view()->fitAll();
    QCoreApplication::processEvents();

    // No two nodes overlap in the automatic layout.
    const auto nodes = s->nodes();
    for (int i = 0; i < nodes.size(); ++i)
      for (int j = i + 1; j < nodes.size(); ++j)
        QVERIFY2(!nodes[i]->sceneBoundingRect().intersects(nodes[j]->sceneBoundingRect()),
                 qPrintable(nodes[i]->stepId() + " overlaps " + nodes[j]->stepId()));

    const QImage canvas = w.view()->viewport()->grab().toImage();
    QVERIFY(hasContent(canvas));
    const QString suffix = QGuiApplication::platformName() == "xcb" ? QString() : "-" + QGuiApplication::platformName();
    QVERIFY(canvas.save(outDir() + "/canvas-mid-run" + suffix + ".png"));
    const QImage window = w.grab().toImage();
    QVERIFY(hasContent(window));
    QVERIFY(window.save(outDir() + "/studio-window" + suffix + ".png"));
    qInfo("saved %s", qPrintable(outDir() + "/canvas-mid-run" + suffix + ".png"));
  }

  void resultsAfterRun() {
    MainWindow w;
    w.resize(1500, 900);
    QVERIFY(w.openFile(MainWindow::examplesDir() + "/ode-decay.workflow.json"));
    w.show();
    QVERIFY(QTest::qWaitForWindowExposed(&w));
    w.runAll();
    QTRY_VERIFY_WITH_TIMEOUT(!w.runner()->isRunning() && w.runner()->lastResult(), 60000);
    QCoreApplication::processEvents();
    const QString suffix = QGuiApplication::platformName() == "xcb" ? QString() : "-" + QGuiApplication::platformName();
    const QImage window = w.grab().toImage();
    QVERIFY(hasContent(window));
    QVERIFY(window.save(outDir() + "/studio-results" + suffix + ".png"));
  }
};

QTEST_MAIN(TestStudioScreenshot)
#include "test_studio_screenshot.moc"
