// Command-line parsing for `sciagents`: no third-party parser, explicit errors naming the option.
#pragma once

#include "server/job_backends.h"

#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace sciagents::cli {

struct CliOptions {
  std::string
      command;  // agents, validate, run, serve, submit, health, history, replay, report, ...
  std::vector<std::string> positional;
  std::string output;             // -o
  std::vector<std::string> sets;  // --set STEP.PARAM=VALUE
  int threads = 0;
  std::string target = "local";
  bool json = false;
  bool markdown = false;
  bool no_cache = false;
  bool help = false;
  bool quiet = false;
  bool no_history = false;   // run: do not record the run (docs/history.md)
  std::optional<int> limit;  // --limit N: history (0: all; default 20), jobs (1..1000)
  std::optional<unsigned long long> seed;
  long long sidecar_min = 262144;  // arrays with at least this many numbers go to .npy sidecars
  std::string log_level = "warn";
  std::string progress = "auto";  // auto | bar | lines | none
  // serve (defaults may also come from SCIAGENTS_* environment variables, resolved by the command)
  std::optional<std::string> host;                   // --host
  std::optional<int> port;                           // --port
  std::optional<std::string> data_dir;               // --data-dir
  std::optional<int> workers;                        // --workers
  std::string backend = server::kDefaultJobBackend;  // --backend (server/job_backends.h)
  bool admin = false;                                // serve token create NAME --admin
  // submit / health / run --target URL
  std::string server;      // --server URL
  std::string token_file;  // --token-file F
  bool wait = false;       // --wait
  // Options only one command understands, kept verbatim for that command's parser: --name value.
  std::vector<std::pair<std::string, std::string>> extra;
};

// Throws UsageError on bad input.
struct UsageError {
  std::string message;
};
CliOptions parseCommandLine(const std::vector<std::string>& args);

std::string generalHelp();
std::string commandHelp(const std::string& command);

}  // namespace sciagents::cli
