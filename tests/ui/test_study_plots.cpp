// The plots of a study's results in the Results panel (issue 19 item 5, ui/study_plots.h): output
// against a swept value, a heat map over a grid of two, a histogram with a density estimate,
// Sobol indices against time, Morris mu* against sigma, a sample scatter, pair plots of samples
// and of an MCMC posterior, and a GP's mean with its ±2σ band and training points. Each is run
// for real, checked against its numbers, and saved as a screenshot (docs/images/plot-*.png from the
// Xvfb twin with SCIAGENTS_UPDATE_DOC_IMAGES=1).
#include "isolated_settings.h"
#include "screenshot_util.h"
#include "studio_test_util.h"
#include "ui/heat_map.h"
#include "ui/line_plot.h"
#include "ui/pair_plot.h"
#include "ui/results_panel.h"
#include "ui/study_plots.h"

#include <QAreaSeries>
#include <QCheckBox>
#include <QFile>
#include <QLineSeries>
#include <QScatterSeries>
#include <QStandardItemModel>
#include <QTemporaryDir>
#include <QtTest/QtTest>

#include <Eigen/LU>

#include <algorithm>
#include <cmath>

#include "tests/test_main.h"

namespace test_study_plots {

using namespace sciagents::ui;

namespace {

const char* kSweep = R"({"sciagents": 1, "name": "decay sweep", "steps": [
  {"id": "decay", "agent": "ode_pde", "task": "ivp",
   "params": {"rhs": ["-k*y"], "states": ["y"], "y0": [1], "t_span": [0, 2],
              "constants": {"k": 1}, "rtol": 1e-10, "atol": 1e-12},
   "sweep": {"param": "constants.k", "values": {"linspace": [0.5, 2, 4]}}}]})";

const char* kGrid = R"({"sciagents": 1, "name": "decay grid", "steps": [
  {"id": "grid", "agent": "ode_pde", "task": "ivp",
   "params": {"rhs": ["-k*y"], "states": ["y"], "y0": [1], "t_span": [0, 2],
              "constants": {"k": 1}, "rtol": 1e-10, "atol": 1e-12},
   "sweep": {"grid": [{"param": "constants.k", "values": {"linspace": [0.5, 2, 4]}},
                      {"param": "y0[0]", "values": [1, 2, 3]}]}}]})";

const char* kMonteCarlo = R"({"sciagents": 1, "name": "mc", "steps": [
  {"id": "mc", "agent": "uq", "task": "monte_carlo",
   "params": {"model": "x1 + x2", "inputs": [{"name": "x1", "dist": "uniform", "a": 0, "b": 1},
              {"name": "x2", "dist": "uniform", "a": 0, "b": 1}], "n": 20000, "seed": 1,
              "return_samples": true}}]})";

const char* kSobolTime = R"({"sciagents": 1, "name": "sobol in time", "steps": [
  {"id": "sim", "agent": "ode_pde", "task": "ivp", "params": {"rhs": ["b"], "states": ["y"],
   "y0": [0], "t_span": [0, 2], "t_eval": {"linspace": [0, 2, 5]}, "constants": {"b": 0}}},
  {"id": "sens", "agent": "uq", "task": "sobol", "params": {
   "model": {"step": "sim", "input": ["y0[0]", "constants.b"], "output": "y"},
   "inputs": [{"name": "x1", "dist": "uniform", "a": -1, "b": 1},
              {"name": "x2", "dist": "uniform", "a": -1, "b": 1}],
   "n": 512, "seed": 3, "bootstrap": 0, "output_axis": {"from": "sim.t"}}}]})";

const char* kMorris = R"({"sciagents": 1, "name": "morris", "steps": [
  {"id": "screen", "agent": "uq", "task": "morris", "params": {"model": "4*a + b + 0*c",
   "inputs": [{"name": "a", "dist": "uniform", "a": 0, "b": 1},
              {"name": "b", "dist": "uniform", "a": 0, "b": 1},
              {"name": "c", "dist": "uniform", "a": 0, "b": 1}], "trajectories": 10, "seed": 1}}]})";

