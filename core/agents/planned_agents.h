#pragma once

namespace sciagents::core {
class AgentRegistry;
// Adds the agent families of docs/architecture.md §4 with their tasks marked planned; real agents
// registered afterwards replace them.
void registerPlannedAgents(AgentRegistry& registry);
}  // namespace sciagents::core
