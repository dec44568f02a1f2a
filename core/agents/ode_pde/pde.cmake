target_sources(sciagents_core PRIVATE
  agents/ode_pde/task_bvp.cpp
  agents/ode_pde/task_heat.cpp
  agents/ode_pde/task_wave.cpp
  agents/ode_pde/task_poisson.cpp
)
