#include "core/report/workflow_graph_svg.h"

#include "core/report/svg_plot.h"
#include "core/workflow/workflow_graph.h"

#include <algorithm>
#include <map>

namespace sciagents::core::report {

namespace {
const char* graphStatusFill(const std::string& status) {
  if (status == "succeeded") return "#dafbe1";
  if (status == "failed") return "#ffebe9";
  if (status == "cancelled") return "#fff8c5";
  return "#f0f2f5";
}
const char* graphStatusStroke(const std::string& status) {
  if (status == "succeeded") return "#1a7f37";
  if (status == "failed") return "#cf222e";
  if (status == "cancelled") return "#9a6700";
  return "#6e7781";
}
std::string graphNum(double v) { return std::to_string(static_cast<long long>(v)); }
}  // namespace

std::string svgWorkflowGraph(const Workflow* workflow, const std::vector<GraphNodeStatus>& nodes) {
  // The boxes: the result's steps, then workflow steps the result lacks.
  std::vector<GraphNodeStatus> boxes = nodes;
  if (workflow)
    for (const auto& s : workflow->steps)
      if (std::none_of(boxes.begin(), boxes.end(), [&](const auto& b) { return b.id == s.id; }))
        boxes.push_back({s.id, s.agent + "." + s.task, ""});
  std::map<std::string, std::size_t> index;
  for (std::size_t i = 0; i < boxes.size(); ++i) index[boxes[i].id] = i;

  // Edges and depth (longest path from a source; cycles cannot occur in a run workflow, but the
  // depth is bounded by the number of steps anyway).
  std::vector<std::pair<std::size_t, std::size_t>> edges;
  if (workflow) {
    const WorkflowGraph g(*workflow);
    for (std::size_t i = 0; i < g.size(); ++i)
      for (std::size_t u : g.upstream(i)) {
        auto a = index.find(g.id(u)), b = index.find(g.id(i));
        if (a != index.end() && b != index.end()) edges.emplace_back(a->second, b->second);
      }
  }
  std::vector<std::size_t> depth(boxes.size(), 0);
  for (std::size_t pass = 0; pass < boxes.size(); ++pass) {
    bool changed = false;
    for (auto [u, v] : edges)
      if (depth[v] < depth[u] + 1 && depth[u] + 1 < boxes.size())
        depth[v] = depth[u] + 1, changed = true;
    if (!changed) break;
  }
  std::size_t columns = 0;
  for (std::size_t d : depth) columns = std::max(columns, d + 1);
  std::vector<std::size_t> row(boxes.size(), 0), per_column(std::max<std::size_t>(columns, 1), 0);
  for (std::size_t i = 0; i < boxes.size(); ++i) row[i] = per_column[depth[i]]++;
  std::size_t rows = 0;
  for (std::size_t n : per_column) rows = std::max(rows, n);

  const double box_w = 190, box_h = 46, gap_x = 70, gap_y = 22, margin = 12;
  const double width =
      margin * 2 + static_cast<double>(std::max<std::size_t>(columns, 1)) * (box_w + gap_x) - gap_x;
  const double height =
      margin * 2 + static_cast<double>(std::max<std::size_t>(rows, 1)) * (box_h + gap_y) - gap_y;
  auto bx = [&](std::size_t i) { return margin + static_cast<double>(depth[i]) * (box_w + gap_x); };
  auto by = [&](std::size_t i) {
    // Columns with fewer boxes are centred vertically.
    const double used = static_cast<double>(per_column[depth[i]]) * (box_h + gap_y) - gap_y;
    return margin + (height - 2 * margin - used) / 2 +
           static_cast<double>(row[i]) * (box_h + gap_y);
  };

  std::string s = "<svg class=\"workflow-graph\" width=\"" + graphNum(width) + "\" height=\"" +
                  graphNum(height) + "\" viewBox=\"0 0 " + graphNum(width) + " " +
                  graphNum(height) +
                  "\" font-family=\"sans-serif\" font-size=\"12\" role=\"img\" "
                  "aria-label=\"workflow graph\">";
  s += "<defs><marker id=\"sa-graph-arrow\" viewBox=\"0 0 10 10\" refX=\"10\" refY=\"5\" "
       "markerWidth=\"8\" markerHeight=\"8\" orient=\"auto-start-reverse\">"
       "<path d=\"M 0 0 L 10 5 L 0 10 z\" fill=\"#57606a\"/></marker></defs>";
  for (auto [u, v] : edges) {
    const double x1 = bx(u) + box_w, y1 = by(u) + box_h / 2, x2 = bx(v), y2 = by(v) + box_h / 2;
    const double mx = (x1 + x2) / 2;
    s += "<path class=\"edge\" d=\"M " + graphNum(x1) + " " + graphNum(y1) + " C " + graphNum(mx) +
         " " + graphNum(y1) + ", " + graphNum(mx) + " " + graphNum(y2) + ", " + graphNum(x2 - 1) +
         " " + graphNum(y2) +
         "\" fill=\"none\" stroke=\"#57606a\" stroke-width=\"1.5\" "
         "marker-end=\"url(#sa-graph-arrow)\"><title>" +
         xmlEscape(boxes[u].id + " -> " + boxes[v].id) + "</title></path>";
  }
  for (std::size_t i = 0; i < boxes.size(); ++i) {
    const auto& b = boxes[i];
    const double x = bx(i), y = by(i);
    std::string id = b.id, label = b.label;
    if (id.size() > 26) id = id.substr(0, 25) + "...";
    if (label.size() > 30) label = label.substr(0, 29) + "...";
    s += "<g class=\"step-node\"><rect x=\"" + graphNum(x) + "\" y=\"" + graphNum(y) +
         "\" width=\"" + graphNum(box_w) + "\" height=\"" + graphNum(box_h) +
         "\" rx=\"6\" fill=\"" + graphStatusFill(b.status) + "\" stroke=\"" +
         graphStatusStroke(b.status) + "\" stroke-width=\"1.5\"/>";
    s += "<text x=\"" + graphNum(x + box_w / 2) + "\" y=\"" + graphNum(y + 19) +
         "\" text-anchor=\"middle\" font-weight=\"bold\">" + xmlEscape(id) + "</text>";
    s += "<text x=\"" + graphNum(x + box_w / 2) + "\" y=\"" + graphNum(y + 36) +
         "\" text-anchor=\"middle\" fill=\"#57606a\" font-size=\"11\">" + xmlEscape(label) +
         "</text><title>" +
         xmlEscape(b.id + " (" + b.label + ")" + (b.status.empty() ? "" : ": " + b.status)) +
         "</title></g>";
  }
  return s + "</svg>";
}

}  // namespace sciagents::core::report
