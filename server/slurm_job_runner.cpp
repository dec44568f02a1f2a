// JobManager::runSlurm: the server's Slurm backend (docs/slurm.md, "The server's Slurm backend").
// The Slurm job id and job directory are committed to the job store as soon as sbatch answered;
// after a restart the job is re-attached from them (SlurmJob::attach) and never submitted twice.
#include "server/job_manager.h"
#include "server/job_manager_active.h"

#include "core/slurm/slurm_progress.h"
#include "core/util/clock.h"
#include "server/log.h"
#include "server/slurm_job_options.h"

#include <algorithm>
#include <filesystem>
#include <limits>
#include <thread>

namespace sciagents::server {

namespace fs = std::filesystem;

std::optional<nlohmann::json> JobManager::runSlurm(const std::shared_ptr<Active>& job, const core::Workflow& w) {
  const std::string id = job->rec.id;
  nlohmann::json options = nlohmann::json::object();
  if (!job->rec.backend_options.empty()) options = nlohmann::json::parse(job->rec.backend_options, nullptr, false);
  core::SlurmOptions so = applySlurmJobOptions(m_options.slurm, options);
  so.seed = job->rec.seed ? static_cast<std::uint64_t>(*job->rec.seed) : 0;
  so.use_cache = !job->rec.no_cache;
  so.job_dir_name = id;  // DIR/<job id>: a crash between sbatch and the store commit is still found
  // The server never gives up on an unreachable controller: the job's files tell when it is done.
  so.unreachable_timeout_s = std::numeric_limits<double>::infinity();

  auto publish = [&](nlohmann::json data) {
    std::lock_guard lock(m_mutex);
    publishLocked(*job, "progress", std::move(data));
  };

  std::optional<core::SlurmJob> sj;
  std::string dir = job->rec.backend_dir;
  const fs::path expected = (so.dir.empty() ? core::defaultSlurmDir() : so.dir) / id;
  if (dir.empty() && fs::exists(expected / "submit.json")) dir = expected.string();
  if (!dir.empty()) {
    sj.emplace(core::SlurmJob::attach(dir));
    m_store.setBackendJob(id, sj->id(), sj->dir().string());
    logEvent(spdlog::level::info, "re-attached to Slurm job", {{"job", id}, {"slurm_job", sj->id()}, {"dir", dir}});
    publish({{"step", "slurm"}, {"fraction", 0.0},
             {"message", "re-attached to Slurm job " + sj->id()},
             {"slurm", {{"type", "attached"}, {"job_id", sj->id()}, {"dir", sj->dir().string()}}}});
  } else {
    std::error_code ec;
    fs::remove_all(expected, ec);  // a directory without submit.json: sbatch never answered
    sj.emplace(core::SlurmJob::submit(w, so));
    m_store.setBackendJob(id, sj->id(), sj->dir().string());
    logEvent(spdlog::level::info, "submitted to Slurm",
             {{"job", id}, {"slurm_job", sj->id()}, {"tasks", static_cast<std::int64_t>(sj->tasks())}});
    publish({{"step", "slurm"}, {"fraction", 0.0},
             {"message", "submitted Slurm job " + sj->id() + ": " + std::to_string(sj->tasks()) + " array tasks"},
             {"slurm", {{"type", "submitted"}, {"job_id", sj->id()}, {"dir", sj->dir().string()},
                        {"tasks", sj->tasks()}, {"split", sj->split()}}}});
  }
  {
    std::lock_guard lock(m_mutex);
    job->rec.backend_job_id = sj->id();
    job->rec.backend_dir = sj->dir().string();
  }

  core::SlurmProgressTracker tracker;
  double backoff = 0.5;
  bool warned = false;
  for (;;) {
    if (job->cancel->load()) {
      bool detach = false;
      {
        std::lock_guard lock(m_mutex);
        detach = job->requeue_on_stop;
      }
      if (detach) return std::nullopt;  // shutdown: the job keeps running on the cluster
      if (!sj->cancelRequested()) {
        std::string why;
        if (!sj->cancel(&why)) logEvent(spdlog::level::warn, "scancel failed; retrying", {{"job", id}, {"error", why}});
        else logEvent(spdlog::level::info, "scancel sent", {{"job", id}, {"slurm_job", sj->id()}});
      }
    }
    const core::SlurmJobStatus st = sj->poll();
    const auto events = tracker.update(sj->dir(), st);
    {
      std::lock_guard lock(m_mutex);
      job->fraction = tracker.fraction();
      for (const auto& ev : events)
        publishLocked(*job, "progress", {{"step", "slurm"}, {"fraction", tracker.fraction()},
                                         {"message", core::describeProgressEvent(ev)}, {"slurm", ev}});
    }
    if (st.finished) {
      if (sj->cancelRequested())  // the tasks are final; let Slurm let go of them too (bounded)
        for (int i = 0; i < 120 && sj->inQueue(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(250));
      return sj->collect(st);
    }
    if (!st.controller_reachable) {
      if (!warned) logEvent(spdlog::level::warn, "squeue does not answer; retrying", {{"job", id}});
      warned = true;
      backoff = std::min(backoff * 2, 5.0);
    } else {
      warned = false;
      backoff = 0.5;
    }
    const auto until = std::chrono::steady_clock::now() + std::chrono::duration<double>(backoff);
    while (std::chrono::steady_clock::now() < until && !(job->cancel->load() && !sj->cancelRequested()))
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
}

}  // namespace sciagents::server
