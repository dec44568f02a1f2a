// The job backends by name: the only place that knows which backends exist ("local": the server's
// own engine, in worker processes or on threads; "slurm": job arrays, docs/slurm.md) and builds
// their runners (server/job_runner.h). Adding a backend: its runner in a new file and one line in
// job_backends.cpp (docs/server.md, "Adding a job backend").
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

namespace sciagents::core::metrics {
class MetricsRegistry;
}

namespace sciagents::server {

class JobRunner;
struct JobManagerOptions;

// Where jobs run when neither the job nor the server says otherwise.
inline constexpr const char* kDefaultJobBackend = "local";

// Every backend name, in the order of the factory table.
const std::vector<std::string>& jobBackendNames();
bool isJobBackend(const std::string& name);
// "local or slurm" (for usage messages).
std::string describeJobBackends();

using JobRunners = std::map<std::string, std::unique_ptr<JobRunner>>;
// One runner per backend, configured from `options` (engine threads, isolation, Slurm defaults...).
JobRunners makeJobRunners(const JobManagerOptions& options,
                          core::metrics::MetricsRegistry& metrics);

}  // namespace sciagents::server
