#include "app/cli/remote_run.h"

#include "app/cli/cli_options.h"
#include "app/cli/commands.h"
#include "app/cli/http_client.h"
#include "app/cli/result_summary.h"
#include "core/util/process_info.h"
#include "core/util/terminal_text.h"
#include "core/util/text_format.h"
#include "core/value/value_json.h"
#include "core/workflow/run_result_reader.h"

#include <algorithm>
#include <csignal>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <map>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <thread>

#if !defined(_WIN32)
#include <sys/stat.h>
#endif

namespace sciagents::cli {

namespace {
std::atomic<bool> g_remote_interrupted{false};
}  // namespace
extern "C" void sciagentsOnRemoteInterrupt(int) { g_remote_interrupted.store(true); }

std::string readToken(const CliOptions& o) {
  if (!o.token_file.empty()) {
    std::ifstream in(o.token_file, std::ios::binary);
    if (!in) throw std::runtime_error("cannot read token file '" + o.token_file + "'");
#if !defined(_WIN32)
    struct stat st {};
    if (::stat(o.token_file.c_str(), &st) == 0 && (st.st_mode & 077))
      std::cerr << "warning: token file '" << o.token_file
                << "' is readable by other users; restrict it with: chmod 600 " << o.token_file
                << "\n";
#endif
    std::ostringstream s;
    s << in.rdbuf();
    std::string token = core::trim(s.str());
    if (token.empty()) throw std::runtime_error("token file '" + o.token_file + "' is empty");
    return token;
  }
  if (const char* t = std::getenv("SCIAGENTS_TOKEN"); t && *t) return core::trim(t);
  return {};
}

std::string describeHttpError(const HttpReply& r) {
  std::string msg = "HTTP " + std::to_string(r.status);
  auto j = nlohmann::json::parse(r.body, nullptr, false);
  if (j.is_object()) {
    if (j.contains("error") && j["error"].is_string()) msg += " " + j["error"].get<std::string>();
    if (j.contains("message") && j["message"].is_string())
      msg += ": " + j["message"].get<std::string>();
  } else if (!r.body.empty()) {
    msg += ": " + (r.body.size() > 200 ? r.body.substr(0, 200) + "..." : r.body);
  }
  return msg;
}

int reportRefusal(const HttpReply& r, const std::string& what) {
  std::cerr << "error: " << what << ": " << describeHttpError(r) << "\n";
  auto j = nlohmann::json::parse(r.body, nullptr, false);
  if (j.is_object() && j.contains("issues") && j["issues"].is_array())
    for (const auto& i : j["issues"])
      std::cerr << "error: " << (i.is_string() ? i.get<std::string>() : i.dump()) << "\n";
  if (r.status == 401)
    std::cerr << "hint: pass a token with --token-file FILE or $SCIAGENTS_TOKEN "
                 "(create one with: sciagents serve token create NAME)\n";
  if (r.status >= 400 && r.status < 500) return kInvalid;
  if (r.status == 500) return kRunFailed;
  return kUnreachable;  // 502/503/504 and anything unexpected: the backend is not usable
}

std::string serverUrl(const CliOptions& o) {
  if (!o.server.empty()) return o.server;
  if (const char* s = std::getenv("SCIAGENTS_SERVER"); s && *s) return s;
  return {};
}

RunReporter::Mode reporterMode(const CliOptions& o) {
  RunReporter::Mode mode = RunReporter::Mode::Lines;
  if (o.progress == "bar" || (o.progress == "auto" && core::stderrIsTerminal()))
    mode = RunReporter::Mode::Bar;
  if (o.progress == "none" || o.quiet) mode = RunReporter::Mode::None;
  return mode;
}

RemoteInterruptGuard::RemoteInterruptGuard() {
  g_remote_interrupted.store(false);
  m_int = std::signal(SIGINT, sciagentsOnRemoteInterrupt);
  m_term = std::signal(SIGTERM, sciagentsOnRemoteInterrupt);
}

RemoteInterruptGuard::~RemoteInterruptGuard() {
  std::signal(SIGINT, m_int);
  std::signal(SIGTERM, m_term);
}

const std::atomic<bool>& remoteInterruptFlag() { return g_remote_interrupted; }
bool remoteInterrupted() { return g_remote_interrupted.load(); }

bool pauseUnlessInterrupted(std::chrono::milliseconds ms) {
  const auto end = std::chrono::steady_clock::now() + ms;
  while (std::chrono::steady_clock::now() < end) {
    if (g_remote_interrupted.load()) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return !g_remote_interrupted.load();
}

FollowedJob followJobEvents(HttpClient& client, const std::string& id,
                            const core::Workflow* workflow, std::size_t total_steps,
                            RunReporter::Mode mode) {
  using End = FollowedJob::End;
  FollowedJob out;
  RunReporter reporter(mode, total_steps);
  std::map<std::string, std::pair<std::string, std::string>> started;  // step -> agent, task
  std::string last_id;
  // The job exists, so a failure to follow its events is an outage: reconnect (with
  // Last-Event-ID) for up to 60 s counted from the first failure since events last flowed.
  std::optional<std::chrono::steady_clock::time_point> lost_since;
  const auto on_event = [&](const SseEvent& ev) {
    lost_since.reset();
    if (!ev.id.empty()) last_id = ev.id;
    auto d = nlohmann::json::parse(ev.data, nullptr, false);
    if (!d.is_object()) return true;
    if (ev.type == "step_started") {
      const std::string step = d.value("step", std::string());
      std::string agent = d.value("agent", std::string()), task = d.value("task", std::string());
      started[step] = {agent, task};
      reporter.stepStarted(step, agent, task);
    } else if (ev.type == "step_finished") {
      core::StepResult s;
      s.id = d.value("step", std::string());
      if (auto it = started.find(s.id); it != started.end())
        s.agent = it->second.first, s.task = it->second.second;
      else if (const auto* ws = workflow ? workflow->step(s.id) : nullptr)
        s.agent = ws->agent, s.task = ws->task;
      s.status = core::stepStatusFromName(d.value("status", std::string()));
      s.cached = d.value("cached", false);
      if (d.contains("seconds") && d["seconds"].is_number())
        s.wall_seconds = d["seconds"].get<double>();
      if (d.contains("error") && d["error"].is_string()) s.error = d["error"].get<std::string>();
      reporter.stepFinished(s);
    } else if (ev.type == "progress") {
      const double f =
          d.contains("fraction") && d["fraction"].is_number() ? d["fraction"].get<double>() : 0.0;
      reporter.progress(d.value("step", std::string()), f, d.value("message", std::string()));
    } else if (ev.type == "done") {
      out.final_state = d.value("state", std::string());
      return false;
    }
    return true;
  };
  while (out.final_state.empty()) {
    try {
      const auto r = client.streamEvents("/v1/jobs/" + id + "/events", last_id, on_event);
      if (r.status != 200) {
        out.end = End::Refused;
        out.exit_code = reportRefusal(r, "events of job " + id);
        return out;
      }
      lost_since.reset();
      if (!out.final_state.empty()) break;
      // The stream ended without "done": the server restarted or a proxy cut it. Reconnect.
      if (!pauseUnlessInterrupted(std::chrono::milliseconds(500))) {
        out.end = End::Interrupted;
        return out;
      }
    } catch (const HttpError& e) {
      if (e.kind() == HttpError::Kind::Cancelled) {
        out.end = End::Interrupted;
        return out;
      }
      if (e.kind() == HttpError::Kind::BadUrl) {
        std::cerr << "error: " << e.what() << "\n";
        out.end = End::Unreachable;
        out.exit_code = kUnreachable;
        return out;
      }
      const auto now = std::chrono::steady_clock::now();
      if (!lost_since) lost_since = now;
      if (now - *lost_since > std::chrono::seconds(60)) {
        std::cerr << "error: " << e.what() << " (no connection for 60 s)\n";
        out.end = End::Unreachable;
        out.exit_code = kUnreachable;
        return out;
      }
      if (!pauseUnlessInterrupted(std::chrono::seconds(1))) {
        out.end = End::Interrupted;
        return out;
      }
    }
  }
  if (g_remote_interrupted.load()) out.end = End::Interrupted;
  return out;
}

int fetchAndReportResult(HttpClient& client, const std::string& id, const std::string& final_state,
                         const core::Workflow* workflow, const CliOptions& o,
                         const std::function<int()>& on_interrupt, const ResultHooks& hooks) {
  const std::string status_url = client.url().origin() + client.url().base_path + "/v1/jobs/" + id;
  HttpReply res;
  try {
    for (int attempt = 0; attempt < 20; ++attempt) {
      res = client.get("/v1/jobs/" + id + "/result");
      if (res.status != 404) break;
      auto j = nlohmann::json::parse(res.body, nullptr, false);
      if (!j.is_object() || j.value("error", std::string()) != "not_ready") break;
      if (!pauseUnlessInterrupted(std::chrono::milliseconds(100))) return on_interrupt();
    }
  } catch (const HttpError& e) {
    if (e.kind() == HttpError::Kind::Cancelled) return on_interrupt();
    std::cerr << "error: " << e.what() << "\n";
    return kUnreachable;
  }
  const int state_code = final_state == "succeeded" ? kOk : kRunFailed;
  if (res.status != 200) {
    // A job that failed before producing a result (e.g. timed out, refused by a limit): show why.
    std::string why = describeHttpError(res);
    try {
      const auto st = client.get("/v1/jobs/" + id);
      auto j = nlohmann::json::parse(st.body, nullptr, false);
      if (st.status == 200 && j.is_object() && j.contains("error") && j["error"].is_string())
        why = j["error"].get<std::string>();
    } catch (const HttpError&) {
    }
    std::cerr << "error: job " << id << " " << final_state << ": " << core::terminalSafe(why, true)
              << "\n";
    return state_code == kOk ? kUnreachable : state_code;
  }
  auto doc = nlohmann::json::parse(res.body, nullptr, false);
  if (!doc.is_object()) {
    std::cerr << "error: " << status_url << "/result: the server sent a result that is not JSON\n";
    return kUnreachable;
  }
  if (hooks.before_report) hooks.before_report(doc);
  const core::RunResult result = core::runResultFromJson(doc, workflow);
  if (!reportResult(doc, result, o.output, o.json, o.quiet)) return kRunFailed;
  if (hooks.after_report) hooks.after_report(result, doc);
  if (final_state != "succeeded" && final_state != "failed" && final_state != "cancelled")
    std::cerr << "error: job " << id << " ended " << final_state << "\n";
  return state_code;
}

std::string awaitFinalState(HttpClient& client, const std::string& id,
                            std::chrono::milliseconds max) {
  const auto end = std::chrono::steady_clock::now() + max;
  std::string state;
  while (true) {
    const auto st = client.get("/v1/jobs/" + id);
    auto j = nlohmann::json::parse(st.body, nullptr, false);
    if (st.status != 200 || !j.is_object() || !j.contains("state") || !j["state"].is_string())
      break;
    state = j["state"].get<std::string>();
    if (state != "queued" && state != "running") break;
    if (std::chrono::steady_clock::now() >= end) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return state;
}

}  // namespace sciagents::cli
