// Helpers for the integration / special_functions tests: run a task or its hooks directly.
#pragma once

#include "core/agent/agent_registry.h"
#include "core/agent/task_context.h"
#include "core/util/error.h"

#include <QtTest>

#include <string>

#include "task_result.h"

namespace integ_test {

using namespace sciagents::core;

struct Result : agent_test::TaskResult {
  const Value& out(const char* name) const { return outputs.at(name); }
  double num(const char* name) const { return outputs.at(name).asDouble(); }
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

inline const TaskSpec& task(const char* agent, const char* id) {
  const TaskSpec* t = AgentRegistry::builtin().task(agent, id);
  if (!t) throw std::runtime_error(std::string("no task ") + agent + "." + id);
  return *t;
}

// Collects live metrics.
struct Recorder : TaskObserver {
  std::vector<std::tuple<std::string, double, double>> metrics;
  void progress(std::string_view, double, std::string_view) override {}
  void metric(std::string_view, std::string_view s, double x, double y) override {
    metrics.emplace_back(std::string(s), x, y);
  }
};

inline Result run(const char* agent, const char* id, const Map& given,
                  TaskObserver* obs = nullptr) {
  const TaskSpec& t = task(agent, id);
  return {agent_test::runTask(t, given, obs)};
}

inline std::vector<ValidationCheck> validate(const char* agent, const char* id, const Map& given,
                                             const Map& outputs) {
  const TaskSpec& t = task(agent, id);
  TaskContext ctx(t, t.resolveParams(given));
  return t.validate(ctx, outputs);
}

inline Error runError(const char* agent, const char* id, const Map& given) {
  try {
    run(agent, id, given);
  } catch (const Error& e) {
    return e;
  }
  throw std::runtime_error(std::string("expected an Error from ") + id);
}

inline bool contains(const std::string& s, const char* needle) {
  return s.find(needle) != std::string::npos;
}

}  // namespace integ_test
