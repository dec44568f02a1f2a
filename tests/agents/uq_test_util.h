// Helpers for the uq tests: run a uq task directly from JSON params.
#pragma once

#include "core/agent/agent_registry.h"
#include "core/util/error.h"
#include "core/value/value_json.h"

#include <QtTest>

#include <nlohmann/json.hpp>

#include <string>

#include "task_result.h"

namespace uq_test {

using namespace sciagents::core;

inline const TaskSpec& task(const char* id) { return *AgentRegistry::builtin().task("uq", id); }

inline agent_test::TaskResult run(const char* id, const std::string& params_json, int threads = 1) {
  return agent_test::runTask(task(id), fromJson(nlohmann::json::parse(params_json)).asMap(),
                             nullptr, {}, threads);
}

// The task must fail with InvalidInput naming `param` and mentioning `needle`.
inline void expectParamError(const char* id, const std::string& params_json,
                             const std::string& param, const std::string& needle) {
  agent_test::expectParamErrorFrom([&] { run(id, params_json); }, param, needle, params_json);
}

inline const char* kIshigamiInputs =
    R"([{"name":"x1","dist":"uniform","a":-3.141592653589793,"b":3.141592653589793},
        {"name":"x2","dist":"uniform","a":-3.141592653589793,"b":3.141592653589793},
        {"name":"x3","dist":"uniform","a":-3.141592653589793,"b":3.141592653589793}])";
inline const char* kIshigami = "sin(x1) + 7*sin(x2)^2 + 0.1*x3^4*sin(x1)";

// Params of an Ishigami task with `extra` JSON members appended (e.g. ",\"n\":1024").
inline std::string ishigamiParams(const std::string& extra) {
  return std::string("{\"model\":\"") + kIshigami + "\",\"inputs\":" + kIshigamiInputs + extra +
         "}";
}

}  // namespace uq_test
