#include "app/cli/commands.h"

#include "core/agent/agent_registry.h"
#include "core/agent/registry_json.h"
#include "core/value/value_json.h"

#include <nlohmann/json.hpp>

#include <iostream>

namespace sciagents::cli {

namespace {
void printTask(const core::AgentSpec& a, const core::TaskSpec& t) {
  std::cout << a.id << "." << t.id << (t.planned() ? "  (planned: not available yet)" : "")
            << "\n  " << t.summary << "\n";
  if (t.planned()) return;
  std::cout << "\nParameters:\n";
  for (const auto& p : t.params) {
    std::cout << "  " << p.name << " (" << core::paramTypeName(p.type);
    if (p.required) std::cout << ", required";
    if (p.default_value) std::cout << ", default " << core::toJson(*p.default_value).dump();
    if (!p.choices.empty()) {
      std::cout << ", one of";
      for (const auto& c : p.choices) std::cout << " " << c;
    }
    if (p.min) std::cout << (p.min_exclusive ? ", > " : ", >= ") << *p.min;
    if (p.max) std::cout << ", <= " << *p.max;
    if (!p.units.empty()) std::cout << ", units " << p.units;
    std::cout << ")\n      " << p.doc << "\n";
  }
  std::cout << "\nOutputs:\n";
  for (const auto& out : t.outputs)
    std::cout << "  " << out.name << " (" << core::kindName(out.kind) << ")  " << out.doc << "\n";
}
}  // namespace

int agentsCommand(const CliOptions& o, const core::AgentRegistry& registry) {
  if (o.json) {
    std::cout << core::registryJsonDocument(registry);
    return kOk;
  }
  if (o.markdown) {
    std::cout << registry.toMarkdown();
    return kOk;
  }
  if (!o.positional.empty()) {
    const std::string& what = o.positional[0];
    const auto dot = what.find('.');
    const auto* agent = registry.agent(what.substr(0, dot));
    if (!agent) {
      std::cerr << "error: unknown agent '" << what.substr(0, dot) << "' (see sciagents agents)\n";
      return kInvalid;
    }
    if (dot == std::string::npos) {
      for (const auto& t : agent->tasks) printTask(*agent, t), std::cout << "\n";
      return kOk;
    }
    const auto* task = agent->task(what.substr(dot + 1));
    if (!task) {
      std::cerr << "error: agent '" << agent->id << "' has no task '" << what.substr(dot + 1)
                << "'\n";
      return kInvalid;
    }
    printTask(*agent, *task);
    return kOk;
  }
  for (const auto& a : registry.agents()) {
    std::cout << a.id << "  (" << a.name << ", v" << a.version << ")\n";
    for (const auto& t : a.tasks)
      std::cout << "    " << t.id << (t.planned() ? " [planned]" : "") << "  " << t.summary << "\n";
  }
  std::cout << "\nDetails: sciagents agents AGENT.TASK   (or --json / --markdown)\n";
  return kOk;
}

}  // namespace sciagents::cli
