// The registry document served by `sciagents agents --json` and GET /v1/agents: one function so
// both stay byte-identical.
#pragma once

#include "core/agent/agent_registry.h"

#include <nlohmann/json.hpp>

#include <string>

namespace sciagents::core {

// Pretty-printed (2 spaces) registry JSON followed by a newline.
inline std::string registryJsonDocument(const AgentRegistry& registry) {
  return registry.toJson().dump(2) + "\n";
}

}  // namespace sciagents::core
