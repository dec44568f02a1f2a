# uq agent: distributions (Boost.Math), counter-based streams, Sobol sequences (Boost.Random).
target_sources(sciagents_core PRIVATE
  agents/uq/uq_agent.cpp
  agents/uq/distributions.cpp
  agents/uq/uq_common.cpp
  agents/uq/sample_summary.cpp
  agents/uq/sample_buffer.cpp
  agents/uq/monte_carlo_blocks.cpp
  agents/uq/task_monte_carlo.cpp
  agents/uq/task_lhs.cpp
  agents/uq/task_sobol.cpp
  agents/uq/task_morris.cpp
  agents/uq/task_fit_distribution.cpp
  agents/uq/uq_estimate.cpp
  agents/uq/task_confidence_interval.cpp
  agents/uq/task_rare_event.cpp
)
target_link_libraries(sciagents_core PRIVATE Boost::headers)
