#include "app/cli/cli_options.h"

#include "server/job_backends.h"

#include <charconv>
#include <map>
#include <set>

namespace sciagents::cli {

namespace {

const std::map<std::string, std::string>& helps() {
  static const std::map<std::string, std::string> h = {
      {"agents",
       "Usage: sciagents agents [--json | --markdown] [AGENT[.TASK]]\n\n"
       "Lists the agents and their tasks with parameter schemas. With AGENT.TASK, shows that "
       "task's\n"
       "parameters, defaults, ranges and outputs.\n\n"
       "  --json        machine-readable registry (the same document as GET /v1/agents)\n"
       "  --markdown    the agents reference page (docs/agents.md is generated from it)\n"},
      {"validate",
       "Usage: sciagents validate FILE.workflow.json [--json]\n\n"
       "Checks a workflow without running it: JSON syntax, agents, tasks, parameter names, types "
       "and\n"
       "ranges, expressions, links and cycles. Exit 0 when valid, 2 with every problem listed "
       "(each\n"
       "names the step and the parameter).\n"},
      {"run",
       "Usage: sciagents run FILE.workflow.json [options]\n\n"
       "  -o, --output OUT.json     write the result file (arrays of >= --sidecar-min numbers go "
       "to\n"
       "                            OUT.json.d/*.npy next to it); `-o -`: to stdout. Devices,\n"
       "                            FIFOs and symbolic links are refused (exit 2; docs/cli.md)\n"
       "  --set STEP.PARAM=VALUE    override a parameter (VALUE is JSON, or a plain string);\n"
       "                            PARAM may be a path like constants.k or b[1]; repeatable\n"
       "  --threads N               worker threads (default: all cores)\n"
       "  --target local|URL|slurm  where to run: local (default), a server, http(s)://HOST:PORT\n"
       "                            (same as submit --wait; token from --token-file or "
       "$SCIAGENTS_TOKEN),\n"
       "                            or a Slurm cluster (sbatch; sweeps become job arrays, "
       "docs/slurm.md)\n"
       "  --partition P, --account A     with --target slurm: sbatch --partition / --account\n"
       "  --time-limit MIN          with --target slurm: time limit per array task, minutes\n"
       "  --cpus N, --mem MB        with --target slurm: CPUs (and threads) and memory per array "
       "task\n"
       "  --tasks T                 with --target slurm: array tasks a sweep or sampling study is "
       "split into\n"
       "                            (default min(sweep values, 4))\n"
       "  --retries N               with --target slurm: resubmit an array task that was killed,\n"
       "                            cancelled by someone else, pre-empted or lost with its node "
       "up to\n"
       "                            N times (default 2; 0: fail at once, naming the task)\n"
       "  --slurm-dir DIR           with --target slurm: where job directories go, on a "
       "filesystem\n"
       "                            the compute nodes share (default $SCIAGENTS_SLURM_DIR or\n"
       "                            ~/.cache/sciagents/slurm)\n"
       "  --no-cache                compute every step even if a cached result exists\n"
       "  --no-history              do not record the run in the history (docs/history.md)\n"
       "  --seed N                  base seed for steps without their own \"seed\" parameter\n"
       "  --json                    print the result JSON to stdout instead of a summary\n"
       "  --progress MODE           auto (bar on a terminal, lines otherwise), bar, lines, none\n"
       "  --sidecar-min N           threshold for .npy sidecars (0: keep everything in the JSON)\n"
       "  --log-level LEVEL         trace, debug, info, warn (default), error, off\n\n"
       "Exit codes: 0 ok, 1 a step failed or the run was cancelled (Ctrl-C), 2 invalid input,\n"
       "3 backend unreachable (server, or Slurm controller). Results are cached in\n"
       "$SCIAGENTS_CACHE_DIR (default "
       "~/.cache/sciagents/results, bounded by $SCIAGENTS_CACHE_MAX_BYTES, default 1 GiB).\n"},
      {"serve",
       "Usage: sciagents serve [options]\n"
       "       sciagents serve token create NAME [--admin] [--data-dir DIR]\n"
       "       sciagents serve token list [--json] [--data-dir DIR]\n"
       "       sciagents serve token revoke NAME [--data-dir DIR]\n\n"
       "Runs the headless HTTP/1.1 server (API: docs/api/openapi.yaml). Prints exactly one line on "
       "stdout,\n"
       "`listening on http://HOST:PORT` (https with TLS); logs go to stderr. Every option can also "
       "be set\n"
       "with the environment variable shown; flags win over the environment.\n\n"
       "  --host ADDR            SCIAGENTS_HOST          bind address (default 127.0.0.1; other "
       "addresses\n"
       "                                                 log a warning when TLS is off)\n"
       "  --port N               SCIAGENTS_PORT          TCP port (default 8080; 0 picks a free "
       "port)\n"
       "  --data-dir DIR         SCIAGENTS_DATA_DIR      jobs, results and tokens: "
       "DIR/sciagents.db (SQLite,\n"
       "                                                 WAL) and DIR/cache (default "
       "./sciagents-data)\n"
       "  --workers N            SCIAGENTS_WORKERS       jobs run at once (default hardware "
       "threads / 2, min 1);\n"
       "                                                 each job uses max(1, hardware threads / "
       "N) threads\n"
       "  --queue-max N          SCIAGENTS_QUEUE_MAX     queued jobs before 429 (default 1000)\n"
       "  --max-queued-per-user N SCIAGENTS_MAX_QUEUED_PER_USER queued jobs of one user before "
       "429\n"
       "                                                 (default 100; 0 = no cap)\n"
       "  --max-running-per-user N SCIAGENTS_MAX_RUNNING_PER_USER jobs of one user running at "
       "once;\n"
       "                                                 users take turns (default 0: up to "
       "--workers)\n"
       "  --job-isolation process|thread SCIAGENTS_JOB_ISOLATION process: every local job runs in "
       "its\n"
       "                                                 own worker process, killed on cancel, "
       "time-out and\n"
       "                                                 shutdown (default); thread: in the server "
       "process\n"
       "  --job-memory-mb MB     SCIAGENTS_JOB_MEMORY_MB address-space limit of a job worker "
       "process\n"
       "                                                 (default: the machine's physical memory)\n"
       "  --job-wall-time S      SCIAGENTS_JOB_WALL_TIME per-job wall-time cap in seconds; a job "
       "over it\n"
       "                                                 ends timed_out (default 3600; 0 = none)\n"
       "  --resume rerun|fail    SCIAGENTS_RESUME        jobs found running at startup (after a "
       "crash) run\n"
       "                                                 again, or fail with \"server restarted "
       "while the job\n"
       "                                                 was running\" (default rerun); queued "
       "jobs always run\n"
       "  --retention-days D     SCIAGENTS_RETENTION_DAYS delete jobs finished more than D days "
       "ago, at\n"
       "                                                 startup and hourly (default 30; 0 = "
       "keep)\n"
       "  --tls-cert F --tls-key F  SCIAGENTS_TLS_CERT/_KEY  serve HTTPS (PEM certificate chain "
       "and key)\n"
       "  --log-format text|json SCIAGENTS_LOG_FORMAT    json: one object per line (ts, level, "
       "msg, fields)\n"
       "  --max-body BYTES       SCIAGENTS_MAX_BODY      request body limit (default 16777216)\n"
       "  --rate-limit R         SCIAGENTS_RATE_LIMIT    requests/s per token, burst 2R (default "
       "50; 0 = off)\n"
       "  --shutdown-grace S     SCIAGENTS_SHUTDOWN_GRACE seconds running jobs get to finish after "
       "SIGTERM\n"
       "                                                 (default 30)\n"
       "  --max-grid-points N    SCIAGENTS_MAX_GRID_POINTS refuse PDE steps whose grid (n^dim) "
       "exceeds N\n"
       "                                                 with 422 limit_exceeded (default "
       "50000000)\n"
       "  --max-result-mb M      SCIAGENTS_MAX_RESULT_MB cap on one job's result (JSON\n"
       "                                                 + .npy sidecars); over it the job\n"
       "                                                 fails (default 256; 0 = none)\n"
       "  --result-quota-mb Q    SCIAGENTS_RESULT_QUOTA_MB per-token quota over its stored\n"
       "                                                 results: 507 at submit when used up;\n"
       "                                                 a result over it fails its job\n"
       "                                                 (default 2048; 0 = none)\n"
       "  --sidecar-min-elements N                       arrays of N+ numbers are .npy files\n"
       "                         SCIAGENTS_SIDECAR_MIN_ELEMENTS  served by GET /v1/jobs/{id}/\n"
       "                                                 files/NAME (default 1000000; 0: never)\n"
       "  --on-revoke cancel|finish                      a revoked token's jobs are cancelled\n"
       "                         SCIAGENTS_ON_REVOKE     or left to finish (default cancel);\n"
       "                                                 its event streams always close\n"
       "  --max-job-memory-mb MB SCIAGENTS_MAX_JOB_MEMORY_MB refuse steps whose estimated\n"
       "                                                 memory exceeds MB (a step's "
       "memory_limit_mb\n"
       "                                                 may ask less; default 4096)\n"
       "  --max-job-work OPS     SCIAGENTS_MAX_JOB_WORK  refuse jobs estimated above OPS\n"
       "                                                 operations (default 1e14)\n"
       "  --max-solver-steps N   SCIAGENTS_MAX_SOLVER_STEPS largest ivp step budget without\n"
       "                                                 t_eval, max_num_steps (default 1e7)\n"
       "  --max-sweep-points N   SCIAGENTS_MAX_SWEEP_POINTS sweep points per job (default 100000)\n"
       "  --max-steps N          SCIAGENTS_MAX_STEPS     steps per workflow (default 1000)\n"
       "  --request-threads N    SCIAGENTS_REQUEST_THREADS threads that parse and check\n"
       "                                                 submissions off the io threads (default "
       "2)\n"
       "  --allow-external DIR   SCIAGENTS_ALLOW_EXTERNAL external steps (programs, Python "
       "modules) are\n"
       "                         (colon-separated)       refused unless their files resolve inside "
       "such\n"
       "                                                 a folder; repeatable (default: refused)\n"
       "  --external-time-s S    SCIAGENTS_EXTERNAL_TIME_S wall and CPU seconds of one external\n"
       "                                                 evaluation (default 600)\n"
       "  --external-memory-mb MB SCIAGENTS_EXTERNAL_MEMORY_MB memory of one external evaluation\n"
       "                                                 (default 2048)\n"
       "  --backend local|slurm                          where jobs run unless they ask "
       "(\"backend\" in\n"
       "                                                 POST /v1/jobs); slurm: docs/slurm.md "
       "(default local)\n"
       "  --slurm-partition P, --slurm-account A, --slurm-time-limit MIN, --slurm-cpus N, "
       "--slurm-tasks T,\n"
       "  --slurm-retries N\n"
       "                         SCIAGENTS_SLURM_*       defaults of Slurm jobs (sbatch options, "
       "array tasks,\n"
       "                                                 resubmissions of a killed or pre-empted "
       "task: 2)\n"
       "  --slurm-dir DIR        SCIAGENTS_SLURM_DIR     Slurm job directories, on the shared "
       "filesystem\n"
       "                                                 (default DATA_DIR/slurm)\n"
       "  --log-level LEVEL      serve logs at info (one access-log line per request) unless "
       "another\n"
       "                         level than the default is given\n\n"
       "Tokens: `token create` prints the new token once, as the last line of stdout; only its "
       "SHA-256 is\n"
       "stored. Each token has a unique id; jobs, results and cache entries belong to that id,\n"
       "so a later token under a reused name sees none of them. A running server sees created\n"
       "and revoked tokens at once (revoke: its event streams close, its jobs follow\n"
       "--on-revoke). Every /v1 route needs\n"
       "`Authorization: Bearer TOKEN`; /livez, /readyz and /metrics need none.\n\n"
       "Shutdown (SIGTERM or SIGINT): the listening socket closes and /readyz answers 503 on open\n"
       "connections; no new jobs start; running jobs get --shutdown-grace seconds to finish, then "
       "are\n"
       "killed and stored as queued (they run again from the start on the next start, like the "
       "jobs\n"
       "still queued); event streams are closed; exit status 0. After kill -9, see --resume.\n"
       "Bad option values exit with status 2 naming the option.\n"},
      {"submit",
       "Usage: sciagents submit FILE --server URL [--token-file F] [--wait] [-o OUT.json] "
       "[options]\n\n"
       "Validates the workflow locally (exit 2 with the same messages as validate), sends it to a\n"
       "server (POST /v1/jobs) and prints the job id and its status URL.\n\n"
       "  --server URL              http://HOST:PORT or https://... (default $SCIAGENTS_SERVER)\n"
       "  --token-file F            file holding the bearer token (default $SCIAGENTS_TOKEN)\n"
       "  --wait                    follow the job's progress, then fetch and summarise the "
       "result;\n"
       "                            Ctrl-C cancels the job on the server\n"
       "  -o, --output OUT.json     with --wait: write the result file (`-o -`: stdout; see run)\n"
       "  --set STEP.PARAM=VALUE    override a parameter before sending; repeatable\n"
       "  --seed N, --no-cache      passed to the server with the job\n"
       "  --json                    print the server's answer (or with --wait the result) as JSON\n"
       "  --progress MODE, --quiet  as for run\n\n"
       "HTTPS: the server certificate is verified; $SCIAGENTS_CA_FILE adds a CA (PEM).\n"
       "Exit codes: 0 submitted (with --wait: succeeded), 1 failed or cancelled, 2 invalid "
       "workflow,\n"
       "token refused (401/403) or bad usage, 3 server unreachable or still busy (429) after "
       "retries.\n"},
      {"health",
       "Usage: sciagents health [--server URL] [--json]\n\n"
       "With --server (or $SCIAGENTS_SERVER): asks the server's /livez and /readyz and prints\n"
       "\"healthy: VERSION, queue N, running K\". Exit 0 healthy, 1 unhealthy (e.g. shutting "
       "down),\n"
       "3 unreachable. No token needed. This is the container HEALTHCHECK.\n"
       "Without --server: checks this installation (agent registry loads, result cache "
       "writable).\n"},
      {"history",
       "Usage: sciagents history [--limit N] [--json]\n"
       "       sciagents history show ID [--json]\n"
       "       sciagents history delete ID\n\n"
       "Every `sciagents run` (local, --target URL, --target slurm) and `replay` is recorded\n"
       "unless run with\n"
       "--no-history: times, status, where, the workflow as run, overrides, seed, threads, agent\n"
       "versions, host and the result file. Newest first; --limit N (default 20, 0: all).\n"
       "File: $SCIAGENTS_HISTORY, else $XDG_DATA_HOME/sciagents/history.sqlite\n"
       "(~/.local/share/sciagents/history.sqlite). See docs/history.md.\n"},
      {"replay",
       "Usage: sciagents replay RESULT.json [-o OUT.json] [--threads N] [--json] [--no-history]\n\n"
       "Runs the workflow stored in a result file again (its \"workflow_spec\": overrides "
       "applied)\n"
       "with the same seed and threads, without the cache, and compares every step's outputs bit\n"
       "for bit (performance_profiler steps, which measure times, are skipped). -o writes the new\n"
       "result. Exit 0 reproduced, 1 different (the first differing step and output are named),\n"
       "2 unreadable result file. The re-run is recorded in the history (not with "
       "--no-history).\nSee docs/history.md.\n"},
      {"report",
       "Usage: sciagents report RESULT.json [-o REPORT.html]\n\n"
       "Writes one self-contained HTML file (inline CSS and SVG, no scripts, no external\n"
       "resources): the workflow graph, each step's params, outputs, diagnostics and plots, and\n"
       "the run's provenance. Default output: RESULT with .html for .json. See docs/report.md.\n"},
      {"export-python",
       "Usage: sciagents export-python FILE.workflow.json [-o OUT.py] [--set "
       "STEP.PARAM=VALUE]...\n\n"
       "Writes a Python script that rebuilds the workflow step by step with the `sciagents` "
       "module\n"
       "(docs/python.md) and runs it: `python3 OUT.py [result.json]` prints a summary and saves "
       "the\n"
       "result file `run -o` writes. Params are the steps' JSON as Python literals (links stay\n"
       "{\"from\": ...} dicts). The file is validated first, with validate's messages.\n\n"
       "  -o, --output OUT.py       write the script there (default, or `-o -`: stdout)\n"
       "  --set STEP.PARAM=VALUE    override a parameter before exporting; repeatable\n"
       "  -q, --quiet               no \"wrote OUT.py\" line\n\n"
       "Exit codes: 0 written, 1 the file could not be written, 2 invalid workflow or usage.\n"},
      {"feedback",
       "Usage: sciagents feedback export [--format csv|json] [--data-dir DIR] [-o FILE]\n\n"
       "Exports the survey responses and analytics events a server received (POST /v1/feedback)\n"
       "from DIR/sciagents.db (--data-dir, $SCIAGENTS_DATA_DIR or ./sciagents-data, as for "
       "serve).\n"
       "json (default): one document per item; csv: one row per answer. Without -o: stdout.\n"
       "See docs/feedback.md.\n"},
      {"jobs",
       "Usage: sciagents jobs --server URL [--state S] [--limit N] [--owner NAME] [--json]\n\n"
       "Lists your jobs on the server, newest first: id, state, submission time (UTC), progress\n"
       "(running) or duration (finished), name.\n\n"
       "  --state S     only jobs in state S: queued, running, succeeded, failed, cancelled, "
       "timed_out\n"
       "  --limit N     at most N jobs (1..1000, default 100)\n"
       "  --owner NAME  another token's jobs (admin tokens only; a name or a token id)\n"
       "  --json        the server's document (GET /v1/jobs)\n\n"
       "Exit 0 listed.\n"
       "Server, token and exit codes as for submit: --server URL (default $SCIAGENTS_SERVER),\n"
       "--token-file F (default $SCIAGENTS_TOKEN); exit 2 bad usage, refused token or unknown "
       "job id\n"
       "(the message names it), 3 server unreachable. See docs/cli.md, \"Jobs on a server\".\n"},
      {"status",
       "Usage: sciagents status ID --server URL [--json]\n\n"
       "Shows one job: state, name, owner, backend, times, progress or duration, error.\n"
       "  --json        the server's document (GET /v1/jobs/ID)\n\n"
       "Exit 0 shown (whatever the job's state).\n"
       "Server, token and exit codes as for submit: --server URL (default $SCIAGENTS_SERVER),\n"
       "--token-file F (default $SCIAGENTS_TOKEN); exit 2 bad usage, refused token or unknown "
       "job id\n"
       "(the message names it), 3 server unreachable. See docs/cli.md, \"Jobs on a server\".\n"},
      {"result",
       "Usage: sciagents result ID --server URL [-o OUT.json] [--json] [--quiet]\n\n"
       "Fetches a finished job's result and writes and summarises it like a local run.\n"
       "  -o, --output OUT.json     write the result file (`-o -`: stdout; see run)\n"
       "  --json                    print the result JSON instead of the summary\n\n"
       "Exit 0 the job succeeded, 1 it failed, was cancelled or timed out, or is not finished "
       "yet.\n"
       "Server, token and exit codes as for submit: --server URL (default $SCIAGENTS_SERVER),\n"
       "--token-file F (default $SCIAGENTS_TOKEN); exit 2 bad usage, refused token or unknown "
       "job id\n"
       "(the message names it), 3 server unreachable. See docs/cli.md, \"Jobs on a server\".\n"},
      {"attach",
       "Usage: sciagents attach ID --server URL [-o OUT.json] [--json] [--progress MODE] "
       "[--quiet]\n\n"
       "Follows a job's progress (the display of run --target URL) until it ends, then fetches "
       "and\n"
       "summarises its result like a local run (-o writes it). Attaching changes nothing on the "
       "server:\n"
       "Ctrl-C (or killing the client) detaches and the job keeps running; attach again at any "
       "time,\n"
       "also after it finished.\n\n"
       "Exit 0 the job succeeded, 1 it failed, was cancelled or timed out (or Ctrl-C).\n"
       "Server, token and exit codes as for submit: --server URL (default $SCIAGENTS_SERVER),\n"
       "--token-file F (default $SCIAGENTS_TOKEN); exit 2 bad usage, refused token or unknown "
       "job id\n"
       "(the message names it), 3 server unreachable. See docs/cli.md, \"Jobs on a server\".\n"},
      {"cancel",
       "Usage: sciagents cancel ID --server URL [--json]\n\n"
       "Cancels a queued or running job (DELETE /v1/jobs/ID) and prints its final state once the "
       "server\n"
       "has stopped it. A job that had already ended is left as it is.\n\n"
       "Exit 0 cancelled or already ended.\n"
       "Server, token and exit codes as for submit: --server URL (default $SCIAGENTS_SERVER),\n"
       "--token-file F (default $SCIAGENTS_TOKEN); exit 2 bad usage, refused token or unknown "
       "job id\n"
       "(the message names it), 3 server unreachable. See docs/cli.md, \"Jobs on a server\".\n"},
  };
  return h;
}

int parseInt(const std::string& opt, const std::string& v, long long lo, long long hi) {
  long long x = 0;
  auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), x);
  if (ec != std::errc() || p != v.data() + v.size() || x < lo || x > hi)
    throw UsageError{"option " + opt + " expects an integer between " + std::to_string(lo) +
                     " and " + std::to_string(hi) + ", got '" + v + "'"};
  return static_cast<int>(x);
}

