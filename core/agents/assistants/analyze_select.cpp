// problem_analyzer.analyze and algorithm_selector.select: facts and method choices come from the
// target task's own hooks, i.e. from the actual problem (matrices, Jacobians), never from keywords.
#include "core/agent/agent_registry.h"
#include "core/agents/assistants/assistant_agents.h"
#include "core/agents/assistants/target_problem.h"
#include "core/util/error.h"

namespace sciagents::core::agents {

namespace assist {

namespace {
Map baseFacts(const TargetProblem& p) {
  Map facts;
  facts["agent"] = p.agent->id;
  facts["task"] = p.task->id;
  std::int64_t n_params = 0;
  for (const auto& [name, v] : p.context->params())
    if (!v.isNull()) ++n_params;
  facts["parameters_given"] = n_params;
  return facts;
}
}  // namespace

void runAnalyze(const AgentRegistry& registry, TaskContext& ctx) {
  const TargetProblem p = openProblem(registry, ctx, "problem");
  Map facts = baseFacts(p);
  std::string cls = p.agent->id + "." + p.task->id;
  if (p.task->analyze) {
    for (auto& [k, v] : p.task->analyze(*p.context)) facts[k] = std::move(v);
    if (const auto it = facts.find("problem_class"); it != facts.end() && it->second.isString())
      cls = it->second.asString();
    ctx.setMethod("task_hook", p.label + " analyses its own problem (structure, spectrum, size)");
  } else {
    ctx.warn("no specialised analysis for " + p.label + " yet: only generic facts are reported");
    ctx.setMethod("generic", "no analyze hook for " + p.label);
  }
  facts.erase("problem_class");
  ctx.output("problem_class", cls);
  ctx.output("facts", std::move(facts));
}

void runSelect(const AgentRegistry& registry, TaskContext& ctx) {
  const TargetProblem p = openProblem(registry, ctx, "problem");
  if (!p.task->select) {
    const ParamSpec* method = p.task->param("method");
    const std::string def = method && method->default_value && method->default_value->isString()
                                ? method->default_value->asString()
                                : "";
    throw Error(ErrorCode::RunFailed,
                "no automatic method selection for " + p.label +
                    (def.empty() ? std::string() : " (its default method is '" + def + "')"));
  }
  const MethodChoice choice = p.task->select(*p.context);
  ctx.output("method", choice.method);
  ctx.output("rationale", choice.rationale);
  ctx.output("settings", choice.settings);
  if (p.task->analyze)
    ctx.output("facts", p.task->analyze(*p.context));
  else
    ctx.output("facts", Map{});
  ctx.setMethod(choice.method, choice.rationale);
}

}  // namespace assist

namespace {
ParamSpec problemParam() {
  return ParamSpec::make("problem", ParamType::Map)
      .req()
      .describe(
          "The problem: {\"step\": \"ID\"} for a step of this workflow, or {\"agent\": ..., "
          "\"task\": ..., "
          "\"params\": {...}}.");
}
}  // namespace

AgentSpec problemAnalyzerAgent() {
  AgentSpec a;
  a.id = "problem_analyzer";
  a.name = "Problem analyzer";
  a.family = "Assistants";
  a.version = "1.0.0";
  a.summary =
      "Classifies a problem from its actual data: structure, definiteness, conditioning, "
      "stiffness, size.";
  TaskSpec t;
  t.id = "analyze";
  t.summary = "Analyse another step's problem and report its class and facts.";
  t.doc =
      "Facts come from the analysed task's own analysis (e.g. linear_algebra.solve: symmetry, "
      "definiteness "
      "from the spectrum, exact 2-norm condition for n <= 2000, sparsity).";
  t.params = {problemParam()};
  t.outputs = {{"problem_class", ValueKind::String, "e.g. linear_system/dense/spd"},
               {"facts", ValueKind::Map, "Named facts about the problem."}};
  t.run = [](TaskContext& ctx) { assist::runAnalyze(ctx.registry(), ctx); };
  a.tasks = {std::move(t)};
  return a;
}

AgentSpec algorithmSelectorAgent() {
  AgentSpec a;
  a.id = "algorithm_selector";
  a.name = "Algorithm selector";
  a.family = "Assistants";
  a.version = "1.0.0";
  a.summary =
      "Chooses a method and its parameters with a rationale: the same choice `method: \"auto\"` "
      "makes.";
  TaskSpec t;
  t.id = "select";
  t.summary = "Select a method for another step's problem, with the reason.";
  t.doc =
      "Calls the target task's own selection, which is the code path its `method: \"auto\"` runs, "
      "so the "
      "selector and the run always agree.";
  t.params = {problemParam()};
  t.outputs = {{"method", ValueKind::String, "The chosen method."},
               {"rationale", ValueKind::String, "Why, with the numbers that decided it."},
               {"settings", ValueKind::Map, "Recommended method parameters (may be empty)."},
               {"facts", ValueKind::Map, "The facts the choice was based on."}};
  t.run = [](TaskContext& ctx) { assist::runSelect(ctx.registry(), ctx); };
  a.tasks = {std::move(t)};
  return a;
}

}  // namespace sciagents::core::agents
