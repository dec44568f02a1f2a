// Links between steps: {"from": "STEP.OUTPUT[i][j]..."} anywhere inside a step's params.
#pragma once

#include "core/value/value.h"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace sciagents::core {

struct LinkRef {
  std::string step;
  std::string output;
  std::vector<std::int64_t> indices;
  std::string text;  // as written
};

// True for an object of exactly the shape {"from": "..."}.
bool isLinkObject(const nlohmann::json& j);
// True for a step reference {"step": "ID"}: the whole step (agent, task, resolved params, outputs,
// diagnostics) as a map, used by assistant agents that check or analyse another step.
bool isStepRef(const nlohmann::json& j);
// True for a step-reference model {"step": "ID", "input": PATH | [PATHS], "output": "NAME[i]"
// [, "cache": bool]} (see core/agent/model_evaluator.h): resolved to {"step", "agent", "task",
// "agent_version", "params" (the step's resolved params), "input" (list), "output", "cache"}.
bool isModelRef(const nlohmann::json& j);
// Parses "step.output[0][-1]"; nullopt with `error` set when malformed.
std::optional<LinkRef> parseLinkRef(const std::string& text, std::string* error = nullptr);

struct FoundLink {
  std::string path;    // where inside params, e.g. "b[1]" or "constants.k"
  nlohmann::json raw;  // the "from" value as written, or the "step" value of a step reference
  bool step_ref = false;
  bool model_ref = false;  // a step-reference model (step_ref is also true; raw is the step id)
};
// Every link object inside `params` (depth-first), with its location.
std::vector<FoundLink> findLinks(const nlohmann::json& params);
bool containsLink(const nlohmann::json& j);

// Looks up an output of an already-finished step (nullptr if absent).
using OutputLookup =
    std::function<const Value*(const std::string& step, const std::string& output)>;
// Looks up a whole finished step for {"step": "ID"}; throws Error naming the problem.
using StepLookup = std::function<Value(const std::string& step)>;

// Applies the link's indices to an output value; throws std::invalid_argument/out_of_range.
Value applyIndices(const Value& v, const LinkRef& ref);

// Converts params JSON to a Value, replacing links by the values they point to. An array that holds
// links becomes a Vector when every element resolves to a number, a Matrix when every element
// resolves to an equal-length vector, and a List otherwise. Throws Error(InvalidInput) naming the
// path.
Value resolveLinks(const nlohmann::json& j, const OutputLookup& lookup,
                   const std::string& path = {}, const StepLookup& step_lookup = {});

}  // namespace sciagents::core
