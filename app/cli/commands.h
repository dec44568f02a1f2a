#pragma once

#include "app/cli/cli_options.h"

namespace sciagents::core {
class AgentRegistry;
}

namespace sciagents::cli {

// Exit codes (docs/architecture.md §5).
enum ExitCode : int { kOk = 0, kRunFailed = 1, kInvalid = 2, kUnreachable = 3 };

// Commands that look agents up use the registry main() constructed them with.
int agentsCommand(const CliOptions& o, const core::AgentRegistry& registry);
int validateCommand(const CliOptions& o, const core::AgentRegistry& registry);
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

}  // namespace sciagents::cli
