// Helpers for the ode_pde PDE/BVP tests: run a task directly through its TaskContext.
#pragma once

#include "core/agent/agent_registry.h"
#include "core/agent/task_context.h"
#include "core/agent/task_spec.h"
#include "core/util/error.h"

#include <QtTest>

#include <cmath>
#include <string>

#include "task_result.h"

namespace pde_test {

using namespace sciagents::core;

using Result = agent_test::TaskResult;

inline const TaskSpec& task(const char* name) {
  const TaskSpec* t = AgentRegistry::builtin().task("ode_pde", name);
  if (!t) throw std::runtime_error(std::string("no task ") + name);
  return *t;
}

inline Result run(const char* name, const Map& given) {
  const TaskSpec& t = task(name);
  return agent_test::runTask(t, given);
}

inline std::vector<ValidationCheck> validate(const char* name, const Map& given,
                                             const Map& outputs) {
  const TaskSpec& t = task(name);
  TaskContext ctx(t, t.resolveParams(given));
  return t.validate(ctx, outputs);
}

// Runs and expects an Error with `code`; returns "param: message".
inline std::string failure(const char* name, const Map& given, ErrorCode code) {
  try {
    run(name, given);
  } catch (const Error& e) {
    if (e.code() != code) return "wrong code: " + std::string(e.what());
    return e.param() + ": " + e.bareMessage();
  }
  return "no error";
}

}  // namespace pde_test
