#include "app/cli/cli_options.h"

#include <charconv>
#include <map>
#include <set>

namespace sciagents::cli {

namespace {

const std::map<std::string, std::string>& helps() {
  static const std::map<std::string, std::string> h = {
      {"agents",
       "Usage: sciagents agents [--json | --markdown] [AGENT[.TASK]]\n\n"
       "Lists the agents and their tasks with parameter schemas. With AGENT.TASK, shows that task's\n"
       "parameters, defaults, ranges and outputs.\n\n"
       "  --json        machine-readable registry (the same document as GET /v1/agents)\n"
       "  --markdown    the agents reference page (docs/agents.md is generated from it)\n"},
      {"validate",
       "Usage: sciagents validate FILE.workflow.json [--json]\n\n"
       "Checks a workflow without running it: JSON syntax, agents, tasks, parameter names, types and\n"
       "ranges, expressions, links and cycles. Exit 0 when valid, 2 with every problem listed (each\n"
       "names the step and the parameter).\n"},
      {"run",
       "Usage: sciagents run FILE.workflow.json [options]\n\n"
       "  -o, --output OUT.json     write the result file (arrays of >= --sidecar-min numbers go to\n"
       "                            OUT.json.d/*.npy next to it)\n"
       "  --set STEP.PARAM=VALUE    override a parameter (VALUE is JSON, or a plain string);\n"
       "                            PARAM may be a path like constants.k; repeatable\n"
       "  --threads N               worker threads (default: all cores)\n"
       "  --target local            where to run (remote servers and Slurm arrive with the server)\n"
       "  --no-cache                compute every step even if a cached result exists\n"
       "  --seed N                  base seed for steps without their own \"seed\" parameter\n"
       "  --json                    print the result JSON to stdout instead of a summary\n"
       "  --progress MODE           auto (bar on a terminal, lines otherwise), bar, lines, none\n"
       "  --sidecar-min N           threshold for .npy sidecars (0: keep everything in the JSON)\n"
       "  --log-level LEVEL         trace, debug, info, warn (default), error, off\n\n"
       "Exit codes: 0 ok, 1 a step failed or the run was cancelled (Ctrl-C), 2 invalid input,\n"
       "3 backend unreachable. Results are cached in $SCIAGENTS_CACHE_DIR (default\n"
       "~/.cache/sciagents/results, bounded by $SCIAGENTS_CACHE_MAX_BYTES, default 1 GiB).\n"},
      {"serve", "Usage: sciagents serve [--host 127.0.0.1] [--port 8080] [--data-dir DIR] [--workers N]\n\n"
                "The headless server is not part of this build yet.\n"},
      {"submit", "Usage: sciagents submit FILE --server URL [--token-file F] [--wait] [-o OUT.json]\n\n"
                 "Remote submission is not part of this build yet.\n"},
      {"health", "Usage: sciagents health [--server URL]\n\nServer health checks are not part of this build yet.\n"},
  };
  return h;
}

int parseInt(const std::string& opt, const std::string& v, long long lo, long long hi) {
  long long x = 0;
  auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), x);
  if (ec != std::errc() || p != v.data() + v.size() || x < lo || x > hi)
    throw UsageError{"option " + opt + " expects an integer between " + std::to_string(lo) + " and " +
                     std::to_string(hi) + ", got '" + v + "'"};
  return static_cast<int>(x);
}

// Options with a value that belong to one command (serve's limits, TLS files...). The command checks
// them; the parser only keeps them so that every option stays visible in one place.
bool isExtraOption(const std::string& a) {
  static const std::set<std::string> extra = {
      "--queue-max", "--tls-cert", "--tls-key", "--job-wall-time", "--resume", "--retention-days",
      "--log-format", "--max-body", "--rate-limit", "--shutdown-grace", "--max-grid-points"};
  return extra.count(a) > 0;
}

}  // namespace

std::string generalHelp() {
  return "SciAgents — scientific computing workflows from the command line.\n\n"
         "Usage: sciagents COMMAND [options]\n\n"
         "Commands:\n"
         "  agents [--json|--markdown]        list agents, tasks and parameter schemas\n"
         "  validate FILE                     check a workflow file (exit 0 valid, 2 invalid)\n"
         "  run FILE [-o OUT] [--set S.P=V]   run a workflow\n"
         "  serve | submit | health           server commands (planned)\n\n"
         "Options: --help (also after a command), --version, --log-level LEVEL\n"
         "Docs: docs/cli.md, docs/workflow-format.md, docs/agents.md\n";
}

std::string commandHelp(const std::string& command) {
  auto it = helps().find(command);
  return it == helps().end() ? generalHelp() : it->second;
}

CliOptions parseCommandLine(const std::vector<std::string>& args) {
  CliOptions o;
  static const std::set<std::string> commands = {"agents", "validate", "run", "serve", "submit", "health", "help"};
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    auto value = [&](const std::string& opt) -> std::string {
      if (i + 1 >= args.size()) throw UsageError{"option " + opt + " needs a value"};
      return args[++i];
    };
    if (a == "--help" || a == "-h") o.help = true;
    else if (a == "--version" || a == "-V") { if (o.command.empty()) o.command = "version"; }
    else if (a == "--json") o.json = true;
    else if (a == "--markdown") o.markdown = true;
    else if (a == "--no-cache") o.no_cache = true;
    else if (a == "-q" || a == "--quiet") o.quiet = true;
    else if (a == "-o" || a == "--output") o.output = value(a);
    else if (a == "--set") o.sets.push_back(value(a));
    else if (a == "--threads") o.threads = parseInt(a, value(a), 1, 4096);
    else if (a == "--target") o.target = value(a);
    else if (a == "--seed") o.seed = static_cast<unsigned long long>(parseInt(a, value(a), 0, 2147483647));
    else if (a == "--sidecar-min") o.sidecar_min = parseInt(a, value(a), 0, 2147483647);
    else if (a == "--log-level") o.log_level = value(a);
    else if (a == "--host") o.host = value(a);
    else if (a == "--port") o.port = parseInt(a, value(a), 0, 65535);
    else if (a == "--data-dir") o.data_dir = value(a);
    else if (a == "--workers") o.workers = parseInt(a, value(a), 1, 1024);
    else if (a == "--backend") {
      o.backend = value(a);
      if (o.backend != "local" && o.backend != "slurm")
        throw UsageError{"--backend expects local or slurm, got '" + o.backend + "'"};
    } else if (a == "--admin") o.admin = true;
    else if (a == "--server") o.server = value(a);
    else if (a == "--token-file") o.token_file = value(a);
    else if (a == "--wait") o.wait = true;
    else if (isExtraOption(a)) o.extra.emplace_back(a, value(a));
    else if (a == "--progress") {
      o.progress = value(a);
      if (o.progress != "auto" && o.progress != "bar" && o.progress != "lines" && o.progress != "none")
        throw UsageError{"--progress expects auto, bar, lines or none, got '" + o.progress + "'"};
    } else if (a.size() > 1 && a[0] == '-') throw UsageError{"unknown option '" + a + "' (see sciagents --help)"};
    else if (o.command.empty()) {
      if (!commands.count(a)) throw UsageError{"unknown command '" + a + "' (see sciagents --help)"};
      o.command = a;
    } else o.positional.push_back(a);
  }
  static const std::set<std::string> levels = {"trace", "debug", "info", "warn", "error", "off"};
  if (!levels.count(o.log_level))
    throw UsageError{"--log-level expects trace, debug, info, warn, error or off, got '" + o.log_level + "'"};
  return o;
}

}  // namespace sciagents::cli
