# assistant agents: target problems, analyse/select, convergence validation.
target_sources(sciagents_core PRIVATE
  agents/assistants/target_problem.cpp
  agents/assistants/analyze_select.cpp
  agents/assistants/validate_convergence.cpp
)
