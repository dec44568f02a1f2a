target_sources(sciagents_core PRIVATE
  agents/optimization/task_minimize.cpp
  agents/optimization/task_global_minimize.cpp
  agents/optimization/task_root.cpp
  agents/optimization/task_curve_fit.cpp
)
