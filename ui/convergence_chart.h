// Live convergence chart of a run: one line per (step, metric series) — objective, gradient norm,
// residual, running mean/CI half-width, loss… Samples are buffered and drawn on a timer (every
// 80 ms), appended to the series; a series over the point budget is replaced by a min/max
// decimated copy (per x bucket), so 10^4+ points per series stay smooth. All samples are kept.
#pragma once

#include <limits>

#include "ui/metric_sample.h"

#include <QHash>
#include <QList>
#include <QPointF>
#include <QStringList>
#include <QWidget>

class QAbstractAxis;
class QChart;
class QChartView;
class QCheckBox;
class QLabel;
class QLineSeries;
class QLogValueAxis;
class QTimer;
class QValueAxis;

namespace sciagents::ui {

class ConvergenceChart final : public QWidget {
  Q_OBJECT
 public:
  static constexpr int kDefaultPointBudget = 2000;
  static constexpr int kFlushIntervalMs = 80;

  explicit ConvergenceChart(QWidget* parent = nullptr);

  // Series keys are "step: series" (e.g. "fit: objective").
  static QString seriesKey(const QString& step, const QString& series) {
    return step + QStringLiteral(": ") + series;
  }
  QStringList seriesKeys() const { return m_order; }
  QLineSeries* series(const QString& key) const;
  // Every sample received for `key` (not decimated).
  const QList<QPointF>& samples(const QString& key) const;
  qsizetype pendingCount() const { return m_pending.size(); }

  void setPointBudget(int points) { m_budget = points < 16 ? 16 : points; }
  int pointBudget() const { return m_budget; }
  bool logY() const { return m_log_y; }
  QChart* chart() const { return m_chart; }
  QChartView* chartView() const { return m_view; }
  QAbstractAxis* yAxis() const { return m_y; }
  QValueAxis* xAxis() const { return m_x; }

 public slots:
  void addSamples(const sciagents::ui::MetricBatch& samples);
  void addSample(const QString& step, const QString& series, double x, double y);
  void clear();
  void setLogY(bool on);
  void flush();  // draws the buffered samples now (the timer does this every kFlushIntervalMs)

 private:
  // Running bounds of a track's samples, so rescaling never rescans every sample.
  struct Bounds {
    double xmin = std::numeric_limits<double>::infinity(), xmax = -xmin;
    double ymin = xmin, ymax = -xmin;
    double xpos_min = xmin, xpos_max = -xmin;  // over points with y > 0 only (log axis)
    double ypos_min = xmin, ypos_max = -xmin;
    void add(const QPointF& p);
  };
  struct Track {
    QLineSeries* line = nullptr;
    QList<QPointF> all;
    bool decimated = false;  // the line holds a decimated copy, not `all`
    Bounds bounds;
  };
  Track& track(const QString& key);
  QList<QPointF> displayPoints(const QList<QPointF>& all) const;
  void redrawAll();
  void rescale();
  void attachYAxis();

  QChart* m_chart;
  QChartView* m_view;
  QValueAxis* m_x;
  QValueAxis* m_y_lin;
  QLogValueAxis* m_y_log;
  QAbstractAxis* m_y = nullptr;  // the active one of m_y_lin, m_y_log
  QCheckBox* m_log_box;
  QLabel* m_info;
  QTimer* m_timer;
  QHash<QString, Track> m_tracks;
  QStringList m_order;
  MetricBatch m_pending;
  int m_budget = kDefaultPointBudget;
  bool m_log_y = false;
  bool m_scale_chosen = false;  // the user set Log y: no automatic choice any more
  void applyLogY(bool on);
};

}  // namespace sciagents::ui
