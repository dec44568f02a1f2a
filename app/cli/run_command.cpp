#include "app/cli/commands.h"

#include "app/cli/result_summary.h"
#include "app/cli/run_reporter.h"
#include "app/cli/workflow_loader.h"
#include "core/util/error.h"
#include "core/workflow/workflow_engine.h"

#include <nlohmann/json.hpp>

#include <atomic>
#include <csignal>
#include <filesystem>
#include <iostream>

#if !defined(_WIN32)
#include <unistd.h>
#endif

namespace sciagents::cli {

namespace {
std::atomic<bool>* g_cancel = nullptr;
extern "C" void onInterrupt(int) {
  if (g_cancel) g_cancel->store(true);
}

bool stderrIsTerminal() {
#if defined(_WIN32)
  return false;
#else
  return isatty(STDERR_FILENO) == 1;
#endif
}

int exitCodeFor(const core::RunResult& r) {
  if (r.status == core::StepStatus::Succeeded) return kOk;
  for (const auto& s : r.steps)
    if (s.status == core::StepStatus::Failed && s.error_code == core::ErrorCode::InvalidInput) return kInvalid;
  return kRunFailed;
}
}  // namespace

int runCommand(const CliOptions& o) {
  if (o.positional.size() != 1) {
    std::cerr << "error: run expects one workflow file\n\n" << commandHelp("run");
    return kInvalid;
  }
  const std::string& file = o.positional[0];
  if (o.target.rfind("http://", 0) == 0 || o.target.rfind("https://", 0) == 0) return runRemote(o, file, o.target);
  if (o.target != "local") {
    std::cerr << "error: --target " << o.target
              << ": expected local or a server URL (http://HOST:PORT); Slurm runs go through a server\n";
    return kInvalid;
  }
  core::Workflow w;
  try {
    w = loadWorkflow(file, o.sets);
  } catch (const core::Error& e) {
    std::cerr << "error: " << file << ": " << e.what() << "\n";
    return kInvalid;
  }

  auto cancel = std::make_shared<std::atomic<bool>>(false);
  g_cancel = cancel.get();
  std::signal(SIGINT, onInterrupt);
  std::signal(SIGTERM, onInterrupt);

  RunReporter::Mode mode = RunReporter::Mode::Lines;
  if (o.progress == "bar" || (o.progress == "auto" && stderrIsTerminal())) mode = RunReporter::Mode::Bar;
  if (o.progress == "none" || o.quiet) mode = RunReporter::Mode::None;
  RunReporter reporter(mode, w.steps.size());

  core::RunOptions ro;
  ro.threads = o.threads;
  ro.use_cache = !o.no_cache;
  ro.cancel = cancel;
  ro.listener = &reporter;
  if (o.seed) ro.seed = *o.seed;

  core::RunResult result;
  try {
    result = core::WorkflowEngine().run(w, ro);
  } catch (const core::Error& e) {
    g_cancel = nullptr;
    std::cerr << "error: " << file << ": " << e.what() << "\n";
    return e.code() == core::ErrorCode::InvalidInput || e.code() == core::ErrorCode::Planned ? kInvalid : kRunFailed;
  }
  g_cancel = nullptr;
  std::signal(SIGINT, SIG_DFL);
  std::signal(SIGTERM, SIG_DFL);

  core::JsonWriteOptions jo;
  if (!o.output.empty() && o.sidecar_min > 0) {
    jo.sidecar_dir = o.output + ".d";
    jo.sidecar_min_elements = static_cast<std::size_t>(o.sidecar_min);
  }
  nlohmann::json doc;
  if (!o.output.empty() || o.json) doc = result.toJson(jo);
  if (!reportResult(doc, result, o.output, o.json, o.quiet)) return kRunFailed;
  return exitCodeFor(result);
}

}  // namespace sciagents::cli
