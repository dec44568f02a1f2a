// Two runs of the history compared (ui/run_compare_dialog.h).
#include "ui/run_compare_dialog.h"

#include "ui/line_plot.h"
#include "ui/qt_convert.h"
#include "ui/value_format.h"

#include <QComboBox>
#include <QDateTime>
#include <QDialogButtonBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QSplitter>
#include <QTableWidget>
#include <QVBoxLayout>

#include <algorithm>
#include <map>
#include <set>

namespace sciagents::ui {

namespace {

// A param's leaves by path (`constants.k`, `A[0][1]`); a link ({"from": …}) is one leaf.
void compareFlatten(const nlohmann::json& v, const std::string& path,
                    std::map<std::string, nlohmann::json>& out) {
  const bool link = v.is_object() && v.size() == 1 && v.contains("from");
  if (v.is_object() && !v.empty() && !link) {
    for (const auto& [k, x] : v.items()) compareFlatten(x, path.empty() ? k : path + "." + k, out);
  } else if (v.is_array() && !v.empty()) {
    for (std::size_t i = 0; i < v.size(); ++i)
      compareFlatten(v[i], path + "[" + std::to_string(i) + "]", out);
  } else {
    out[path] = v;
  }
}

QString compareLeafText(const nlohmann::json& v) {
  if (v.is_object() && v.contains("from") && v["from"].is_string())
    return QStringLiteral("← ") + qstr(v["from"].get<std::string>());
  if (v.is_string()) return qstr(v.get<std::string>());
  return jsonText(v);
}

std::vector<std::pair<std::string, const nlohmann::json*>> compareSteps(const nlohmann::json& w) {
  std::vector<std::pair<std::string, const nlohmann::json*>> steps;
  if (w.is_object() && w.contains("steps") && w["steps"].is_array())
    for (const auto& s : w["steps"])
      if (s.is_object() && s.contains("id") && s["id"].is_string())
        steps.emplace_back(s["id"].get<std::string>(), &s);
  return steps;
}

std::map<std::string, nlohmann::json> compareStepLeaves(const nlohmann::json& step) {
  std::map<std::string, nlohmann::json> out;
  if (step.contains("params")) compareFlatten(step["params"], {}, out);
  if (step.contains("sweep")) compareFlatten(step["sweep"], "sweep", out);
  return out;
}

struct CompareChannel {
  QString name;
  QList<QPointF> points;
};

// The plottable components of an output: vectors and lists of numbers against their index,
// matrices by column (against the step's "t" when it matches), time series by channel, 1-D grid
// fields along their axis. Empty for anything else.
QList<CompareChannel> compareChannels(const core::StepResult& s, const core::Value& v,
                                      QString* x_label) {
  QList<CompareChannel> out;
  *x_label = QObject::tr("index");
  switch (v.kind()) {
    case core::ValueKind::Vector: {
      const auto& x = v.asVector();
      CompareChannel c;
      for (Eigen::Index i = 0; i < x.size(); ++i) c.points << QPointF(double(i), x[i]);
      out << c;
      break;
    }
    case core::ValueKind::List: {
      CompareChannel c;
      const auto& l = v.asList();
      for (std::size_t i = 0; i < l.size(); ++i)
        if (l[i].isNumber()) c.points << QPointF(double(i), l[i].asDouble());
      if (!c.points.isEmpty()) out << c;
      break;
    }
    case core::ValueKind::Matrix: {
      const auto& m = v.asMatrix();
      const auto t = s.outputs.find("t");
      const core::Vector* tv = nullptr;
      if (t != s.outputs.end() && t->second.kind() == core::ValueKind::Vector &&
          t->second.asVector().size() == m.rows())
        tv = &t->second.asVector();
      if (tv) *x_label = QStringLiteral("t");
      // Columns named by the step's states (ode_pde.ivp) when there is one per column.
      std::vector<std::string> names;
      if (const auto st = s.params.find("states");
          st != s.params.end() && st->second.kind() == core::ValueKind::List) {
        try {
          names = st->second.toStringList();
        } catch (const std::exception&) {
          names.clear();
        }
      }
      for (Eigen::Index c = 0; c < m.cols(); ++c) {
        CompareChannel ch{Eigen::Index(names.size()) == m.cols() ? qstr(names[std::size_t(c)])
                                                                 : QStringLiteral("[%1]").arg(c),
                          {}};
        for (Eigen::Index r = 0; r < m.rows(); ++r)
          ch.points << QPointF(tv ? (*tv)[r] : double(r), m(r, c));
        out << ch;
      }
      break;
    }
    case core::ValueKind::TimeSeries: {
      const auto& ts = v.asTimeSeries();
      *x_label = QStringLiteral("t");
      for (Eigen::Index c = 0; c < ts.values.cols(); ++c) {
        CompareChannel ch{c < Eigen::Index(ts.names.size()) ? qstr(ts.names[std::size_t(c)])
                                                            : QStringLiteral("y%1").arg(c),
                          {}};
        for (Eigen::Index r = 0; r < ts.values.rows() && r < ts.t.size(); ++r)
          ch.points << QPointF(ts.t[r], ts.values(r, c));
        out << ch;
      }
      break;
    }
    case core::ValueKind::GridField: {
      const auto& g = v.asGrid();
      if (g.axes.size() != 1) break;
      *x_label = g.axis_names.empty() ? QStringLiteral("x") : qstr(g.axis_names[0]);
      CompareChannel c;
      for (Eigen::Index i = 0; i < g.values.size() && i < g.axes[0].size(); ++i)
        c.points << QPointF(g.axes[0][i], g.values[i]);
      out << c;
      break;
    }
    default:
      break;
  }
  return out;
}

const core::Value* compareOutput(const std::shared_ptr<const core::RunResult>& r,
                                 const QString& step, const QString& output) {
  const core::StepResult* s = r ? r->step(step.toStdString()) : nullptr;
  if (!s) return nullptr;
  const auto it = s->outputs.find(output.toStdString());
  return it == s->outputs.end() ? nullptr : &it->second;
}

QString compareRunLabel(const core::store::RunRecord& r) { return QObject::tr("run %1").arg(r.id); }

}  // namespace

QList<RunCompareDialog::Difference> RunCompareDialog::paramDifferences(const nlohmann::json& a,
                                                                       const nlohmann::json& b) {
  QList<Difference> out;
  const auto sa = compareSteps(a);
  const auto sb = compareSteps(b);
  std::map<std::string, const nlohmann::json*> by_id_b(sb.begin(), sb.end());
  std::set<std::string> seen;
  const auto agentTask = [](const nlohmann::json& s) {
    return qstr(s.value("agent", std::string())) + QLatin1Char('.') +
           qstr(s.value("task", std::string()));
  };
  for (const auto& [id, step] : sa) {
    seen.insert(id);
    const auto other = by_id_b.find(id);
    if (other == by_id_b.end()) {
      out.push_back({qstr(id), agentTask(*step), {}});
      continue;
    }
    if (agentTask(*step) != agentTask(*other->second))
      out.push_back({qstr(id), agentTask(*step), agentTask(*other->second)});
    const auto la = compareStepLeaves(*step);
    const auto lb = compareStepLeaves(*other->second);
    std::set<std::string> paths;
    for (const auto& [p, v] : la) paths.insert(p);
    for (const auto& [p, v] : lb) paths.insert(p);
    for (const std::string& p : paths) {
      const auto ia = la.find(p);
      const auto ib = lb.find(p);
      if (ia != la.end() && ib != lb.end() && ia->second == ib->second) continue;
      out.push_back({qstr(id) + QLatin1Char('.') + qstr(p),
                     ia == la.end() ? QString() : compareLeafText(ia->second),
                     ib == lb.end() ? QString() : compareLeafText(ib->second)});
    }
  }
  for (const auto& [id, step] : sb)
    if (!seen.count(id)) out.push_back({qstr(id), {}, agentTask(*step)});
  return out;
}

RunCompareDialog::RunCompareDialog(const core::store::RunRecord& a,
                                   std::shared_ptr<const core::RunResult> ra,
                                   const core::store::RunRecord& b,
                                   std::shared_ptr<const core::RunResult> rb, QWidget* parent)
    : QDialog(parent),
      m_a(a),
      m_b(b),
      m_ra(std::move(ra)),
      m_rb(std::move(rb)),
      m_diff(new QTableWidget(this)),
      m_step(new QComboBox(this)),
      m_output(new QComboBox(this)),
      m_component(new QComboBox(this)),
      m_plot(new LinePlot(this)),
      m_note(new QLabel(this)) {
  setObjectName(QStringLiteral("RunCompareDialog"));
  setWindowTitle(tr("Compare run %1 and run %2").arg(a.id).arg(b.id));
  const auto when = [](const core::store::RunRecord& r) {
    return QDateTime::fromMSecsSinceEpoch(r.started_us / 1000)
        .toString(QStringLiteral("yyyy-MM-dd HH:mm:ss"));
  };
  auto* header =
      new QLabel(tr("<b>A</b>: run %1, %2, %3, %4 &nbsp;&nbsp; <b>B</b>: run %5, %6, %7, %8")
                     .arg(a.id)
                     .arg(when(a), qstr(a.workflow_name).toHtmlEscaped(), qstr(a.status))
                     .arg(b.id)
                     .arg(when(b), qstr(b.workflow_name).toHtmlEscaped(), qstr(b.status)),
                 this);
  header->setWordWrap(true);

  // Params that differ.
  m_diff->setObjectName(QStringLiteral("ParamDiff"));
  m_diff->setColumnCount(3);
  m_diff->setHorizontalHeaderLabels(
      {tr("Parameter"), tr("A: %1").arg(compareRunLabel(a)), tr("B: %1").arg(compareRunLabel(b))});
  m_diff->setEditTriggers(QAbstractItemView::NoEditTriggers);
  m_diff->setSelectionBehavior(QAbstractItemView::SelectRows);
  m_diff->verticalHeader()->hide();
  m_diff->horizontalHeader()->setSectionResizeMode(PathColumn, QHeaderView::ResizeToContents);
  m_diff->horizontalHeader()->setSectionResizeMode(AColumn, QHeaderView::Stretch);
  m_diff->horizontalHeader()->setSectionResizeMode(BColumn, QHeaderView::Stretch);
  const auto wa = nlohmann::json::parse(a.workflow_json, nullptr, false);
  const auto wb = nlohmann::json::parse(b.workflow_json, nullptr, false);
  const auto diffs = paramDifferences(wa.is_discarded() ? nlohmann::json() : wa,
                                      wb.is_discarded() ? nlohmann::json() : wb);
  m_diff->setRowCount(int(diffs.size()));
  for (int i = 0; i < diffs.size(); ++i) {
    const auto& d = diffs[i];
    m_diff->setItem(i, PathColumn, new QTableWidgetItem(d.path));
    m_diff->setItem(i, AColumn, new QTableWidgetItem(d.a.isNull() ? tr("(absent)") : d.a));
    m_diff->setItem(i, BColumn, new QTableWidgetItem(d.b.isNull() ? tr("(absent)") : d.b));
  }
  auto* diff_label =
      new QLabel(diffs.isEmpty() ? tr("&Parameters: the two runs used the same parameters")
                                 : tr("&Parameters that differ (%1)").arg(diffs.size()),
                 this);
  diff_label->setBuddy(m_diff);

  // One output of both runs.
  m_step->setObjectName(QStringLiteral("CompareStep"));
  m_output->setObjectName(QStringLiteral("CompareOutput"));
  m_component->setObjectName(QStringLiteral("CompareComponent"));
  m_plot->setObjectName(QStringLiteral("ComparePlot"));
  m_note->setObjectName(QStringLiteral("CompareNote"));
  m_note->setWordWrap(true);
  m_note->setTextInteractionFlags(Qt::TextSelectableByMouse);
  if (m_ra && m_rb)
    for (const auto& s : m_rb->steps)
      if (m_ra->step(s.id)) m_step->addItem(qstr(s.id));
  auto* form = new QHBoxLayout;
  for (const auto& [text, box] :
       {std::pair{tr("&Step:"), m_step}, std::pair{tr("&Output:"), m_output},
        std::pair{tr("Co&mponent:"), m_component}}) {
    auto* label = new QLabel(text, this);
    label->setBuddy(box);
    box->setSizeAdjustPolicy(QComboBox::AdjustToContents);
    box->setMinimumContentsLength(8);
    form->addWidget(label);
    form->addWidget(box);
    form->addSpacing(12);
  }
  form->addStretch(1);
  connect(m_step, &QComboBox::currentIndexChanged, this, &RunCompareDialog::fillOutputs);
  connect(m_output, &QComboBox::currentIndexChanged, this, &RunCompareDialog::fillComponents);
  connect(m_component, &QComboBox::currentIndexChanged, this, &RunCompareDialog::updatePlot);

  auto* top = new QWidget(this);
  auto* top_layout = new QVBoxLayout(top);
  top_layout->setContentsMargins(0, 0, 0, 0);
  top_layout->addWidget(diff_label);
  top_layout->addWidget(m_diff);
  auto* bottom = new QWidget(this);
  auto* bottom_layout = new QVBoxLayout(bottom);
  bottom_layout->setContentsMargins(0, 0, 0, 0);
  bottom_layout->addLayout(form);
  bottom_layout->addWidget(m_plot, 1);
  bottom_layout->addWidget(m_note);
  auto* split = new QSplitter(Qt::Vertical, this);
  split->addWidget(top);
  split->addWidget(bottom);
  // The differences take the height of their rows (8 at most), the plot the rest, also when the
  // dialog grows.
  split->setStretchFactor(0, 0);
  split->setStretchFactor(1, 1);
  m_split = split;
  m_diff_height =
      m_diff->horizontalHeader()->sizeHint().height() +
      std::max(1, std::min(int(diffs.size()), 8)) * m_diff->verticalHeader()->defaultSectionSize() +
      2 * m_diff->frameWidth() + diff_label->sizeHint().height() + 12;
  auto* buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
  connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
  auto* layout = new QVBoxLayout(this);
  layout->addWidget(header);
  layout->addWidget(split, 1);
  layout->addWidget(buttons);
  resize(900, 640);
  fillOutputs();
}

void RunCompareDialog::fillOutputs() {
  const QSignalBlocker block(m_output);
  m_output->clear();
  const QString step = m_step->currentText();
  const core::StepResult* sa = m_ra ? m_ra->step(step.toStdString()) : nullptr;
  const core::StepResult* sb = m_rb ? m_rb->step(step.toStdString()) : nullptr;
  int first_plottable = -1;
  if (sa && sb)
    for (const auto& [name, value] : sb->outputs) {
      if (!sa->outputs.count(name)) continue;
      QString x;
      if (first_plottable < 0 && !compareChannels(*sb, value, &x).isEmpty())
        first_plottable = m_output->count();
      m_output->addItem(qstr(name));
    }
  if (first_plottable >= 0) m_output->setCurrentIndex(first_plottable);
  fillComponents();
}

void RunCompareDialog::fillComponents() {
  const QSignalBlocker block(m_component);
  m_component->clear();
  const core::Value* vb = compareOutput(m_rb, m_step->currentText(), m_output->currentText());
  const core::StepResult* sb = m_rb ? m_rb->step(m_step->currentText().toStdString()) : nullptr;
  if (vb && sb) {
    QString x;
    for (const auto& c : compareChannels(*sb, *vb, &x)) m_component->addItem(c.name);
  }
  m_component->setEnabled(m_component->count() > 1);
  updatePlot();
}

void RunCompareDialog::updatePlot() {
  const QString step = m_step->currentText();
  const QString output = m_output->currentText();
  const core::Value* va = compareOutput(m_ra, step, output);
  const core::Value* vb = compareOutput(m_rb, step, output);
  if (!m_ra || !m_rb) {
    m_plot->clearPlot();
    m_note->setText(tr("The result of %1 was not kept in the history: nothing to plot")
                        .arg(!m_ra ? compareRunLabel(m_a) : compareRunLabel(m_b)));
    m_note->show();
    return;
  }
  if (!va || !vb) {
    m_plot->clearPlot();
    m_note->setText(tr("No output common to both runs"));
    m_note->show();
    return;
  }
  QString x_label;
  const auto ca = compareChannels(*m_ra->step(step.toStdString()), *va, &x_label);
  const auto cb = compareChannels(*m_rb->step(step.toStdString()), *vb, &x_label);
  const int k = std::max(0, m_component->currentIndex());
  if (ca.isEmpty() || cb.isEmpty() || k >= ca.size() || k >= cb.size()) {
    m_plot->clearPlot();
    m_note->setText(tr("%1: A = %2, B = %3").arg(output, summarizeValue(*va), summarizeValue(*vb)));
    m_note->show();
    return;
  }
  const QString suffix = ca.size() > 1 ? QStringLiteral(" (%1)").arg(ca[k].name) : QString();
  m_plot->setCurves(
      tr("%1.%2%3: run %4 and run %5").arg(step, output, suffix).arg(m_a.id).arg(m_b.id), x_label,
      output + suffix,
      {LinePlot::Curve{tr("A: run %1").arg(m_a.id), ca[k].points},
       LinePlot::Curve{tr("B: run %1").arg(m_b.id), cb[k].points}});
  m_note->setText(*va == *vb ? tr("The two runs gave the same %1").arg(output) : QString());
  m_note->setVisible(!m_note->text().isEmpty());
}

void RunCompareDialog::showEvent(QShowEvent* event) {
  QDialog::showEvent(event);
  if (m_sized) return;
  m_sized = true;
  const int total = std::max(m_split->height(), m_diff_height + 200);
  m_split->setSizes({m_diff_height, total - m_diff_height});
}

QString RunCompareDialog::plotNote() const { return m_note->text(); }

void RunCompareDialog::showOutput(const QString& step, const QString& output) {
  m_step->setCurrentText(step);
  m_output->setCurrentText(output);
}

}  // namespace sciagents::ui
