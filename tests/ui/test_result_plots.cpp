// Result plots: the line plot of an ode_pde.ivp solution (t vs y, crosshair, log axes, zoom), the
// heat map of a Poisson solution (image size, colour at the maximum), and exports (PNG, SVG, CSV,
// JSON).
#include "core/agent/agent_registry.h"
#include "isolated_settings.h"
#include "studio_test_util.h"
#include "ui/heat_map.h"
#include "ui/line_plot.h"
#include "ui/local_runner.h"
#include "ui/results_panel.h"

#include "core/workflow/workflow_json.h"

#include <QLineSeries>
#include <QLogValueAxis>
#include <QStandardItemModel>
#include <QTabWidget>
#include <QTableView>
#include <QTemporaryDir>
#include <QValueAxis>
#include <QtTest/QtTest>

#include <nlohmann/json.hpp>

#include "tests/test_main.h"

namespace test_result_plots {

using namespace sciagents::ui;

namespace {
const char* kDecay =
    "{\"sciagents\": 1, \"name\": \"decay\", \"steps\": [{\"id\": \"decay\", \"agent\": "
    "\"ode_pde\", \"task\": \"ivp\","
    " \"params\": {\"rhs\": [\"-k*y\"], \"states\": [\"y\"], \"y0\": [1], \"t_span\": [0, 10],"
    " \"t_eval\": {\"linspace\": [0, 10, 11]}, \"constants\": {\"k\": 0.5}, \"rtol\": 1e-10, "
    "\"atol\": 1e-14}}]}";

const char* kPoisson =
    "{\"sciagents\": 1, \"name\": \"poisson\", \"steps\": [{\"id\": \"p\", \"agent\": \"ode_pde\", "
    "\"task\": \"poisson\","
    " \"params\": {\"dim\": 2, \"n\": 31, \"f\": \"2*pi^2*sin(pi*x)*sin(pi*y)\", \"boundary\": "
    "0}}]}";
}  // namespace

class TestResultPlots : public QObject {
  Q_OBJECT
 private slots:
  void initTestCase() { studio_test::isolateSettings("test_result_plots"); }

  // Long values are readable: one line per row, elided in the table, whole in the tooltip; columns
  // fit their contents up to a limit; double-click shows the whole value in the Table tab.
  void longValuesAreReadable() {
    using namespace sciagents::core;
    auto result = std::make_shared<RunResult>();
    StepResult s;
    s.id = "s";
    s.status = StepStatus::Succeeded;
    const std::string method =
        "LU with partial pivoting because the matrix is neither symmetric nor banded; "
        "the reciprocal condition estimate 3.2e-05 is far above n*eps";
    Vector x(40);
    for (Eigen::Index i = 0; i < x.size(); ++i) x[i] = 0.125 * double(i);
    s.outputs.emplace("message", Value(method));
    s.outputs.emplace("x", Value(x));
    s.outputs.emplace("residual", Value(1.2345678901e-13));
    s.diagnostics.emplace("method_rationale", Value(method));
    result->steps.push_back(s);
    ResultsPanel panel;
    panel.resize(900, 300);
    panel.setResult(result);
    panel.show();
    QVERIFY(QTest::qWaitForWindowExposed(&panel));
    QStandardItemModel* out = panel.outputsModel();
    const int msg = panel.outputRow("message");
    QVERIFY(msg >= 0);
    QCOMPARE(out->item(msg, ResultsPanel::ValueColumn)->toolTip(), QString::fromStdString(method));
    const QString x_tip = out->item(panel.outputRow("x"), ResultsPanel::ValueColumn)->toolTip();
    QVERIFY2(x_tip.contains("4.875") && !x_tip.contains("…"),
             qPrintable(x_tip));  // all 40 elements
    QCOMPARE(out->item(panel.outputRow("residual"), ResultsPanel::ValueColumn)->toolTip(),
             QString("1.23456789e-13"));
    QVERIFY(!panel.outputsView()->wordWrap());
    QCOMPARE(panel.outputsView()->textElideMode(), Qt::ElideRight);
    for (int c = 0; c < out->columnCount() - 1; ++c)
      QVERIFY(panel.outputsView()->columnWidth(c) <= ResultsPanel::kMaxColumnWidth);
    QVERIFY(panel.diagnosticsView()->columnWidth(0) <= ResultsPanel::kMaxColumnWidth);
    QCOMPARE(panel.diagnosticsModel()->item(0, 1)->toolTip(), QString::fromStdString(method));
    // Double-click: the Table tab with the whole value.
    panel.viewTabs()->setCurrentIndex(0);
    QTableView* v = panel.outputsView();
    const QRect cell = v->visualRect(out->index(msg, ResultsPanel::ValueColumn));
    QVERIFY(v->viewport()->rect().contains(cell.center()));  // the value column is on screen
    QTest::mouseClick(v->viewport(), Qt::LeftButton, {}, cell.center());
    QTest::mouseDClick(v->viewport(), Qt::LeftButton, {}, cell.center());
    QCOMPARE(panel.viewTabs()->currentWidget(), panel.elementsView());
    QCOMPARE(panel.elementsModel()->rowCount(), 1);
    QCOMPARE(panel.elementsModel()->item(0, 0)->text(), QString::fromStdString(method));
  }

