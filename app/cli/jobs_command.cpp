// The jobs of a server from the command line (docs/cli.md, "Jobs on a server"):
//   sciagents jobs --server URL [--state S] [--limit N] [--owner NAME] [--json]
//   sciagents status ID --server URL [--json]
//   sciagents result ID --server URL [-o FILE] [--json]
//   sciagents attach ID --server URL [-o FILE]
//   sciagents cancel ID --server URL [--json]
// GET /v1/jobs, GET /v1/jobs/{id}, GET /v1/jobs/{id}/result, GET /v1/jobs/{id}/events and
// DELETE /v1/jobs/{id} (docs/api/openapi.yaml). The token, --server and the exit codes are those of
// `submit` (app/cli/remote_run.h): 2 usage or refused, 3 unreachable; a job the server does not
// know (or that belongs to another token) is named in the message and exits 2.
#include "app/cli/commands.h"

#include "app/cli/http_client.h"
#include "app/cli/remote_run.h"
#include "app/cli/result_summary.h"
#include "core/util/terminal_text.h"
#include "core/util/text_format.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <iostream>
#include <memory>
#include <optional>
#include <sstream>

namespace sciagents::cli {

namespace {

// What every job command needs: the server, a client with the token, the job id.
struct JobsCliSession {
  std::unique_ptr<HttpClient> client;
  std::string origin;  // scheme://host:port[/base]
  std::string url;     // as given
  std::string id;      // the job id (commands taking one)
};

bool jobsCliIdUsable(const std::string& id) {
  if (id.empty() || id.size() > 128) return false;
  for (char c : id)
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '-' ||
          c == '_'))
      return false;
  return true;
}

// Returns an exit code when the command cannot start (message printed), else nullopt.
std::optional<int> jobsCliOpen(const CliOptions& o, const std::string& command, bool takes_id,
                               JobsCliSession& s) {
  const std::size_t want = takes_id ? 1 : 0;
  if (o.positional.size() != want) {
    std::cerr << "error: " << command << " expects "
              << (takes_id ? "one job id" : "no arguments besides its options") << "\n\n"
              << commandHelp(command);
    return kInvalid;
  }
  for (const auto& [name, v] : o.extra)
    if (command != "jobs" || (name != "--state" && name != "--owner")) {
      std::cerr << "error: option " << name << " does not apply to " << command << "\n";
      return kInvalid;
    }
  if (takes_id) {
    s.id = o.positional[0];
    if (!jobsCliIdUsable(s.id)) {
      std::cerr << "error: '" << core::terminalSafe(s.id) << "' is not a job id\n";
      return kInvalid;
    }
  }
  s.url = serverUrl(o);
  if (s.url.empty()) {
    std::cerr << "error: " << command << " needs --server URL (or $SCIAGENTS_SERVER)\n\n"
              << commandHelp(command);
    return kInvalid;
  }
  std::string token;
  try {
    token = readToken(o);
  } catch (const std::exception& e) {
    std::cerr << "error: " << e.what() << "\n";
    return kInvalid;
  }
  try {
    s.client = std::make_unique<HttpClient>(s.url, token);
  } catch (const HttpError& e) {
    std::cerr << "error: " << e.what() << "\n";
    return kInvalid;
  }
  s.origin = s.client->url().origin() + s.client->url().base_path;
  return std::nullopt;
}

int jobsCliNotFound(const JobsCliSession& s) {
  std::cerr << "error: no job '" << s.id << "' on " << s.origin
            << " (unknown id, deleted after the retention period, or another token's job; "
               "`sciagents jobs --server "
            << s.url << "` lists yours)\n";
  return kInvalid;
}

// GET /v1/jobs/{id}: the status document, or an exit code (message printed).
std::optional<int> jobsCliStatus(JobsCliSession& s, nlohmann::json& status) {
  const auto r = s.client->get("/v1/jobs/" + s.id);
  if (r.status == 404) return jobsCliNotFound(s);
  if (r.status != 200) return reportRefusal(r, "job " + s.id);
  status = nlohmann::json::parse(r.body, nullptr, false);
  if (!status.is_object() || !status.contains("state") || !status["state"].is_string()) {
    std::cerr << "error: " << s.origin << ": unexpected answer to GET /v1/jobs/" << s.id << ": "
              << core::terminalSafe(r.body.substr(0, 200)) << "\n";
    return kUnreachable;
  }
  return std::nullopt;
}

