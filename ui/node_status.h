// Run state of a workflow step as shown on the canvas. Derived state: never part of the document
// or the undo stack.
#pragma once

#include <QString>

namespace sciagents::core {
enum class StepStatus;  // core/workflow/run_result.h
}

namespace sciagents::ui {

// Stale: the step has a result, but the step (or a step it reads from) changed since that run.
enum class NodeStatus { Idle, Pending, Running, Done, Cached, Failed, Cancelled, Skipped, Stale };

inline QString nodeStatusName(NodeStatus s) {
  switch (s) {
    case NodeStatus::Idle:
      return QStringLiteral("idle");
    case NodeStatus::Pending:
      return QStringLiteral("pending");
    case NodeStatus::Running:
      return QStringLiteral("running");
    case NodeStatus::Done:
      return QStringLiteral("done");
    case NodeStatus::Cached:
      return QStringLiteral("cached");
    case NodeStatus::Failed:
      return QStringLiteral("failed");
    case NodeStatus::Cancelled:
      return QStringLiteral("cancelled");
    case NodeStatus::Skipped:
      return QStringLiteral("skipped");
    case NodeStatus::Stale:
      return QStringLiteral("out of date");
  }
  return {};
}

// The canvas status of a step in a run (a cached success is shown as cached); in
// run_controller.cpp.
NodeStatus nodeStatusFor(core::StepStatus s, bool cached);

}  // namespace sciagents::ui
