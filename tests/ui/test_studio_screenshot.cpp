// Screenshots of what a person sees (run under Xvfb when available): the canvas with a 6-step
// workflow mid-run, the whole window, a 2-D heat-map result and the convergence chart after an
// optimization run, the metrics dashboard after a few local runs, the quick-start tutorial's
// overlay on its third step, the first-run welcome, the external step editor after a Test run and
// the Sobol result view at 1280×800 and 1920×1080, saved as PNGs under <build>/screenshots/ (with
// SCIAGENTS_UPDATE_DOC_IMAGES=1 the Xvfb run also refreshes docs/images/metrics-dashboard.png,
// studio-dark.png, tutorial-overlay.png, welcome.png, external-step-editor.png and
// sobol-results-*.png). The window again in a dark palette (Fusion style), and rendered at
// device pixel ratio 2 (high DPI).
#include "core/agent/agent_registry.h"
#include "isolated_settings.h"
#include "screenshot_util.h"
#include "ui/canvas_view.h"
#include "ui/convergence_chart.h"
#include "ui/external_step_editor.h"
#include "ui/external_test_run.h"
#include "ui/heat_map.h"
#include "ui/local_runner.h"
#include "ui/main_window.h"
#include "ui/metrics_dashboard.h"
#include "ui/node_item.h"
#include "ui/property_panel.h"
#include "ui/results_panel.h"
#include "ui/sensitivity_bars.h"
#include "ui/sweep_editor.h"
#include "ui/tutorial/onboarding.h"
#include "ui/tutorial/tutorial_controller.h"
#include "ui/tutorial/tutorial_overlay.h"
#include "ui/workflow_document.h"
#include "ui/workflow_scene.h"

#include <QAction>
#include <QCursor>
#include <QDialog>
#include <QDir>
#include <QDockWidget>
#include <QElapsedTimer>
#include <QGuiApplication>
#include <QImage>
#include <QLabel>
#include <QLineSeries>
#include <QPainter>
#include <QPalette>
#include <QPixmap>
#include <QPushButton>
#include <QScrollArea>
#include <QScrollBar>
#include <QSettings>
#include <QStyle>
#include <QStyleFactory>
#include <QTemporaryDir>
#include <QtTest/QtTest>

#include "tests/test_main.h"

namespace test_studio_screenshot {

using namespace sciagents::ui;
using namespace studio_test;

class TestStudioScreenshot : public QObject {
  Q_OBJECT

 private slots:
  // Settings of their own per platform: the offscreen and the Xvfb runs go at the same time.
  void initTestCase() {
    studio_test::isolateSettings(QStringLiteral("test_studio_screenshot-") +
                                 QGuiApplication::platformName());
  }

  void canvasMidRun() {
    MainWindow w(sciagents::core::AgentRegistry::builtin());
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
    QVERIFY(canvas.save(screenshotDir() + "/canvas-mid-run" + platformSuffix() + ".png"));
    const QImage window = w.grab().toImage();
    QVERIFY(hasContent(window));
    QVERIFY(window.save(screenshotDir() + "/studio-window" + platformSuffix() + ".png"));
    qInfo("saved %s", qPrintable(screenshotDir() + "/canvas-mid-run" + platformSuffix() + ".png"));
  }

  void resultsAfterRun() {
    MainWindow w(sciagents::core::AgentRegistry::builtin());
    w.resize(1500, 900);
    QVERIFY(w.openFile(MainWindow::examplesDir() + "/ode-decay.workflow.json"));
    w.show();
    QVERIFY(QTest::qWaitForWindowExposed(&w));
    w.runAll();
    QTRY_VERIFY_WITH_TIMEOUT(!w.runner()->isRunning() && w.runner()->lastResult(), 60000);
    w.results()->showOutput("y");  // the solution y(t) as a line plot
    QVERIFY(w.results()->currentPlot());
    QCoreApplication::processEvents();
    const QImage window = w.grab().toImage();
    QVERIFY(hasContent(window));
    QVERIFY(window.save(screenshotDir() + "/studio-results" + platformSuffix() + ".png"));
  }

