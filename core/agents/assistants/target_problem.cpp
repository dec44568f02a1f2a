#include "core/agents/assistants/target_problem.h"

#include "core/agent/agent_registry.h"
#include "core/util/error.h"

namespace sciagents::core::agents::assist {

TargetProblem openProblem(const AgentRegistry& registry, const TaskContext& ctx,
                          const std::string& param, bool resolve) {
  const Value& v = ctx.param(param);
  if (v.kind() != ValueKind::Map)
    throw paramError(
        param, "expected {\"step\": \"ID\"} or {\"agent\": ..., \"task\": ..., \"params\": {...}}");
  auto text = [&](const char* key) -> std::string {
    const Value* f = v.find(key);
    if (!f || !f->isString())
      throw paramError(param, std::string("missing \"") + key + "\" (a string)");
    return f->asString();
  };
  TargetProblem p;
  const std::string agent_id = text("agent"), task_id = text("task");
  p.agent = registry.agent(agent_id);
  if (!p.agent) throw paramError(param, "unknown agent '" + agent_id + "'");
  p.task = p.agent->task(task_id);
  if (!p.task) throw paramError(param, "agent '" + agent_id + "' has no task '" + task_id + "'");
  if (p.task->planned())
    throw paramError(param,
                     "task '" + agent_id + "." + task_id + "' is planned, not available yet");
  p.label = agent_id + "." + task_id;
  if (const Value* id = v.find("id"); id && id->isString())
    p.label += " (step '" + id->asString() + "')";
  const Value* given = v.find("params");
  if (given && given->kind() != ValueKind::Map)
    throw paramError(param, "\"params\" must be an object");
  if (given) p.given = given->asMap();
  if (const Value* out = v.find("outputs"); out && out->kind() == ValueKind::Map)
    p.outputs = &out->asMap();
  if (!resolve) return p;
  Map resolved;
  try {
    resolved = p.task->resolveParams(given ? given->asMap() : Map{});
  } catch (const Error& e) {
    throw paramError(param, "params of " + p.label + ": " +
                                (e.param().empty() ? "" : "'" + e.param() + "': ") +
                                e.bareMessage());
  }
  p.context = std::make_unique<TaskContext>(*p.task, std::move(resolved), ctx.stepId());
  p.context->setRegistry(ctx.registryIfSet());
  return p;
}

Map runTask(const TaskSpec& task, const Map& params, const TaskContext& ctx,
            const std::string& label) {
  TaskContext inner(task, task.resolveParams(params), ctx.stepId() + "/" + label);
  inner.setCancelFlag(ctx.cancelFlag());
  inner.setSeed(ctx.seed());
  inner.setThreads(ctx.threads());
  inner.setRegistry(ctx.registryIfSet());
  task.run(inner);
  return inner.takeOutputs();
}

}  // namespace sciagents::core::agents::assist
