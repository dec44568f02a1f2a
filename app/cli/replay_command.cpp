// `sciagents replay RESULT`: the workflow a result file was made from, run again with the same
// seed and threads (no cache), every step's outputs compared bit for bit (docs/history.md). The
// re-run is recorded in the history like any other run (recordRunHistory, unless --no-history).
#include "app/cli/commands.h"

#include "app/cli/result_summary.h"
#include "core/util/clock.h"
#include "core/util/error.h"
#include "core/util/terminal_text.h"
#include "core/workflow/result_comparison.h"
#include "core/workflow/run_result_reader.h"
#include "core/workflow/workflow_engine.h"

#include <nlohmann/json.hpp>

#include <filesystem>
#include <iostream>

namespace sciagents::cli {

int replayCommand(const CliOptions& o, const core::AgentRegistry& registry) {
  if (o.positional.size() != 1) {
    std::cerr << "error: replay expects one result file\n\n" << commandHelp("replay");
    return kInvalid;
  }
  const std::string file = o.positional[0];
  const std::string shown = core::terminalSafe(file);
  if (!outputTargetUsable(o.output)) return kInvalid;
  nlohmann::json doc;
  core::RunResult original;
  try {
    doc = core::readResultDocument(file);
    original = core::readRunResultFile(file);
  } catch (const core::Error& e) {
    std::cerr << "error: " << core::terminalSafe(e.what()) << "\n";
    return kInvalid;
  }
  if (!doc.contains("workflow_spec") || !doc["workflow_spec"].is_object()) {
    std::cerr << "error: " << shown
              << ": no \"workflow_spec\" (the workflow as run): it was written by an older "
                 "sciagents; run the workflow again with sciagents run -o to get a replayable "
                 "result\n";
    return kInvalid;
  }
  core::Workflow w;
  try {
    w = core::workflowFromJson(doc["workflow_spec"]);
  } catch (const std::exception& e) {
    std::cerr << "error: " << shown << ": \"workflow_spec\": " << core::terminalSafe(e.what())
              << "\n";
    return kInvalid;
  }
  core::RunSettings settings =
      core::runSettingsFromJson(doc.value("run", nlohmann::json())).value_or(core::RunSettings{});
  if (o.threads > 0) settings.threads = o.threads;
  // Relative paths in params resolve where the original run resolved them.
  std::string base_dir = std::filesystem::path(file).parent_path().string();
  std::error_code ec;
  if (!settings.workflow_file.empty() &&
      std::filesystem::exists(std::filesystem::path(settings.workflow_file).parent_path(), ec))
    base_dir = std::filesystem::path(settings.workflow_file).parent_path().string();

  core::RunOptions ro;
  ro.threads = settings.threads;
  ro.seed = settings.seed;
  ro.use_cache = false;  // a replay computes everything
  ro.base_dir = base_dir;
  if (!o.quiet)
    std::cerr << "replaying " << shown << ": " << w.steps.size() << " steps, seed " << ro.seed
              << ", threads " << (ro.threads ? std::to_string(ro.threads) : std::string("all"))
              << "\n";
  const std::int64_t started = core::unixMicros();
  core::RunResult replayed;
  try {
    replayed = core::WorkflowEngine(registry).run(w, ro);
  } catch (const core::Error& e) {
    std::cerr << "error: " << shown
              << ": the stored workflow does not run: " << core::terminalSafe(e.what(), true)
              << "\n";
    return e.code() == core::ErrorCode::InvalidInput ? kInvalid : kRunFailed;
  }
  settings.where = "local";
  settings.use_cache = false;
  core::attachRunProvenance(replayed, w, registry, settings, started, core::unixMicros());

  nlohmann::json out;  // the new result document when it is written (-o)
  if (!o.output.empty()) {
    core::JsonWriteOptions jo;
    if (o.output != "-" && o.sidecar_min > 0) {
      jo.sidecar_dir = o.output + ".d";
      jo.sidecar_min_elements = static_cast<std::size_t>(o.sidecar_min);
    }
    try {
      out = replayed.toJson(jo);
    } catch (const std::exception& e) {
      std::cerr << "error: cannot write result file '" << core::terminalSafe(o.output)
                << "': " << e.what() << "\n";
      return kRunFailed;
    }
    if (!reportResult(out, replayed, o.output, false, true)) return kRunFailed;
  }
  recordRunHistory(o, replayed, out);

  const core::ResultComparison c = core::compareRunResults(original, replayed);
  nlohmann::json summary = {{"reproduced", c.identical()},
                            {"compared", c.compared},
                            {"skipped", c.skipped},
                            {"differences", nlohmann::json::array()}};
  for (const auto& d : c.differences)
    summary["differences"].push_back(
        {{"step", d.step}, {"output", d.output}, {"detail", d.detail}});
  if (o.json) {
    std::cout << summary.dump(2) << "\n";
  } else if (c.identical()) {
    std::cout << "reproduced: " << c.compared.size()
              << " steps, every output identical bit for bit";
    if (!c.skipped.empty()) {
      std::cout << " (skipped, measured times:";
      for (const auto& s : c.skipped) std::cout << " " << s;
      std::cout << ")";
    }
    std::cout << "\n";
  } else {
    const auto& d = c.differences.front();
    std::cout << "differs: step '" << d.step << "'"
              << (d.output.empty() ? std::string() : " output '" + d.output + "'") << ": "
              << core::terminalSafe(d.detail) << "\n";
    for (std::size_t i = 1; i < c.differences.size() && i < 10; ++i) {
      const auto& e = c.differences[i];
      std::cout << "  also step '" << e.step << "'"
                << (e.output.empty() ? std::string() : " output '" + e.output + "'") << ": "
                << core::terminalSafe(e.detail) << "\n";
    }
    if (c.differences.size() > 10)
      std::cout << "  ... " << c.differences.size() - 10 << " more differences\n";
  }
  return c.identical() ? kOk : kRunFailed;
}

}  // namespace sciagents::cli