const char* kLhs = R"({"sciagents": 1, "name": "lhs", "steps": [
  {"id": "lhs", "agent": "uq", "task": "lhs", "params": {
   "inputs": [{"name": "k", "dist": "uniform", "a": 0.5, "b": 2},
              {"name": "c", "dist": "uniform", "a": 0, "b": 1}], "n": 40, "seed": 2}}]})";

const char* kLhs3 = R"({"sciagents": 1, "name": "lhs3", "steps": [
  {"id": "lhs", "agent": "uq", "task": "lhs", "params": {
   "inputs": [{"name": "k", "dist": "uniform", "a": 0.5, "b": 2},
              {"name": "c", "dist": "uniform", "a": 0, "b": 1},
              {"name": "T0", "dist": "normal", "mu": 300, "sigma": 10}], "n": 64, "seed": 2}}]})";

// y = a + b x + c x^2 at x = 0, 0.5, …, 3 with noise σ = 0.2 and wide normal priors: a Gaussian
// posterior with covariance (XᵀX/σ² + I/10²)⁻¹, whose parameters are strongly correlated.
const char* kBayes = R"({"sciagents": 1, "name": "quadratic posterior", "steps": [
  {"id": "post", "agent": "inverse", "task": "bayesian", "params": {
   "parameters": [{"name": "a", "prior": "normal", "mu": 0, "sigma": 10},
                  {"name": "b", "prior": "normal", "mu": 0, "sigma": 10},
                  {"name": "c", "prior": "normal", "mu": 0, "sigma": 10}],
   "model": "a + b*x + c*x^2", "xdata": [0, 0.5, 1, 1.5, 2, 2.5, 3],
   "data": [1.1, 1.3, 2.2, 3.1, 4.8, 6.3, 8.4], "sigma": 0.2,
   "chains": 4, "samples": 4000, "output_samples": 4000, "seed": 5}}]})";

const char* kGp = R"({"sciagents": 1, "name": "gp", "steps": [
  {"id": "gp", "agent": "surrogate", "task": "gp", "params": {
   "xtrain": [[0], [1], [2], [3], [4], [5], [6]], "ytrain": [0, 0.84, 0.91, 0.14, -0.76, -0.96, -0.28],
   "xtest": [[0], [0.5], [1], [1.5], [2], [2.5], [3], [3.5], [4], [4.5], [5], [5.5], [6]]}}]})";

}  // namespace

class TestStudyPlots : public QObject {
  Q_OBJECT

  std::unique_ptr<ResultsPanel> m_panel;

  ResultsPanel& show(const char* workflow, const QString& step, const QString& output,
                     QSize size = QSize(1100, 460)) {
    const auto result = studio_test::runLocally(workflow);
    if (!result) qFatal("the workflow did not run");
    const auto* s = result->step(step.toStdString());
    if (!s || s->status != sciagents::core::StepStatus::Succeeded)
      qFatal("step %s failed: %s", qPrintable(step), s ? s->error.c_str() : "missing");
    m_panel = std::make_unique<ResultsPanel>();
    m_panel->resize(size);
    m_panel->setResult(result);
    m_panel->show();
    if (!QTest::qWaitForWindowExposed(m_panel.get())) qFatal("not exposed");
    m_panel->showStep(step);
    m_panel->showOutput(output);
    return *m_panel;
  }
  template <class Series>
  static QList<Series*> seriesOf(LinePlot* plot) {
    QList<Series*> out;
    for (auto* s : plot->chart()->series())
      if (auto* t = qobject_cast<Series*>(s)) out << t;
    return out;
  }
  static void save(ResultsPanel& panel, const QString& name) {
    QCoreApplication::processEvents();
    const QImage img = panel.grab().toImage();
    QVERIFY(studio_test::hasContent(img));
    QVERIFY(studio_test::saveScreenshot(img, name));
  }

