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

int cancelRemote(const std::string& url, const std::string& token, const std::string& id) {
  std::cerr << "\ninterrupted: cancelling job " << id << "\n";
  try {
    HttpClient c(url, token, std::chrono::seconds(10));
    const auto r = c.request("DELETE", "/v1/jobs/" + id);
    if (r.status != 202 && r.status != 200)
      std::cerr << "warning: cancel: " << describeHttpError(r) << "\n";
    else {
      // Show the final state when it arrives quickly (the server stops the work within moments).
      const std::string state = awaitFinalState(c, id, std::chrono::seconds(5));
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
  RemoteInterruptGuard signals;
  client->setCancelFlag(&remoteInterruptFlag());
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
        if (!pauseUnlessInterrupted(std::chrono::seconds(s))) return kRunFailed;
        continue;
      }
      if (r.status == 429) {
        std::cerr << "error: " << origin << " is still busy after " << kAttempts
                  << " attempts: " << describeHttpError(r) << "\n";
        return kUnreachable;
      }
      return reportRefusal(r, file);
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
  const FollowedJob followed = followJobEvents(*client, id, &w, w.steps.size(), reporterMode(o));
  if (followed.end == FollowedJob::End::Interrupted) return cancelRemote(url, token, id);
  if (followed.end != FollowedJob::End::Done) return followed.exit_code;

  // 4. The result, written and summarised like a local run.
  ResultHooks hooks;
  hooks.before_report = [&](nlohmann::json& doc) {  // docs/history.md
    core::addRunProvenance(doc, w, registry, cliRunSettings(o, file, origin));
  };
  hooks.after_report = [&](const core::RunResult& result, const nlohmann::json& doc) {
    recordRunHistory(o, result, doc);
  };
  return fetchAndReportResult(
      *client, id, followed.final_state, &w, o, [&] { return cancelRemote(url, token, id); },
      hooks);
}

}  // namespace

int submitCommand(const CliOptions& o, const core::AgentRegistry& registry) {
  if (o.positional.size() != 1) {
    std::cerr << "error: submit expects one workflow file\n\n" << commandHelp("submit");
    return kInvalid;
  }
  const std::string server = serverUrl(o);
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
