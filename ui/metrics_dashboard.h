// Metrics dashboard: jobs running/queued, step durations (mean and p95 from the histogram), error
// rate, process CPU and resident memory, as line series over time with a 1/5/15-minute window.
// Step statistics and the error rate cover the selected window: the difference between the latest
// counters and those of the newest snapshot at least one window old. Until the dashboard has a
// window of history, durations cover everything the source counted (since it started) and the
// error rate the history there is; Snapshot::full_window says which.
// The source is the in-process core (MetricsRegistry::global() plus /proc for this process) or a
// remote server's GET /metrics; both are Prometheus text, parsed by core::metrics::PrometheusText.
// A timer refreshes every second while the dashboard is shown (also as a background tab, so the
// history is there when someone looks); it stops while the dashboard is hidden.
#pragma once

#include <QElapsedTimer>
#include <QHash>
#include <QList>
#include <QPointF>
#include <QPointer>
#include <QStringList>
#include <QUrl>
#include <QWidget>

#include <deque>
#include <utility>
#include <vector>

class QChart;
class QChartView;
class QComboBox;
class QLabel;
class QLineSeries;
class QNetworkAccessManager;
class QNetworkReply;
class QTimer;
class QValueAxis;

namespace sciagents::ui {

class ExecutionTarget;

class MetricsDashboard final : public QWidget {
  Q_OBJECT
 public:
  static constexpr int kDefaultRefreshMs = 1000;
  static constexpr double kKeepSeconds = 15 * 60;  // the longest window

  // One refresh, derived from an exposition text and the one before it (for rates).
  struct Snapshot {
    double t = 0;  // seconds since the dashboard started
    double running = 0;
    double queued = 0;
    double step_count = 0;   // steps timed in the window
    double step_mean_s = 0;  // of those steps
    double step_p95_s = 0;
    double steps_total = 0;  // since the source started
    double errors_total = 0;
    double error_rate = 0;     // errors per second over the window
    bool full_window = false;  // the history reaches back a whole window
    double cpu_percent = 0;    // of one core, since the previous snapshot
    double rss_bytes = 0;
  };

  explicit MetricsDashboard(QWidget* parent = nullptr);

  // In-process core; `local` (optional) says whether a local run is going (jobs running 1 or 0),
  // since the in-process registry has no job gauges.
  void setLocalSource(ExecutionTarget* local = nullptr);
  void setRemoteSource(const QUrl& server);  // GET {server}/metrics, no auth
  bool isRemote() const { return m_remote; }
  QUrl remoteUrl() const { return m_url; }

  // Feeds one exposition text taken at `t` seconds (tests, and every refresh).
  void ingest(const QString& exposition, double t);
  const Snapshot& latest() const { return m_last; }
  int snapshotCount() const { return m_count; }

  // Series: "running", "queued", "step mean", "step p95", "errors/s", "cpu %", "rss MiB".
  QStringList seriesNames() const { return m_names; }
  QLineSeries* series(const QString& name) const { return m_series.value(name); }
  QString valueText(const QString& name) const;  // the latest-value label next to the charts
  QChart* chart(int i) const { return m_charts.value(i); }
  int chartCount() const { return int(m_charts.size()); }

  void setWindowSeconds(int seconds);  // 60, 300 or 900
  int windowSeconds() const { return m_window_s; }
  void setRefreshInterval(int ms);
  void setAutoRefresh(bool on);  // default: on while shown
  QComboBox* windowBox() const { return m_window_box; }
  QString statusText() const;

 public slots:
  void refresh();  // one sample now (remote: asynchronous)
  void clear();

 signals:
  void refreshed();

 protected:
  void showEvent(QShowEvent* e) override;
  void hideEvent(QHideEvent* e) override;

 private:
  // Counters kept per snapshot for the window statistics.
  struct Counters {
    double t = 0;
    double count = 0, sum = 0, errors = 0;
    std::vector<std::pair<double, double>> buckets;  // (le, cumulative count)
  };
  void windowStats(Snapshot& s) const;  // fills the window fields of `s` from m_history
  void showValues(const Snapshot& s);

  QChartView* addChart(const QString& title, const QString& unit, const QStringList& names);
  void append(const QString& name, double t, double v);
  void rescale();
  void setStatus(const QString& text);

  bool m_remote = false;
  QUrl m_url;
  QPointer<ExecutionTarget> m_local;
  QMetaObject::Connection m_local_started;
  bool m_local_ran = false;  // a local run started since the last sample
  QNetworkAccessManager* m_net;
  QPointer<QNetworkReply> m_reply;
  QTimer* m_timer;
  QElapsedTimer m_clock;
  bool m_auto = true;
  int m_window_s = 60;
  QComboBox* m_window_box;
  QLabel* m_source;
  QLabel* m_status;
  QList<QChart*> m_charts;
  QHash<QChart*, QValueAxis*> m_x_axes;
  QHash<QChart*, QValueAxis*> m_y_axes;
  QHash<QString, QLineSeries*> m_series;
  QHash<QString, QLabel*> m_values;
  QStringList m_names;
  Snapshot m_last;
  std::deque<Counters> m_history;
  double m_prev_cpu = 0;
  bool m_have_prev = false;
  int m_count = 0;
};

}  // namespace sciagents::ui
