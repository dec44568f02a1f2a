target_sources(sciagents_core PRIVATE
  agents/ode_pde/task_ivp.cpp
)
