// Helpers for the physics_informed_ml tests: run a task directly from JSON params.
#pragma once

#include "core/agent/agent_registry.h"
#include "core/util/error.h"
#include "core/value/value_json.h"

#include <QtTest>

#include <nlohmann/json.hpp>

#include <string>

#include "task_result.h"

namespace pinn_test {

using namespace sciagents::core;

inline const TaskSpec& task(const char* id) {
  return *AgentRegistry::builtin().task("physics_informed_ml", id);
}

// Records live metric samples.
struct MetricLog final : TaskObserver {
  std::map<std::string, int> count;
  void progress(std::string_view, double, std::string_view) override {}
  void metric(std::string_view, std::string_view series, double, double) override {
    ++count[std::string(series)];
  }
};

inline agent_test::TaskResult run(const char* id, const std::string& params_json,
                                  TaskObserver* observer = nullptr) {
  return agent_test::runTask(task(id), fromJson(nlohmann::json::parse(params_json)).asMap(),
                             observer);
}

// The task must fail with InvalidInput naming `param` and mentioning `needle`.
inline void expectParamError(const char* id, const std::string& params_json,
                             const std::string& param, const std::string& needle) {
  agent_test::expectParamErrorFrom([&] { run(id, params_json); }, param, needle, params_json);
}

// u'' = -pi^2 sin(pi x) on [0, 1], u(0) = u(1) = 0: u = sin(pi x).
inline std::string poisson1d(const std::string& extra) {
  return R"({"domain":[0,1],"residual":"u_xx + pi^2*sin(pi*x) ","exact":"sin(pi*x) ",
             "conditions":[{"where":{"x":0},"value":0},{"where":{"x":1},"value":"0"}])" +
         extra + "}";
}

}  // namespace pinn_test