  void linePlotOfIvp() {
    const auto result = studio_test::runLocally(kDecay);
    QVERIFY(result);
    ResultsPanel panel;
    panel.resize(1100, 420);
    panel.setResult(result);
    panel.show();
    QVERIFY(QTest::qWaitForWindowExposed(&panel));
    panel.showOutput("y");
    QCOMPARE(panel.currentPlot(), panel.linePlot());
    LinePlot* plot = panel.linePlot();
    QCOMPARE(plot->lineSeries().size(), 1);
    QLineSeries* s = plot->lineSeries().first();
    QCOMPARE(s->name(), QString("y"));
    QCOMPARE(s->count(), 11);
    QCOMPARE(s->at(10).x(), 10.0);
    QVERIFY(std::abs(s->at(10).y() - std::exp(-5.0)) < 1e-8);
    // Crosshair snaps to the nearest point: the one at t = 10.
    const QPointF last = plot->chart()->mapToPosition(s->at(10), s);
    const QPoint vp = plot->mapFromScene(plot->chart()->mapToScene(last + QPointF(-3, 2)));
    const QString text = plot->crosshairAt(vp);
    QVERIFY2(text.startsWith("y: (10, 0.0067"), qPrintable(text));
    // Log y keeps every (positive) point; rubber-band zoom narrows the x axis; Home resets.
    plot->setLogY(true);
    QVERIFY(qobject_cast<QLogValueAxis*>(plot->yAxis()));
    QCOMPARE(plot->lineSeries().first()->count(), 11);
    auto* x = qobject_cast<QValueAxis*>(plot->xAxis());
    QVERIFY(x);
    const double span = x->max() - x->min();
    const QRectF area = plot->chart()->plotArea();
    auto toView = [&](QPointF p) { return plot->mapFromScene(plot->chart()->mapToScene(p)); };
    QTest::mousePress(plot->viewport(), Qt::LeftButton, {},
                      toView(area.topLeft() + QPointF(10, 10)));
    QTest::mouseMove(plot->viewport(), toView(area.center()));
    QTest::mouseRelease(plot->viewport(), Qt::LeftButton, {}, toView(area.center()));
    QTRY_VERIFY(x->max() - x->min() < 0.7 * span);
    QTest::keyClick(plot, Qt::Key_Home);
    x = qobject_cast<QValueAxis*>(plot->xAxis());
    QCOMPARE(x->max() - x->min(), span);
    // The vector output t plots against its index.
    panel.showOutput("t");
    QCOMPARE(plot->lineSeries().first()->count(), 10);  // log y (still on) hides t = 0
    plot->setLogY(false);
    QCOMPARE(plot->lineSeries().first()->count(), 11);
    QCOMPARE(plot->lineSeries().first()->at(3), QPointF(3, 3));
  }

  void heatMapOfPoisson() {
    const auto result = studio_test::runLocally(kPoisson);
    QVERIFY(result);
    ResultsPanel panel;
    panel.resize(1100, 460);
    panel.setResult(result);
    panel.show();
    QVERIFY(QTest::qWaitForWindowExposed(&panel));
    panel.showOutput("u");
    QCOMPARE(panel.currentPlot(), panel.heatMap());
    HeatMap* map = panel.heatMap();
    QCOMPARE(map->image().size(), QSize(33, 33));  // n = 31 interior + 2 boundary nodes per axis
    // u ~ sin(pi x) sin(pi y): maximum at the centre node (16, 16), zero on the boundary.
    QCOMPARE(map->image().pixelColor(16, 16), HeatMap::colourAt(1.0));
    QCOMPARE(map->image().pixelColor(0, 0), HeatMap::colourAt(0.0));
    QVERIFY(std::abs(map->maximum() - 1.0) < 2e-3);
    QVERIFY(map->imageRect().width() > 100 && map->imageRect().height() > 100);
    // Exports.
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    QString error;
    QVERIFY2(panel.exportPlot(dir.filePath("u.png"), &error), qPrintable(error));
    QVERIFY2(panel.exportPlot(dir.filePath("u.svg"), &error), qPrintable(error));
    QVERIFY2(panel.exportData(dir.filePath("u.csv"), &error), qPrintable(error));
    QVERIFY2(panel.exportData(dir.filePath("u.json"), &error), qPrintable(error));
    QImage png(dir.filePath("u.png"));
    QCOMPARE(png.size(), map->size() * map->devicePixelRatioF());
    QFile svg(dir.filePath("u.svg"));
    QVERIFY(svg.open(QIODevice::ReadOnly));
    const QByteArray svgText = svg.readAll();
    QVERIFY(svgText.contains("<svg") && svgText.contains("<image"));
    QFile csv(dir.filePath("u.csv"));
    QVERIFY(csv.open(QIODevice::ReadOnly));
    const QList<QByteArray> lines = csv.readAll().trimmed().split('\n');
    QCOMPARE(lines.size(), 1 + 33 * 33);
    QCOMPARE(lines.first(), QByteArray("x,y,u"));
    QFile json(dir.filePath("u.json"));
    QVERIFY(json.open(QIODevice::ReadOnly));
    const auto j = nlohmann::json::parse(json.readAll().toStdString());
    QVERIFY(!j.is_null());
  }

  void noPlotForScalars() {
    const auto result = studio_test::runLocally(kDecay);
    QVERIFY(result);
    ResultsPanel panel;
    panel.setResult(result);
    panel.showOutput("t_final");
    QVERIFY(!panel.currentPlot());
    QString error;
    QVERIFY(!panel.exportPlot(QDir::temp().filePath("never.png"), &error));
    QVERIFY(!error.isEmpty());
  }
};

SCIAGENTS_TEST_MAIN(TestResultPlots)

}  // namespace test_result_plots
#include "test_result_plots.moc"
