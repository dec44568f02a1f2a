// `sciagents history`: the runs recorded on this machine (core/store/run_history.h,
// docs/history.md), and the recording itself, shared by local, remote and Slurm runs.
#include "app/cli/commands.h"

#include "core/store/run_history.h"
#include "core/util/clock.h"
#include "core/util/terminal_text.h"
#include "core/workflow/run_result.h"

#include <nlohmann/json.hpp>

#include <charconv>
#include <cstdio>
#include <filesystem>
#include <iostream>

namespace sciagents::cli {

namespace {
bool historyWanted(const CliOptions& o) {
  if (o.no_history) return false;
  // A Slurm array task runs one shard of a run its submitter records.
  for (const auto& [name, value] : o.extra)
    if (name == "--sweep-shard" || name == "--study-shard" || name == "--status-file" ||
        name == "--progress-file")
      return false;
  return true;
}

std::string absolutePathText(const std::string& path) {
  if (path.empty() || path == "-") return {};
  std::error_code ec;
  const auto abs = std::filesystem::absolute(path, ec);
  return ec ? path : abs.lexically_normal().string();
}

nlohmann::json historyRecordJson(const core::store::RunRecord& r, bool full) {
  nlohmann::json j = {{"id", r.id},
                      {"started", core::isoTimeMicros(r.started_us)},
                      {"finished", core::isoTimeMicros(r.finished_us)},
                      {"started_unix_us", r.started_us},
                      {"finished_unix_us", r.finished_us},
                      {"status", r.status},
                      {"where", r.where},
                      {"workflow_file", r.workflow_file},
                      {"workflow_name", r.workflow_name},
                      {"threads", r.threads},
                      {"host", r.host},
                      {"result_file", r.result_file},
                      {"wall_s", r.wall_s},
                      {"error", r.error}};
  j["seed"] = r.seed ? nlohmann::json(*r.seed) : nlohmann::json();
  j["overrides"] = nlohmann::json::parse(r.overrides_json, nullptr, false);
  if (j["overrides"].is_discarded()) j["overrides"] = nlohmann::json::array();
  j["agent_versions"] = nlohmann::json::parse(r.agent_versions_json, nullptr, false);
  if (j["agent_versions"].is_discarded()) j["agent_versions"] = nlohmann::json::object();
  if (full) {
    j["workflow"] = nlohmann::json::parse(r.workflow_json, nullptr, false);
    if (j["workflow"].is_discarded()) j["workflow"] = nullptr;
    if (!r.result_json.empty()) {
      j["result"] = nlohmann::json::parse(r.result_json, nullptr, false);
      if (j["result"].is_discarded()) j["result"] = nullptr;
    }
  }
  return j;
}

// "2026-12-07T09:15:02.123456Z" -> "2026-12-07 09:15:02" (UTC).
std::string historyShortTime(std::int64_t us) {
  std::string t = core::isoTimeMicros(us);
  if (t.size() >= 19) t = t.substr(0, 10) + " " + t.substr(11, 8);
  return t;
}

std::optional<std::int64_t> historyId(const std::string& text) {
  std::int64_t id = 0;
  auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), id);
  if (ec != std::errc() || p != text.data() + text.size() || id <= 0) return std::nullopt;
  return id;
}
}  // namespace

core::RunSettings cliRunSettings(const CliOptions& o, const std::string& file,
                                 const std::string& where) {
  core::RunSettings s;
  s.seed = o.seed.value_or(0);
  s.threads = o.threads;
  s.overrides = o.sets;
  s.workflow_file = absolutePathText(file);
  s.where = where;
  s.use_cache = !o.no_cache;
  return s;
}

void recordRunHistory(const CliOptions& o, const core::RunResult& result,
                      const nlohmann::json& doc) {
  if (!historyWanted(o)) return;
  const auto file = core::store::RunHistory::defaultFile();
  if (file.empty()) return;  // no HOME: nowhere to keep it
  try {
    const core::store::RunRecord r =
        core::store::runRecordFor(result, absolutePathText(o.output), doc);
    core::store::RunHistory history(file);
    const std::int64_t id = history.record(r);
    if (!o.quiet && !o.json && o.output != "-")
      std::cerr << "history: run " << id << " (sciagents history show " << id << ")\n";
  } catch (const std::exception& e) {
    std::cerr << "warning: the run was not recorded in the history ("
              << core::terminalSafe(file.string()) << "): " << e.what() << "\n";
  }
}

