#pragma once

#include "app/cli/cli_options.h"

namespace sciagents::cli {

// Exit codes (ARCHITECTURE.md §5).
enum ExitCode : int { kOk = 0, kRunFailed = 1, kInvalid = 2, kUnreachable = 3 };

int agentsCommand(const CliOptions& o);
int validateCommand(const CliOptions& o);
int runCommand(const CliOptions& o);

}  // namespace sciagents::cli
