// Full keyboard use of the canvas, through QTest key events only: add steps from the palette
// (Ctrl+Shift+A, type, Enter / Down+Enter), Tab/Shift+Tab through the steps, arrow keys move
// them (one undo step per press, one per key-repeat burst), Enter goes to the property form,
// Delete, Ctrl+D, Ctrl+C/Ctrl+V, and a link made with Connect… (Ctrl+L).
#include "isolated_settings.h"
#include "studio_test_util.h"

#include "core/agent/agent_registry.h"
#include "ui/agent_palette.h"
#include "ui/canvas_view.h"
#include "ui/connect_dialog.h"
#include "ui/node_item.h"
#include "ui/palette_model.h"
#include "ui/port_item.h"

#include <QClipboard>
#include <QListWidget>
#include <QTimer>
#include <QTreeView>
#include <QUndoStack>

#include "tests/test_main.h"

namespace test_canvas_keyboard {

using namespace sciagents::ui;
using namespace studio_test;

class TestCanvasKeyboard : public QObject {
  Q_OBJECT

  static void key(QWidget* w, Qt::Key k, Qt::KeyboardModifiers m = Qt::NoModifier,
                  bool repeat = false) {
    QKeyEvent press(QEvent::KeyPress, k, m, QString(), repeat);
    QApplication::sendEvent(w, &press);
    QKeyEvent release(QEvent::KeyRelease, k, m, QString(), repeat);
    QApplication::sendEvent(w, &release);
  }

 private slots:
  void initTestCase() { studio_test::isolateSettings("test_canvas_keyboard"); }

