// The in-process runner and what every engine-based runner shares (server/job_runner.h).
#include "server/job_runner.h"

#include "core/agent/agent_registry.h"
#include "core/util/clock.h"
#include "core/workflow/run_provenance.h"
#include "core/workflow/workflow.h"

#include <algorithm>
#include <cmath>

namespace sciagents::server {

std::optional<std::string> JobRunner::optionsError(const nlohmann::json&) const {
  return "this backend takes no options";
}

std::optional<LimitViolation> JobRunner::refusal(const core::Workflow&) const {
  return std::nullopt;
}

nlohmann::json JobRunner::statusFields(const JobRecord&) const { return nlohmann::json::object(); }

JobOutcome outcomeOfRun(const core::RunResult& r) {
  JobOutcome o;
  if (r.status == core::StepStatus::Succeeded) {
    o.state = JobState::Succeeded;
  } else if (r.status == core::StepStatus::Cancelled) {
    o.state = JobState::Cancelled;
    o.error = "cancelled";
  } else {
    o.state = JobState::Failed;
    for (const auto& s : r.steps)
      if (s.status == core::StepStatus::Failed && !s.error.empty()) {
        o.error = s.error;
        break;
      }
    if (o.error.empty()) o.error = "the workflow failed";
  }
  try {
    o.result_json = r.toJson().dump();
  } catch (const std::exception& e) {
    o.state = JobState::Failed;
    o.error = std::string("cannot serialise the result: ") + e.what();
    o.result_json.clear();
  }
  return o;
}

void applyStepLimits(core::RunOptions& ro, const std::optional<AdmissionLimits>& limits,
                     const std::filesystem::path& work_dir, const core::AgentRegistry& registry) {
  const AdmissionLimits policy_limits = limits ? *limits : AdmissionLimits{};
  auto policy = std::make_shared<core::ExternalPolicy>(externalPolicy(policy_limits, work_dir));
  if (!policy->allowed_roots.empty()) ro.base_dir = policy->allowed_roots.front();
  ro.external = std::move(policy);
  if (!limits) return;
  ro.before_step = [l = *limits, &registry](const core::Step& step, const core::TaskSpec& task,
                                            const core::Map& params) {
    enforceStepLimits(registry, step, task, params, l);
  };
}

std::filesystem::path externalWorkDir(const std::filesystem::path& results_dir,
                                      const std::string& job_id) {
  if (results_dir.empty() || job_id.empty()) return {};
  return results_dir.parent_path() / "work" / job_id;
}

void removeExternalWorkDir(const std::filesystem::path& work_dir) {
  std::error_code ec;
  if (!work_dir.empty()) std::filesystem::remove_all(work_dir, ec);
}

std::filesystem::path ownerCacheDir(const std::filesystem::path& cache_dir,
                                    const std::string& owner_id) {
  return cache_dir.empty() || owner_id.empty() ? cache_dir : cache_dir / owner_id;
}

void storeRunResult(const ResultFiles* results, const std::string& job_id, const core::RunResult& r,
                    std::int64_t owner_used, JobOutcome& o) {
  if (!results) return;
  o.result_json.clear();
  try {
    o.stored = results->write(job_id, r, owner_used);
  } catch (const std::exception& e) {
    o.store_error = e.what();
  }
}

std::int64_t workerCpuLimitSeconds(double wall_time_s, int cores) {
  if (!(wall_time_s > 0)) return 0;
  const double cpu = wall_time_s * std::max(1, cores) + 10.0;
  return static_cast<std::int64_t>(std::ceil(std::min(cpu, 1e9)));
}

namespace {

class InProcessRunner : public JobRunner {
 public:
  InProcessRunner(EngineSettings engine, core::metrics::MetricsRegistry& metrics)
      : m_engine(std::move(engine)), m_metrics(metrics) {}

  JobOutcome run(JobRun& job) override {
    const auto& rec = job.record();
    const auto w = core::workflowFromJson(nlohmann::json::parse(job.spec()));
    core::RunOptions ro;
    ro.threads = m_engine.threads;
    ro.use_cache = !rec.no_cache;
    ro.cache_dir = ownerCacheDir(m_engine.cache_dir, rec.owner_id);
    ro.cache_model_samples = false;  // one cache file per sample would fill the server's disk
    ro.cancel = job.stopFlag();
    ro.listener = &job;
    if (rec.seed) ro.seed = static_cast<std::uint64_t>(*rec.seed);
    ro.metrics = &m_metrics;
    const auto work_dir = externalWorkDir(
        m_engine.results ? m_engine.results->dir() : std::filesystem::path(), rec.id);
    applyStepLimits(ro, m_engine.step_limits, work_dir, *m_engine.registry);
    const std::int64_t started_us = core::unixMicros();
    auto r = core::WorkflowEngine(*m_engine.registry).run(w, ro);
    // The workflow as run and how, as in `sciagents run -o` (docs/history.md).
    core::RunSettings settings;
    settings.seed = ro.seed;
    settings.threads = ro.threads;
    settings.where = "server";
    settings.use_cache = ro.use_cache;
    core::attachRunProvenance(r, w, *m_engine.registry, settings, started_us, core::unixMicros());
    removeExternalWorkDir(work_dir);
    auto o = outcomeOfRun(r);
    storeRunResult(m_engine.results.get(), rec.id, r, job.ownerResultBytes(), o);
    return o;
  }

 private:
  EngineSettings m_engine;
  core::metrics::MetricsRegistry& m_metrics;
};

}  // namespace

std::unique_ptr<JobRunner> makeInProcessRunner(EngineSettings engine,
                                               core::metrics::MetricsRegistry& metrics) {
  return std::make_unique<InProcessRunner>(std::move(engine), metrics);
}

}  // namespace sciagents::server