// Options with a value that belong to one command (serve's limits, TLS files...). The command
// checks them; the parser only keeps them so that every option stays visible in one place.
bool isExtraOption(const std::string& a) {
  static const std::set<std::string> extra = {
      "--queue-max", "--tls-cert", "--tls-key", "--job-wall-time", "--resume", "--retention-days",
      "--log-format", "--max-body", "--rate-limit", "--shutdown-grace", "--max-grid-points",
      "--max-result-mb", "--result-quota-mb", "--sidecar-min-elements", "--on-revoke",
      "--max-job-memory-mb", "--max-job-work", "--max-solver-steps", "--max-sweep-points",
      "--max-steps", "--request-threads",
      // run --target slurm (docs/slurm.md)
      "--partition", "--account", "--time-limit", "--cpus", "--mem", "--tasks", "--slurm-dir",
      "--retries",
      // run, inside a Slurm array task (hidden: written by the job script)
      "--sweep-shard", "--study-shard", "--status-file", "--progress-file", "--base-dir",
      // serve --backend slurm (docs/slurm.md)
      "--slurm-partition", "--slurm-account", "--slurm-time-limit", "--slurm-cpus", "--slurm-tasks",
      "--slurm-retries",
      // serve: per-user caps and job worker processes (docs/server.md)
      "--max-queued-per-user", "--max-running-per-user", "--job-isolation", "--job-memory-mb",
      // serve: external models (docs/agents/external.md)
      "--allow-external", "--external-time-s", "--external-memory-mb",
      // serve, as a job worker process started by the server (hidden)
      "--job-worker", "--job-cpu-s", "--job-parent",
      // feedback export
      "--format",
      // jobs --server URL (and --limit, parsed for every command)
      "--state", "--owner"};
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
         "  serve [--port N] [--data-dir D]   run the HTTP server (see docs/server.md)\n"
         "  submit FILE --server URL [--wait] send a workflow to a server\n"
         "  health [--server URL]             check a server or this installation\n"
         "  feedback export [--format F]      export a server's survey answers "
         "(docs/feedback.md)\n"
         "  jobs --server URL [--state S]     list a server's jobs\n"
         "  status ID --server URL            show one job's state, progress and error\n"
         "  result ID --server URL [-o OUT]   fetch a finished job's result\n"
         "  attach ID --server URL [-o OUT]   follow a job's progress to its end (Ctrl-C "
         "detaches)\n"
         "  cancel ID --server URL            cancel a queued or running job\n"
         "  history [show ID] [--json]        runs recorded on this machine (docs/history.md)\n"
         "  replay RESULT                     run a result's workflow again, compare bit for bit\n"
         "  report RESULT [-o OUT.html]       one self-contained HTML report (docs/report.md)\n"
         "  export-python FILE [-o OUT.py]    the workflow as a Python script (docs/python.md)\n\n"
         "Options: --help (also after a command), --version, --log-level LEVEL\n"
         "Docs: docs/cli.md, docs/workflow-format.md, docs/agents.md\n";
}