  void heatMapResult() {
    QTemporaryDir dir;
    QFile f(dir.filePath("poisson.workflow.json"));
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write(
        "{\"sciagents\": 1, \"name\": \"Poisson 2D\", \"steps\": [{\"id\": \"poisson\", \"agent\": "
        "\"ode_pde\","
        " \"task\": \"poisson\", \"params\": {\"dim\": 2, \"n\": 63, \"f\": "
        "\"2*pi^2*sin(pi*x)*sin(2*pi*y)\","
        " \"boundary\": 0}}]}");
    f.close();
    MainWindow w(sciagents::core::AgentRegistry::builtin());
    w.resize(1500, 1000);
    QVERIFY(w.openFile(f.fileName()));
    w.show();
    QVERIFY(QTest::qWaitForWindowExposed(&w));
    w.resizeDocks({w.findChild<QDockWidget*>("ResultsDock")}, {560}, Qt::Vertical);
    w.runAll();
    QTRY_VERIFY_WITH_TIMEOUT(!w.runner()->isRunning() && w.runner()->lastResult(), 60000);
    w.results()->showOutput("u");
    QCOMPARE(w.results()->currentPlot(), w.results()->heatMap());
    QCOMPARE(w.results()->heatMap()->image().size(), QSize(65, 65));
    QCoreApplication::processEvents();
    const QImage panel = w.results()->grab().toImage();
    QVERIFY(hasContent(panel));
    QVERIFY(panel.save(screenshotDir() + "/heatmap-result" + platformSuffix() + ".png"));
  }

  void convergenceChart() {
    MainWindow w(sciagents::core::AgentRegistry::builtin());
    w.resize(1500, 1000);
    QVERIFY(w.openFile(MainWindow::examplesDir() + "/opt-rosenbrock.workflow.json"));
    w.show();
    QVERIFY(QTest::qWaitForWindowExposed(&w));
    auto* dock = w.findChild<QDockWidget*>("ConvergenceDock");
    QVERIFY(dock);
    w.resizeDocks({dock}, {520}, Qt::Vertical);
    w.runner()->setUseCache(false);
    w.runAll();
    QTRY_VERIFY_WITH_TIMEOUT(!w.runner()->isRunning() && w.runner()->lastResult(), 60000);
    dock->raise();
    ConvergenceChart* chart = w.convergenceChart();
    QTRY_COMPARE(chart->pendingCount(), qsizetype(0));
    QVERIFY(chart->series("bfgs: objective") && chart->series("bfgs: objective")->count() > 2);
    chart->setLogY(true);  // objective and gradient norm span many decades
    QCoreApplication::processEvents();
    const QImage img = chart->grab().toImage();
    QVERIFY(hasContent(img));
    QVERIFY(img.save(screenshotDir() + "/convergence-chart" + platformSuffix() + ".png"));
  }

