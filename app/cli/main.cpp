// sciagents: the command-line front end. Parsing and dispatch only; the work is in sciagents_core.
#include "app/cli/cli_options.h"
#include "app/cli/commands.h"
#include "core/agent/agent_registry.h"
#include "core/util/version.h"

#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <iostream>

int main(int argc, char** argv) {
  using namespace sciagents::cli;
  CliOptions o;
  try {
    o = parseCommandLine(std::vector<std::string>(argv + 1, argv + argc));
  } catch (const UsageError& e) {
    std::cerr << "error: " << e.message << "\n";
    return kInvalid;
  }
  spdlog::set_default_logger(spdlog::stderr_color_mt("sciagents"));
  spdlog::set_level(spdlog::level::from_str(o.log_level));

  if (o.command == "version") {
    std::cout << "sciagents " << sciagents::kVersion << " (built " << sciagents::kBuildDate
              << ")\n";
    return kOk;
  }
  if (o.command.empty() || o.command == "help") {
    std::cout << (o.positional.empty() ? generalHelp() : commandHelp(o.positional[0]));
    return o.command.empty() && !o.help ? kInvalid : kOk;
  }
  if (o.help) {
    std::cout << commandHelp(o.command);
    return kOk;
  }
  try {
    const auto& registry =
        sciagents::core::AgentRegistry::builtin();  // the one registry of this program
    if (o.command == "agents") return agentsCommand(o, registry);
    if (o.command == "validate") return validateCommand(o, registry);
    if (o.command == "run") return runCommand(o, registry);
    if (o.command == "serve") return serveCommand(o);
    if (o.command == "submit") return submitCommand(o, registry);
    if (o.command == "health") return healthCommand(o, registry);
    if (o.command == "feedback") return feedbackCommand(o);
    if (o.command == "jobs") return jobsCommand(o);
    if (o.command == "status") return statusCommand(o);
    if (o.command == "result") return resultCommand(o);
    if (o.command == "attach") return attachCommand(o);
    if (o.command == "cancel") return cancelCommand(o);
    if (o.command == "history") return historyCommand(o);
    if (o.command == "replay") return replayCommand(o, registry);
    if (o.command == "report") return reportCommand(o);
    if (o.command == "export-python") return exportPythonCommand(o, registry);
  } catch (const std::exception& e) {
    std::cerr << "error: " << e.what() << "\n";
    return kRunFailed;
  }
  std::cerr << "error: '" << o.command
            << "' is not available in this build yet (the server arrives in a later release)\n";
  return kInvalid;
}
