#include "app/cli/commands.h"

#include "app/cli/workflow_loader.h"
#include "core/agent/agent_registry.h"
#include "core/util/error.h"
#include "core/util/terminal_text.h"
#include "core/workflow/workflow_validator.h"

#include <nlohmann/json.hpp>

#include <iostream>

namespace sciagents::cli {

std::vector<core::ValidationIssue> workflowIssues(const std::string& file,
                                                  const std::vector<std::string>& sets,
                                                  const core::AgentRegistry& registry,
                                                  core::Workflow* workflow) {
  std::vector<core::ValidationIssue> issues;
  try {
    core::Workflow w = loadWorkflow(file, sets);
    issues = core::validateWorkflow(w, registry);
    if (workflow) *workflow = std::move(w);
  } catch (const core::Error& e) {
    issues.push_back({e.step(), e.param(), e.bareMessage()});
  }
  return issues;
}

void printIssues(const std::string& file, const std::vector<core::ValidationIssue>& issues) {
  for (const auto& i : issues)
    std::cerr << "error: " << core::terminalSafe(i.describe(), true) << "\n";
  std::cerr << file << ": invalid (" << issues.size() << " error" << (issues.size() == 1 ? "" : "s")
            << ")\n";
}

int validateCommand(const CliOptions& o, const core::AgentRegistry& registry) {
  if (o.positional.size() != 1) {
    std::cerr << "error: validate expects one workflow file\n\n" << commandHelp("validate");
    return kInvalid;
  }
  const std::string& file = o.positional[0];
  core::Workflow w;
  const std::vector<core::ValidationIssue> issues = workflowIssues(file, o.sets, registry, &w);
  if (o.json) {
    nlohmann::json j = {
        {"file", file}, {"valid", issues.empty()}, {"errors", nlohmann::json::array()}};
    for (const auto& i : issues)
      j["errors"].push_back({{"step", i.step}, {"param", i.param}, {"message", i.message}});
    std::cout << j.dump(2) << "\n";
  } else if (issues.empty()) {
    std::cout << file << ": valid (" << w.steps.size() << " step"
              << (w.steps.size() == 1 ? "" : "s") << ")\n";
  } else {
    printIssues(file, issues);
  }
  return issues.empty() ? kOk : kInvalid;
}

}  // namespace sciagents::cli
