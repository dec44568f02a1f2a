// sciagents submit FILE --server URL [--wait] and sciagents run FILE --target URL: validate
// locally, POST /v1/jobs, then (when waiting) follow GET /v1/jobs/{id}/events and fetch the result.
#include "app/cli/commands.h"

#include "app/cli/http_client.h"
#include "app/cli/remote_run.h"
#include "app/cli/result_summary.h"
#include "app/cli/run_reporter.h"
#include "app/cli/workflow_loader.h"
#include "core/agent/agent_registry.h"
#include "core/util/error.h"
#include "core/util/process_info.h"
#include "core/util/terminal_text.h"
#include "core/workflow/run_result_reader.h"
#include "core/workflow/workflow_validator.h"

#include <nlohmann/json.hpp>

#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <iostream>
#include <optional>
#include <thread>

namespace sciagents::cli {

namespace {

std::atomic<bool> g_interrupted{false};
extern "C" void onRemoteInterrupt(int) { g_interrupted.store(true); }

// Sleeps up to `ms`, returning early (false) on Ctrl-C.
bool pause(std::chrono::milliseconds ms) {
  const auto end = std::chrono::steady_clock::now() + ms;
  while (std::chrono::steady_clock::now() < end) {
    if (g_interrupted.load()) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return !g_interrupted.load();
}

// Maps a server's refusal to an exit code after printing it.
int refuse(const HttpReply& r, const std::string& what) {
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

int retryAfterSeconds(const HttpReply& r) {
  const std::string v = r.header("retry-after");
  char* end = nullptr;
  const long s = std::strtol(v.c_str(), &end, 10);
  if (v.empty() || *end != '\0' || s < 0) return 1;
  return static_cast<int>(std::min<long>(s, 60));
}

struct RemoteOptions {
  bool wait = false;
};

class SignalGuard {
 public:
  SignalGuard() {
    g_interrupted.store(false);
    m_int = std::signal(SIGINT, onRemoteInterrupt);
    m_term = std::signal(SIGTERM, onRemoteInterrupt);
  }
  ~SignalGuard() {
    std::signal(SIGINT, m_int);
    std::signal(SIGTERM, m_term);
  }

 private:
  void (*m_int)(int);
  void (*m_term)(int);
};

int cancelRemote(const std::string& url, const std::string& token, const std::string& id) {
  std::cerr << "\ninterrupted: cancelling job " << id << "\n";
  try {
    HttpClient c(url, token, std::chrono::seconds(10));
    const auto r = c.request("DELETE", "/v1/jobs/" + id);
    if (r.status != 202 && r.status != 200)
      std::cerr << "warning: cancel: " << describeHttpError(r) << "\n";
    else {
      // Show the final state when it arrives quickly (the server stops the work within moments).
      std::string state;
      for (int i = 0; i < 50; ++i) {
        const auto st = c.get("/v1/jobs/" + id);
        auto j = nlohmann::json::parse(st.body, nullptr, false);
        if (st.status != 200 || !j.is_object() || !j.contains("state") || !j["state"].is_string())
          break;
        state = j["state"].get<std::string>();
        if (state != "queued" && state != "running") break;
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
      }
      std::cerr << "job " << id << ": " << (state.empty() ? "cancellation requested" : state)
                << "\n";
    }
  } catch (const HttpError& e) {
    std::cerr << "warning: could not cancel job " << id << ": " << e.what() << "\n";
  }
  return kRunFailed;
}

int remoteRun(const CliOptions& o, const core::AgentRegistry& registry, const std::string& file,
              const std::string& url, const RemoteOptions& ro) {
  // 1. Validate locally: the same messages and exit code as `sciagents validate`.
  core::Workflow w;
  std::vector<core::ValidationIssue> issues;
  try {
    w = loadWorkflow(file, o.sets);
    issues = core::validateWorkflow(w, registry);
  } catch (const core::Error& e) {
    issues.push_back({e.step(), e.param(), e.bareMessage()});
  }
  if (!issues.empty()) {
    for (const auto& i : issues)
      std::cerr << "error: " << core::terminalSafe(i.describe(), true) << "\n";
    std::cerr << file << ": invalid (" << issues.size() << " error"
              << (issues.size() == 1 ? "" : "s") << ")\n";
    return kInvalid;
  }
  if (!outputTargetUsable(o.output)) return kInvalid;
  if (o.threads > 0)
    std::cerr << "warning: --threads is ignored for remote runs (the server decides)\n";

  std::string token;
  try {
    token = readToken(o);
  } catch (const std::exception& e) {
    std::cerr << "error: " << e.what() << "\n";
    return kInvalid;
  }

  std::unique_ptr<HttpClient> client;
  try {
    client = std::make_unique<HttpClient>(url, token);
  } catch (const HttpError& e) {
    std::cerr << "error: " << e.what() << "\n";
    return kInvalid;
  }
  SignalGuard signals;
  client->setCancelFlag(&g_interrupted);
  const std::string origin = client->url().origin() + client->url().base_path;

  // 2. Submit (retrying while the server says 429).
  nlohmann::json envelope = {{"workflow", w.toJson()}};
  if (o.seed) envelope["seed"] = *o.seed;
  if (o.no_cache) envelope["no_cache"] = true;
  std::string id;
  nlohmann::json accepted;
  try {
    constexpr int kAttempts = 6;
    for (int attempt = 1;; ++attempt) {
      const auto r = client->request("POST", "/v1/jobs", envelope.dump());
      if (r.status == 202 || r.status == 201 || r.status == 200) {
        accepted = nlohmann::json::parse(r.body, nullptr, false);
        if (!accepted.is_object() || !accepted.contains("id") || !accepted["id"].is_string()) {
          std::cerr << "error: " << origin
                    << ": unexpected answer to POST /v1/jobs: " << r.body.substr(0, 200) << "\n";
          return kUnreachable;
        }
        id = accepted["id"].get<std::string>();
        break;
      }
      if (r.status == 429 && attempt < kAttempts) {
        const int s = retryAfterSeconds(r);
        std::cerr << "server busy (429): retrying in " << s << " s\n";
        if (!pause(std::chrono::seconds(s))) return kRunFailed;
        continue;
      }
      if (r.status == 429) {
        std::cerr << "error: " << origin << " is still busy after " << kAttempts
                  << " attempts: " << describeHttpError(r) << "\n";
        return kUnreachable;
      }
      return refuse(r, file);
    }
  } catch (const HttpError& e) {
    if (e.kind() == HttpError::Kind::Cancelled) return kRunFailed;
    std::cerr << "error: " << e.what() << "\n";
    return kUnreachable;
  }
  const std::string status_url = origin + "/v1/jobs/" + id;

  if (!ro.wait) {
    if (o.json)
      std::cout << accepted.dump(2) << "\n";
    else {
      std::cout << id << "\n";
      if (!o.quiet) std::cout << "status: " << status_url << "\n";
    }
    return kOk;
  }
  if (!o.quiet && !o.json && o.progress != "none")
    std::cerr << "submitted job " << id << " to " << origin << "\n";

  // 3. Follow the events (reconnecting with Last-Event-ID when the connection drops).
  RunReporter::Mode mode = RunReporter::Mode::Lines;
  if (o.progress == "bar" || (o.progress == "auto" && core::stderrIsTerminal()))
    mode = RunReporter::Mode::Bar;
  if (o.progress == "none" || o.quiet) mode = RunReporter::Mode::None;
  std::string final_state;
  {
    RunReporter reporter(mode, w.steps.size());
    std::map<std::string, std::pair<std::string, std::string>> started;  // step -> agent, task
    std::string last_id;
    // The submit reached the server, so a failure to follow its events is an outage: reconnect
    // (with Last-Event-ID) for up to 60 s counted from the first failure since events last flowed.
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
        else if (const auto* ws = w.step(s.id))
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
        final_state = d.value("state", std::string());
        return false;
      }
      return true;
    };
    try {
      while (final_state.empty()) {
        try {
          const auto r = client->streamEvents("/v1/jobs/" + id + "/events", last_id, on_event);
          if (r.status != 200) return refuse(r, "events of job " + id);
          lost_since.reset();
          if (!final_state.empty()) break;
          // The stream ended without "done": the server restarted or a proxy cut it. Reconnect.
          if (!pause(std::chrono::milliseconds(500))) return cancelRemote(url, token, id);
        } catch (const HttpError& e) {
          if (e.kind() == HttpError::Kind::Cancelled) return cancelRemote(url, token, id);
          const auto now = std::chrono::steady_clock::now();
          if (!lost_since) lost_since = now;
          if (now - *lost_since > std::chrono::seconds(60)) {
            std::cerr << "error: " << e.what() << " (no connection for 60 s)\n";
            return kUnreachable;
          }
          if (!pause(std::chrono::seconds(1))) return cancelRemote(url, token, id);
        }
      }
    } catch (const HttpError& e) {
      std::cerr << "error: " << e.what() << "\n";
      return kUnreachable;
    }
  }
  if (g_interrupted.load()) return cancelRemote(url, token, id);

  // 4. The result, written and summarised like a local run.
  HttpReply res;
  try {
    for (int attempt = 0; attempt < 20; ++attempt) {
      res = client->get("/v1/jobs/" + id + "/result");
      if (res.status != 404) break;
      auto j = nlohmann::json::parse(res.body, nullptr, false);
      if (!j.is_object() || j.value("error", std::string()) != "not_ready") break;
      if (!pause(std::chrono::milliseconds(100))) return cancelRemote(url, token, id);
    }
  } catch (const HttpError& e) {
    if (e.kind() == HttpError::Kind::Cancelled) return kRunFailed;
    std::cerr << "error: " << e.what() << "\n";
    return kUnreachable;
  }
  const int state_code = final_state == "succeeded" ? kOk : kRunFailed;
  if (res.status != 200) {
    // A job that failed before producing a result (e.g. timed out, refused by a limit): show why.
    std::string why = describeHttpError(res);
    try {
      const auto st = client->get("/v1/jobs/" + id);
      auto j = nlohmann::json::parse(st.body, nullptr, false);
      if (st.status == 200 && j.is_object() && j.contains("error") && j["error"].is_string())
        why = j["error"].get<std::string>();
    } catch (const HttpError&) {
    }
    std::cerr << "error: job " << id << " " << final_state << ": " << why << "\n";
    return state_code == kOk ? kUnreachable : state_code;
  }
  auto doc = nlohmann::json::parse(res.body, nullptr, false);
  if (!doc.is_object()) {
    std::cerr << "error: " << status_url << "/result: the server sent a result that is not JSON\n";
    return kUnreachable;
  }
  core::addRunProvenance(doc, w, registry, cliRunSettings(o, file, origin));  // docs/history.md
  const core::RunResult result = core::runResultFromJson(doc, &w);
  if (!reportResult(doc, result, o.output, o.json, o.quiet)) return kRunFailed;
  recordRunHistory(o, result, doc);
  if (final_state != "succeeded" && final_state != "failed" && final_state != "cancelled")
    std::cerr << "error: job " << id << " ended " << final_state << "\n";
  return state_code;
}

}  // namespace

int submitCommand(const CliOptions& o, const core::AgentRegistry& registry) {
  if (o.positional.size() != 1) {
    std::cerr << "error: submit expects one workflow file\n\n" << commandHelp("submit");
    return kInvalid;
  }
  std::string server = o.server;
  if (server.empty())
    if (const char* s = std::getenv("SCIAGENTS_SERVER"); s && *s) server = s;
  if (server.empty()) {
    std::cerr << "error: submit needs --server URL (or $SCIAGENTS_SERVER)\n\n"
              << commandHelp("submit");
    return kInvalid;
  }
  return remoteRun(o, registry, o.positional[0], server, RemoteOptions{o.wait});
}

int runRemote(const CliOptions& o, const core::AgentRegistry& registry, const std::string& file,
              const std::string& url) {
  return remoteRun(o, registry, file, url, RemoteOptions{true});
}

}  // namespace sciagents::cli