  // A dark palette, as a desktop in dark mode gives it: nodes, text, links, results and charts.
  void darkPalette() {
    const QPalette old_palette = QApplication::palette();
    QStyle* old_style = QApplication::style();
    const QString old_style_name = old_style ? old_style->name() : QString();
    QApplication::setStyle(QStyleFactory::create("Fusion"));
    QPalette dark;
    dark.setColor(QPalette::Window, QColor(45, 45, 48));
    dark.setColor(QPalette::WindowText, QColor(230, 230, 230));
    dark.setColor(QPalette::Base, QColor(30, 30, 32));
    dark.setColor(QPalette::AlternateBase, QColor(45, 45, 48));
    dark.setColor(QPalette::Text, QColor(230, 230, 230));
    dark.setColor(QPalette::Button, QColor(53, 53, 56));
    dark.setColor(QPalette::ButtonText, QColor(230, 230, 230));
    dark.setColor(QPalette::ToolTipBase, QColor(60, 60, 64));
    dark.setColor(QPalette::ToolTipText, QColor(230, 230, 230));
    dark.setColor(QPalette::Highlight, QColor(42, 130, 218));
    dark.setColor(QPalette::HighlightedText, Qt::white);
    dark.setColor(QPalette::Link, QColor(110, 170, 255));
    dark.setColor(QPalette::PlaceholderText, QColor(150, 150, 150));
    dark.setColor(QPalette::Mid, QColor(100, 100, 104));
    dark.setColor(QPalette::Disabled, QPalette::Text, QColor(130, 130, 130));
    dark.setColor(QPalette::Disabled, QPalette::WindowText, QColor(130, 130, 130));
    dark.setColor(QPalette::Disabled, QPalette::ButtonText, QColor(130, 130, 130));
    QApplication::setPalette(dark);
    {
      MainWindow w(sciagents::core::AgentRegistry::builtin());
      w.resize(1500, 950);
      QVERIFY(w.openFile(MainWindow::examplesDir() + "/linked-steps.workflow.json"));
      w.show();
      QVERIFY(QTest::qWaitForWindowExposed(&w));
      w.runner()->setUseCache(false);
      w.runAll();
      QTRY_VERIFY_WITH_TIMEOUT(!w.runner()->isRunning() && w.runner()->lastResult(), 60000);
      w.scene()->selectSteps({"first"});
      w.results()->showStep("first");
      w.results()->showOutput("x");
      QVERIFY(w.results()->currentPlot());
      QCoreApplication::processEvents();
      w.view()->fitAll();
      QCoreApplication::processEvents();
      const QImage img = w.grab().toImage();
      QVERIFY(hasContent(img));
      QVERIFY(img.save(screenshotDir() + "/studio-dark" + platformSuffix() + ".png"));
      // The canvas background is dark and the node bodies follow it.
      const QImage canvas = w.view()->viewport()->grab().toImage();
      QVERIFY(qGray(canvas.pixel(2, 2)) < 80);
      // High DPI: the same window rendered at device pixel ratio 2 (text drawn at full resolution).
      QImage hi(w.size() * 2, QImage::Format_ARGB32_Premultiplied);
      hi.setDevicePixelRatio(2.0);
      hi.fill(Qt::transparent);
      w.render(&hi);
      QVERIFY(hasContent(hi));
      QVERIFY(hi.save(screenshotDir() + "/studio-dark-hidpi" + platformSuffix() + ".png"));
      QVERIFY(updateDocImage(img, "studio-dark"));
      // The examples gallery's cards follow the palette too (dark cards, light text).
      QCursor::setPos(0, 0);
      QDialog* gallery = w.onboarding()->showExamplesGallery();
      QVERIFY(QTest::qWaitForWindowExposed(gallery));
      QTest::qWait(250);  // the card view lays out again 100 ms after a resize
      const QImage cards = gallery->grab().toImage();
      QVERIFY(hasContent(cards));
      QVERIFY(cards.save(screenshotDir() + "/gallery-dark" + platformSuffix() + ".png"));
      double gray = 0;
      int samples = 0;
      for (int y = 0; y < cards.height(); y += 5)
        for (int x = 0; x < cards.width(); x += 5, ++samples) gray += qGray(cards.pixel(x, y));
      QVERIFY2(gray / samples < 90, qPrintable(QString::number(gray / samples)));  // mostly dark
      gallery->close();
    }
    QApplication::setPalette(old_palette);
    if (!old_style_name.isEmpty()) QApplication::setStyle(QStyleFactory::create(old_style_name));
  }

  // High DPI in the default palette: the window rendered at device pixel ratio 2.
  void highDpi() {
    MainWindow w(sciagents::core::AgentRegistry::builtin());
    w.resize(1200, 800);
    QVERIFY(w.openFile(MainWindow::examplesDir() + "/analyze-select-validate.workflow.json"));
    w.show();
    QVERIFY(QTest::qWaitForWindowExposed(&w));
    w.scene()->selectSteps({"solve"});
    QCoreApplication::processEvents();
    w.view()->fitAll();
    QCoreApplication::processEvents();
    QImage hi(w.size() * 2, QImage::Format_ARGB32_Premultiplied);
    hi.setDevicePixelRatio(2.0);
    hi.fill(Qt::transparent);
    w.render(&hi);
    QVERIFY(hasContent(hi));
    QCOMPARE(hi.size(), w.size() * 2);
    QVERIFY(hi.save(screenshotDir() + "/studio-hidpi" + platformSuffix() + ".png"));
  }