  void keyboardOnly() {
    MainWindow w(sciagents::core::AgentRegistry::builtin());
    w.resize(1400, 900);
    w.show();
    QVERIFY(QTest::qWaitForWindowActive(&w));
    WorkflowDocument* doc = w.document();
    QUndoStack* undo = doc->undoStack();
    CanvasView* v = w.view();

    // Ctrl+Shift+A: the palette's search field; Enter adds the first match.
    v->setFocus();
    QTest::keyClick(v, Qt::Key_A, Qt::ControlModifier | Qt::ShiftModifier);
    QCOMPARE(QApplication::focusWidget(), w.palette()->searchField());
    QTest::keyClicks(w.palette()->searchField(), "minimize");
    QTest::keyClick(w.palette()->searchField(), Qt::Key_Return);
    QCOMPARE(doc->stepIds(), QStringList{"minimize"});
    // Down moves into the list, Enter there adds the selected task.
    QTest::keyClick(v, Qt::Key_A, Qt::ControlModifier | Qt::ShiftModifier);
    QTest::keyClicks(w.palette()->searchField(), "ode_pde ivp");
    if (!w.palette()->firstTask().isValid()) {  // the filter is one fixed string
      w.palette()->searchField()->clear();
      QTest::keyClicks(w.palette()->searchField(), "ivp");
    }
    QTest::keyClick(w.palette()->searchField(), Qt::Key_Down);
    QCOMPARE(QApplication::focusWidget(), w.palette()->view());
    QTest::keyClick(w.palette()->view(), Qt::Key_Return);
    QCOMPARE(doc->stepIds(), (QStringList{"minimize", "ivp"}));
    QVERIFY(!doc->step("minimize")->params.contains("x") &&
            doc->stepPosition("ivp") != doc->stepPosition("minimize"));

    // Tab / Shift+Tab walk the steps in document order and wrap.
    v->setFocus();
    w.scene()->clearSelection();
    QTest::keyClick(v, Qt::Key_Tab);
    QCOMPARE(w.scene()->selectedStepIds(), QStringList{"minimize"});
    QCOMPARE(QApplication::focusWidget(), v);  // Tab stayed in the canvas
    QTest::keyClick(v, Qt::Key_Tab);
    QCOMPARE(w.scene()->selectedStepIds(), QStringList{"ivp"});
    QTest::keyClick(v, Qt::Key_Tab);
    QCOMPARE(w.scene()->selectedStepIds(), QStringList{"minimize"});
    QTest::keyClick(v, Qt::Key_Backtab, Qt::ShiftModifier);
    QCOMPARE(w.scene()->selectedStepIds(), QStringList{"ivp"});
    QCOMPARE(w.properties()->stepId(), QString("ivp"));

    // Arrows: each press is one undoable move; a key-repeat burst is one.
    const QPointF p0 = doc->stepPosition("ivp");
    const int n0 = undo->count();
    QTest::keyClick(v, Qt::Key_Right);
    QTest::keyClick(v, Qt::Key_Right);
    QCOMPARE(doc->stepPosition("ivp"), p0 + QPointF(2 * CanvasView::kNudge, 0));
    QCOMPARE(undo->count(), n0 + 2);
    key(v, Qt::Key_Down, Qt::ShiftModifier);
    key(v, Qt::Key_Down, Qt::ShiftModifier, true);
    key(v, Qt::Key_Down, Qt::ShiftModifier, true);
    QCOMPARE(doc->stepPosition("ivp"),
             p0 + QPointF(2 * CanvasView::kNudge, 3 * CanvasView::kNudgeLarge));
    QCOMPARE(undo->count(), n0 + 3);
    QCOMPARE(w.scene()->node("ivp")->pos(), doc->stepPosition("ivp"));  // the canvas follows
    undo->undo();
    QCOMPARE(doc->stepPosition("ivp"), p0 + QPointF(2 * CanvasView::kNudge, 0));
    undo->undo();
    undo->undo();
    QCOMPARE(doc->stepPosition("ivp"), p0);
    undo->redo();
    QCOMPARE(doc->stepPosition("ivp"), p0 + QPointF(CanvasView::kNudge, 0));

    // Enter: into the property form of the selected step; Escape there does not lose the step.
    QTest::keyClick(v, Qt::Key_Return);
    QVERIFY(QApplication::focusWidget() &&
            w.properties()->isAncestorOf(QApplication::focusWidget()));
    QCOMPARE(w.properties()->stepId(), QString("ivp"));

    // Ctrl+D duplicates, Delete removes, Ctrl+C / Ctrl+V copy and paste.
    v->setFocus();
    QTest::keyClick(v, Qt::Key_D, Qt::ControlModifier);
    QCOMPARE(doc->stepIds(), (QStringList{"minimize", "ivp", "ivp_2"}));
    QCOMPARE(w.scene()->selectedStepIds(), QStringList{"ivp_2"});
    QTest::keyClick(v, Qt::Key_Delete);
    QCOMPARE(doc->stepIds(), (QStringList{"minimize", "ivp"}));
    QTest::keyClick(v, Qt::Key_Tab);
    QCOMPARE(w.scene()->selectedStepIds(), QStringList{"minimize"});
    QTest::keyClick(v, Qt::Key_C, Qt::ControlModifier);
    QVERIFY(QApplication::clipboard()->text().contains("\"minimize\""));
    QTest::keyClick(v, Qt::Key_V, Qt::ControlModifier);
    QCOMPARE(doc->stepIds(), (QStringList{"minimize", "ivp", "minimize_2"}));
    QTest::keyClick(v, Qt::Key_Delete);
    QCOMPARE(doc->stepIds(), (QStringList{"minimize", "ivp"}));
    QTest::keyClick(v, Qt::Key_Escape);
    QVERIFY(w.scene()->selectedStepIds().isEmpty());

    // Connect… (Ctrl+L) on ivp: the dialog lists fitting links; filter, Enter.
    QTest::keyClick(v, Qt::Key_Tab);
    QTest::keyClick(v, Qt::Key_Tab);
    QCOMPARE(w.scene()->selectedStepIds(), QStringList{"ivp"});
    const auto candidates = ConnectDialog::candidates(doc, "ivp");
    QVERIFY(!candidates.isEmpty());
    for (const auto& c : candidates) QVERIFY(c.from_step == "ivp" || c.to_step == "ivp");
    // The dialog is answered from inside its event loop; whatever happens, it is closed there.
    bool shown = false, focused = false;
    QString chosen;
    QTimer::singleShot(0, this, [&] {
      auto* d = qobject_cast<ConnectDialog*>(QApplication::activeModalWidget());
      if (!d) return;
      shown = true;
      focused =
          QTest::qWaitFor([&] { return QApplication::focusWidget() == d->filterField(); }, 5000);
      QTest::keyClicks(d->filterField(), "ivp.y0");  // then Down to the wanted row
      for (int i = 0; i < 20 && d->chosen().text() != QString::fromUtf8("minimize.x → ivp.y0"); ++i)
        QTest::keyClick(d->filterField(), Qt::Key_Down);
      chosen = d->chosen().text();
      QTest::keyClick(d->filterField(), Qt::Key_Return);
      if (d->isVisible()) d->reject();
    });
    const int before_link = undo->count();
    QTest::keyClick(v, Qt::Key_L, Qt::ControlModifier);
    QVERIFY(shown);
    QVERIFY(focused);  // the filter field has the focus when the dialog opens
    QCOMPARE(chosen, QString("minimize.x → ivp.y0"));
    QCOMPARE(undo->count(), before_link + 1);
    QCOMPARE(QString::fromStdString(doc->step("ivp")->params["y0"]["from"].get<std::string>()),
             QString("minimize.x"));
    // Tooltips from the schema docs: palette items, ports and form fields.
    const QModelIndex solve = w.palette()->model()->taskIndex("linear_algebra", "solve");
    QVERIFY(!solve.data(Qt::ToolTipRole).toString().isEmpty());
    const auto* spec = sciagents::core::AgentRegistry::builtin().task("ode_pde", "ivp");
    QVERIFY(spec && spec->param("y0") && !spec->param("y0")->doc.empty());
    const QString doc_y0 = QString::fromStdString(spec->param("y0")->doc);
    QVERIFY2(w.scene()->node("ivp")->inputPort("y0")->toolTip().contains(doc_y0),
             qPrintable(w.scene()->node("ivp")->inputPort("y0")->toolTip()));
    QVERIFY(w.scene()->node("ivp")->outputPort("y")->toolTip().contains(
        QString::fromStdString(spec->output("y")->doc)));
    w.scene()->selectSteps({"ivp"});
    QVERIFY(w.properties()->editor("rtol")->editorWidget()->toolTip().contains(
        QString::fromStdString(spec->param("rtol")->doc).toHtmlEscaped()));

    // The reverse link would be a cycle: not offered any more.
    for (const auto& c : ConnectDialog::candidates(doc, "ivp"))
      QVERIFY2(c.to_step != "minimize", qPrintable(c.text()));
  }
};

SCIAGENTS_TEST_MAIN(TestCanvasKeyboard)

}  // namespace test_canvas_keyboard
#include "test_canvas_keyboard.moc"
