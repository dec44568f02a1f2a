// Feeds arbitrary bytes to parseWorkflow and, when that succeeds, to validateWorkflow against the
// built-in registry. parseWorkflow may throw Error/std::exception (its documented failure path);
// validateWorkflow must never throw for bad input, so an exception from it aborts the run.
#include "core/agent/agent_registry.h"
#include "core/util/error.h"
#include "core/workflow/workflow.h"
#include "core/workflow/workflow_validator.h"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

using namespace sciagents::core;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size > 65536) return -1;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  static const AgentRegistry& registry = AgentRegistry::builtin();

  std::optional<Workflow> workflow;
  try {
    workflow = parseWorkflow(text);
  } catch (const Error&) {
    return 0;
  } catch (const std::exception&) {
    return 0;
  }
  for (const auto& issue : validateWorkflow(*workflow, registry)) (void)issue.describe();
  (void)workflow->toJson().dump();
  return 0;
}
