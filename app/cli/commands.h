#pragma once

#include "app/cli/cli_options.h"
#include "core/workflow/run_provenance.h"
#include "core/workflow/workflow_validator.h"

#include <nlohmann/json_fwd.hpp>

namespace sciagents::core {
class AgentRegistry;
}

namespace sciagents::cli {

// Exit codes (docs/architecture.md §5).
enum ExitCode : int { kOk = 0, kRunFailed = 1, kInvalid = 2, kUnreachable = 3 };

// Commands that look agents up use the registry main() constructed them with.
int agentsCommand(const CliOptions& o, const core::AgentRegistry& registry);
int validateCommand(const CliOptions& o, const core::AgentRegistry& registry);
// validate's checks of FILE (with --set overrides): every issue, structural or against the
// schemas; `workflow` gets the workflow when it could be read. printIssues writes them to stderr
// as validate does.
std::vector<core::ValidationIssue> workflowIssues(const std::string& file,
                                                  const std::vector<std::string>& sets,
                                                  const core::AgentRegistry& registry,
                                                  core::Workflow* workflow = nullptr);
void printIssues(const std::string& file, const std::vector<core::ValidationIssue>& issues);
// export-python FILE [-o OUT]: the workflow as a Python script (core/workflow/python_export.h).
int exportPythonCommand(const CliOptions& o, const core::AgentRegistry& registry);
int runCommand(const CliOptions& o, const core::AgentRegistry& registry);
int serveCommand(const CliOptions& o);  // serve, and serve token create|list|revoke
int submitCommand(const CliOptions& o,
                  const core::AgentRegistry& registry);  // submit FILE --server URL
int healthCommand(const CliOptions& o,
                  const core::AgentRegistry& registry);  // health [--server URL]
int feedbackCommand(const CliOptions& o);                // feedback export --format csv|json
// The jobs of a server (app/cli/jobs_command.cpp): list, status, result, attach, cancel.
int jobsCommand(const CliOptions& o);    // jobs --server URL [--state S] [--limit N]
int statusCommand(const CliOptions& o);  // status ID --server URL
int resultCommand(const CliOptions& o);  // result ID --server URL [-o FILE]
int attachCommand(const CliOptions& o);  // attach ID --server URL [-o FILE]
int cancelCommand(const CliOptions& o);  // cancel ID --server URL
// run --target URL: submit to a server, follow its events, write the result like a local run.
int runRemote(const CliOptions& o, const core::AgentRegistry& registry, const std::string& file,
              const std::string& url);
// run --target slurm: submit a job array, follow its files and squeue, merge the shards
// (docs/slurm.md).
int runSlurm(const CliOptions& o, const core::AgentRegistry& registry, const std::string& file);

// History, replay and reports (docs/history.md, docs/report.md).
int historyCommand(const CliOptions& o);  // history [list|show ID|delete ID] [--limit N] [--json]
int replayCommand(const CliOptions& o, const core::AgentRegistry& registry);  // replay RESULT
int reportCommand(const CliOptions& o);  // report RESULT [-o OUT.html]
// How this command line runs FILE (seed, threads, --set overrides, the file's absolute path) for
// the result's "run" member; `where`: "local", the server URL or "slurm".
core::RunSettings cliRunSettings(const CliOptions& o, const std::string& file,
                                 const std::string& where);
// Records a finished run in the history (core/store/run_history.h) unless --no-history or inside
// a Slurm array task. `doc`: the result document when one was made (null otherwise). Problems
// are warnings on stderr: the run's outcome stands.
void recordRunHistory(const CliOptions& o, const core::RunResult& result,
                      const nlohmann::json& doc);

}  // namespace sciagents::cli
