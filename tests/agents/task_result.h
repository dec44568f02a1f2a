// What a task produced when run directly through its TaskContext, with accessors for the
// diagnostics every task reports. Shared by the agent-family test helpers.
#pragma once

#include "core/agent/agent_registry.h"
#include "core/agent/task_spec.h"
#include "core/util/error.h"

#include <QtTest>

#include <string>

namespace agent_test {

using namespace sciagents::core;

struct TaskResult {
  Map outputs;
  Map diagnostics;
  const Value& out(const char* name) const { return outputs.at(name); }
  std::string method() const {
    return diagnostics.count("method") ? diagnostics.at("method").asString() : "";
  }
  std::string rationale() const {
    return diagnostics.count("method_rationale") ? diagnostics.at("method_rationale").asString()
                                                 : "";
  }
  std::string warnings() const {
    std::string all;
    if (auto it = diagnostics.find("warnings"); it != diagnostics.end())
      for (const auto& w : it->second.asList()) all += w.asString() + "\n";
    return all;
  }
};

// threads = 0 keeps the context's default.
inline TaskResult runTask(const TaskSpec& t, const Map& given, TaskObserver* observer = nullptr,
                          CancelFlag cancel = {}, int threads = 0) {
  TaskContext ctx(t, t.resolveParams(given));
  ctx.setRegistry(&AgentRegistry::builtin());
  if (threads > 0) ctx.setThreads(threads);
  if (observer) ctx.setObserver(observer);
  if (cancel) ctx.setCancelFlag(cancel);
  t.run(ctx);
  return {ctx.takeOutputs(), ctx.takeDiagnostics()};
}

// `call` must throw an Error naming `param` whose message mentions `needle`; `what` names the input
// in the failure message.
template <class Call>
void expectParamErrorFrom(Call&& call, const std::string& param, const std::string& needle,
                          const std::string& what) {
  try {
    call();
    QFAIL(("no error for " + what).c_str());
  } catch (const Error& e) {
    QVERIFY2(e.param() == param, e.what());
    QVERIFY2(std::string(e.what()).find(needle) != std::string::npos, e.what());
  }
}

}  // namespace agent_test
