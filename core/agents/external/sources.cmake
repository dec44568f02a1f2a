# external agent: the user's own programs and Python functions as steps.
target_sources(sciagents_core PRIVATE
  agents/external/external_agent.cpp
  agents/external/task_command.cpp
  agents/external/task_python.cpp
)
