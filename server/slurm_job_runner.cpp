// The Slurm runner: the server's Slurm backend (docs/slurm.md, "The server's Slurm backend").
// The Slurm job id and job directory are committed to the job store as soon as sbatch answered;
// after a restart the job is re-attached from them (SlurmJob::attach) and never submitted twice.
#include "server/job_runner.h"

#include "core/agent/agent_registry.h"
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

namespace {

// The job state of a merged Slurm result document, and its first error.
JobState slurmResultState(const nlohmann::json& doc, std::string& error) {
  const std::string st = doc.value("status", std::string("failed"));
  if (st == "succeeded") return JobState::Succeeded;
  for (const auto& [id, step] : doc.value("steps", nlohmann::json::object()).items())
    if (step.value("status", std::string()) == "failed" && error.empty())
      error = step.value("error", std::string());
  if (error.empty() && doc.contains("slurm")) error = doc["slurm"].value("error", std::string());
  if (st == "cancelled") {
    if (error.empty()) error = "cancelled";
    return JobState::Cancelled;
  }
  if (st == "timed_out") return JobState::TimedOut;
  if (error.empty()) error = "the workflow failed";
  return JobState::Failed;
}

class SlurmRunner final : public JobRunner {
 public:
  SlurmRunner(core::SlurmOptions defaults, const core::AgentRegistry& registry)
      : m_defaults(std::move(defaults)), m_registry(registry) {}

  bool takesOptions() const override { return true; }
  std::optional<std::string> optionsError(const nlohmann::json& options) const override {
    return checkSlurmJobOptions(options);
  }

  // Array tasks would run external code without the server's limits.
  std::optional<LimitViolation> refusal(const core::Workflow& w) const override {
    for (const auto& s : w.steps)
      if (mayRunExternalCode(s))
        return LimitViolation{
            s.id, "agent", "--allow-external",
            "step '" + s.id +
                "': external steps (and nested workflows that hold one or come from a file) run "
                "only on the server's local backend (Slurm array tasks would run them without its "
                "limits)"};
    return std::nullopt;
  }

  // "slurm": {"job_id", "dir"} (null until sbatch answered).
  nlohmann::json statusFields(const JobRecord& r) const override {
    auto orNull = [](const std::string& v) {
      return v.empty() ? nlohmann::json(nullptr) : nlohmann::json(v);
    };
    return {{"slurm", {{"job_id", orNull(r.backend_job_id)}, {"dir", orNull(r.backend_dir)}}}};
  }

  JobOutcome run(JobRun& job) override {
    JobOutcome o;
    const auto doc = follow(job, core::workflowFromJson(nlohmann::json::parse(job.spec())));
    if (!doc) {
      o.detached = true;
      return o;
    }
    o.state = slurmResultState(*doc, o.error);
    o.all_steps_done = o.state == JobState::Succeeded;
    o.result_json = doc->dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    return o;
  }

