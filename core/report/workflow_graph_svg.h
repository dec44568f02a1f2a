// The workflow graph as inline SVG for reports: steps as boxes (id, agent.task, coloured by
// status), links as arrows, laid out in columns by dependency depth (a step sits one column right
// of the deepest step it reads from).
#pragma once

#include "core/workflow/workflow.h"

#include <string>
#include <vector>

namespace sciagents::core::report {

struct GraphNodeStatus {
  std::string id;
  std::string label;   // agent.task
  std::string status;  // succeeded, failed, ... ("" unknown)
};

// `workflow` gives the edges (nullptr: boxes only); `nodes` the boxes, in order. Steps of the
// workflow missing from `nodes` are drawn too, without status.
std::string svgWorkflowGraph(const Workflow* workflow, const std::vector<GraphNodeStatus>& nodes);

}  // namespace sciagents::core::report
