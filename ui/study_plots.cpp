#include "ui/study_plots.h"

#include "core/workflow/run_result.h"
#include "ui/qt_convert.h"

#include <QObject>

#include <algorithm>
#include <cmath>
#include <map>
#include <numbers>
#include <set>

namespace sciagents::ui {

namespace {

using core::ValueKind;

const core::Value* outputOf(const core::StepResult& s, const std::string& name) {
  auto it = s.outputs.find(name);
  return it == s.outputs.end() ? nullptr : &it->second;
}

std::optional<core::Vector> tableColumn(const core::Table& t, const std::string& name) {
  for (std::size_t c = 0; c < t.columns.size() && c < t.data.size(); ++c)
    if (t.columns[c] == name && t.data[c].kind() == ValueKind::Vector) return t.data[c].asVector();
  return std::nullopt;
}

// The paths a sweep set, in column order (diagnostics sweep_params, else sweep_param).
std::vector<std::string> sweptPaths(const core::StepResult& s) {
  std::vector<std::string> out;
  if (auto it = s.diagnostics.find("sweep_params");
      it != s.diagnostics.end() && it->second.kind() == ValueKind::List) {
    for (const auto& p : it->second.asList())
      if (p.kind() == ValueKind::String) out.push_back(p.asString());
  } else if (auto one = s.diagnostics.find("sweep_param");
             one != s.diagnostics.end() && one->second.kind() == ValueKind::String) {
    out.push_back(one->second.asString());
  }
  return out;
}

// A sweep's table: sweep_table, or for a one-param sweep sweep_values and every numeric list.
std::optional<core::Table> sweepTable(const core::StepResult& s) {
  if (const auto* t = outputOf(s, "sweep_table"); t && t->kind() == ValueKind::Table)
    return t->asTable();
  const auto* x = outputOf(s, "sweep_values");
  const auto paths = sweptPaths(s);
  if (!x || x->kind() != ValueKind::Vector || paths.size() != 1) return std::nullopt;
  core::Table t;
  t.columns.push_back(paths[0]);
  t.data.emplace_back(x->asVector());
  const auto n = x->asVector().size();
  for (const auto& [name, v] : s.outputs) {
    if (v.kind() != ValueKind::List || static_cast<Eigen::Index>(v.asList().size()) != n) continue;
    core::Vector col(n);
    bool ok = true;
    for (Eigen::Index k = 0; k < n && ok; ++k) {
      core::Value item = v.asList()[static_cast<std::size_t>(k)];
      if (item.kind() == ValueKind::Vector && item.asVector().size() == 1)
        item = item.asVector()[0];
      ok = item.isNumber();
      if (ok) col[k] = item.asDouble();
    }
    if (!ok) continue;
    t.columns.push_back(name);
    t.data.emplace_back(std::move(col));
  }
  return t;
}

// A swept output against the swept value, or over a grid of two as a heat map. `output` is a
// column of the table or the table itself (then every output column is drawn).
std::optional<StudyPlot> sweepPlot(const core::StepResult& s, const QString& output) {
  const auto paths = sweptPaths(s);
  if (paths.empty() || paths.size() > 2) return std::nullopt;
  const auto table = sweepTable(s);
  if (!table) return std::nullopt;
  std::vector<std::string> ys;
  if (output == QLatin1String("sweep_table") || output == QLatin1String("sweep_values")) {
    for (const auto& c : table->columns)
      if (std::find(paths.begin(), paths.end(), c) == paths.end() && tableColumn(*table, c))
        ys.push_back(c);
  } else {
    // A vector output of at most 8 numbers has columns "name[0]", ...; else the output itself.
    const std::string name = output.toStdString();
    for (const auto& c : table->columns)
      if (c == name || c.rfind(name + "[", 0) == 0) ys.push_back(c);
  }
  // Outputs that do not change over the sweep (t_final of a fixed t_span) say nothing here.
  const auto varies = [&](const std::string& c) {
    const auto v = tableColumn(*table, c);
    return v && v->size() > 0 && v->maxCoeff() > v->minCoeff();
  };
  if (std::any_of(ys.begin(), ys.end(), varies))
    ys.erase(std::remove_if(ys.begin(), ys.end(), [&](const auto& c) { return !varies(c); }),
             ys.end());
  if (ys.empty()) return std::nullopt;
  StudyPlot p;
  p.title = qstr(s.id) + QObject::tr(": %1 against the sweep").arg(output);
  if (paths.size() == 1) {
    const auto x = tableColumn(*table, paths[0]);
    if (!x) return std::nullopt;
    p.x_label = qstr(paths[0]);
    p.y_label = ys.size() == 1 ? qstr(ys[0]) : output;
    for (const auto& y : ys) {
      const auto v = tableColumn(*table, y);
      LinePlot::Curve c{qstr(y), {}};
      for (Eigen::Index k = 0; k < x->size(); ++k) c.points << QPointF((*x)[k], (*v)[k]);
      std::sort(c.points.begin(), c.points.end(),
                [](const QPointF& a, const QPointF& b) { return a.x() < b.x(); });
      p.curves << c;
    }
    return p;
  }
  // Two params: a heat map when the points are a full grid (every combination once).
  const auto a = tableColumn(*table, paths[0]), b = tableColumn(*table, paths[1]);
  const auto z = tableColumn(*table, ys[0]);
  if (!a || !b || !z) return std::nullopt;
  const std::set<double> ua(a->begin(), a->end()), ub(b->begin(), b->end());
  if (ua.size() * ub.size() != static_cast<std::size_t>(a->size())) return std::nullopt;
  std::map<std::pair<double, double>, double> at;
  for (Eigen::Index k = 0; k < a->size(); ++k) at[{(*a)[k], (*b)[k]}] = (*z)[k];
  if (at.size() != static_cast<std::size_t>(a->size())) return std::nullopt;
  p.kind = StudyPlot::Kind::HeatMap;
  p.title = qstr(s.id) +
            QObject::tr(": %1 over %2 and %3").arg(qstr(ys[0]), qstr(paths[0]), qstr(paths[1]));
  p.field.axes = {core::Vector(static_cast<Eigen::Index>(ua.size())),
                  core::Vector(static_cast<Eigen::Index>(ub.size()))};
  std::copy(ua.begin(), ua.end(), p.field.axes[0].begin());
  std::copy(ub.begin(), ub.end(), p.field.axes[1].begin());
  p.field.axis_names = {paths[0], paths[1]};
  p.field.values.resize(static_cast<Eigen::Index>(ua.size() * ub.size()));
  Eigen::Index k = 0;
  for (double va : ua)  // last axis fastest (core::GridField)
    for (double vb : ub) p.field.values[k++] = at.at({va, vb});
  return p;
}

std::optional<StudyPlot> histogramPlot(const core::StepResult& s) {
  const auto* h = outputOf(s, "histogram");
  if (!h || h->kind() != ValueKind::Table) return std::nullopt;
  const auto lo = tableColumn(h->asTable(), "bin_lo"), hi = tableColumn(h->asTable(), "bin_hi");
  const auto count = tableColumn(h->asTable(), "count");
  const auto density = tableColumn(h->asTable(), "density");
  if (!lo || !hi || !count || !density || lo->size() == 0) return std::nullopt;
  StudyPlot p;
  p.title = qstr(s.id) + QObject::tr(": histogram and density estimate");
  p.x_label = QObject::tr("output value");
  p.y_label = QObject::tr("density");
  LinePlot::Curve bars{QObject::tr("histogram"), {}};
  bars.points << QPointF((*lo)[0], 0);
  for (Eigen::Index i = 0; i < lo->size(); ++i)
    bars.points << QPointF((*lo)[i], (*density)[i]) << QPointF((*hi)[i], (*density)[i]);
  bars.points << QPointF((*hi)[hi->size() - 1], 0);
  p.curves << bars;
  const core::Vector centres = (lo->array() + hi->array()) / 2;
  LinePlot::Curve kde{QObject::tr("density estimate (KDE)"),
                      binnedDensity(centres, *count, (*lo)[0], (*hi)[hi->size() - 1])};
  p.curves << kde;
  return p;
}

std::optional<StudyPlot> componentsPlot(const core::StepResult& s) {
  const auto* c = outputOf(s, "components");
  if (!c || c->kind() != ValueKind::Table) return std::nullopt;
  const core::Table& t = c->asTable();
  const auto axis = tableColumn(t, "axis");
  if (!axis) return std::nullopt;
  StudyPlot p;
  p.title = qstr(s.id) + QObject::tr(": sensitivity indices against the output");
  p.x_label = QObject::tr("output axis");
  p.y_label = QObject::tr("index");
  for (const auto& name : t.columns) {
    if (name.rfind("S1 ", 0) != 0 && name.rfind("ST ", 0) != 0) continue;
    const auto v = tableColumn(t, name);
    LinePlot::Curve curve{qstr(name), {}};
    for (Eigen::Index k = 0; k < axis->size(); ++k) curve.points << QPointF((*axis)[k], (*v)[k]);
    p.curves << curve;
  }
  return p.curves.isEmpty() ? std::nullopt : std::optional<StudyPlot>(p);
}

QStringList namesOf(const core::StepResult& s, const char* output) {
  QStringList out;
  if (const auto* n = outputOf(s, output); n && n->kind() == ValueKind::List)
    for (const auto& v : n->asList())
      out << (v.kind() == ValueKind::String ? qstr(v.asString()) : QString());
  return out;
}

std::optional<StudyPlot> morrisPlot(const core::StepResult& s) {
  const auto* mu = outputOf(s, "mu_star");
  const auto* sigma = outputOf(s, "sigma");
  if (!mu || !sigma || mu->kind() != ValueKind::Vector || sigma->kind() != ValueKind::Vector)
    return std::nullopt;
  const QStringList names = namesOf(s, "names");
  StudyPlot p;
  p.title = qstr(s.id) + QObject::tr(
                             ": Morris screening (right: important; up: non-linear or "
                             "interacting)");
  p.x_label = QObject::tr("mu* (mean |elementary effect|)");
  p.y_label = QObject::tr("sigma");
  for (Eigen::Index j = 0; j < mu->asVector().size() && j < sigma->asVector().size(); ++j) {
    LinePlot::Curve c{j < names.size() ? names[j] : QStringLiteral("x%1").arg(j + 1), {}};
    c.style = LinePlot::Style::Points;
    c.points << QPointF(mu->asVector()[j], sigma->asVector()[j]);
    p.curves << c;
  }
  return p;
}

// A sample matrix: the scatter of its first two columns, and the matrix for a pair plot.
std::optional<StudyPlot> scatterPlot(const core::StepResult& s, const std::string& output) {
  const auto* m = outputOf(s, output);
  if (!m || m->kind() != ValueKind::Matrix || m->asMatrix().cols() < 2) return std::nullopt;
  const core::Matrix& x = m->asMatrix();
  const QStringList names = sampleNames(s, x.cols());
  const bool mcmc = s.agent == "inverse";
  StudyPlot p;
  p.title = qstr(s.id) + (mcmc ? QObject::tr(": posterior draws (first two parameters)")
                               : QObject::tr(": samples (first two inputs)"));
  p.x_label = names.size() >= 2 ? names[0] : QStringLiteral("x1");
  p.y_label = names.size() >= 2 ? names[1] : QStringLiteral("x2");
  LinePlot::Curve c{mcmc ? QObject::tr("draws") : QObject::tr("samples"), {}};
  c.style = LinePlot::Style::Points;
  for (Eigen::Index r = 0; r < x.rows() && r < 20000; ++r) c.points << QPointF(x(r, 0), x(r, 1));
  p.curves << c;
  p.samples = x;
  p.sample_names = names;
  return p;
}

std::optional<StudyPlot> gpPlot(const core::StepResult& s) {
  const auto* mean = outputOf(s, "mean");
  const auto* sd = outputOf(s, "std");
  auto xt = s.params.find("xtest");
  if (!mean || !sd || xt == s.params.end() || mean->kind() != ValueKind::Vector ||
      sd->kind() != ValueKind::Vector)
    return std::nullopt;
  core::Vector x;
  try {
    const core::Value& v = xt->second;
    x = v.kind() == ValueKind::Matrix && v.asMatrix().cols() == 1
            ? core::Vector(v.asMatrix().col(0))
            : v.toVector();
  } catch (const std::exception&) {
    return std::nullopt;  // more than one input: no band plot
  }
  const core::Vector& m = mean->asVector();
  const core::Vector& e = sd->asVector();
  if (x.size() != m.size() || e.size() != m.size()) return std::nullopt;
  std::vector<Eigen::Index> order(static_cast<std::size_t>(x.size()));
  for (Eigen::Index i = 0; i < x.size(); ++i) order[static_cast<std::size_t>(i)] = i;
  std::sort(order.begin(), order.end(), [&](auto a, auto b) { return x[a] < x[b]; });
  StudyPlot p;
  p.title = qstr(s.id) + QObject::tr(": Gaussian process mean ± 2σ");
  p.x_label = namesOf(s, "names").value(0, QStringLiteral("x"));
  p.y_label = QObject::tr("y");
  LinePlot::Curve band{QObject::tr("mean ± 2σ"), {}};
  band.style = LinePlot::Style::Band;
  LinePlot::Curve line{QObject::tr("mean"), {}};
  for (auto i : order) {
    band.points << QPointF(x[i], m[i] + 2 * e[i]);
    band.lower << QPointF(x[i], m[i] - 2 * e[i]);
    line.points << QPointF(x[i], m[i]);
  }
  p.curves << band << line;
  // The training points: outputs when the design was sampled from a model, else the params.
  const auto given = [&](const char* name) -> const core::Value* {
    if (const auto* o = outputOf(s, name)) return o;
    auto it = s.params.find(name);
    return it == s.params.end() ? nullptr : &it->second;
  };
  const auto* xtrain = given("xtrain");
  const auto* ytrain = given("ytrain");
  if (xtrain && ytrain && xtrain->kind() == ValueKind::Matrix &&
      ytrain->kind() == ValueKind::Vector && xtrain->asMatrix().cols() == 1) {
    LinePlot::Curve train{QObject::tr("training points"), {}};
    train.style = LinePlot::Style::Points;
    for (Eigen::Index r = 0; r < xtrain->asMatrix().rows() && r < ytrain->asVector().size(); ++r)
      train.points << QPointF(xtrain->asMatrix()(r, 0), ytrain->asVector()[r]);
    p.curves << train;
  }
  return p;
}

}  // namespace

bool isSampleOutput(const core::StepResult& step, const QString& output) {
  const std::string task = step.agent + "." + step.task;
  const auto* m = outputOf(step, output.toStdString());
  return m && m->kind() == ValueKind::Matrix &&
         ((task == "uq.lhs" &&
           (output == QLatin1String("design") || output == QLatin1String("unit_design"))) ||
          ((task == "uq.monte_carlo" || task == "inverse.bayesian") &&
           output == QLatin1String("samples")));
}

QStringList sampleNames(const core::StepResult& step, Eigen::Index columns) {
  // Outputs that name them (uq.lhs "names", inverse.bayesian "parameter_names"), else the names
  // in the "inputs" or "parameters" param (lists of {"name", ...} or of plain names).
  for (const char* output : {"names", "parameter_names"})
    if (QStringList n = namesOf(step, output); n.size() == columns) return n;
  for (const char* param : {"inputs", "parameters"}) {
    auto it = step.params.find(param);
    if (it == step.params.end() || it->second.kind() != ValueKind::List) continue;
    QStringList n;
    for (const auto& v : it->second.asList()) {
      if (v.kind() == ValueKind::String) {
        n << qstr(v.asString());
      } else if (v.kind() == ValueKind::Map) {
        const auto& m = v.asMap();
        auto name = m.find("name");
        n << (name != m.end() && name->second.kind() == ValueKind::String
                  ? qstr(name->second.asString())
                  : QString());
      }
    }
    if (n.size() == columns) return n;
  }
  return {};
}

QList<QPointF> binnedDensity(const core::Vector& centres, const core::Vector& counts, double lo,
                             double hi, int points) {
  QList<QPointF> out;
  const double n = counts.sum();
  if (n <= 0 || centres.size() != counts.size() || !(hi > lo) || points < 2) return out;
  const double mean = centres.dot(counts) / n;
  const double var = (centres.array() - mean).square().matrix().dot(counts) / n;
  // Never narrower than half a bin: the data are known to a bin only.
  const double width = centres.size() > 1 ? (centres.maxCoeff() - centres.minCoeff()) /
                                                static_cast<double>(centres.size() - 1)
                                          : 1;
  const double h = std::max(1.06 * std::sqrt(var) * std::pow(n, -0.2), width / 2);
  const double norm = 1.0 / (n * h * std::sqrt(2 * std::numbers::pi));
  for (int i = 0; i < points; ++i) {
    const double x = lo + (hi - lo) * i / (points - 1);
    double f = 0;
    for (Eigen::Index k = 0; k < centres.size(); ++k) {
      const double u = (x - centres[k]) / h;
      f += counts[k] * std::exp(-0.5 * u * u);
    }
    out << QPointF(x, f * norm);
  }
  return out;
}

std::optional<StudyPlot> studyPlot(const core::StepResult& step, const QString& output) {
  const std::string task = step.agent + "." + step.task;
  if (step.points > 1 || !sweptPaths(step).empty()) return sweepPlot(step, output);
  if (task == "uq.monte_carlo" && output == QLatin1String("histogram")) return histogramPlot(step);
  if (task == "uq.sobol" && output == QLatin1String("components")) return componentsPlot(step);
  if (task == "uq.morris" && (output == QLatin1String("mu_star") ||
                              output == QLatin1String("sigma") || output == QLatin1String("mu")))
    return morrisPlot(step);
  if (isSampleOutput(step, output)) return scatterPlot(step, output.toStdString());
  if (task == "surrogate.gp" && (output == QLatin1String("mean") || output == QLatin1String("std")))
    return gpPlot(step);
  return std::nullopt;
}

}  // namespace sciagents::ui