 private slots:
  void initTestCase() { studio_test::isolateSettings("test_study_plots"); }

  // A one-parameter sweep: y_final against k, y(2) = e^(-2k).
  void outputAgainstTheSweptValue() {
    ResultsPanel& p = show(kSweep, "decay", "y_final");
    QCOMPARE(p.currentPlot(), p.linePlot());
    const auto lines = seriesOf<QLineSeries>(p.linePlot());
    QCOMPARE(lines.size(), 1);
    QCOMPARE(lines[0]->count(), 4);
    for (int i = 0; i < 4; ++i) {
      const QPointF pt = lines[0]->at(i);
      QVERIFY(std::abs(pt.y() - std::exp(-2 * pt.x())) < 1e-7);
    }
    QCOMPARE(p.linePlot()->xAxis()->titleText(), QString("constants.k"));
    save(p, "plot-sweep-line");
  }

  // A grid of two: a heat map of y_final[0] over (k, y0[0]), largest at k = 0.5, y0 = 3.
  void heatMapOverAGridOfTwo() {
    ResultsPanel& p = show(kGrid, "grid", "sweep_table");
    QCOMPARE(p.currentPlot(), p.heatMap());
    const HeatMap* h = p.heatMap();
    QCOMPARE(h->image().width(), 4);
    QCOMPARE(h->image().height(), 3);
    QVERIFY(std::abs(h->maximum() - 3 * std::exp(-1.0)) < 1e-7);
    QVERIFY(std::abs(h->minimum() - std::exp(-4.0)) < 1e-7);
    save(p, "plot-sweep-heatmap");
  }

  // The histogram as a step outline and a density estimate that integrates to about 1.
  void histogramWithDensity() {
    ResultsPanel& p = show(kMonteCarlo, "mc", "histogram");
    QCOMPARE(p.currentPlot(), p.linePlot());
    const auto lines = seriesOf<QLineSeries>(p.linePlot());
    QCOMPARE(lines.size(), 2);
    QCOMPARE(lines[1]->name(), QString("density estimate (KDE)"));
    double area = 0;
    for (int i = 1; i < lines[1]->count(); ++i)
      area += (lines[1]->at(i).x() - lines[1]->at(i - 1).x()) *
              (lines[1]->at(i).y() + lines[1]->at(i - 1).y()) / 2;
    QVERIFY2(area > 0.85 && area < 1.01, qPrintable(QString::number(area)));
    // The triangular density of x1 + x2 peaks near 1 at x = 1.
    double peak_x = 0, peak = 0;
    for (int i = 0; i < lines[1]->count(); ++i)
      if (lines[1]->at(i).y() > peak) peak = lines[1]->at(i).y(), peak_x = lines[1]->at(i).x();
    QVERIFY2(std::abs(peak_x - 1) < 0.1 && peak > 0.8 && peak < 1.05,
             qPrintable(QString("%1 at %2").arg(peak).arg(peak_x)));
    // The samples as a scatter of the first two inputs.
    p.showOutput("samples");
    QCOMPARE(seriesOf<QScatterSeries>(p.linePlot()).size(), 1);
    QCOMPARE(seriesOf<QScatterSeries>(p.linePlot())[0]->count(), 20000);
    p.showOutput("histogram");
    save(p, "plot-histogram-density");
  }

  // Indices against time for y(t) = x1 + x2 t: S1 x1 = 1/(1+t^2), S1 x2 = t^2/(1+t^2).
  void indicesAgainstTime() {
    ResultsPanel& p = show(kSobolTime, "sens", "components");
    const auto lines = seriesOf<QLineSeries>(p.linePlot());
    QCOMPARE(lines.size(), 4);  // S1 x1, S1 x2, ST x1, ST x2
    QCOMPARE(lines[0]->name(), QString("S1 x1"));
    QCOMPARE(lines[0]->count(), 5);
    for (int k = 0; k < 5; ++k) {
      const double t = lines[0]->at(k).x();
      QVERIFY(std::abs(lines[0]->at(k).y() - 1 / (1 + t * t)) < 0.08);
    }
    save(p, "plot-sobol-time");
  }

