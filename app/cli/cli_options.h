// Command-line parsing for `sciagents`: no third-party parser, explicit errors naming the option.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace sciagents::cli {

struct CliOptions {
  std::string command;               // agents, validate, run, serve, submit, health, help, version
  std::vector<std::string> positional;
  std::string output;                // -o
  std::vector<std::string> sets;     // --set STEP.PARAM=VALUE
  int threads = 0;
  std::string target = "local";
  bool json = false;
  bool markdown = false;
  bool no_cache = false;
  bool help = false;
  bool quiet = false;
  std::optional<unsigned long long> seed;
  long long sidecar_min = 262144;    // arrays with at least this many numbers go to .npy sidecars
  std::string log_level = "warn";
  std::string progress = "auto";     // auto | bar | lines | none
};

// Throws UsageError on bad input.
struct UsageError {
  std::string message;
};
CliOptions parseCommandLine(const std::vector<std::string>& args);

std::string generalHelp();
std::string commandHelp(const std::string& command);

}  // namespace sciagents::cli
