// Liveness, readiness and the metrics exposition (server/routes/health_routes.h).
#include "server/routes/health_routes.h"

#include "core/metrics/metrics_registry.h"
#include "core/util/version.h"
#include "server/job_manager.h"
#include "server/process_stats.h"
#include "server/responses.h"

namespace sciagents::server {

namespace {

HttpResponse ready(JobManager& jobs) {
  if (jobs.shuttingDown())
    return errorJson(503, "unavailable", "the server is shutting down",
                     {{"status", "shutting_down"}});
  if (!jobs.store().healthy())
    return errorJson(503, "unavailable", "the job store is not usable",
                     {{"status", "store_unavailable"}});
  return jsonResponse(200, {{"status", "ready"},
                            {"queue", jobs.queued()},
                            {"running", jobs.running()},
                            {"workers", jobs.workers()},
                            {"version", sciagents::kVersion}});
}

HttpResponse metricsText(JobManager& jobs, core::metrics::MetricsRegistry& metrics) {
  const auto counts = jobs.store().countByState();
  for (auto s : {JobState::Queued, JobState::Running, JobState::Succeeded, JobState::Failed,
                 JobState::Cancelled, JobState::TimedOut}) {
    const auto it = counts.find(s);
    metrics
        .gauge("sciagents_jobs", "Jobs in the store by state",
               {{"state", std::string(core::store::jobStateName(s))}})
        .set(it == counts.end() ? 0.0 : static_cast<double>(it->second));
  }
  metrics.gauge("sciagents_queue_depth", "Jobs waiting for a worker").set(jobs.queued());
  metrics.gauge("sciagents_jobs_running", "Jobs running now").set(jobs.running());
  metrics.gauge("sciagents_workers", "Job slots (--workers)").set(jobs.workers());
  HttpResponse r;
  r.content_type = "text/plain; version=0.0.4; charset=utf-8";
  r.body = metrics.exposition() + processMetricsText();
  return r;
}

}  // namespace

void addHealthRoutes(RouteTable& table, const RouteServices& s) {
  JobManager& jobs = s.jobs;
  core::metrics::MetricsRegistry& metrics = s.metrics;
  table.add("GET", "/livez", Access::Open, [](const RouteCall&) {
    return jsonResponse(200, {{"status", "ok"}});
  });
  table.add("GET", "/readyz", Access::Open, [&jobs](const RouteCall&) { return ready(jobs); });
  table.add("GET", "/metrics", Access::Open,
            [&jobs, &metrics](const RouteCall&) { return metricsText(jobs, metrics); });
}

}  // namespace sciagents::server
