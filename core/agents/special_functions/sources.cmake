target_sources(sciagents_core PRIVATE
  agents/special_functions/task_evaluate.cpp
  agents/special_functions/task_fft.cpp
)
