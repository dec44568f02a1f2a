// Studio's names for the core's graph and path logic used by the document's edits: dependencies
// and cycle checks (core/workflow/workflow_graph.h), values at parameter paths ("x0",
// "constants.k", "b[1]"; core/workflow/param_path.h), link renaming and removal.
#pragma once

#include "core/workflow/workflow.h"

#include <nlohmann/json.hpp>

#include <set>
#include <string>

namespace sciagents::ui {

// Steps that `id` reads from directly (links and step references in its params).
std::set<std::string> directUpstream(const core::Workflow& w, const std::string& id);
// True when `step` depends on `ancestor`, directly or transitively.
bool dependsOn(const core::Workflow& w, const std::string& step, const std::string& ancestor);
// True when linking `to` ← `from` would make a cycle (including a self-link).
bool wouldCreateCycle(const core::Workflow& w, const std::string& from, const std::string& to);

// The step id a link text ("fit.x[0]") points to; empty when malformed.
std::string linkSourceStep(const std::string& link_text);

// Value at a parameter path, nullptr when absent.
const nlohmann::json* valueAtPath(const nlohmann::json& params, const std::string& path);
// Sets the value at `path`, creating objects on the way; array elements must exist. False with
// `error` when the path cannot be applied.
bool setAtPath(nlohmann::json& params, const std::string& path, const nlohmann::json& value,
               std::string* error);
// Removes the value at `path`: a key is erased, an array element is set to 0. False when absent.
bool eraseAtPath(nlohmann::json& params, const std::string& path);

// Rewrites links and step references from `old_id` to `new_id`.
void renameReferences(nlohmann::json& params, const std::string& old_id, const std::string& new_id);
// Removes every link or step reference into `id`; returns how many.
int removeReferencesTo(nlohmann::json& params, const std::string& id);

}  // namespace sciagents::ui
