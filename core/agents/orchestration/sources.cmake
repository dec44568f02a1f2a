# orchestration agent: parameter studies and nested workflows over the engine.
target_sources(sciagents_core PRIVATE
  agents/orchestration/orchestration_agent.cpp
)
