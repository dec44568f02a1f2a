// The backend factory (server/job_backends.h): one table line per backend.
#include "server/job_backends.h"

#include "server/job_manager.h"
#include "server/job_runner.h"

#include <algorithm>

namespace sciagents::server {

namespace {

using MakeRunner = std::unique_ptr<JobRunner> (*)(const JobManagerOptions&,
                                                  core::metrics::MetricsRegistry&);

// The server's own engine: a worker process per job (`serve`), or a thread (unit tests).
std::unique_ptr<JobRunner> makeLocalRunner(const JobManagerOptions& o,
                                           core::metrics::MetricsRegistry& metrics) {
  const EngineSettings engine{o.threads_per_job, o.cache_dir, o.results, o.step_limits, o.registry};
  if (o.isolation == JobIsolation::Process)
    return makeWorkerProcessRunner({engine, o.worker_exe, o.worker_memory_mb, o.worker_kill_grace_s,
                                    o.start_workers ? o.workers : 0},
                                   metrics);
  return makeInProcessRunner(engine, metrics);
}

struct Backend {
  const char* name;
  MakeRunner make;
};

const Backend kBackends[] = {
    {kDefaultJobBackend, makeLocalRunner},
    {"slurm",
     [](const JobManagerOptions& o, core::metrics::MetricsRegistry&) {
       return makeSlurmRunner(o.slurm, *o.registry);
     }},
};

}  // namespace

const std::vector<std::string>& jobBackendNames() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> out;
    for (const auto& b : kBackends) out.emplace_back(b.name);
    return out;
  }();
  return names;
}

bool isJobBackend(const std::string& name) {
  const auto& names = jobBackendNames();
  return std::find(names.begin(), names.end(), name) != names.end();
}

std::string describeJobBackends() {
  std::string out;
  const auto& names = jobBackendNames();
  for (std::size_t i = 0; i < names.size(); ++i)
    out += (i == 0 ? "" : i + 1 == names.size() ? " or " : ", ") + names[i];
  return out;
}

JobRunners makeJobRunners(const JobManagerOptions& options,
                          core::metrics::MetricsRegistry& metrics) {
  JobRunners out;
  for (const auto& b : kBackends) out.emplace(b.name, b.make(options, metrics));
  return out;
}

}  // namespace sciagents::server