  // Issue 18 item 3: the Sobol result view (bars per input with whiskers) at the two window sizes
  // people use, 1280×800 and 1920×1080.
  void sobolResultView() {
    for (const QSize size : {QSize(1280, 800), QSize(1920, 1080)}) {
      MainWindow w(sciagents::core::AgentRegistry::builtin());
      w.resize(size);
      QVERIFY(w.openFile(MainWindow::examplesDir() + "/uq-ishigami-sobol.workflow.json"));
      w.show();
      QVERIFY(QTest::qWaitForWindowExposed(&w));
      w.runAll();
      QTRY_VERIFY_WITH_TIMEOUT(!w.runner()->isRunning() && w.runner()->lastResult(), 60000);
      w.findChild<QDockWidget*>("ResultsDock")->raise();
      w.results()->showOutput("S1");
      QCOMPARE(w.results()->currentPlot(), static_cast<QWidget*>(w.results()->sensitivityBars()));
      QCoreApplication::processEvents();
      const QString name =
          QStringLiteral("sobol-results-%1x%2").arg(size.width()).arg(size.height());
      const QImage window = w.grab().toImage();
      QVERIFY(hasContent(window));
      QVERIFY(saveScreenshot(window, name));
    }
  }

  void metricsDashboard() {
    MainWindow w(sciagents::core::AgentRegistry::builtin());
    w.resize(1500, 1000);
    w.show();
    QVERIFY(QTest::qWaitForWindowExposed(&w));
    auto* dock = w.findChild<QDockWidget*>("MetricsDock");
    QVERIFY(dock);
    w.resizeDocks({dock}, {560}, Qt::Vertical);
    MetricsDashboard* d = w.metricsDashboard();
    QVERIFY(d);
    d->setRefreshInterval(250);
    w.showMetricsDashboard();
    QVERIFY(d->isVisible());
    w.runner()->setUseCache(false);
    // Small local runs for about 8 s, some failing, so every panel has something to show.
    const QStringList runs = {"integration-monte-carlo", "ode-lorenz", "ode-bad-blowup",
                              "ode-robertson", "ode-decay"};
    QElapsedTimer clock;
    clock.start();
    for (int i = 0; i < runs.size() || clock.elapsed() < 8000; ++i) {
      QVERIFY(
          w.openFile(MainWindow::examplesDir() + "/" + runs[i % runs.size()] + ".workflow.json"));
      w.runAll();
      QTRY_VERIFY_WITH_TIMEOUT(!w.runner()->isRunning() && w.runner()->lastResult(), 60000);
      QTest::qWait(150);
    }
    const int before = d->snapshotCount();
    QTRY_VERIFY_WITH_TIMEOUT(d->snapshotCount() >= before + 2, 5000);
    QVERIFY(d->latest().step_count > 0);
    QVERIFY(d->latest().errors_total > 0);
    QVERIFY(d->latest().rss_bytes > 0);
    QVERIFY(d->series("cpu %")->count() > 2);
    QCoreApplication::processEvents();
    const QImage img = d->grab().toImage();
    QVERIFY(hasContent(img));
    QVERIFY(saveScreenshot(img, "metrics-dashboard"));
    // The whole window with the dashboard at the two sizes people use (issue 18).
    for (const QSize size : {QSize(1280, 800), QSize(1920, 1080)}) {
      w.resize(size);
      w.showMetricsDashboard();  // (the last run brought its results to the front)
      w.resizeDocks({dock}, {size.height() / 2}, Qt::Vertical);
      QTest::qWait(600);  // a refresh or two at the new size
      QVERIFY(d->isVisible());
      const QString name =
          QStringLiteral("metrics-dashboard-%1x%2").arg(size.width()).arg(size.height());
      const QImage window = w.grab().toImage();
      QVERIFY(hasContent(window));
      QVERIFY(saveScreenshot(window, name));
    }
  }

