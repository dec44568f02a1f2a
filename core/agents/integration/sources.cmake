target_sources(sciagents_core PRIVATE
  agents/integration/task_quad.cpp
  agents/integration/task_cubature.cpp
  agents/integration/task_monte_carlo.cpp
)
