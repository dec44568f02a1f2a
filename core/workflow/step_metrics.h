// The per-step series of the metrics registry (sciagents_steps_total,
// sciagents_step_duration_seconds): recorded by the engine for every finished step, and by the
// server for steps that ran in a job worker process (their engine records into the worker's own
// registry).
#pragma once

#include "core/workflow/run_result.h"

namespace sciagents::core {
namespace metrics {
class MetricsRegistry;
}

void recordStepMetrics(metrics::MetricsRegistry& registry, const StepResult& r);

}  // namespace sciagents::core
