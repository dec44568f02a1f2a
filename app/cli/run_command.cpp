#include "app/cli/commands.h"

#include "app/cli/result_summary.h"
#include "app/cli/run_reporter.h"
#include "app/cli/workflow_loader.h"
#include "core/slurm/job_files.h"
#include "core/slurm/shard_merge.h"
#include "core/slurm/study_shard.h"
#include "core/slurm/task_progress.h"
#include "core/util/clock.h"
#include "core/util/error.h"
#include "core/util/process_info.h"
#include "core/util/terminal_text.h"
#include "core/workflow/workflow_engine.h"

#include <nlohmann/json.hpp>

#include <atomic>
#include <charconv>
#include <csignal>
#include <filesystem>
#include <iostream>

namespace sciagents::cli {

namespace {
std::atomic<bool>* g_cancel = nullptr;
extern "C" void onInterrupt(int) {
  if (g_cancel) g_cancel->store(true);
}

int exitCodeFor(const core::RunResult& r) {
  if (r.status == core::StepStatus::Succeeded) return kOk;
  for (const auto& s : r.steps)
    if (s.status == core::StepStatus::Failed && s.error_code == core::ErrorCode::InvalidInput)
      return kInvalid;
  return kRunFailed;
}

// --sweep-shard K/T and --status-file F: how a Slurm array task runs its shard (docs/slurm.md).
struct ShardMode {
  std::size_t index = 0, count = 1;
  std::string status_file;
  std::int64_t started_us = 0;

  void write(const std::string& state, const std::string& error = {}) const {
    if (status_file.empty()) return;
    nlohmann::json j = {{"state", state},
                        {"task", index},
                        {"tasks", count},
                        {"host", core::hostName()},
                        {"pid", core::currentProcessId()},
                        {"started_unix_us", started_us}};
    if (const char* id = std::getenv("SLURM_ARRAY_JOB_ID")) j["job_id"] = id;
    if (state != "running") j["finished_unix_us"] = core::unixMicros();
    if (!error.empty()) j["error"] = error;
    std::string why;
    if (!core::writeFileAtomic(status_file, j.dump(1) + "\n", &why))
      std::cerr << "error: " << why << "\n";
  }
};

// The terminal reporter and, in a Slurm array task, the progress file.
class TeeListener final : public core::RunListener {
 public:
  TeeListener(core::RunListener* a, core::RunListener* b) : m_a(a), m_b(b) {}
  void stepStarted(const std::string& step, const std::string& agent,
                   const std::string& task) override {
    for (auto* l : {m_a, m_b})
      if (l) l->stepStarted(step, agent, task);
  }
  void stepFinished(const core::StepResult& r) override {
    for (auto* l : {m_a, m_b})
      if (l) l->stepFinished(r);
  }
  void progress(std::string_view step, double fraction, std::string_view message) override {
    for (auto* l : {m_a, m_b})
      if (l) l->progress(step, fraction, message);
  }
  void metric(std::string_view step, std::string_view series, double x, double y) override {
    for (auto* l : {m_a, m_b})
      if (l) l->metric(step, series, x, y);
  }

