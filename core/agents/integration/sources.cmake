# integration agent: Boost.Math quadrature (header-only), own Genz-Malik cubature, MC / Sobol RQMC.
target_sources(sciagents_core PRIVATE
  agents/integration/integration_agent.cpp
  agents/integration/integ_common.cpp
  agents/integration/quad_core.cpp
  agents/integration/tanh_sinh_rule.cpp
  agents/integration/task_quad.cpp
  agents/integration/cubature_core.cpp
  agents/integration/task_cubature.cpp
  agents/integration/task_monte_carlo.cpp
)
target_link_libraries(sciagents_core PRIVATE Boost::headers)