  // The quick start on its third step: the rhs field of the new step's form framed, the callout
  // next to it.
  void tutorialOverlay() {
    // The offscreen and Xvfb runs may go in parallel: each keeps its own settings.
    QCoreApplication::setApplicationName("test_studio_screenshot-" +
                                         QGuiApplication::platformName());
    MainWindow w(sciagents::core::AgentRegistry::builtin());
    w.resize(1500, 900);
    w.show();
    QVERIFY(QTest::qWaitForWindowExposed(&w));
    TutorialController* c = w.onboarding()->tutorials();
    TutorialOverlay* o = w.onboarding()->overlay();
    QVERIFY(c->restart("quick-start"));
    o->nextButton()->click();
    o->showMeButton()->click();  // adds the ivp step
    QCOMPARE(c->currentStep(), 2);
    QTRY_VERIFY(o->target() && o->target()->objectName() == "ParamEditor_rhs");
    QCoreApplication::processEvents();
    const QImage img = w.grab().toImage();
    QVERIFY(hasContent(img));
    QVERIFY(o->bubble()->geometry().intersects(w.rect()));
    QVERIFY(!o->bubble()->geometry().intersects(
        o->highlightRect()));  // the callout does not hide the field
    QVERIFY(saveScreenshot(img, "tutorial-overlay"));
    c->skip();
  }

  // The external step editor after a Test run of the example projectile program, in a window of
  // the default size: the Properties dock shows the program, the template with its highlighted
  // placeholders, the output parser and the parsed outputs; nothing is wider than the dock.
  void externalStepEditor() {
#ifdef Q_OS_WIN
    QSKIP("external programs run through fork/exec: POSIX only (core/agents/external)");
#endif
    MainWindow w(sciagents::core::AgentRegistry::builtin());  // default size
    QVERIFY(w.openFile(MainWindow::examplesDir() + "/external-sweep.workflow.json"));
    w.show();
    QVERIFY(QTest::qWaitForWindowExposed(&w));
    w.scene()->selectSteps({"shot"});
    QCOMPARE(w.properties()->stepId(), QString("shot"));
    ExternalStepEditor* e = w.properties()->externalEditor();
    QVERIFY(e->isVisible());
    ExternalTestRun* t = e->testRun();
    t->button()->click();
    QTRY_VERIFY_WITH_TIMEOUT(!t->isRunning() && t->statusLabel()->text().startsWith("Succeeded"),
                             60000);
    QCoreApplication::processEvents();
    auto* scroll = w.properties()->findChild<QScrollArea*>();
    QVERIFY(scroll);
    QVERIFY2(e->minimumSizeHint().width() <= scroll->viewport()->width(),
             qPrintable(QString("editor needs %1 px, the dock gives %2")
                            .arg(e->minimumSizeHint().width())
                            .arg(scroll->viewport()->width())));
    // Scrolled so the Test run's result is in view.
    scroll->ensureWidgetVisible(t, 0, 0);
    QCoreApplication::processEvents();
    const QImage window = w.grab().toImage();
    QVERIFY(hasContent(window));
    QVERIFY(window.save(screenshotDir() + "/external-step-editor" + platformSuffix() + ".png"));
    // The whole form as the dock scrolls through it (the user guide's picture).
    const QImage form = scroll->widget()->grab().toImage();
    QVERIFY(hasContent(form));
    QVERIFY(form.save(screenshotDir() + "/external-step-editor-form" + platformSuffix() + ".png"));
    QVERIFY(updateDocImage(form, "external-step-editor"));
  }

  // The sweep editor on a grid sweep (issue 19): the sweep-grid-design example's `grid` step in a
  // window of the default size; the axes fit the Properties dock (docs/studio.md).
  void sweepEditorGrid() {
    MainWindow w(sciagents::core::AgentRegistry::builtin());  // default size
    QVERIFY(w.openFile(MainWindow::examplesDir() + "/sweep-grid-design.workflow.json"));
    w.show();
    QVERIFY(QTest::qWaitForWindowExposed(&w));
    w.scene()->selectSteps({"grid"});
    QCOMPARE(w.properties()->stepId(), QString("grid"));
    SweepEditor* se = w.properties()->sweepEditor();
    QVERIFY(se->isVisible());
    QCOMPARE(se->mode(), SweepEditor::Mode::Grid);
    QCOMPARE(se->countText(), QString("grid: 4 × 3 = 12 points"));
    QCoreApplication::processEvents();
    QVERIFY2(se->minimumSizeHint().width() <= w.properties()->width(),
             qPrintable(QString("the sweep editor needs %1 px, the dock gives %2")
                            .arg(se->minimumSizeHint().width())
                            .arg(w.properties()->width())));
    const QImage panel = w.properties()->grab().toImage();
    QVERIFY(hasContent(panel));
    QVERIFY(saveScreenshot(panel, "sweep-editor-grid"));
  }