  // Morris: one marker per input at (mu*, sigma); a = 4 (range 1) has mu* = 4, sigma = 0.
  void morrisMuStarAgainstSigma() {
    ResultsPanel& p = show(kMorris, "screen", "mu_star");
    const auto points = seriesOf<QScatterSeries>(p.linePlot());
    QCOMPARE(points.size(), 3);
    QCOMPARE(points[0]->name(), QString("a"));
    QVERIFY(std::abs(points[0]->at(0).x() - 4) < 1e-9 && std::abs(points[0]->at(0).y()) < 1e-9);
    QVERIFY(std::abs(points[2]->at(0).x()) < 1e-9);
    save(p, "plot-morris");
  }

  void sampleScatter() {
    ResultsPanel& p = show(kLhs, "lhs", "design");
    p.pairPlotBox()->setChecked(false);  // the scatter of the first two, not the pair plot
    QCOMPARE(p.currentPlot(), p.linePlot());
    const auto points = seriesOf<QScatterSeries>(p.linePlot());
    QCOMPARE(points.size(), 1);
    QCOMPARE(points[0]->count(), 40);
    QCOMPARE(p.linePlot()->xAxis()->titleText(), QString("k"));
    save(p, "plot-lhs-scatter");
  }

  // Samples of three inputs as a pair plot (the default for a sample matrix): a 3×3 grid whose
  // diagonal histograms count all 64 points (a Latin hypercube: the same number in every bin, give
  // or take the edges), panel (i, j) holds column j against column i of the design, the axes are
  // the inputs' names; the Pair plot box switches to the scatter of the first two and back; the
  // plot exports as PNG and SVG, the samples as CSV with the inputs' names as columns.
  void pairPlotOfLhsSamples() {
    ResultsPanel& p = show(kLhs3, "lhs", "design", QSize(1300, 760));
    QCOMPARE(p.currentPlot(), p.pairPlot());
    QVERIFY(p.pairPlotBox()->isVisible() && p.pairPlotBox()->isChecked());
    const PairPlot* pairs = p.pairPlot();
    const sciagents::core::Matrix design = p.currentValue()->asMatrix();
    QCOMPARE(design.rows(), Eigen::Index(64));
    QCOMPARE(pairs->dimension(), 3);
    QCOMPARE(pairs->names(), QStringList({"k", "c", "T0"}));
    QVERIFY(pairs->note().isEmpty());
    for (int i = 0; i < 3; ++i) {
      const auto& h = pairs->histogram(i);
      Eigen::Index sum = 0;
      for (auto c : h.counts) sum += c;
      QCOMPARE(sum, Eigen::Index(64));
      QCOMPARE(h.lo, design.col(i).minCoeff());
      QCOMPARE(h.hi, design.col(i).maxCoeff());
      if (i < 2) {  // uniform inputs: one point per stratum, so 8 bins hold 8 ± 1 each
        const auto [lo, hi] = std::minmax_element(h.counts.begin(), h.counts.end());
        QVERIFY2(h.counts.size() == 8 && *hi - *lo <= 2, qPrintable(QString::number(*hi - *lo)));
      }
      for (int j = 0; j < i; ++j) {
        const QList<QPointF> pts = pairs->scatter(i, j);
        QCOMPARE(pts.size(), 64);
        for (int r = 0; r < 64; ++r) {
          QCOMPARE(pts[r].x(), design(r, j));
          QCOMPARE(pts[r].y(), design(r, i));
        }
        // Panel (i, j) is below panel (i - 1, j) and right of panel (i, j - 1), not on them.
        QVERIFY(pairs->panelRect(i, j).top() > pairs->panelRect(i - 1, j).bottom());
        if (j > 0) QVERIFY(pairs->panelRect(i, j).left() > pairs->panelRect(i, j - 1).right());
      }
    }
    QVERIFY(pairs->panelRect(2, 2).width() > 100 && pairs->panelRect(2, 2).height() > 100);
    // The Table tab names the columns by the inputs, and so does the CSV.
    QCOMPARE(p.elementsModel()->headerData(1, Qt::Horizontal).toString(), QString("k"));
    QCOMPARE(p.elementsModel()->headerData(3, Qt::Horizontal).toString(), QString("T0"));
    QTemporaryDir dir;
    QVERIFY(p.exportPlot(dir.filePath("pairs.png")));
    QVERIFY(p.exportPlot(dir.filePath("pairs.svg")));
    QVERIFY(QImage(dir.filePath("pairs.png")).width() == pairs->width());
    QFile svg(dir.filePath("pairs.svg"));
    QVERIFY(svg.open(QIODevice::ReadOnly) && svg.readAll().contains("<svg"));
    QVERIFY(p.exportData(dir.filePath("pairs.csv")));
    QFile csv(dir.filePath("pairs.csv"));
    QVERIFY(csv.open(QIODevice::ReadOnly));
    QCOMPARE(csv.readLine().trimmed(), QByteArray("row,k,c,T0"));
    int lines = 0;
    while (!csv.readLine().isEmpty()) ++lines;
    QCOMPARE(lines, 64);
    // The scatter of the first two instead, and back.
    p.pairPlotBox()->setChecked(false);
    QCOMPARE(p.currentPlot(), p.linePlot());
    QCOMPARE(seriesOf<QScatterSeries>(p.linePlot())[0]->count(), 64);
    p.pairPlotBox()->setChecked(true);
    QCOMPARE(p.currentPlot(), p.pairPlot());
    // Outputs that are not samples have no pair plot to offer.
    p.showOutput("min_distance");
    QVERIFY(!p.pairPlotBox()->isVisible());
    p.showOutput("design");
    save(p, "plot-pair-lhs");
  }

