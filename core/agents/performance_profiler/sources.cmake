# performance_profiler agent: re-runs a step or inline task over sizes (wall/CPU time, peak RSS).
target_sources(sciagents_core PRIVATE
  agents/performance_profiler/performance_profiler_agent.cpp
  agents/performance_profiler/resource_meter.cpp
  agents/performance_profiler/scaling_fit.cpp
  agents/performance_profiler/task_profile.cpp
  agents/performance_profiler/profile_estimate.cpp
)