std::string jobsCliString(const nlohmann::json& j, const char* key) {
  return j.is_object() && j.contains(key) && j[key].is_string() ? j[key].get<std::string>()
                                                                : std::string();
}

// "2026-11-29T06:33:50.123456Z" → seconds since the epoch.
std::optional<double> jobsCliParseIso(const std::string& t) {
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, sec = 0;
  if (std::sscanf(t.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d", &y, &mo, &d, &h, &mi, &sec) != 6)
    return std::nullopt;
  std::tm tm{};
  tm.tm_year = y - 1900;
  tm.tm_mon = mo - 1;
  tm.tm_mday = d;
  tm.tm_hour = h;
  tm.tm_min = mi;
  tm.tm_sec = sec;
#if defined(_WIN32)
  const double whole = static_cast<double>(_mkgmtime(&tm));
#else
  const double whole = static_cast<double>(timegm(&tm));
#endif
  double frac = 0;
  if (const auto dot = t.find('.', 19); dot != std::string::npos) {
    std::string digits;
    for (std::size_t i = dot + 1; i < t.size() && t[i] >= '0' && t[i] <= '9'; ++i) digits += t[i];
    if (!digits.empty()) frac = std::stod("0." + digits);
  }
  return whole + frac;
}

std::string jobsCliDuration(double s) {
  char buf[64];
  if (s < 60)
    std::snprintf(buf, sizeof buf, "%.1f s", s);
  else if (s < 3600)
    std::snprintf(buf, sizeof buf, "%dm%02ds", static_cast<int>(s / 60), static_cast<int>(s) % 60);
  else
    std::snprintf(buf, sizeof buf, "%dh%02dm", static_cast<int>(s / 3600),
                  static_cast<int>(s / 60) % 60);
  return buf;
}

// "2026-11-29 06:33:50" (UTC) from the ISO form.
std::string jobsCliShortTime(const std::string& iso) {
  if (iso.size() < 19) return iso.empty() ? "-" : iso;
  std::string t = iso.substr(0, 19);
  t[10] = ' ';
  return t;
}

// Running: "42% (1/3 steps)"; finished: its duration; queued: "-".
std::string jobsCliProgress(const nlohmann::json& j) {
  const std::string state = jobsCliString(j, "state");
  const auto& p = j.contains("progress") && j["progress"].is_object() ? j["progress"]
                                                                      : nlohmann::json::object();
  if (state == "running") {
    const double f =
        p.contains("fraction") && p["fraction"].is_number() ? p["fraction"].get<double>() : 0.0;
    std::string out = std::to_string(static_cast<int>(f * 100 + 0.5)) + "%";
    if (p.contains("steps_total") && p["steps_total"].is_number_integer())
      out += " (" + std::to_string(p.value("steps_done", 0)) + "/" +
             std::to_string(p["steps_total"].get<long long>()) + " steps)";
    return out;
  }
  if (state == "queued") return "-";
  const auto started = jobsCliParseIso(jobsCliString(j, "started_at"));
  const auto finished = jobsCliParseIso(jobsCliString(j, "finished_at"));
  if (started && finished && *finished >= *started) return jobsCliDuration(*finished - *started);
  return "-";
}

std::string jobsCliPad(const std::string& s, std::size_t width) {
  return s.size() >= width ? s : s + std::string(width - s.size(), ' ');
}

}  // namespace

int jobsCommand(const CliOptions& o) {
  JobsCliSession s;
  if (auto code = jobsCliOpen(o, "jobs", false, s)) return *code;
  std::string query;
  for (const auto& [name, v] : o.extra) {
    if (name == "--state") {
      static const char* const kStates[] = {"queued", "running",   "succeeded",
                                            "failed", "cancelled", "timed_out"};
      bool known = false;
      for (const char* st : kStates) known = known || v == st;
      if (!known) {
        std::cerr << "error: --state expects queued, running, succeeded, failed, cancelled or "
                     "timed_out, got '"
                  << core::terminalSafe(v) << "'\n";
        return kInvalid;
      }
      query += "&state=" + v;
    } else if (name == "--owner") {
      if (!jobsCliIdUsable(v)) {
        std::cerr << "error: --owner expects a token name or id, got '" << core::terminalSafe(v)
                  << "'\n";
        return kInvalid;
      }
      query += "&owner=" + v;
    }
  }
  if (o.limit) {
    if (*o.limit < 1 || *o.limit > 1000) {
      std::cerr << "error: option --limit expects an integer between 1 and 1000, got " << *o.limit
                << "\n";
      return kInvalid;
    }
    query += "&limit=" + std::to_string(*o.limit);
  }
  if (!query.empty()) query[0] = '?';
  try {
    const auto r = s.client->get("/v1/jobs" + query);
    if (r.status != 200) return reportRefusal(r, "list of jobs");
    auto doc = nlohmann::json::parse(r.body, nullptr, false);
    if (!doc.is_object() || !doc.contains("jobs") || !doc["jobs"].is_array()) {
      std::cerr << "error: " << s.origin << ": unexpected answer to GET /v1/jobs\n";
      return kUnreachable;
    }
    if (o.json) {
      std::cout << doc.dump(2) << "\n";
      return kOk;
    }
    const auto& jobs = doc["jobs"];
    if (jobs.empty()) {
      if (!o.quiet) std::cerr << "no jobs\n";
      return kOk;
    }
    std::size_t id_width = 2;
    for (const auto& j : jobs) id_width = std::max(id_width, jobsCliString(j, "id").size());
    std::cout << jobsCliPad("ID", id_width) << "  " << jobsCliPad("STATE", 9) << "  "
              << jobsCliPad("SUBMITTED (UTC)", 19) << "  " << jobsCliPad("PROGRESS/TIME", 18)
              << "  NAME\n";
    for (const auto& j : jobs)
      std::cout << jobsCliPad(jobsCliString(j, "id"), id_width) << "  "
                << jobsCliPad(jobsCliString(j, "state"), 9) << "  "
                << jobsCliPad(jobsCliShortTime(jobsCliString(j, "created_at")), 19) << "  "
                << jobsCliPad(jobsCliProgress(j), 18) << "  "
                << core::terminalSafe(jobsCliString(j, "name")) << "\n";
  } catch (const HttpError& e) {
    std::cerr << "error: " << e.what() << "\n";
    return kUnreachable;
  }
  return kOk;
}

int statusCommand(const CliOptions& o) {
  JobsCliSession s;
  if (auto code = jobsCliOpen(o, "status", true, s)) return *code;
  try {
    nlohmann::json j;
    if (auto code = jobsCliStatus(s, j)) return *code;
    if (o.json) {
      std::cout << j.dump(2) << "\n";
      return kOk;
    }
    const auto line = [](const char* label, const std::string& value) {
      if (!value.empty()) std::cout << "  " << jobsCliPad(label, 11) << value << "\n";
    };
    const std::string state = jobsCliString(j, "state");
    std::cout << "job " << s.id << ": " << state << "\n";
    line("name:", core::terminalSafe(jobsCliString(j, "name")));
    line("owner:", core::terminalSafe(jobsCliString(j, "owner")));
    line("backend:", core::terminalSafe(jobsCliString(j, "backend")));
    line("submitted:", jobsCliString(j, "created_at"));
    line("started:", jobsCliString(j, "started_at"));
    line("finished:", jobsCliString(j, "finished_at"));
    if (state == "running")
      line("progress:", jobsCliProgress(j));
    else if (state != "queued")
      line("duration:", jobsCliProgress(j));
    line("error:", core::terminalSafe(jobsCliString(j, "error"), true));
  } catch (const HttpError& e) {
    std::cerr << "error: " << e.what() << "\n";
    return kUnreachable;
  }
  return kOk;
}

int resultCommand(const CliOptions& o) {
  JobsCliSession s;
  if (auto code = jobsCliOpen(o, "result", true, s)) return *code;
  if (!outputTargetUsable(o.output)) return kInvalid;
  try {
    nlohmann::json j;
    if (auto code = jobsCliStatus(s, j)) return *code;
    const std::string state = jobsCliString(j, "state");
    if (state == "queued" || state == "running") {
      std::cerr << "error: job " << s.id << " is " << state
                << (state == "running" ? " (" + jobsCliProgress(j) + ")" : std::string())
                << "; its result is available when it finishes (`sciagents attach " << s.id
                << "` follows it and can write it with -o)\n";
      return kRunFailed;
    }
    RemoteInterruptGuard signals;
    s.client->setCancelFlag(&remoteInterruptFlag());
    return fetchAndReportResult(*s.client, s.id, state, nullptr, o, [] { return kRunFailed; });
  } catch (const HttpError& e) {
    if (e.kind() == HttpError::Kind::Cancelled) return kRunFailed;
    std::cerr << "error: " << e.what() << "\n";
    return kUnreachable;
  }
}

int attachCommand(const CliOptions& o) {
  JobsCliSession s;
  if (auto code = jobsCliOpen(o, "attach", true, s)) return *code;
  if (!outputTargetUsable(o.output)) return kInvalid;
  RemoteInterruptGuard signals;  // Ctrl-C detaches: the job keeps running on the server
  s.client->setCancelFlag(&remoteInterruptFlag());
  const auto detached = [&s] {
    std::cerr << "\ndetached from job " << s.id
              << "; it keeps running on the server (sciagents attach " << s.id
              << " follows it again)\n";
    return kRunFailed;
  };
  try {
    nlohmann::json j;
    if (auto code = jobsCliStatus(s, j)) return *code;
    std::size_t total = 0;
    if (j.contains("progress") && j["progress"].is_object() &&
        j["progress"].contains("steps_total") && j["progress"]["steps_total"].is_number_unsigned())
      total = j["progress"]["steps_total"].get<std::size_t>();
    const RunReporter::Mode mode = reporterMode(o);
    if (mode != RunReporter::Mode::None)
      std::cerr << "attached to job " << s.id << " (" << jobsCliString(j, "state") << ") on "
                << s.origin << "; Ctrl-C detaches, the job keeps running\n";
    const FollowedJob followed = followJobEvents(*s.client, s.id, nullptr, total, mode);
    if (followed.end == FollowedJob::End::Interrupted) return detached();
    if (followed.end != FollowedJob::End::Done) return followed.exit_code;
    if (!o.quiet) std::cerr << "job " << s.id << " " << followed.final_state << "\n";
    return fetchAndReportResult(*s.client, s.id, followed.final_state, nullptr, o, detached);
  } catch (const HttpError& e) {
    if (e.kind() == HttpError::Kind::Cancelled) return detached();
    std::cerr << "error: " << e.what() << "\n";
    return kUnreachable;
  }
}

int cancelCommand(const CliOptions& o) {
  JobsCliSession s;
  if (auto code = jobsCliOpen(o, "cancel", true, s)) return *code;
  try {
    const auto r = s.client->request("DELETE", "/v1/jobs/" + s.id);
    if (r.status == 404) return jobsCliNotFound(s);
    if (r.status != 200 && r.status != 202) return reportRefusal(r, "cancel job " + s.id);
    auto j = nlohmann::json::parse(r.body, nullptr, false);
    std::string state = jobsCliString(j, "state");
    if (r.status == 200) {
      if (o.json)
        std::cout << nlohmann::json{{"id", s.id}, {"state", state}}.dump(2) << "\n";
      else
        std::cout << "job " << s.id << " had already ended: " << state << "\n";
      return kOk;
    }
    // 202: the server stops the work within moments; show the final state when it arrives.
    const std::string final_state = awaitFinalState(*s.client, s.id, std::chrono::seconds(30));
    if (!final_state.empty()) state = final_state;
    if (o.json)
      std::cout << nlohmann::json{{"id", s.id}, {"state", state}}.dump(2) << "\n";
    else if (state == "queued" || state == "running")
      std::cout << "job " << s.id << ": cancellation requested (still " << state << ")\n";
    else
      std::cout << "job " << s.id << ": " << state << "\n";
  } catch (const HttpError& e) {
    std::cerr << "error: " << e.what() << "\n";
    return kUnreachable;
  }
  return kOk;
}

}  // namespace sciagents::cli
