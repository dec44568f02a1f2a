// A step's "sweep" member read into a SweepSpec, for editors (Studio's sweep editor): the very
// parser the workflow reader uses, so an editor accepts exactly what a file may hold. The other
// direction is SweepSpec::spec() (the sweep as written, ranges kept as ranges).
#pragma once

#include "core/workflow/sweep.h"

#include <nlohmann/json.hpp>

#include <string>

namespace sciagents::core {

// {"param", "values"} | {"grid": [...]} | {"zip": [...]} | {"design": {"from"}, "params"}
// (docs/workflow-format.md "Sweeps"). Throws Error(InvalidInput) naming `step` and saying what
// is wrong, with the messages of parseWorkflow.
SweepSpec sweepFromJson(const nlohmann::json& j, const std::string& step = {});

}  // namespace sciagents::core