std::string commandHelp(const std::string& command) {
  auto it = helps().find(command);
  return it == helps().end() ? generalHelp() : it->second;
}

CliOptions parseCommandLine(const std::vector<std::string>& args) {
  CliOptions o;
  static const std::set<std::string> commands = {
      "agents", "validate", "run", "serve", "submit", "health", "feedback", "help",
      // a server's jobs (jobs_command.cpp)
      "jobs", "status", "result", "attach", "cancel",
      // runs recorded here (history_command.cpp, replay_command.cpp, report_command.cpp)
      "history", "replay", "report",
      // the workflow as a Python script (export_python_command.cpp)
      "export-python"};
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    auto value = [&](const std::string& opt) -> std::string {
      if (i + 1 >= args.size()) throw UsageError{"option " + opt + " needs a value"};
      return args[++i];
    };
    if (a == "--help" || a == "-h")
      o.help = true;
    else if (a == "--version" || a == "-V") {
      if (o.command.empty()) o.command = "version";
    } else if (a == "--json")
      o.json = true;
    else if (a == "--markdown")
      o.markdown = true;
    else if (a == "--no-cache")
      o.no_cache = true;
    else if (a == "--no-history")
      o.no_history = true;
    else if (a == "--limit")
      o.limit = parseInt(a, value(a), 0, 1000000000);
    else if (a == "-q" || a == "--quiet")
      o.quiet = true;
    else if (a == "-o" || a == "--output")
      o.output = value(a);
    else if (a == "--set")
      o.sets.push_back(value(a));
    else if (a == "--threads")
      o.threads = parseInt(a, value(a), 1, 4096);
    else if (a == "--target")
      o.target = value(a);
    else if (a == "--seed")
      o.seed = static_cast<unsigned long long>(parseInt(a, value(a), 0, 2147483647));
    else if (a == "--sidecar-min")
      o.sidecar_min = parseInt(a, value(a), 0, 2147483647);
    else if (a == "--log-level")
      o.log_level = value(a);
    else if (a == "--host")
      o.host = value(a);
    else if (a == "--port")
      o.port = parseInt(a, value(a), 0, 65535);
    else if (a == "--data-dir")
      o.data_dir = value(a);
    else if (a == "--workers")
      o.workers = parseInt(a, value(a), 1, 1024);
    else if (a == "--backend") {
      o.backend = value(a);
      if (!server::isJobBackend(o.backend))
        throw UsageError{"--backend expects " + server::describeJobBackends() + ", got '" +
                         o.backend + "'"};
    } else if (a == "--admin")
      o.admin = true;
    else if (a == "--server")
      o.server = value(a);
    else if (a == "--token-file")
      o.token_file = value(a);
    else if (a == "--wait")
      o.wait = true;
    else if (isExtraOption(a))
      o.extra.emplace_back(a, value(a));
    else if (a == "--progress") {
      o.progress = value(a);
      if (o.progress != "auto" && o.progress != "bar" && o.progress != "lines" &&
          o.progress != "none")
        throw UsageError{"--progress expects auto, bar, lines or none, got '" + o.progress + "'"};
    } else if (a.size() > 1 && a[0] == '-')
      throw UsageError{"unknown option '" + a + "' (see sciagents --help)"};
    else if (o.command.empty()) {
      if (!commands.count(a))
        throw UsageError{"unknown command '" + a + "' (see sciagents --help)"};
      o.command = a;
    } else
      o.positional.push_back(a);
  }
  static const std::set<std::string> levels = {"trace", "debug", "info", "warn", "error", "off"};
  if (!levels.count(o.log_level))
    throw UsageError{"--log-level expects trace, debug, info, warn, error or off, got '" +
                     o.log_level + "'"};
  return o;
}

}  // namespace sciagents::cli
