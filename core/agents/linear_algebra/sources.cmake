target_sources(sciagents_core PRIVATE
  agents/linear_algebra/linear_algebra_agent.cpp
)
