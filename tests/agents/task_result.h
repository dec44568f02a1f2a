// What a task produced when run directly through its TaskContext, with accessors for the
// diagnostics every task reports. Shared by the agent-family test helpers.
#pragma once

#include "core/agent/task_spec.h"

#include <string>

namespace agent_test {

using namespace sciagents::core;

struct TaskResult {
  Map outputs;
  Map diagnostics;
  const Value& out(const char* name) const { return outputs.at(name); }
  std::string method() const { return diagnostics.count("method") ? diagnostics.at("method").asString() : ""; }
  std::string rationale() const {
    return diagnostics.count("method_rationale") ? diagnostics.at("method_rationale").asString() : "";
  }
  std::string warnings() const {
    std::string all;
    if (auto it = diagnostics.find("warnings"); it != diagnostics.end())
      for (const auto& w : it->second.asList()) all += w.asString() + "\n";
    return all;
  }
};

inline TaskResult runTask(const TaskSpec& t, const Map& given, TaskObserver* observer = nullptr,
                          CancelFlag cancel = {}) {
  TaskContext ctx(t, t.resolveParams(given));
  if (observer) ctx.setObserver(observer);
  if (cancel) ctx.setCancelFlag(cancel);
  t.run(ctx);
  return {ctx.takeOutputs(), ctx.takeDiagnostics()};
}

}  // namespace agent_test