int historyCommand(const CliOptions& o) {
  const auto file = core::store::RunHistory::defaultFile();
  if (file.empty()) {
    std::cerr << "error: no history file: set SCIAGENTS_HISTORY, XDG_DATA_HOME or HOME\n";
    return kInvalid;
  }
  const int limit = o.limit.value_or(20);
  const std::string action = o.positional.empty() ? "list" : o.positional[0];
  if (action != "list" && action != "show" && action != "delete") {
    std::cerr << "error: history expects list, show ID or delete ID, got '"
              << core::terminalSafe(action) << "'\n\n"
              << commandHelp("history");
    return kInvalid;
  }
  if (action != "list" && o.positional.size() != 2) {
    std::cerr << "error: history " << action << " expects one run id\n";
    return kInvalid;
  }
  std::optional<std::int64_t> id;
  if (action != "list" && !(id = historyId(o.positional[1]))) {
    std::cerr << "error: history " << action << ": '" << core::terminalSafe(o.positional[1])
              << "' is not a run id (a positive integer, see sciagents history)\n";
    return kInvalid;
  }
  std::error_code ec;
  if (action != "delete" && !std::filesystem::exists(file, ec)) {  // nothing recorded yet
    if (action == "show") {
      std::cerr << "error: no run " << *id << " in the history (" << file.string() << ")\n";
      return kInvalid;
    }
    std::cout << (o.json ? "[]\n" : "no runs recorded yet (" + file.string() + ")\n");
    return kOk;
  }
  core::store::RunHistory history(file);
  if (action == "delete") {
    if (!history.remove(*id)) {
      std::cerr << "error: no run " << *id << " in the history (" << file.string() << ")\n";
      return kInvalid;
    }
    if (!o.quiet) std::cout << "deleted run " << *id << "\n";
    return kOk;
  }
  if (action == "show") {
    const auto r = history.get(*id);
    if (!r) {
      std::cerr << "error: no run " << *id << " in the history (" << file.string() << ")\n";
      return kInvalid;
    }
    const nlohmann::json j = historyRecordJson(*r, true);
    if (o.json) {
      std::cout << j.dump(2) << "\n";
      return kOk;
    }
    std::cout << "run " << r->id << ": " << r->status << "\n";
    for (const char* key :
         {"workflow_name", "workflow_file", "where", "started", "finished", "wall_s", "seed",
          "threads", "overrides", "agent_versions", "host", "result_file", "error"}) {
      const auto& v = j[key];
      if (v.is_null() || (v.is_string() && v.get<std::string>().empty()) ||
          (v.is_array() && v.empty()))
        continue;
      std::cout << "  " << key << ": "
                << core::terminalSafe(v.is_string() ? v.get<std::string>() : v.dump()) << "\n";
    }
    if (r->result_file.empty() && !r->result_json.empty())
      std::cout << "  result: stored in the history (sciagents history show " << r->id
                << " --json)\n";
    if (!j["workflow"].is_null())
      std::cout << "workflow as run:\n" << core::terminalSafe(j["workflow"].dump(2), true) << "\n";
    return kOk;
  }
  const auto runs = history.list(limit);
  if (o.json) {
    nlohmann::json a = nlohmann::json::array();
    for (const auto& r : runs) a.push_back(historyRecordJson(r, false));
    std::cout << a.dump(2) << "\n";
    return kOk;
  }
  if (runs.empty()) {
    std::cout << "no runs recorded yet (" << file.string() << ")\n";
    return kOk;
  }
  std::printf("%-6s %-19s %-10s %9s  %-8s %s\n", "ID", "STARTED (UTC)", "STATUS", "WALL", "WHERE",
              "WORKFLOW");
  for (const auto& r : runs) {
    char wall[32];
    std::snprintf(wall, sizeof wall, "%.2f s", r.wall_s);
    std::string where = r.where.rfind("http", 0) == 0 ? "server" : r.where;
    std::string what = r.workflow_file.empty() ? r.workflow_name : r.workflow_file;
    if (!r.result_file.empty()) what += " -> " + r.result_file;
    std::printf("%-6lld %-19s %-10s %9s  %-8s %s\n", static_cast<long long>(r.id),
                historyShortTime(r.started_us).c_str(), r.status.c_str(), wall, where.c_str(),
                core::terminalSafe(what).c_str());
  }
  std::fflush(stdout);
  return kOk;
}

}  // namespace sciagents::cli
