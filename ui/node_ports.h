// The ports a step's node shows on the canvas (linkable params and links in, outputs out) and the
// node's height for them: one place for the scene that draws nodes and the automatic layout that
// places them (rows of the layout leave room for the tallest node).
#pragma once

#include <QString>

#include <vector>

namespace sciagents::core {
class AgentRegistry;
struct Step;
}  // namespace sciagents::core

namespace sciagents::ui {

struct PortSpec {
  QString key;
  QString label;
  QString tooltip;
  bool linked = false;
};

struct NodePorts {
  std::vector<PortSpec> inputs;
  std::vector<PortSpec> outputs;
};

NodePorts nodePorts(const core::Step& step, const core::AgentRegistry& registry);

// Geometry of a node: a header, one row per port pair, a sweep line when the step sweeps.
constexpr double kNodeHeader = 28.0;
constexpr double kNodeRow = 20.0;
constexpr double kNodeSweepRow = 18.0;
double nodeHeight(std::size_t inputs, std::size_t outputs, bool sweep);

}  // namespace sciagents::ui