 private:
  core::RunListener* m_a;
  core::RunListener* m_b;
};

bool parseShard(const std::string& v, ShardMode& m) {
  const auto slash = v.find('/');
  if (slash == std::string::npos) return false;
  auto num = [](std::string_view t, std::size_t& out) {
    auto [p, ec] = std::from_chars(t.data(), t.data() + t.size(), out);
    return ec == std::errc() && p == t.data() + t.size();
  };
  return num(std::string_view(v).substr(0, slash), m.index) &&
         num(std::string_view(v).substr(slash + 1), m.count) && m.count >= 1 && m.index < m.count;
}
}  // namespace

int runCommand(const CliOptions& o, const core::AgentRegistry& registry) {
  if (o.positional.size() != 1) {
    std::cerr << "error: run expects one workflow file\n\n" << commandHelp("run");
    return kInvalid;
  }
  const std::string& file = o.positional[0];
  if (o.target == "slurm") return runSlurm(o, registry, file);
  for (const auto& [name, value] : o.extra)
    if (name != "--sweep-shard" && name != "--study-shard" && name != "--status-file" &&
        name != "--progress-file" && name != "--base-dir") {
      std::cerr << "error: " << name << " needs --target slurm\n";
      return kInvalid;
    }
  if (o.target.rfind("http://", 0) == 0 || o.target.rfind("https://", 0) == 0)
    return runRemote(o, registry, file, o.target);
  if (o.target != "local") {
    std::cerr << "error: --target " << o.target
              << ": expected local, slurm or a server URL (http://HOST:PORT)\n";
    return kInvalid;
  }
  ShardMode shard;
  shard.started_us = core::unixMicros();
  bool study = false;
  std::string progress_file;
  // Relative paths in params (external programs, templates) resolve against the workflow file's
  // folder, or --base-dir (a Slurm array task runs a copy of the workflow in its job folder).
  std::string base_dir = std::filesystem::path(file).parent_path().string();
  for (const auto& [name, value] : o.extra) {
    if (name == "--base-dir") base_dir = value;
    if (name == "--status-file") shard.status_file = value;
    if (name == "--progress-file") progress_file = value;
    if ((name == "--sweep-shard" || name == "--study-shard") && !parseShard(value, shard)) {
      std::cerr << "error: " << name << " expects K/T with 0 <= K < T, got '" << value << "'\n";
      return kInvalid;
    }
    study = study || name == "--study-shard";
  }
  if (study && (o.output.empty() || o.output == "-")) {
    std::cerr
        << "error: --study-shard needs -o (the model values are saved next to the result file)\n";
    return kInvalid;
  }
  if (!outputTargetUsable(o.output)) return kInvalid;
  shard.write("running");
  core::Workflow w;
  try {
    w = loadWorkflow(file, o.sets);
  } catch (const core::Error& e) {
    std::cerr << "error: " << core::terminalSafe(file) << ": " << core::terminalSafe(e.what(), true)
              << "\n";
    shard.write("failed", e.what());
    return kInvalid;
  }
  std::string why;
  if (study && !core::studyShardable(w, &why)) {
    std::cerr << "error: --study-shard: this workflow cannot be split: " << why << "\n";
    shard.write("failed", "this workflow cannot be split: " + why);
    return kInvalid;
  }
  if (!study && shard.count > 1 && !core::sweepsShardable(w, &why)) {
    std::cerr << "error: --sweep-shard: this workflow cannot be split: " << why << "\n";
    shard.write("failed", "this workflow cannot be split: " + why);
    return kInvalid;
  }

  auto cancel = std::make_shared<std::atomic<bool>>(false);
  g_cancel = cancel.get();
  std::signal(SIGINT, onInterrupt);
  std::signal(SIGTERM, onInterrupt);

  RunReporter::Mode mode = RunReporter::Mode::Lines;
  if (o.progress == "bar" || (o.progress == "auto" && core::stderrIsTerminal()))
    mode = RunReporter::Mode::Bar;
  if (o.progress == "none" || o.quiet) mode = RunReporter::Mode::None;
  RunReporter reporter(mode, w.steps.size());

  std::shared_ptr<core::TaskProgressFile> progress;
  if (!progress_file.empty())
    progress = std::make_shared<core::TaskProgressFile>(progress_file, shard.index, shard.count,
                                                        w.steps.size());
  TeeListener listeners(&reporter, progress.get());

  core::RunOptions ro;
  ro.threads = o.threads;
  ro.use_cache = !o.no_cache;
  ro.cancel = cancel;
  ro.listener = &listeners;
  ro.base_dir = base_dir;
  if (o.seed) ro.seed = *o.seed;
  if (study) {
    ro.model_shard = core::StudyShard::evaluating(std::filesystem::path(o.output).parent_path(),
                                                  shard.index, shard.count, progress);
  } else {
    ro.shard_index = shard.index;
    ro.shard_count = shard.count;
  }

  core::RunResult result;
  const std::int64_t started_us = core::unixMicros();
  try {
    result = core::WorkflowEngine(registry).run(w, ro);
  } catch (const core::Error& e) {
    g_cancel = nullptr;
    std::cerr << "error: " << core::terminalSafe(file) << ": " << core::terminalSafe(e.what(), true)
              << "\n";
    shard.write("failed", e.what());
    return e.code() == core::ErrorCode::InvalidInput || e.code() == core::ErrorCode::Planned
               ? kInvalid
               : kRunFailed;
  }
  g_cancel = nullptr;
  std::signal(SIGINT, SIG_DFL);
  std::signal(SIGTERM, SIG_DFL);
  // The workflow as run and how (docs/history.md): in the result file, and in the history.
  core::RunSettings settings = cliRunSettings(o, file, "local");
  settings.seed = ro.seed;
  core::attachRunProvenance(result, w, registry, settings, started_us, core::unixMicros());

  core::JsonWriteOptions jo;
  if (!o.output.empty() && o.output != "-" && o.sidecar_min > 0) {
    jo.sidecar_dir = o.output + ".d";
    jo.sidecar_min_elements = static_cast<std::size_t>(o.sidecar_min);
  }
  nlohmann::json doc;
  try {
    if (!o.output.empty() || o.json) doc = result.toJson(jo);
  } catch (const std::exception& e) {  // a sidecar .npy that cannot be written
    std::cerr << "error: cannot write result file '" << core::terminalSafe(o.output)
              << "': " << e.what() << "\n";
    shard.write("failed", e.what());
    return kRunFailed;
  }
  if (!reportResult(doc, result, o.output, o.json, o.quiet)) {
    shard.write("failed", "cannot write result file '" + o.output + "'");
    return kRunFailed;
  }
  recordRunHistory(o, result, doc);
  {
    std::string first_error;
    for (const auto& s : result.steps)
      if (!s.error.empty() && first_error.empty() && s.status != core::StepStatus::Skipped)
        first_error = s.error;
    shard.write(std::string(core::stepStatusName(result.status)), first_error);
  }
  return exitCodeFor(result);
}

}  // namespace sciagents::cli
