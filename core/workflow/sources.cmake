target_sources(sciagents_core PRIVATE
  workflow/workflow.cpp
  workflow/workflow_json.cpp
  workflow/python_export.cpp
  workflow/link.cpp
  workflow/sweep.cpp
  workflow/param_path.cpp
  workflow/workflow_graph.cpp
  workflow/step_model.cpp
  workflow/workflow_validator.cpp
  workflow/result_cache.cpp
  workflow/run_result.cpp
  workflow/run_result_reader.cpp
  workflow/workflow_engine.cpp
  workflow/step_metrics.cpp
  workflow/nested_run_scope.cpp
  workflow/nested_workflow_task.cpp
)