  // Issue 18 item 10: the examples gallery (cards under category headers) over the window, at
  // 1280×800 and 1920×1080.
  void examplesGallery() {
    QCursor::setPos(0, 0);  // no card under the mouse (Xvfb's pointer starts mid-screen)
    for (const QSize size : {QSize(1280, 800), QSize(1920, 1080)}) {
      MainWindow w(sciagents::core::AgentRegistry::builtin());
      w.resize(size);
      QVERIFY(w.openFile(MainWindow::examplesDir() + "/quickstart.workflow.json"));
      w.show();
      QVERIFY(QTest::qWaitForWindowExposed(&w));
      QDialog* d = w.onboarding()->showExamplesGallery();
      QVERIFY(QTest::qWaitForWindowExposed(d));
      QTest::qWait(250);  // the card view lays out again 100 ms after a resize
      // As the user sees it: the dialog centred over the window.
      QImage img = w.grab().toImage().convertToFormat(QImage::Format_RGB32);
      const QImage dialog = d->grab().toImage();
      QVERIFY(hasContent(dialog));
      {
        QPainter p(&img);
        p.fillRect(img.rect(), QColor(0, 0, 0, 70));
        const QPoint at((img.width() - dialog.width()) / 2, (img.height() - dialog.height()) / 2);
        p.drawImage(at, dialog);
        p.setPen(QColor(90, 90, 90));
        p.drawRect(QRect(at, dialog.size()).adjusted(-1, -1, 0, 0));
      }
      const QString name = QStringLiteral("gallery-%1x%2").arg(size.width()).arg(size.height());
      QVERIFY(saveScreenshot(img, name));
      d->close();
    }
  }

  // F1 with a step selected: the agent's documentation in the Help dock, at 1280×800 and
  // 1920×1080.
  void helpDock() {
    for (const QSize size : {QSize(1280, 800), QSize(1920, 1080)}) {
      MainWindow w(sciagents::core::AgentRegistry::builtin());
      w.resize(size);
      QVERIFY(w.openFile(MainWindow::examplesDir() + "/quickstart.workflow.json"));
      w.show();
      QVERIFY(QTest::qWaitForWindowExposed(&w));
      const QStringList steps = w.document()->stepIds();
      QVERIFY(!steps.isEmpty());
      w.scene()->selectSteps({steps.first()});
      // F1's action (a key press needs the active window, which Xvfb without a window manager
      // may not give).
      auto* f1 = w.findChild<QAction*>("AgentDocsAction");
      QVERIFY(f1);
      QCOMPARE(f1->shortcut(), QKeySequence(QKeySequence::HelpContents));
      f1->trigger();
      auto* help = w.findChild<QDockWidget*>("HelpDock");
      QVERIFY(help);
      QTRY_VERIFY(help->isVisible());
      QCoreApplication::processEvents();
      const QImage img = w.grab().toImage();
      QVERIFY(hasContent(img));
      const QString name = QStringLiteral("help-dock-%1x%2").arg(size.width()).arg(size.height());
      QVERIFY(saveScreenshot(img, name));
    }
  }

  void welcomeDialog() {
    MainWindow w(sciagents::core::AgentRegistry::builtin());
    w.show();
    QVERIFY(QTest::qWaitForWindowExposed(&w));
    QDialog* d = w.onboarding()->showWelcome();
    QVERIFY(d && d->isVisible());
    QVERIFY(QTest::qWaitForWindowExposed(d));
    const QImage img = d->grab().toImage();
    QVERIFY(hasContent(img));
    QVERIFY(saveScreenshot(img, "welcome"));
  }
};

SCIAGENTS_TEST_MAIN(TestStudioScreenshot)

}  // namespace test_studio_screenshot
#include "test_studio_screenshot.moc"
