// Completion conditions of tutorial steps, evaluated from the application's real state: the
// workflow document, the last run's result (only while the document is unchanged since the run)
// and the execution target. Steps are addressed by task ("ode_pde.ivp": the first step of that
// task), never by id, so a user may name steps as they like. Reference: docs/tutorials.md.
//
//   {"type": "none"}                                    always met (a reading step)
//   {"type": "step_added", "task": "ode_pde.ivp"}
//   {"type": "param", "task": T, "param": "constants.k"[, "value": V][, "tolerance": 1e-9]}
//                                                       an unset param holds its default (with
//                                                       TutorialState::registry)
//   {"type": "param", "task": T, "param": "command[0]", "ends_with": "external/projectile.py"}
//                                                       a string value with that ending (a path
//                                                       picked with a file dialog is absolute)
//   {"type": "link", "from_task": T1, "output": "popt[0]", "to_task": T2, "param": "constants.k"}
//   {"type": "sweep", "task": T, "param": P[, "min_points": 3]}
//   {"type": "connected"}                               runs go to a remote server
//   {"type": "run_succeeded"[, "target": "local"|"remote"]}
//   {"type": "test_run", "task": "external.command"}   that step's Test run (Properties) succeeded
//                                                       since the document last changed
//   {"type": "output", "task": T, "output": "y_final[0]", "value": V, "tolerance": 1e-6}
//   {"type": "all", "of": [conditions]}
// Values may contain "${agent.task}", replaced by the id of that task's step.
#pragma once

#include "core/workflow/run_result.h"
#include "core/workflow/workflow.h"

#include <nlohmann/json.hpp>

#include <QString>

namespace sciagents::core {
class AgentRegistry;
}  // namespace sciagents::core

namespace sciagents::ui {

struct TutorialState {
  const core::Workflow* workflow = nullptr;
  // The agents, for the defaults of params a step leaves unset (a field showing its default
  // 1024 already holds 1024); null: unset params hold nothing.
  const core::AgentRegistry* registry = nullptr;
  const core::RunResult* result =
      nullptr;                 // the last run, null when none or the document changed since
  bool result_remote = false;  // that run executed on a remote server
  bool connected = false;      // the execution target is a configured remote server
  QString test_run_ok;         // the step whose Test run succeeded ("" when none)
};

// "" when the condition is well formed, else what is wrong with it.
QString checkCondition(const nlohmann::json& condition);
bool conditionMet(const nlohmann::json& condition, const TutorialState& state);

// The id of the first step running `task` ("agent.task"); "" when there is none.
QString stepOfTask(const core::Workflow& workflow, const QString& task);
// `value` with every "${agent.task}" string replaced by that task's step id.
nlohmann::json substituteTaskIds(const nlohmann::json& value, const core::Workflow& workflow);
// Equal JSON, numbers within `tolerance` (absolute).
bool jsonClose(const nlohmann::json& a, const nlohmann::json& b, double tolerance);
// The JSON value of output "name[i][j]" of a step result; null when absent.
nlohmann::json outputValue(const core::StepResult& step, const QString& output_path);

}  // namespace sciagents::ui
