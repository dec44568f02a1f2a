#include "ui/metrics_dashboard.h"

#include "core/metrics/metrics_registry.h"
#include "core/metrics/process_sample.h"
#include "core/metrics/prometheus_text.h"
#include "ui/execution_target.h"
#include "ui/theme.h"

#include <QChart>
#include <QChartView>
#include <QComboBox>
#include <QFormLayout>
#include <QGridLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLegend>
#include <QLineSeries>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QPushButton>
#include <QScrollArea>
#include <QTimer>
#include <QVBoxLayout>
#include <QValueAxis>

#include <algorithm>
#include <cmath>

namespace sciagents::ui {

namespace {
constexpr double kMiB = 1024.0 * 1024.0;
constexpr int kRemoteTimeoutMs = 5000;
}  // namespace

MetricsDashboard::MetricsDashboard(QWidget* parent)
    : QWidget(parent),
      m_net(new QNetworkAccessManager(this)),
      m_timer(new QTimer(this)),
      m_window_box(new QComboBox(this)),
      m_source(new QLabel(this)),
      m_status(new QLabel(this)) {
  setObjectName(QStringLiteral("MetricsDashboard"));
  m_clock.start();
  m_window_box->setObjectName(QStringLiteral("MetricsWindow"));
  m_window_box->addItem(tr("Last 1 min"), 60);
  m_window_box->addItem(tr("Last 5 min"), 300);
  m_window_box->addItem(tr("Last 15 min"), 900);
  m_window_box->setToolTip(tr("Time window shown by the charts"));
  connect(m_window_box, &QComboBox::currentIndexChanged, this,
          [this](int i) { setWindowSeconds(m_window_box->itemData(i).toInt()); });
  auto* refreshButton = new QPushButton(tr("Refresh"), this);
  refreshButton->setToolTip(tr("Take a sample now"));
  connect(refreshButton, &QPushButton::clicked, this, &MetricsDashboard::refresh);
  auto* clearButton = new QPushButton(tr("Clear"), this);
  connect(clearButton, &QPushButton::clicked, this, &MetricsDashboard::clear);

  auto* top = new QHBoxLayout;
  top->addWidget(m_source);
  top->addStretch(1);
  top->addWidget(m_status);
  top->addWidget(new QLabel(tr("Window:"), this));
  top->addWidget(m_window_box);
  top->addWidget(refreshButton);
  top->addWidget(clearButton);

  auto* grid = new QGridLayout;
  grid->setSpacing(4);
  grid->addWidget(
      addChart(tr("Jobs"), tr("jobs"), {QStringLiteral("running"), QStringLiteral("queued")}), 0,
      0);
  grid->addWidget(addChart(tr("Step duration"), tr("s"),
                           {QStringLiteral("step mean"), QStringLiteral("step p95")}),
                  0, 1);
  grid->addWidget(addChart(tr("Error rate"), tr("errors/s"), {QStringLiteral("errors/s")}), 0, 2);
  grid->addWidget(addChart(tr("CPU"), tr("% of one core"), {QStringLiteral("cpu %")}), 1, 0);
  grid->addWidget(addChart(tr("Memory (RSS)"), tr("MiB"), {QStringLiteral("rss MiB")}), 1, 1);

  auto* now = new QGroupBox(tr("Latest"));
  auto* form = new QFormLayout(now);
  form->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
  const QList<QPair<QString, QString>> rows = {
      {QStringLiteral("running"), tr("Jobs running")},
      {QStringLiteral("queued"), tr("Jobs queued")},
      {QStringLiteral("steps"), tr("Steps timed")},
      {QStringLiteral("step mean"), tr("Step mean")},
      {QStringLiteral("step p95"), tr("Step p95")},
      {QStringLiteral("errors"), tr("Errors (total)")},
      {QStringLiteral("errors/s"), tr("Error rate")},
      {QStringLiteral("cpu %"), tr("CPU")},
      {QStringLiteral("rss MiB"), tr("Resident memory")},
  };
  for (const auto& [key, label] : rows) {
    auto* value = new QLabel(QStringLiteral("–"), now);
    value->setObjectName(QStringLiteral("value ") + key);
    value->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_values.insert(key, value);
    form->addRow(label + QLatin1Char(':'), value);
  }
  grid->addWidget(now, 1, 2);
  for (int c = 0; c < 3; ++c) grid->setColumnStretch(c, 1);

  // The panels scroll inside a short dock instead of pushing the dock area (and the canvas) around.
  auto* panels = new QWidget;
  panels->setLayout(grid);
  grid->setContentsMargins(0, 0, 0, 0);
  auto* scroll = new QScrollArea(this);
  scroll->setWidgetResizable(true);
  scroll->setFrameShape(QFrame::NoFrame);
  scroll->setWidget(panels);
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(4, 4, 4, 4);
  layout->addLayout(top);
  layout->addWidget(scroll, 1);

  m_timer->setInterval(kDefaultRefreshMs);
  connect(m_timer, &QTimer::timeout, this, &MetricsDashboard::refresh);
  setLocalSource();
}

QChartView* MetricsDashboard::addChart(const QString& title, const QString& unit,
                                       const QStringList& names) {
  // Small panels: the unit goes in the title and the time unit on the labels, not in rotated
  // axis titles that a 150-px chart cuts to "se…"; the legend sits at the top right, beside the
  // title, so the x axis keeps the height its labels need.
  auto* chart = new QChart;
  applyChartTheme(chart);
  chart->setTitle(QStringLiteral("%1 [%2]").arg(title, unit));
  chart->setMargins(QMargins(2, 2, 2, 2));
  chart->setBackgroundRoundness(0);
  chart->legend()->setVisible(names.size() > 1);
  chart->legend()->setAlignment(Qt::AlignTop);
  auto* x = new QValueAxis(this);
  x->setLabelFormat(QStringLiteral("%.0f s"));
  x->setTickCount(4);
  x->setRange(0, m_window_s);
  auto* y = new QValueAxis(this);
  y->setLabelFormat(QStringLiteral("%.3g"));
  y->setTickCount(4);
  y->setRange(0, 1);
  chart->addAxis(x, Qt::AlignBottom);
  chart->addAxis(y, Qt::AlignLeft);
  for (const QString& n : names) {
    auto* s = new QLineSeries(this);
    s->setName(n);
    chart->addSeries(s);
    s->attachAxis(x);
    s->attachAxis(y);
    m_series.insert(n, s);
    m_names << n;
  }
  m_charts << chart;
  m_x_axes.insert(chart, x);
  m_y_axes.insert(chart, y);
  auto* view = new QChartView(chart);
  view->setRenderHint(QPainter::Antialiasing);
  view->setMinimumSize(220, 150);
  return view;
}

void MetricsDashboard::setLocalSource(ExecutionTarget* local) {
  if (m_reply) m_reply->abort();
  const bool changed = m_remote;
  m_remote = false;
  m_url = QUrl();
  if (m_local != local) {
    disconnect(m_local_started);
    m_local = local;
    // A run that starts and ends between two samples still counts as running at the next one.
    if (local)
      m_local_started =
          connect(local, &ExecutionTarget::started, this, [this] { m_local_ran = true; });
  }
  m_source->setText(tr("Source: this process (in-process core)"));
  if (changed) clear();
}

void MetricsDashboard::setRemoteSource(const QUrl& server) {
  if (m_reply) m_reply->abort();
  const bool changed = !m_remote || m_url != server;
  m_remote = true;
  m_url = server;
  m_source->setText(tr("Source: %1/metrics")
                        .arg(server.toString(QUrl::RemoveUserInfo | QUrl::StripTrailingSlash)));
  if (changed) clear();
}

void MetricsDashboard::setWindowSeconds(int seconds) {
  m_window_s = std::clamp(seconds, 10, int(kKeepSeconds));
  const int i = m_window_box->findData(m_window_s);
  if (i >= 0 && i != m_window_box->currentIndex()) m_window_box->setCurrentIndex(i);
  if (m_count >
      0) {  // the latest statistics over the new window (the drawn history stays as it was)
    windowStats(m_last);
    showValues(m_last);
  }
  rescale();
}

void MetricsDashboard::setRefreshInterval(int ms) { m_timer->setInterval(std::max(100, ms)); }

void MetricsDashboard::setAutoRefresh(bool on) {
  m_auto = on;
  if (on && isVisible())
    m_timer->start();
  else if (!on)
    m_timer->stop();
}

void MetricsDashboard::showEvent(QShowEvent* e) {
  QWidget::showEvent(e);
  if (m_auto && !m_timer->isActive()) {
    m_timer->start();
    refresh();
  }
}

void MetricsDashboard::hideEvent(QHideEvent* e) {
  QWidget::hideEvent(e);
  m_timer->stop();  // a closed dock or a minimized window samples nothing
}

QString MetricsDashboard::statusText() const { return m_status->text(); }

void MetricsDashboard::setStatus(const QString& text) { m_status->setText(text); }

void MetricsDashboard::refresh() {
  const double t = double(m_clock.elapsed()) / 1000.0;
  if (!m_remote) {
    std::string text = core::metrics::MetricsRegistry::global().exposition();
    if (text.find("\nprocess_cpu_seconds_total ") == std::string::npos)
      text += core::metrics::ProcessSample::read().exposition();
    ingest(QString::fromStdString(text), t);
    return;
  }
  if (m_reply || !m_url.isValid()) return;  // one request at a time
  QUrl url = m_url;
  QString path = url.path();
  while (path.endsWith(QLatin1Char('/'))) path.chop(1);
  url.setPath(path + QStringLiteral("/metrics"));
  QNetworkRequest request(url);
  request.setTransferTimeout(kRemoteTimeoutMs);
  QNetworkReply* reply = m_net->get(request);
  m_reply = reply;
  connect(reply, &QNetworkReply::finished, this, [this, reply] {
    reply->deleteLater();
    if (m_reply == reply) m_reply = nullptr;
    if (reply->error() == QNetworkReply::OperationCanceledError && !m_remote) return;
    if (reply->error() != QNetworkReply::NoError) {
      setStatus(tr("Cannot read metrics: %1").arg(reply->errorString()));
      return;
    }
    ingest(QString::fromUtf8(reply->readAll()), double(m_clock.elapsed()) / 1000.0);
  });
}

void MetricsDashboard::ingest(const QString& exposition, double t) {
  const auto p = core::metrics::PrometheusText::parse(exposition.toStdString());
  Snapshot s;
  s.t = t;
  if (p.has("sciagents_jobs_running"))
    s.running = p.sum("sciagents_jobs_running");
  else if (!m_remote && m_local)
    s.running = m_local->isRunning() || m_local_ran ? 1 : 0;
  m_local_ran = false;
  s.queued = p.sum("sciagents_queue_depth");
  auto h = p.histogram("sciagents_step_duration_seconds");
  if (h.count <= 0)
    h = p.histogram("sciagents_job_duration_seconds");  // a server without step timings
  s.steps_total = h.count;
  // Servers count errors_total; the in-process engine records failed steps.
  s.errors_total = p.has("errors_total") ? p.sum("errors_total")
                                         : p.sum("sciagents_steps_total", {{"outcome", "failed"}});
  const double cpu = p.sum("process_cpu_seconds_total");
  s.rss_bytes = p.sum("process_resident_memory_bytes");
  const double dt = t - m_last.t;
  if (m_have_prev && dt > 0) s.cpu_percent = std::max(0.0, cpu - m_prev_cpu) / dt * 100.0;
  // A counter that went down: the source restarted, the old history no longer subtracts.
  if (!m_history.empty() &&
      (h.count < m_history.back().count || s.errors_total < m_history.back().errors))
    m_history.clear();
  m_history.push_back({t, h.count, h.sum, s.errors_total, h.buckets});
  while (m_history.size() > 2 && m_history[1].t <= t - kKeepSeconds) m_history.pop_front();
  windowStats(s);
  m_prev_cpu = cpu;
  m_have_prev = true;
  m_last = s;
  ++m_count;

  append(QStringLiteral("running"), t, s.running);
  append(QStringLiteral("queued"), t, s.queued);
  append(QStringLiteral("step mean"), t, s.step_mean_s);
  append(QStringLiteral("step p95"), t, s.step_p95_s);
  append(QStringLiteral("errors/s"), t, s.error_rate);
  append(QStringLiteral("cpu %"), t, s.cpu_percent);
  append(QStringLiteral("rss MiB"), t, s.rss_bytes / kMiB);
  rescale();

  showValues(s);
  setStatus(p.errors.empty() ? tr("Updated at %1 s").arg(t, 0, 'f', 0)
                             : tr("%n malformed line(s) skipped", nullptr, int(p.errors.size())));
  emit refreshed();
}

void MetricsDashboard::windowStats(Snapshot& s) const {
  s.step_count = s.step_mean_s = s.step_p95_s = s.error_rate = 0;
  s.full_window = false;
  if (m_history.empty()) return;
  const Counters& now = m_history.back();
  // The newest snapshot at least one window old.
  const Counters* base = nullptr;
  for (auto it = m_history.rbegin(); it != m_history.rend(); ++it)
    if (it->t <= now.t - m_window_s) {
      base = &*it;
      break;
    }
  s.full_window = base != nullptr;
  core::metrics::PrometheusText::HistogramSummary d;
  d.count = now.count - (base ? base->count : 0.0);
  d.sum = now.sum - (base ? base->sum : 0.0);
  for (const auto& [le, cum] : now.buckets) {
    double before = 0;
    if (base)
      for (const auto& [ble, bcum] : base->buckets)
        if (ble == le) before = bcum;
    d.buckets.emplace_back(le, std::max(0.0, cum - before));
  }
  s.step_count = d.count;
  s.step_mean_s = d.mean();
  s.step_p95_s = d.quantile(0.95);
  // The rate needs a time span: the window, or the history there is.
  const Counters& from = base ? *base : m_history.front();
  if (now.t > from.t) s.error_rate = std::max(0.0, now.errors - from.errors) / (now.t - from.t);
}

void MetricsDashboard::showValues(const Snapshot& s) {
  auto seconds = [](double v) {
    return v <= 0  ? QStringLiteral("–")
           : v < 1 ? QStringLiteral("%1 ms").arg(v * 1e3, 0, 'g', 3)
                   : QStringLiteral("%1 s").arg(v, 0, 'g', 3);
  };
  const QString span =
      s.full_window ? tr("last %1 min").arg(m_window_s / 60.0, 0, 'g', 3) : tr("since start");
  m_values[QStringLiteral("running")]->setText(QString::number(s.running));
  m_values[QStringLiteral("queued")]->setText(QString::number(s.queued));
  m_values[QStringLiteral("steps")]->setText(
      tr("%1 (%2; %3 in all)").arg(s.step_count).arg(span).arg(s.steps_total));
  m_values[QStringLiteral("step mean")]->setText(seconds(s.step_mean_s));
  m_values[QStringLiteral("step p95")]->setText(seconds(s.step_p95_s));
  m_values[QStringLiteral("errors")]->setText(QString::number(s.errors_total));
  m_values[QStringLiteral("errors/s")]->setText(tr("%1 /s").arg(s.error_rate, 0, 'g', 3));
  m_values[QStringLiteral("cpu %")]->setText(tr("%1 %").arg(s.cpu_percent, 0, 'f', 1));
  m_values[QStringLiteral("rss MiB")]->setText(tr("%1 MiB").arg(s.rss_bytes / kMiB, 0, 'f', 1));
}

QString MetricsDashboard::valueText(const QString& name) const {
  const QLabel* l = m_values.value(name);
  return l ? l->text() : QString();
}

void MetricsDashboard::append(const QString& name, double t, double v) {
  QLineSeries* s = m_series.value(name);
  if (!s) return;
  s->append(t, std::isfinite(v) ? v : 0.0);
  int old = 0;  // keep the longest window only
  while (old < s->count() && s->at(old).x() < t - kKeepSeconds) ++old;
  if (old > 0) s->removePoints(0, old);
}

void MetricsDashboard::rescale() {
  const double t1 = m_count > 0 ? std::max(m_last.t, double(m_window_s)) : double(m_window_s);
  const double t0 = t1 - m_window_s;
  for (QChart* c : m_charts) {
    m_x_axes[c]->setRange(t0, t1);
    double top = 0;
    for (QAbstractSeries* a : c->series()) {
      const auto* s = static_cast<QLineSeries*>(a);
      for (int i = s->count() - 1; i >= 0 && s->at(i).x() >= t0; --i)
        top = std::max(top, s->at(i).y());
    }
    QValueAxis* y = m_y_axes[c];
    y->setRange(0, top > 0 ? top * 1.15 : 1.0);
    y->applyNiceNumbers();
  }
}

void MetricsDashboard::clear() {
  for (QLineSeries* s : std::as_const(m_series)) s->clear();
  for (QLabel* l : std::as_const(m_values)) l->setText(QStringLiteral("–"));
  m_last = Snapshot();
  m_last.t = double(m_clock.elapsed()) / 1000.0;
  m_history.clear();
  m_have_prev = false;
  m_prev_cpu = 0;
  m_count = 0;
  rescale();
}

}  // namespace sciagents::ui
