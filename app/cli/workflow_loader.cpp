#include "app/cli/workflow_loader.h"

#include "core/util/error.h"
#include "core/workflow/sweep.h"

#include <fstream>
#include <sstream>

namespace sciagents::cli {

using core::Error;
using core::ErrorCode;

namespace {
// STEP.PARAM=VALUE with VALUE as JSON when it parses, else as a string.
void applySet(core::Workflow& w, const std::string& set) {
  const auto eq = set.find('=');
  const auto dot = set.find('.');
  if (eq == std::string::npos || dot == std::string::npos || dot > eq)
    throw Error(ErrorCode::InvalidInput, "--set expects STEP.PARAM=VALUE, got '" + set + "'");
  const std::string step_id = set.substr(0, dot), path = set.substr(dot + 1, eq - dot - 1), raw = set.substr(eq + 1);
  core::Step* step = w.step(step_id);
  if (!step) throw Error(ErrorCode::InvalidInput, "--set " + set + ": the workflow has no step '" + step_id + "'");
  nlohmann::json value = nlohmann::json::parse(raw, nullptr, false);
  if (value.is_discarded()) value = raw;
  std::string err;
  if (!core::applySweepValue(step->params, path, value, &err))
    throw Error(ErrorCode::InvalidInput, "--set " + set + ": " + err, step_id, path);
}
}  // namespace

core::Workflow loadWorkflow(const std::string& file, const std::vector<std::string>& sets) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw Error(ErrorCode::InvalidInput, "cannot read workflow file '" + file + "'");
  std::ostringstream text;
  text << in.rdbuf();
  core::Workflow w = core::parseWorkflow(text.str());
  for (const auto& s : sets) applySet(w, s);
  return w;
}

}  // namespace sciagents::cli
