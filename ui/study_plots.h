// The plots people expect of a study's results (issue 19 item 5), chosen by the step's task and
// the output selected in the Results panel:
//   a swept step         output against the swept value (one param), a heat map (a grid of two)
//   uq.monte_carlo       the histogram with a density estimate (Gaussian KDE of the binned data)
//   uq.sobol             indices against the output axis (time) for a vector model (components)
//   uq.morris            mu* against sigma, one marker per input
//   uq.lhs / samples     sample scatter of the first two inputs, and a pair (corner) plot of all
//   inverse.bayesian     (ui/pair_plot.h) of the design, the samples or the MCMC draws
//   surrogate.gp         the mean with a ±2σ band and the training points (one input)
// Sobol bars with intervals are ui/sensitivity_bars; other outputs keep the generic line plot.
#pragma once

#include "core/value/value.h"
#include "ui/line_plot.h"

#include <QList>
#include <QString>
#include <QStringList>

#include <optional>

namespace sciagents::core {
struct StepResult;
}

namespace sciagents::ui {

struct StudyPlot {
  enum class Kind { Lines, HeatMap };
  Kind kind = Kind::Lines;
  QString title, x_label, y_label;
  QList<LinePlot::Curve> curves;  // Lines
  core::GridField field;          // HeatMap: axes = the two swept params, values = the output
  // A sample matrix (rows: samples or draws, columns: inputs or parameters) for a pair plot, with
  // its column names; empty when the output is not one. `curves` then hold the scatter of the
  // first two columns.
  core::Matrix samples;
  QStringList sample_names;
};

// The plot for `output` of `step` (agent/task as in the step), or nullopt for the generic one.
std::optional<StudyPlot> studyPlot(const core::StepResult& step, const QString& output);

// Whether `output` of `step` is a matrix of samples, one row each (uq.lhs design and
// unit_design, uq.monte_carlo samples, inverse.bayesian samples), and the names of its columns
// (the step's input or parameter names; empty when it does not name them).
bool isSampleOutput(const core::StepResult& step, const QString& output);
QStringList sampleNames(const core::StepResult& step, Eigen::Index columns);

// Gaussian kernel density estimate of binned data (bin centres weighted by counts, Silverman's
// bandwidth 1.06 σ n^-1/5) at `points` equally spaced x from lo to hi.
QList<QPointF> binnedDensity(const core::Vector& centres, const core::Vector& counts, double lo,
                             double hi, int points = 200);

}  // namespace sciagents::ui
