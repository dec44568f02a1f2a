// Resource estimate of performance_profiler.profile (core/agent/resource_estimate.h): the target
// task's own estimate at the largest size (and of each `generate` task there), its work summed
// over sizes and repeats.
#include "core/agent/agent_registry.h"
#include "core/agents/resource_estimators.h"
#include "core/util/error.h"
#include "core/workflow/step_model.h"

#include <algorithm>

namespace sciagents::core::agents::profiler {

namespace {

const std::string& textOf(const Map& m, const char* key) {
  auto it = m.find(key);
  if (it == m.end() || !it->second.isString())
    throw paramError("target", std::string("missing \"") + key + "\"");
  return it->second.asString();
}

// The estimate of agent.task on `params` with `path` set to `size` (nullopt: not estimable).
std::optional<ResourceEstimate> at(const AgentRegistry& registry, const Map& spec, double size,
                                   const std::string& path) {
  const std::string& agent = textOf(spec, "agent");
  const TaskSpec* task = registry.task(agent, textOf(spec, "task"));
  if (!task) return std::nullopt;
  Map params;
  if (auto it = spec.find("params"); it != spec.end() && it->second.kind() == ValueKind::Map)
    params = it->second.asMap();
  if (!path.empty() && !setParamPath(params, path, size).empty()) return std::nullopt;
  return estimateResources(registry, agent, *task, knownParams(*task, params, {}));
}

}  // namespace

ResourceEstimate estimateProfile(const AgentRegistry& registry, const TaskContext& ctx) {
  const Map& target = ctx.param("target").asMap();
  const Vector sizes = ctx.vector("sizes");
  if (sizes.size() == 0) throw paramError("sizes", "empty");
  const double top = sizes.maxCoeff();
  const double runs = static_cast<double>(sizes.size()) *
                      (static_cast<double>(ctx.integer("repeats")) + (ctx.flag("warmup") ? 1 : 0));
  ResourceEstimate e;
  e.memory_param = e.work_param = "sizes";
  auto consider = [&](const std::optional<ResourceEstimate>& r, const std::string& label) {
    if (!r) return;
    if (r->memory_bytes > e.memory_bytes) {
      e.memory_bytes = r->memory_bytes;
      e.memory_what = label + " at size " + formatCount(top) +
                      (r->memory_what.empty() ? "" : ": " + r->memory_what);
    }
    e.work += r->work * runs;
    e.steps = std::max(e.steps, r->steps);
    if (r->steps > 0) e.steps_param = "target." + r->steps_param;
  };
  const std::string param = ctx.has("param") ? ctx.text("param") : std::string();
  const std::string label = textOf(target, "agent") + "." + textOf(target, "task");
  consider(at(registry, target, top, param), "target " + label);
  if (ctx.has("generate") && ctx.param("generate").kind() == ValueKind::List)
    for (const Value& g : ctx.param("generate").asList()) {
      if (g.kind() != ValueKind::Map) continue;
      const Value* size = g.find("size");
      if (!size || !size->isString()) continue;
      consider(at(registry, g.asMap(), top, size->asString()),
               "generator " + textOf(g.asMap(), "agent") + "." + textOf(g.asMap(), "task"));
    }
  return e;
}

}  // namespace sciagents::core::agents::profiler
