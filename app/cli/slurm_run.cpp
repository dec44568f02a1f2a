// run --target slurm: one Slurm job array per run (core/slurm/slurm_backend.h, docs/slurm.md).
#include "app/cli/commands.h"

#include "app/cli/remote_run.h"
#include "app/cli/result_summary.h"
#include "app/cli/workflow_loader.h"
#include "core/agent/agent_registry.h"
#include "core/slurm/job_files.h"
#include "core/slurm/slurm_backend.h"
#include "core/slurm/slurm_progress.h"
#include "core/util/error.h"
#include "core/util/terminal_text.h"
#include "core/workflow/run_result_reader.h"
#include "core/workflow/workflow_validator.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <atomic>
#include <charconv>
#include <chrono>
#include <csignal>
#include <filesystem>
#include <iostream>
#include <optional>
#include <thread>

namespace sciagents::cli {

namespace {

std::atomic<bool> g_interrupted{false};
extern "C" void onSlurmInterrupt(int) { g_interrupted.store(true); }

long long intOption(const std::string& name, const std::string& v, long long lo, long long hi) {
  long long x = 0;
  auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), x);
  if (ec != std::errc() || p != v.data() + v.size() || x < lo || x > hi)
    throw UsageError{"option " + name + " expects an integer between " + std::to_string(lo) +
                     " and " + std::to_string(hi) + ", got '" + v + "'"};
  return x;
}

core::SlurmOptions slurmOptions(const CliOptions& o) {
  core::SlurmOptions so;
  for (const auto& [name, v] : o.extra) {
    if (name == "--partition")
      so.partition = v;
    else if (name == "--account")
      so.account = v;
    else if (name == "--time-limit")
      so.time_limit_min = static_cast<int>(intOption(name, v, 1, 525600));
    else if (name == "--cpus")
      so.cpus = static_cast<int>(intOption(name, v, 1, 4096));
    else if (name == "--mem")
      so.mem_mb = static_cast<int>(intOption(name, v, 1, 1LL << 30));
    else if (name == "--tasks")
      so.tasks = static_cast<std::size_t>(intOption(name, v, 1, 100000));
    else if (name == "--slurm-dir")
      so.dir = v;
    else if (name == "--retries")
      so.shard_retries = static_cast<int>(intOption(name, v, 0, 100));
    else
      throw UsageError{"option " + name + " does not apply to run --target slurm"};
  }
  if (o.threads > 0 && so.cpus == 1) so.cpus = o.threads;
  so.seed = o.seed.value_or(0);
  so.use_cache = !o.no_cache;
  so.executable = core::currentExecutable();
  return so;
}

// Sleeps up to `seconds`, waking early on a Ctrl-C that has not been acted on yet.
void nap(double seconds, bool cancel_requested) {
  const auto until = std::chrono::steady_clock::now() + std::chrono::duration<double>(seconds);
  while (!(g_interrupted.load() && !cancel_requested) && std::chrono::steady_clock::now() < until)
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
}

}  // namespace

