// The one registry that feeds the CLI, Studio, the server and the docs.
#pragma once

#include "core/agent/task_spec.h"

#include <nlohmann/json_fwd.hpp>

#include <string>
#include <vector>

namespace sciagents::core {

class AgentRegistry {
 public:
  void add(AgentSpec agent);  // replaces a planned agent of the same id
  const std::vector<AgentSpec>& agents() const { return m_agents; }
  const AgentSpec* agent(std::string_view id) const;
  const TaskSpec* task(std::string_view agent, std::string_view task) const;

  nlohmann::json toJson() const;
  std::string toMarkdown() const;

  // All built-in agents, registered once (thread-safe).
  static const AgentRegistry& builtin();

 private:
  std::vector<AgentSpec> m_agents;
};

// Registration entry points, one per agent family (explicit calls: static libraries drop
// self-registering objects).
void registerBuiltinAgents(AgentRegistry& registry);

}  // namespace sciagents::core