  // An MCMC posterior (inverse.bayesian's pooled draws) as a pair plot: the parameters' names,
  // histograms counting every draw, panel (2, 0) holding (a, c) of each draw, and correlations
  // that match the Gaussian posterior's, (XᵀX/σ² + I/10²)⁻¹, to sampling accuracy.
  void pairPlotOfAnMcmcPosterior() {
    ResultsPanel& p = show(kBayes, "post", "samples", QSize(1300, 760));
    QCOMPARE(p.currentPlot(), p.pairPlot());
    const PairPlot* pairs = p.pairPlot();
    const sciagents::core::Matrix draws = p.currentValue()->asMatrix();
    QCOMPARE(pairs->dimension(), 3);
    QCOMPARE(pairs->names(), QStringList({"a", "b", "c"}));
    QCOMPARE(pairs->sampleCount(), draws.rows());
    QVERIFY(draws.rows() >= 1000);
    for (int i = 0; i < 3; ++i) {
      Eigen::Index sum = 0;
      for (auto c : pairs->histogram(i).counts) sum += c;
      QCOMPARE(sum, draws.rows());
    }
    const QList<QPointF> ac = pairs->scatter(2, 0);
    for (Eigen::Index r = 0; r < draws.rows(); r += 97) {
      QCOMPARE(ac[int(r)].x(), draws(r, 0));
      QCOMPARE(ac[int(r)].y(), draws(r, 2));
    }
    Eigen::Matrix3d xtx = Eigen::Matrix3d::Zero();
    for (int k = 0; k <= 6; ++k) {
      const Eigen::Vector3d row(1, 0.5 * k, 0.25 * k * k);
      xtx += row * row.transpose();
    }
    const Eigen::Matrix3d cov = (xtx / (0.2 * 0.2) + Eigen::Matrix3d::Identity() / 100.0).inverse();
    for (int i = 1; i < 3; ++i)
      for (int j = 0; j < i; ++j) {
        const double expected = cov(i, j) / std::sqrt(cov(i, i) * cov(j, j));
        QVERIFY2(std::abs(pairs->correlation(i, j) - expected) < 0.06,
                 qPrintable(QString("rho(%1, %2) = %3, expected %4")
                                .arg(i)
                                .arg(j)
                                .arg(pairs->correlation(i, j))
                                .arg(expected)));
      }
    QVERIFY(pairs->correlation(2, 1) < -0.8);  // b and c trade off against each other
    save(p, "plot-pair-mcmc");
  }

