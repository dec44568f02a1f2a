# inverse agent: Tikhonov (SVD + standard-form transformation), MCMC, EnKF, ODE parameter estimation.
target_sources(sciagents_core PRIVATE
  agents/inverse/inverse_agent.cpp
  agents/inverse/inverse_common.cpp
  agents/inverse/mcmc.cpp
  agents/inverse/task_tikhonov.cpp
  agents/inverse/task_bayesian.cpp
  agents/inverse/task_enkf.cpp
  agents/inverse/task_parameter_estimation.cpp
)
