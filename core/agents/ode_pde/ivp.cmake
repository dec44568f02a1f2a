target_sources(sciagents_core PRIVATE
  agents/ode_pde/task_ivp.cpp
  agents/ode_pde/ivp_problem.cpp
  agents/ode_pde/ivp_analysis.cpp
  agents/ode_pde/ivp_rk.cpp
  agents/ode_pde/ivp_cvode.cpp
  agents/ode_pde/ivp_solve.cpp
  agents/ode_pde/ivp_prepared.cpp
  agents/ode_pde/ivp_reference.cpp
  agents/ode_pde/sundials_callbacks.cpp
)
target_link_libraries(sciagents_core PRIVATE SUNDIALS::cvode SUNDIALS::arkode)  # arkode: the validation reference
