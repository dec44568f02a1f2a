# external agent: the user's own programs and Python functions as steps.
target_sources(sciagents_core PRIVATE
  agents/external/external_agent.cpp
  agents/external/task_command.cpp
  agents/external/command_spec.cpp
  agents/external/command_template.cpp
  agents/external/command_outputs.cpp
  agents/external/command_paths.cpp
  agents/external/command_run.cpp
  agents/external/command_workdir.cpp
  agents/external/task_python.cpp
  agents/external/python_call.cpp
  agents/external/python_pool.cpp
  agents/external/python_protocol.cpp
  agents/external/python_worker.cpp
  agents/external/python_worker_script.cpp
)
