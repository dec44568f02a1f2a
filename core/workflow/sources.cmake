target_sources(sciagents_core PRIVATE
  workflow/workflow.cpp
)
