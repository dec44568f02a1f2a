// Issue 18: a screenshot of the whole window at every step of the quick-start tutorial, at
// 1280×800 and at 1920×1080: <build>/screenshots/quickstart-step-NN-WxH<platform>.png, and with
// SCIAGENTS_UPDATE_DOC_IMAGES=1 under Xvfb docs/images/quickstart-step-NN-WxH.png. Each step is
// advanced with the callout's Next or "Show me" (test_new_user_path drives it as a user). Before
// each picture: the target is framed, the callout lies wholly in the window and does not cover the
// frame.
#include "isolated_settings.h"
#include "screenshot_util.h"
#include "tutorial_test_util.h"

#include "ui/canvas_view.h"
#include "ui/line_plot.h"
#include "ui/results_panel.h"

#include <QGraphicsTextItem>
#include <QLabel>

#include <QGuiApplication>

#include "tests/test_main.h"

namespace test_quickstart_screenshots {

using namespace sciagents::ui;
using namespace studio_test;

class TestQuickstartScreenshots : public QObject {
  Q_OBJECT

  static void walk(const QSize& size) {
    clearSettings();
    MainWindow w(sciagents::core::AgentRegistry::builtin());
    w.runner()->setUseCache(false);
    w.resize(size);
    w.show();
    QVERIFY(QTest::qWaitForWindowExposed(&w));
    QTRY_COMPARE(w.size(), size);
    TutorialDriver t(w);
    QVERIFY(t.c->start("quick-start"));
    const int n = int(t.c->active()->steps.size());
    for (int k = 0; k < n; ++k) {
      t.at(k);  // the target is on screen and framed
      if (QTest::currentTestFailed()) return;
      const QRect bubble = t.overlay->bubble()->geometry();
      QVERIFY2(w.rect().contains(bubble),
               qPrintable(QStringLiteral("step %1: callout clipped").arg(k + 1)));
      // The callout beside its target: it never hides the framed widget (the canvas, the whole
      // centre, is the exception: the callout sits on it).
      if (t.c->step()->highlight != "Canvas")
        QVERIFY2(!bubble.intersects(t.overlay->highlightRect()),
                 qPrintable(QStringLiteral("step %1: the callout covers the target").arg(k + 1)));
      if (k == 0) {  // the empty canvas says where to start, all of it in view
        auto* hint = w.view()->viewport()->findChild<QLabel*>("EmptyCanvasHint");
        QVERIFY(hint && hint->isVisible());
        QCOMPARE(hint->geometry(), w.view()->viewport()->rect());
      }
      if (k + 1 == n) {
        w.results()->showOutput("y");  // what the last step asks the user to select
        QVERIFY(w.results()->currentPlot());
        // The plot's numbers are readable: no axis label elided to "..." in the short dock.
        for (QGraphicsItem* item : w.results()->linePlot()->scene()->items())
          if (auto* label = dynamic_cast<QGraphicsTextItem*>(item); label && label->isVisible())
            QVERIFY2(!label->toPlainText().contains("..."), "an axis label of the plot is elided");
      }
      QTest::qWait(50);  // one more paint of what the last event turned on (not a timing check)
      const QImage img = w.grab().toImage();
      QVERIFY(hasContent(img));
      const QString name = QStringLiteral("quickstart-step-%1-%2x%3")
                               .arg(k + 1, 2, 10, QLatin1Char('0'))
                               .arg(size.width())
                               .arg(size.height());
      QVERIFY2(saveScreenshot(img, name), qPrintable(name));
      if (t.c->currentStepMet()) {
        t.overlay->nextButton()->click();
      } else {
        QVERIFY2(t.c->showMe(), qPrintable(QStringLiteral("step %1: Show me failed").arg(k + 1)));
        QTRY_VERIFY_WITH_TIMEOUT(t.c->currentStep() != k, 60000);
      }
    }
    QCOMPARE(t.c->progress("quick-start"), TutorialController::Progress::Finished);
  }

 private slots:
  // Settings of their own per platform: the offscreen and the Xvfb runs go at the same time.
  void initTestCase() {
    isolateSettings(QStringLiteral("test_quickstart_screenshots-") +
                    QGuiApplication::platformName());
  }
  void at1280x800() { walk(QSize(1280, 800)); }
  void at1920x1080() { walk(QSize(1920, 1080)); }
};

SCIAGENTS_TEST_MAIN(TestQuickstartScreenshots)

}  // namespace test_quickstart_screenshots
#include "test_quickstart_screenshots.moc"