int runSlurm(const CliOptions& o, const core::AgentRegistry& registry, const std::string& file) {
  core::SlurmOptions so;
  try {
    so = slurmOptions(o);
    std::error_code ec;  // relative paths in params keep resolving against the file's folder
    so.base_dir = std::filesystem::absolute(std::filesystem::path(file).parent_path(), ec);
  } catch (const UsageError& e) {
    std::cerr << "error: " << e.message << "\n";
    return kInvalid;
  }
  core::Workflow w;
  std::vector<core::ValidationIssue> issues;
  try {
    w = loadWorkflow(file, o.sets);
    issues = core::validateWorkflow(w, registry);
  } catch (const core::Error& e) {
    issues.push_back({e.step(), e.param(), e.bareMessage()});
  }
  if (!issues.empty()) {  // the same messages as validate; nothing is submitted
    for (const auto& i : issues)
      std::cerr << "error: " << core::terminalSafe(i.describe(), true) << "\n";
    std::cerr << file << ": invalid (" << issues.size() << " error"
              << (issues.size() == 1 ? "" : "s") << ")\n";
    return kInvalid;
  }
  if (!outputTargetUsable(o.output)) return kInvalid;
  const bool show = !o.quiet && o.progress != "none";

  g_interrupted.store(false);
  std::signal(SIGINT, onSlurmInterrupt);
  std::signal(SIGTERM, onSlurmInterrupt);
  auto restoreSignals = [] {
    std::signal(SIGINT, SIG_DFL);
    std::signal(SIGTERM, SIG_DFL);
  };

  std::optional<core::SlurmJob> job;
  try {
    job.emplace(core::SlurmJob::submit(w, so));
  } catch (const core::Error& e) {
    restoreSignals();
    std::cerr << "error: " << e.what() << "\n";
    const std::string m = e.what();
    const bool unreachable = e.code() != core::ErrorCode::InvalidInput ||
                             m.find("contact slurm controller") != std::string::npos ||
                             m.find("Connection refused") != std::string::npos;
    return unreachable && m.find("cannot create") == std::string::npos ? kUnreachable : kInvalid;
  }
  std::cerr << "submitted Slurm job " << job->id() << ": " << job->tasks() << " array task"
            << (job->tasks() == 1 ? "" : "s");
  if (job->split() == "study")
    std::cerr << " (a sampling study: each task evaluates a block of its model values)";
  if (job->tasks() == 1 && core::maxSweepPoints(w) > 1)
    std::cerr << " (not split: " << job->singleTaskReason() << ")";
  std::cerr << ", directory " << job->dir().string() << "\n";

  core::SlurmJobStatus st;
  core::SlurmProgressTracker tracker;
  std::string last_line;
  bool warned_unreachable = false;
  double backoff = 0.5;
  const auto cancel_deadline_s = 120.0;
  std::chrono::steady_clock::time_point cancelled_at{};
  while (true) {
    if (g_interrupted.load() && !job->cancelRequested()) {
      std::cerr << "cancelling Slurm job " << job->id() << "\n";
      std::string why;
      if (!job->cancel(&why)) std::cerr << "warning: " << why << " (retrying while waiting)\n";
      cancelled_at = std::chrono::steady_clock::now();
    }
    st = job->poll();
    if (show) {
      std::string line = "slurm job " + job->id() + ": " + std::to_string(st.done) + "/" +
                         std::to_string(st.total) + " tasks done, " + std::to_string(st.running) +
                         " running";
      if (st.failed) line += ", " + std::to_string(st.failed) + " failed or cancelled";
      if (line != last_line) std::cerr << line << "\n";
      last_line = line;
      for (const auto& msg : st.retried) std::cerr << "retrying " << msg << "\n";
      for (const auto& ev : tracker.update(job->dir(), st))
        if (o.json)
          std::cerr << ev.dump() << "\n";
        else
          std::cerr << core::describeProgressEvent(ev) << "\n";
    }
    if (st.finished) break;
    if (job->cancelRequested() &&
        std::chrono::duration<double>(std::chrono::steady_clock::now() - cancelled_at).count() >
            cancel_deadline_s) {
      std::cerr << "error: Slurm job " << job->id() << " did not stop within " << cancel_deadline_s
                << " s of scancel; check squeue -j " << job->id() << "\n";
      restoreSignals();
      return kUnreachable;
    }
    if (st.unreachable_too_long) {
      std::cerr << "error: the Slurm controller has not answered for " << so.unreachable_timeout_s
                << " s; job " << job->id() << " may still run (its files are in "
                << job->dir().string() << ")\n";
      restoreSignals();
      return kUnreachable;
    }
    if (!st.controller_reachable) {
      if (!warned_unreachable)
        std::cerr << "warning: squeue does not answer (controller down?); the job keeps running, "
                     "retrying\n";
      warned_unreachable = true;
      backoff = std::min(backoff * 2, 5.0);
    } else {
      if (warned_unreachable) std::cerr << "squeue answers again\n";
      warned_unreachable = false;
      backoff = 0.5;
    }
    nap(backoff, job->cancelRequested());
  }
  if (job->cancelRequested()) {
    // The tasks are final; wait (bounded) until Slurm has also let go of them.
    for (int i = 0; i < 120 && job->inQueue(); ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds(250));
  }
  restoreSignals();

  nlohmann::json doc = job->collect(st, registry);
  core::addRunProvenance(doc, w, registry, cliRunSettings(o, file, "slurm"));  // docs/history.md
  const core::RunResult result = core::runResultFromJson(doc, &w);
  if (!reportResult(doc, result, o.output, o.json, o.quiet)) return kRunFailed;
  recordRunHistory(o, result, doc);
  if (st.state == core::SlurmJobState::Cancelled && job->cancelRequested())
    std::cerr << "cancelled: Slurm job " << job->id() << "\n";
  if (st.state != core::SlurmJobState::Succeeded && !st.error.empty())
    std::cerr << "error: " << st.error << "\n";
  std::cerr << "slurm job " << job->id() << " " << core::slurmJobStateName(st.state)
            << "; files in " << job->dir().string() << "\n";
  return st.state == core::SlurmJobState::Succeeded &&
                 doc.value("status", std::string()) == "succeeded"
             ? kOk
             : kRunFailed;
}

}  // namespace sciagents::cli
