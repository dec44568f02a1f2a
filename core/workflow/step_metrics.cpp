#include "core/workflow/step_metrics.h"

#include "core/metrics/metrics_registry.h"

namespace sciagents::core {

void recordStepMetrics(metrics::MetricsRegistry& registry, const StepResult& r) {
  const metrics::Labels labels = {{"agent", r.agent}, {"task", r.task}};
  std::string outcome(stepStatusName(r.status));
  if (r.status == StepStatus::Succeeded && r.cached) outcome = "cached";
  metrics::Labels with_outcome = labels;
  with_outcome["outcome"] = outcome;
  registry
      .counter("sciagents_steps_total", "Workflow steps finished, by agent, task and outcome",
               with_outcome)
      .inc();
  if (r.status == StepStatus::Succeeded)
    registry
        .histogram("sciagents_step_duration_seconds", "Wall time of succeeded workflow steps",
                   labels)
        .observe(r.wall_seconds);
}

}  // namespace sciagents::core
