// Helpers shared by `submit`, `run --target URL`, `health --server URL` and the job commands
// (`jobs`, `status`, `result`, `attach`, `cancel`): the bearer token, the server's JSON error
// documents, following a job's events and fetching its result.
#pragma once

#include "app/cli/run_reporter.h"
#include "core/workflow/run_result.h"
#include "core/workflow/workflow.h"

#include <nlohmann/json.hpp>

#include <atomic>
#include <chrono>
#include <functional>
#include <string>

namespace sciagents::cli {

struct CliOptions;
struct HttpReply;
class HttpClient;

// --token-file F (whitespace trimmed; warns on stderr when F is readable by group or others),
// else $SCIAGENTS_TOKEN, else "". Throws std::runtime_error when F cannot be read or is empty.
std::string readToken(const CliOptions& o);

// "message" of a JSON error body (or the raw body, shortened), prefixed by the status line.
std::string describeHttpError(const HttpReply& r);

// Prints a server's refusal of `what` (with its issues and, for 401, a token hint) and maps it to
// an exit code: 4xx → 2, 500 → 1, anything else (502/503/504...) → 3.
int reportRefusal(const HttpReply& r, const std::string& what);

// --server URL, else $SCIAGENTS_SERVER, else "".
std::string serverUrl(const CliOptions& o);

// The progress display a remote command uses: --progress, --quiet, a terminal on stderr.
RunReporter::Mode reporterMode(const CliOptions& o);

// Ctrl-C and SIGTERM while a remote command waits: they set remoteInterrupted() instead of ending
// the program, so the command decides (cancel the job, or detach from it). Restored on scope exit.
class RemoteInterruptGuard {
 public:
  RemoteInterruptGuard();
  ~RemoteInterruptGuard();
  RemoteInterruptGuard(const RemoteInterruptGuard&) = delete;
  RemoteInterruptGuard& operator=(const RemoteInterruptGuard&) = delete;

 private:
  void (*m_int)(int);
  void (*m_term)(int);
};
const std::atomic<bool>& remoteInterruptFlag();
bool remoteInterrupted();
// Sleeps up to `ms`, returning early (false) on Ctrl-C.
bool pauseUnlessInterrupted(std::chrono::milliseconds ms);

// Follows GET /v1/jobs/{id}/events with a RunReporter until the "done" event, reconnecting (with
// Last-Event-ID) while the connection is lost for up to 60 s. `workflow` (may be null) names the
// agent and task of steps whose start was not seen.
struct FollowedJob {
  enum class End { Done, Interrupted, Refused, Unreachable };
  End end = End::Done;
  std::string final_state;  // End::Done: succeeded, failed, cancelled, timed_out...
  int exit_code = 0;        // End::Refused / Unreachable: what the command exits with
};
FollowedJob followJobEvents(HttpClient& client, const std::string& id,
                            const core::Workflow* workflow, std::size_t total_steps,
                            RunReporter::Mode mode);

// GET /v1/jobs/{id}/result of a finished job (waiting briefly while the server stores it), then
// written and summarised like a local run (reportResult: -o, --json, --quiet). Returns the exit
// code: 0 when `final_state` is succeeded and the result says so, 1 failed/cancelled/timed out,
// 3 when the server cannot be reached. `on_interrupt` gives the exit code on Ctrl-C. The
// `hooks` see the result document before it is written (to add the run's provenance) and the
// parsed result after it was reported (to record it in the history).
struct ResultHooks {
  std::function<void(nlohmann::json& doc)> before_report;
  std::function<void(const core::RunResult& result, const nlohmann::json& doc)> after_report;
};
int fetchAndReportResult(HttpClient& client, const std::string& id, const std::string& final_state,
                         const core::Workflow* workflow, const CliOptions& o,
                         const std::function<int()>& on_interrupt, const ResultHooks& hooks = {});

// Polls GET /v1/jobs/{id} until the job is no longer queued or running, for up to `max`; returns
// the last state seen ("" when the status could not be read). Throws HttpError.
std::string awaitFinalState(HttpClient& client, const std::string& id,
                            std::chrono::milliseconds max);

// A result document back into a RunResult: core::runResultFromJson
// (core/workflow/run_result_reader.h).

}  // namespace sciagents::cli