  // More columns than a pair plot can show: the first kMaxColumns, and the plot says so.
  void pairPlotCapsTheColumns() {
    sciagents::core::Matrix m(50, 11);
    for (Eigen::Index r = 0; r < m.rows(); ++r)
      for (Eigen::Index c = 0; c < m.cols(); ++c) m(r, c) = std::sin(double(r * (c + 1)));
    PairPlot plot;
    QVERIFY(plot.setSamples("many", m, {"p1", "p2"}));
    QCOMPARE(plot.dimension(), PairPlot::kMaxColumns);
    QCOMPARE(plot.columnCount(), Eigen::Index(11));
    QCOMPARE(plot.names().value(1), QString("p2"));
    QCOMPARE(plot.names().value(2), QString("x3"));  // unnamed columns
    QVERIFY2(plot.note().contains("8 of 11"), qPrintable(plot.note()));
    // Drawn at a roomy and at a Results-dock size (kept in <build>/screenshots to look at).
    for (const QSize size : {QSize(700, 640), QSize(480, 380)}) {
      plot.resize(size);
      const QImage img = plot.grab().toImage();
      QVERIFY(studio_test::hasContent(img));
      QVERIFY(img.save(studio_test::screenshotDir() + QStringLiteral("/plot-pair-capped-%1%2.png")
                                                          .arg(size.width())
                                                          .arg(studio_test::platformSuffix())));
    }
    // One column, or none, is not a pair plot.
    QVERIFY(!plot.setSamples("one", sciagents::core::Matrix::Ones(5, 1), {}));
    QCOMPARE(plot.dimension(), 0);
  }

  // The GP: a band between mean - 2σ and mean + 2σ, the mean, and the 7 training points, which
  // the mean passes close to.
  void gpMeanWithBand() {
    ResultsPanel& p = show(kGp, "gp", "mean");
    QCOMPARE(seriesOf<QAreaSeries>(p.linePlot()).size(), 1);
    const auto area = seriesOf<QAreaSeries>(p.linePlot())[0];
    QCOMPARE(area->upperSeries()->count(), 13);
    for (int i = 0; i < 13; ++i)
      QVERIFY(area->upperSeries()->at(i).y() >= area->lowerSeries()->at(i).y());
    const auto train = seriesOf<QScatterSeries>(p.linePlot());
    QCOMPARE(train.size(), 1);
    QCOMPARE(train[0]->count(), 7);
    const auto mean = seriesOf<QLineSeries>(p.linePlot());
    QCOMPARE(mean.size(), 1);
    QVERIFY(std::abs(mean[0]->at(2).y() - 0.84) < 0.1);  // x = 1
    save(p, "plot-gp-band");
  }

  // The density estimate of binned data is a density: it integrates to 1 over a wide range.
  void binnedDensityIntegratesToOne() {
    sciagents::core::Vector c(3), n(3);
    c << 0, 1, 2;
    n << 10, 20, 10;
    const auto f = binnedDensity(c, n, -10, 12, 2000);
    double area = 0;
    for (int i = 1; i < f.size(); ++i)
      area += (f[i].x() - f[i - 1].x()) * (f[i].y() + f[i - 1].y()) / 2;
    QVERIFY(std::abs(area - 1) < 1e-6);
    QVERIFY(binnedDensity(c, sciagents::core::Vector::Zero(3), 0, 1).isEmpty());
  }
};

SCIAGENTS_TEST_MAIN(TestStudyPlots)

}  // namespace test_study_plots

#include "test_study_plots.moc"
