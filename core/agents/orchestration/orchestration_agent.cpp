#include "core/agents/orchestration/orchestration_agent.h"

#include "core/workflow/nested_workflow_task.h"

namespace sciagents::core::agents {

AgentSpec orchestrationAgent() {
  AgentSpec a;
  a.id = "workflow_orchestration";
  a.name = "Workflow orchestration";
  a.family = "Engine";
  a.version = "1.0.0";
  a.summary =
      "The engine itself: parallel DAG execution of independent steps, parameter sweeps, a "
      "content-addressed result cache, provenance per step, cancellation, and execution backends.";

  TaskSpec value;
  value.id = "value";
  value.summary =
      "Publish a value (number, vector, matrix, text, object) for other steps to link to.";
  value.doc =
      "Use it for inputs shared by several steps, or to sweep one input that feeds a chain: "
      "`{\"id\": \"k\", \"agent\": \"workflow_orchestration\", \"task\": \"value\", \"params\": "
      "{\"value\": 0.5}}` "
      "then `{\"from\": \"k.value\"}` elsewhere.";
  value.params = {ParamSpec::make("value", ParamType::Any).req().describe("The value to publish.")};
  value.outputs = {{"value", ValueKind::Null, "The value, unchanged (any kind)."}};
  value.run = [](TaskContext& ctx) {
    ctx.output("value", ctx.param("value"));
    ctx.setMethod("identity", "publishes its parameter unchanged");
  };

  a.tasks = {std::move(value), nestedWorkflowTask()};
  return a;
}

}  // namespace sciagents::core::agents
