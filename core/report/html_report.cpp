#include "core/report/html_report.h"

#include "core/report/svg_plot.h"
#include "core/report/workflow_graph_svg.h"
#include "core/value/value_json.h"
#include "core/workflow/workflow.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <optional>
#include <set>

namespace sciagents::core::report {

namespace {

constexpr const char* kReportCss = R"(
body{font-family:-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;margin:0;
 color:#1d1d1f;background:#f6f7f9;line-height:1.4}
main{max-width:1100px;margin:0 auto;padding:16px 24px 48px}
h1{font-size:1.6em;margin:0.4em 0 0.2em}h2{font-size:1.25em;margin:0 0 0.4em}
h3{font-size:1.02em;margin:1em 0 0.3em;color:#333}
section{background:#fff;border:1px solid #dde1e6;border-radius:6px;padding:12px 16px;margin:14px 0}
table{border-collapse:collapse;margin:4px 0;font-size:0.92em}
th,td{border:1px solid #dde1e6;padding:3px 8px;text-align:left;vertical-align:top}
td{overflow-wrap:anywhere}th{white-space:nowrap}
table.values{max-width:100%}td code{word-break:break-all}
th{background:#f0f2f5;font-weight:600}
td.num{text-align:right;font-family:ui-monospace,Menlo,Consolas,monospace}
code,pre{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:0.9em}
pre{background:#f6f8fa;border:1px solid #e3e6ea;padding:8px;overflow:auto;max-height:320px;
 white-space:pre-wrap;word-break:break-word}
.status{display:inline-block;padding:1px 8px;border-radius:10px;font-size:0.85em;color:#fff}
.succeeded{background:#1a7f37}.failed{background:#cf222e}.cancelled{background:#9a6700}
.skipped,.pending,.running{background:#6e7781}
.muted{color:#57606a;font-size:0.9em}.error{color:#cf222e;white-space:pre-wrap}
.plots svg{display:block;margin:8px 0;max-width:100%;height:auto;border:1px solid #eceef1}
.graph svg{max-width:100%;height:auto}
nav a{margin-right:10px}
)";

std::string esc(std::string_view s) { return xmlEscape(s); }

std::string statusBadge(std::string_view status) {
  return "<span class=\"status " + esc(status) + "\">" + esc(status) + "</span>";
}

std::string jsonText(const nlohmann::json& j, std::size_t max_chars, int indent = -1) {
  std::string s = j.dump(indent, ' ', false, nlohmann::json::error_handler_t::replace);
  if (s.size() > max_chars)
    s = s.substr(0, max_chars) + " ... (" + std::to_string(s.size()) + " characters in all)";
  return s;
}

// A step's params, one top-level parameter per line with its value as compact JSON.
std::string paramsText(const nlohmann::json& params, std::size_t max_chars) {
  if (!params.is_object()) return jsonText(params, max_chars);
  std::string s;
  for (auto it = params.begin(); it != params.end(); ++it) {
    std::string line = it.key() + ": " + jsonText(it.value(), max_chars);
    s += line + "\n";
    if (s.size() > max_chars) {
      s = s.substr(0, max_chars) + " ...";
      break;
    }
  }
  return s;
}

std::string numberList(const Vector& v, std::size_t max) {
  std::string s = "[";
  const auto n = static_cast<std::size_t>(v.size());
  for (std::size_t i = 0; i < std::min(n, max); ++i)
    s += (i ? ", " : "") + shortNumber(v[static_cast<Eigen::Index>(i)]);
  if (n > max) s += ", ...";
  return s + "]";
}

// Any value as short readable text (lists of sweep points, maps, nested values), cut near
// `max_chars`: numbers to 4 digits, no JSON type tags.
std::string compactValueText(const Value& v, std::size_t max_chars) {
  switch (v.kind()) {
    case ValueKind::Null:
      return "null";
    case ValueKind::Bool:
      return v.asBool() ? "true" : "false";
    case ValueKind::Integer:
      return std::to_string(v.asInt());
    case ValueKind::Scalar:
      return shortNumber(v.asDouble());
    case ValueKind::String:
      return "\"" + v.asString() + "\"";
    case ValueKind::Vector:
      return numberList(v.asVector(), 8);
    case ValueKind::Matrix:
      return std::to_string(v.asMatrix().rows()) + "x" + std::to_string(v.asMatrix().cols()) +
             " matrix";
    case ValueKind::List:
    case ValueKind::Map: {
      const bool list = v.kind() == ValueKind::List;
      std::string s = list ? "[" : "{";
      bool first = true;
      auto add = [&](const std::string& item) {
        if (s.size() > max_chars) return;
        s += (first ? "" : ", ") + item;
        first = false;
        if (s.size() > max_chars) s += ", ...";
      };
      if (list)
        for (const auto& item : v.asList()) add(compactValueText(item, max_chars));
      else
        for (const auto& [k, item] : v.asMap()) add(k + ": " + compactValueText(item, max_chars));
      return s + (list ? "]" : "}");
    }
    default:
      return std::string(v.kindName());
  }
}

std::string vectorSummary(const Vector& v) {
  if (v.size() == 0) return "empty vector";
  double lo = v[0], hi = v[0];
  for (double x : v)
    if (std::isfinite(x)) lo = std::min(lo, x), hi = std::max(hi, x);
  return "vector of " + std::to_string(v.size()) + ", min " + shortNumber(lo) + ", max " +
         shortNumber(hi) + ", first " + numberList(v, 4);
}

std::string matrixTable(const Matrix& m, const ReportOptions& o,
                        const std::vector<std::string>& col_names = {}) {
  const auto rows = static_cast<std::size_t>(m.rows()), cols = static_cast<std::size_t>(m.cols());
  std::string s = "<table class=\"matrix\">";
  if (!col_names.empty()) {
    s += "<tr>";
    for (std::size_t c = 0; c < std::min(cols, o.max_table_cols); ++c)
      s += "<th>" + esc(c < col_names.size() ? col_names[c] : "") + "</th>";
    s += "</tr>";
  }
  for (std::size_t r = 0; r < std::min(rows, o.max_table_rows); ++r) {
    s += "<tr>";
    for (std::size_t c = 0; c < std::min(cols, o.max_table_cols); ++c)
      s += "<td class=\"num\">" +
           esc(shortNumber(m(static_cast<Eigen::Index>(r), static_cast<Eigen::Index>(c)))) +
           "</td>";
    if (cols > o.max_table_cols) s += "<td>...</td>";
    s += "</tr>";
  }
  if (rows > o.max_table_rows) s += "<tr><td colspan=\"99\">...</td></tr>";
  s += "</table>";
  if (rows > o.max_table_rows || cols > o.max_table_cols)
    s += "<div class=\"muted\">" + std::to_string(rows) + " &times; " + std::to_string(cols) +
         ", truncated</div>";
  return s;
}

std::string tableHtml(const Table& t, const ReportOptions& o) {
  std::string s = "<table class=\"data\"><tr>";
  for (const auto& c : t.columns) s += "<th>" + esc(c) + "</th>";
  s += "</tr>";
  std::size_t rows = 0;
  for (const auto& col : t.data) rows = std::max(rows, static_cast<std::size_t>(col.size()));
  for (std::size_t r = 0; r < std::min(rows, o.max_table_rows); ++r) {
    s += "<tr>";
    for (const auto& col : t.data) {
      std::string cell;
      try {
        const Value v = col.at(static_cast<std::int64_t>(r));
        cell = v.isNumber() ? shortNumber(v.asDouble())
                            : (v.isString() ? v.asString() : jsonText(toJson(v), 60));
      } catch (const std::exception&) {
      }
      s += "<td class=\"num\">" + esc(cell) + "</td>";
    }
    s += "</tr>";
  }
  s += "</table>";
  if (rows > o.max_table_rows)
    s += "<div class=\"muted\">" + std::to_string(rows) + " rows, first " +
         std::to_string(o.max_table_rows) + " shown</div>";
  return s;
}

// The text cell of one output or diagnostic; long arrays also get a plot in `plots`.
std::string valueCell(const std::string& name, const Value& v, const ReportOptions& o,
                      std::vector<std::string>& plots) {
  switch (v.kind()) {
    case ValueKind::Null:
      return "<span class=\"muted\">null</span>";
    case ValueKind::Bool:
      return v.asBool() ? "true" : "false";
    case ValueKind::Integer:
      return std::to_string(v.asInt());
    case ValueKind::Scalar: {
      char buf[40];
      std::snprintf(buf, sizeof buf, "%.10g", v.asDouble());
      return esc(buf);
    }
    case ValueKind::String:
      return esc(v.asString());
    case ValueKind::Vector: {
      const Vector& x = v.asVector();
      if (static_cast<std::size_t>(x.size()) <= o.max_vector_text)
        return "<code>" + esc(numberList(x, o.max_vector_text)) + "</code>";
      LinePlot p;
      p.title = name;
      p.x_label = "index";
      p.y_label = name;
      LineSeries s{name, {}, {}};
      for (Eigen::Index i = 0; i < x.size(); ++i)
        s.x.push_back(static_cast<double>(i)), s.y.push_back(x[i]);
      p.series.push_back(std::move(s));
      plots.push_back(svgLinePlot(p));
      return esc(vectorSummary(x)) + " <span class=\"muted\">(plotted below)</span>";
    }
    case ValueKind::Matrix:
      return matrixTable(v.asMatrix(), o);
    case ValueKind::SparseMatrix: {
      const auto& m = v.asSparse();
      return "sparse " + std::to_string(m.rows()) + " &times; " + std::to_string(m.cols()) +
             " matrix, " + std::to_string(m.nonZeros()) + " stored entries";
    }
    case ValueKind::GridField: {
      const auto& g = v.asGrid();
      std::string shape;
      for (std::size_t i = 0; i < g.axes.size(); ++i)
        shape += (i ? " &times; " : "") + std::to_string(g.axes[i].size());
      if (g.axes.size() == 1 && g.axes[0].size() == g.values.size() && g.values.size() > 1) {
        LinePlot p;
        p.title = name;
        p.x_label = g.axis_names.empty() ? "x" : g.axis_names[0];
        p.y_label = name;
        p.series.push_back({name, std::vector<double>(g.axes[0].begin(), g.axes[0].end()),
                            std::vector<double>(g.values.begin(), g.values.end())});
        plots.push_back(svgLinePlot(p));
      }
      return "grid field " + shape + ", " + esc(vectorSummary(g.values));
    }
    case ValueKind::TimeSeries: {
      const auto& ts = v.asTimeSeries();
      LinePlot p;
      p.title = name;
      p.x_label = "t";
      for (Eigen::Index c = 0; c < ts.values.cols(); ++c) {
        LineSeries s;
        s.name = static_cast<std::size_t>(c) < ts.names.size()
                     ? ts.names[static_cast<std::size_t>(c)]
                     : "y" + std::to_string(c);
        s.x.assign(ts.t.begin(), ts.t.end());
        for (Eigen::Index r = 0; r < ts.values.rows(); ++r) s.y.push_back(ts.values(r, c));
        p.series.push_back(std::move(s));
      }
      p.markers = ts.t.size() <= 30;
      plots.push_back(svgLinePlot(p));
      return "time series, " + std::to_string(ts.t.size()) + " times &times; " +
             std::to_string(ts.values.cols()) + " channels (plotted below)";
    }
    case ValueKind::Table:
      return tableHtml(v.asTable(), o);
    case ValueKind::List:
      return "list of " + std::to_string(v.asList().size()) + ": <code>" +
             esc(compactValueText(v, 400)) + "</code>";
    case ValueKind::Map:
      return "<code>" + esc(compactValueText(v, 400)) + "</code>";
  }
  return "";
}

std::string valuesTable(const Map& values, const ReportOptions& o, std::vector<std::string>& plots,
                        const std::set<std::string>& plotted_elsewhere = {}) {
  if (values.empty()) return "<p class=\"muted\">none</p>";
  std::string s = "<table class=\"values\"><tr><th>name</th><th>value</th></tr>";
  for (const auto& [name, v] : values) {
    std::string cell;
    if (plotted_elsewhere.count(name)) {
      if (v.kind() == ValueKind::Vector)
        cell = esc(vectorSummary(v.asVector()));
      else if (v.kind() == ValueKind::Matrix)
        cell = std::to_string(v.asMatrix().rows()) + " &times; " +
               std::to_string(v.asMatrix().cols()) + " matrix";
      else
        cell = esc(std::string(v.kindName()));
      cell += " <span class=\"muted\">(plotted below)</span>";
    } else {
      cell = valueCell(name, v, o, plots);
    }
    s += "<tr><th>" + esc(name) + "</th><td>" + cell + "</td></tr>";
  }
  return s + "</table>";
}

const Value* findOutput(const StepResult& s, std::string_view name) {
  auto it = s.outputs.find(name);
  return it == s.outputs.end() ? nullptr : &it->second;
}

std::vector<std::string> stringList(const Value* v) {
  if (!v) return {};
  try {
    return v->toStringList();
  } catch (const std::exception&) {
    return {};
  }
}

// Sobol indices (uq.sobol): S1 and ST per input, whiskers from the bootstrap intervals (or +-conf).
std::optional<std::string> sobolPlot(const StepResult& s) {
  const Value* s1 = findOutput(s, "S1");
  const Value* st = findOutput(s, "ST");
  if (!s1 || !st || s1->kind() != ValueKind::Vector || st->kind() != ValueKind::Vector)
    return std::nullopt;
  BarChart c;
  c.title = "Sobol indices of " + s.id + " (whiskers: " +
            (findOutput(s, "S1_interval") ? "bootstrap interval" : "confidence half-width") + ")";
  c.y_label = "index";
  c.categories = stringList(findOutput(s, "names"));
  const auto d = static_cast<std::size_t>(s1->asVector().size());
  while (c.categories.size() < d) c.categories.push_back("x" + std::to_string(c.categories.size()));
  for (const char* kind : {"S1", "ST"}) {
    const Vector& v = (std::string_view(kind) == "S1" ? s1 : st)->asVector();
    BarSeries ser;
    ser.name = std::string(kind) == "S1" ? "S1 (first order)" : "ST (total)";
    ser.values.assign(v.begin(), v.end());
    const Value* iv = findOutput(s, std::string(kind) + "_interval");
    const Value* conf = findOutput(s, std::string(kind) + "_conf");
    for (std::size_t i = 0; i < static_cast<std::size_t>(v.size()); ++i) {
      const auto ii = static_cast<Eigen::Index>(i);
      if (iv && iv->kind() == ValueKind::Matrix && iv->asMatrix().rows() > ii &&
          iv->asMatrix().cols() == 2)
        ser.intervals.emplace_back(std::make_pair(iv->asMatrix()(ii, 0), iv->asMatrix()(ii, 1)));
      else if (conf && conf->kind() == ValueKind::Vector && conf->asVector().size() > ii)
        ser.intervals.emplace_back(
            std::make_pair(v[ii] - conf->asVector()[ii], v[ii] + conf->asVector()[ii]));
      else
        ser.intervals.emplace_back(std::nullopt);
    }
    c.series.push_back(std::move(ser));
  }
  return svgBarChart(c);
}

// A histogram table (bin_lo, bin_hi, count[, density]) as bars.
std::optional<std::string> histogramPlot(const std::string& title, const Value& v) {
  if (v.kind() != ValueKind::Table) return std::nullopt;
  const Table& t = v.asTable();
  auto column = [&](std::string_view name) -> const Value* {
    for (std::size_t i = 0; i < t.columns.size() && i < t.data.size(); ++i)
      if (t.columns[i] == name) return &t.data[i];
    return nullptr;
  };
  const Value *lo = column("bin_lo"), *hi = column("bin_hi"), *count = column("count");
  if (!lo || !hi || !count) return std::nullopt;
  try {
    Histogram h;
    h.title = title;
    h.x_label = "value";
    h.y_label = "count";
    const Vector a = lo->toVector(), b = hi->toVector(), n = count->toVector();
    h.lo.assign(a.begin(), a.end());
    h.hi.assign(b.begin(), b.end());
    h.heights.assign(n.begin(), n.end());
    return svgHistogram(h);
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

// y against t for an ode_pde.ivp step: outputs t (n) and y (n x states), names from params.states.
std::optional<std::string> trajectoryPlot(const StepResult& s, const nlohmann::json& params) {
  const Value* t = findOutput(s, "t");
  const Value* y = findOutput(s, "y");
  if (!t || !y || t->kind() != ValueKind::Vector) return std::nullopt;
  Matrix m;
  try {
    m = y->toMatrix();
  } catch (const std::exception&) {
    return std::nullopt;
  }
  const Vector& tv = t->asVector();
  if (m.rows() != tv.size() && m.cols() == tv.size()) m.transposeInPlace();
  if (m.rows() != tv.size() || tv.size() < 2) return std::nullopt;
  std::vector<std::string> names;
  if (params.is_object() && params.contains("states") && params["states"].is_array())
    for (const auto& n : params["states"])
      names.push_back(n.is_string() ? n.get<std::string>() : n.dump());
  LinePlot p;
  p.title = s.id + ": solution against t";
  p.x_label = "t";
  p.y_label = names.size() == 1 ? names[0] : "y";
  for (Eigen::Index c = 0; c < m.cols(); ++c) {
    LineSeries ser;
    ser.name = static_cast<std::size_t>(c) < names.size() ? names[static_cast<std::size_t>(c)]
                                                          : "y[" + std::to_string(c) + "]";
    ser.x.assign(tv.begin(), tv.end());
    for (Eigen::Index r = 0; r < m.rows(); ++r) ser.y.push_back(m(r, c));
    p.series.push_back(std::move(ser));
  }
  p.markers = tv.size() <= 40;
  return svgLinePlot(p);
}

std::string provenanceRow(std::string name, const std::string& value_html) {
  std::replace(name.begin(), name.end(), '_', ' ');  // "threads_used" -> "threads used"
  return "<tr><th>" + esc(name) + "</th><td>" + value_html + "</td></tr>";
}

std::string jsonScalarText(const nlohmann::json& j) {
  if (j.is_string()) return j.get<std::string>();
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::string provenanceSection(const RunResult& r) {
  std::string s = "<section id=\"provenance\"><h2>Provenance</h2><table class=\"provenance\">";
  const nlohmann::json& run = r.run_info;
  if (run.is_object()) {
    for (const char* key : {"sciagents_version", "host", "where", "workflow_file", "started",
                            "finished", "seed", "threads", "threads_used", "use_cache"})
      if (run.contains(key)) {
        std::string v = jsonScalarText(run[key]);
        if (std::string_view(key) == "threads" && v == "0") v = "0 (all hardware threads)";
        s += provenanceRow(key, esc(v));
      }
    if (run.contains("overrides") && run["overrides"].is_array()) {
      std::string v;
      for (const auto& o : run["overrides"])
        v += "<code>--set " + esc(jsonScalarText(o)) + "</code> ";
      s += provenanceRow("overrides", v.empty() ? "<span class=\"muted\">none</span>" : v);
    }
    if (run.contains("agent_versions") && run["agent_versions"].is_object()) {
      std::string v;
      for (auto it = run["agent_versions"].begin(); it != run["agent_versions"].end(); ++it)
        v += "<code>" + esc(it.key()) + " " + esc(jsonScalarText(it.value())) + "</code> ";
      s += provenanceRow("agent versions", v);
    }
  } else {
    s += provenanceRow("note",
                       "<span class=\"muted\">this result file was written before run "
                       "provenance was recorded; per-step provenance only</span>");
    for (const auto& st : r.steps)
      if (st.provenance.is_object()) {
        for (const char* key : {"sciagents_version", "host", "start", "threads"})
          if (st.provenance.contains(key))
            s += provenanceRow(key, esc(jsonScalarText(st.provenance[key])));
        break;
      }
  }
  return s + "</table></section>";
}

std::string stepSection(const StepResult& s, const Step* wstep, const ReportOptions& o) {
  const std::string status(stepStatusName(s.status));
  std::string h = "<section class=\"step\" id=\"step-" + esc(s.id) + "\"><h2>" + esc(s.id) +
                  " <span class=\"muted\">" + esc(s.agent + "." + s.task) + "</span> " +
                  statusBadge(status) + "</h2>";
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.3f s", s.wall_seconds);
  h += "<div class=\"muted\">wall time " + std::string(buf);
  if (s.cached) h += ", served from the result cache";
  if (s.points > 1) h += ", " + std::to_string(s.points) + " sweep points";
  if (s.provenance.is_object() && s.provenance.contains("seed"))
    h += ", seed " + esc(jsonScalarText(s.provenance["seed"]));
  h += "</div>";
  if (!s.error.empty()) h += "<h3>Error</h3><div class=\"error\">" + esc(s.error) + "</div>";
  const nlohmann::json params = wstep ? wstep->params : nlohmann::json();
  h += "<h3>Inputs</h3>";
  if (wstep) {
    h += "<pre class=\"params\">" + esc(paramsText(params, o.max_params_chars)) + "</pre>";
    if (wstep->sweep) h += "<div class=\"muted\">swept over " + esc(wstep->sweep->param) + "</div>";
  } else {
    h += "<p class=\"muted\">not recorded in this result file</p>";
  }

  std::vector<std::string> plots;
  std::set<std::string> plotted;
  if (s.agent == "uq" && s.task == "sobol")
    if (auto p = sobolPlot(s)) {
      plots.push_back(*p);
      plotted.insert({"S1", "ST", "S1_interval", "ST_interval"});
    }
  if (s.agent == "ode_pde" && s.task == "ivp")
    if (auto p = trajectoryPlot(s, params)) {
      plots.push_back(*p);
      plotted.insert({"t", "y"});
    }
  for (const auto& [name, v] : s.outputs) {
    const std::string what = name == "histogram" ? "" : " of " + name;
    if (auto p = histogramPlot(s.id + ": histogram" + what, v)) {
      plots.push_back(*p);
      plotted.insert(name);
    } else if (v.kind() == ValueKind::List) {
      std::size_t k = 0;
      for (const auto& item : v.asList())
        if (auto q = histogramPlot(
                s.id + ": histogram" + what + ", component " + std::to_string(k++), item)) {
          plots.push_back(*q);
          plotted.insert(name);
        }
    }
  }
  h += "<h3>Outputs</h3>" + valuesTable(s.outputs, o, plots, plotted);
  if (!plots.empty()) {
    h += "<div class=\"plots\">";
    for (const auto& p : plots) h += p;
    h += "</div>";
  }
  std::vector<std::string> diag_plots;
  h += "<h3>Diagnostics</h3>" + valuesTable(s.diagnostics, o, diag_plots);
  if (!diag_plots.empty()) {
    h += "<div class=\"plots\">";
    for (const auto& p : diag_plots) h += p;
    h += "</div>";
  }
  return h + "</section>";
}

}  // namespace

std::string htmlReport(const RunResult& result, const ReportOptions& options) {
  std::optional<Workflow> workflow;
  if (result.workflow_spec.is_object()) {
    try {
      workflow = workflowFromJson(result.workflow_spec);
    } catch (const std::exception&) {
    }
  }
  std::string name = options.title;
  if (name.empty()) name = workflow && !workflow->name.empty() ? workflow->name : result.workflow;
  if (name.empty()) name = "SciAgents run";
  const std::string status(stepStatusName(result.status));

  std::string h = "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">";
  h += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">";
  h += "<meta name=\"generator\" content=\"SciAgents report\">";
  h += "<title>" + esc(name) + " - SciAgents report</title><style>" + kReportCss +
       "</style></head><body><main>";
  h += "<header><h1>" + esc(name) + "</h1><div>" + statusBadge(status);
  char buf[64];
  std::snprintf(buf, sizeof buf, " %zu steps, %.3f s", result.steps.size(), result.wall_seconds);
  h += esc(buf);
  if (!options.source_file.empty())
    h += " <span class=\"muted\">from " + esc(options.source_file) + "</span>";
  h += "</div><nav class=\"muted\"><a href=\"#graph\">graph</a>";
  for (const auto& s : result.steps)
    h += "<a href=\"#step-" + esc(s.id) + "\">" + esc(s.id) + "</a>";
  h += "<a href=\"#provenance\">provenance</a></nav></header>";

  h += "<section id=\"graph\" class=\"graph\"><h2>Workflow</h2>";
  std::vector<GraphNodeStatus> nodes;
  for (const auto& s : result.steps)
    nodes.push_back({s.id, s.agent + "." + s.task, std::string(stepStatusName(s.status))});
  h += svgWorkflowGraph(workflow ? &*workflow : nullptr, nodes);
  h += "</section>";

  for (const auto& s : result.steps)
    h += stepSection(s, workflow ? workflow->step(s.id) : nullptr, options);
  h += provenanceSection(result);
  h += "<footer class=\"muted\">Made by <code>sciagents report</code>. Self-contained: no scripts, "
       "no external resources.</footer>";
  return h + "</main></body></html>\n";
}

}  // namespace sciagents::core::report