 private:
  // Submits the job (or re-attaches to the Slurm job the store recorded), follows it and returns
  // the merged result document; nullopt when the server stops meanwhile (the Slurm job keeps
  // running and is re-attached after a restart).
  std::optional<nlohmann::json> follow(JobRun& job, const core::Workflow& w) {
    const auto& rec = job.record();
    const std::string id = rec.id;
    nlohmann::json options = nlohmann::json::object();
    if (!rec.backend_options.empty())
      options = nlohmann::json::parse(rec.backend_options, nullptr, false);
    core::SlurmOptions so = applySlurmJobOptions(m_defaults, options);
    so.seed = rec.seed ? static_cast<std::uint64_t>(*rec.seed) : 0;
    so.use_cache = !rec.no_cache;
    so.job_dir_name =
        id;  // DIR/<job id>: a crash between sbatch and the store commit is still found
    // The server never gives up on an unreachable controller: the job's files tell when it is done.
    so.unreachable_timeout_s = std::numeric_limits<double>::infinity();

    auto publish = [&](nlohmann::json data) { job.backendProgress(std::move(data), std::nullopt); };

    std::optional<core::SlurmJob> sj;
    std::string dir = rec.backend_dir;
    const fs::path expected = (so.dir.empty() ? core::defaultSlurmDir() : so.dir) / id;
    if (dir.empty() && fs::exists(expected / "submit.json")) dir = expected.string();
    if (!dir.empty()) {
      sj.emplace(core::SlurmJob::attach(dir));
      job.backendJob(sj->id(), sj->dir().string());
      logEvent(spdlog::level::info, "re-attached to Slurm job",
               {{"job", id}, {"slurm_job", sj->id()}, {"dir", dir}});
      publish(
          {{"step", "slurm"},
           {"fraction", 0.0},
           {"message", "re-attached to Slurm job " + sj->id()},
           {"slurm", {{"type", "attached"}, {"job_id", sj->id()}, {"dir", sj->dir().string()}}}});
    } else {
      std::error_code ec;
      fs::remove_all(expected, ec);  // a directory without submit.json: sbatch never answered
      sj.emplace(core::SlurmJob::submit(w, so));
      job.backendJob(sj->id(), sj->dir().string());
      logEvent(spdlog::level::info, "submitted to Slurm",
               {{"job", id},
                {"slurm_job", sj->id()},
                {"tasks", static_cast<std::int64_t>(sj->tasks())}});
      publish({{"step", "slurm"},
               {"fraction", 0.0},
               {"message", "submitted Slurm job " + sj->id() + ": " + std::to_string(sj->tasks()) +
                               " array tasks"},
               {"slurm",
                {{"type", "submitted"},
                 {"job_id", sj->id()},
                 {"dir", sj->dir().string()},
                 {"tasks", sj->tasks()},
                 {"split", sj->split()}}}});
    }
    core::SlurmProgressTracker tracker;
    double backoff = 0.5;
    bool warned = false;
    for (;;) {
      if (job.stopFlag()->load()) {
        if (job.detachRequested())
          return std::nullopt;  // shutdown: the job keeps running on the cluster
        if (!sj->cancelRequested()) {
          std::string why;
          if (!sj->cancel(&why))
            logEvent(spdlog::level::warn, "scancel failed; retrying",
                     {{"job", id}, {"error", why}});
          else
            logEvent(spdlog::level::info, "scancel sent", {{"job", id}, {"slurm_job", sj->id()}});
        }
      }
      const core::SlurmJobStatus st = sj->poll();
      for (const auto& msg : st.retried) {  // a failed shard resubmitted (docs/slurm.md)
        logEvent(spdlog::level::warn, "Slurm array task resubmitted",
                 {{"job", id}, {"retry", msg}});
        publish({{"step", "slurm"},
                 {"fraction", tracker.fraction()},
                 {"message", "retrying " + msg},
                 {"slurm", {{"type", "retried"}, {"message", msg}}}});
      }
      const auto events = tracker.update(sj->dir(), st);
      job.backendProgress(nullptr, tracker.fraction());
      for (const auto& ev : events)
        job.backendProgress({{"step", "slurm"},
                             {"fraction", tracker.fraction()},
                             {"message", core::describeProgressEvent(ev)},
                             {"slurm", ev}},
                            tracker.fraction());
      if (st.finished) {
        if (sj->cancelRequested())  // the tasks are final; let Slurm let go of them too (bounded)
          for (int i = 0; i < 120 && sj->inQueue(); ++i)
            std::this_thread::sleep_for(std::chrono::milliseconds(250));
        return sj->collect(st, m_registry);
      }
      if (!st.controller_reachable) {
        if (!warned)
          logEvent(spdlog::level::warn, "squeue does not answer; retrying", {{"job", id}});
        warned = true;
        backoff = std::min(backoff * 2, 5.0);
      } else {
        warned = false;
        backoff = 0.5;
      }
      const auto until = std::chrono::steady_clock::now() + std::chrono::duration<double>(backoff);
      while (std::chrono::steady_clock::now() < until &&
             !(job.stopFlag()->load() && !sj->cancelRequested()))
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
  }

  core::SlurmOptions m_defaults;
  const core::AgentRegistry& m_registry;  // the server's agents (a study is replayed here)
};

}  // namespace

std::unique_ptr<JobRunner> makeSlurmRunner(core::SlurmOptions defaults,
                                           const core::AgentRegistry& registry) {
  return std::make_unique<SlurmRunner>(std::move(defaults), registry);
}

}  // namespace sciagents::server
