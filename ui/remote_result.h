// Converts a server's result document (GET /v1/jobs/{id}/result, the `sciagents run -o` JSON)
// back into a core::RunResult for the results panel.
#pragma once

#include "core/workflow/run_result.h"
#include "core/workflow/workflow.h"

#include <nlohmann/json_fwd.hpp>

#include <string>

namespace sciagents::ui {

core::StepStatus stepStatusFromName(const std::string& name);
// Steps in the order of `workflow` (when given), then any others.
core::RunResult runResultFromJson(const nlohmann::json& doc, const core::Workflow* workflow);

}  // namespace sciagents::ui
