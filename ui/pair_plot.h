// Pair (corner) plot of a sample matrix: n rows (samples, design points, MCMC draws), d columns
// (inputs, parameters). A d×d grid: column i's histogram on the diagonal, column j against column
// i below it (panel (i, j), i > j: x = column j, y = column i) and their sample correlation above
// it; the bottom row's x axes and the left column's y axes carry ticks and the column names. At
// most kMaxColumns columns are drawn (the first ones, and the plot says so); each scatter panel
// draws at most kMaxPoints samples (evenly spaced rows), the histograms count every finite value.
#pragma once

#include "core/value/value.h"

#include <QList>
#include <QPointF>
#include <QString>
#include <QStringList>
#include <QWidget>

#include <vector>

class QPainter;

namespace sciagents::ui {

class PairPlot final : public QWidget {
  Q_OBJECT
 public:
  static constexpr int kMaxColumns = 8;
  static constexpr int kMaxPoints = 5000;

  // Equal-width bins from lo to hi (the column's finite range); the largest value is in the last.
  struct Histogram {
    double lo = 0;
    double hi = 0;
    std::vector<Eigen::Index> counts;
  };

  explicit PairPlot(QWidget* parent = nullptr);

  // False (and an empty plot) unless `samples` has at least one row and two columns. `names`
  // label the columns (missing ones become x1, x2, …).
  bool setSamples(const QString& title, const core::Matrix& samples, const QStringList& names);
  void clearSamples();

  int dimension() const { return static_cast<int>(m_hist.size()); }  // columns drawn
  Eigen::Index columnCount() const { return m_samples.cols(); }      // columns in the samples
  Eigen::Index sampleCount() const { return m_samples.rows(); }
  const QStringList& names() const { return m_names; }  // of the columns drawn
  const Histogram& histogram(int i) const { return m_hist[static_cast<std::size_t>(i)]; }
  // Panel (i, j), i > j: (column j, column i) of every sample, in row order.
  QList<QPointF> scatter(int i, int j) const;
  double correlation(int i, int j) const;  // Pearson, over rows finite in both (NaN if none)
  // "" or why not every column is drawn ("the first 8 of 12 columns").
  QString note() const { return m_note; }
  QString title() const { return m_title; }
  // Where panel (row i, column j) is drawn for the widget's current size.
  QRect panelRect(int i, int j) const;

  QSize sizeHint() const override { return {560, 520}; }
  QSize minimumSizeHint() const override { return {260, 240}; }

 protected:
  void paintEvent(QPaintEvent* event) override;

 private:
  struct Range {
    double lo = 0;
    double hi = 1;
  };
  QRect gridRect() const;
  // Ticks of `column` along a panel's x (bottom row) or y (left column) axis; `last_end`: where
  // the previous label along that row or column ended.
  void drawTicks(QPainter& p, int column, bool x_axis, const QRect& panel, int& last_end) const;
  int tickLabelWidth() const;  // the widest y tick label

  core::Matrix m_samples;
  QStringList m_names;
  QString m_title;
  QString m_note;
  std::vector<Histogram> m_hist;
  std::vector<Range> m_range;  // axis range per column (the data's, padded by 5%)
};

}  // namespace sciagents::ui
