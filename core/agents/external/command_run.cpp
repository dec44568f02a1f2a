#include "core/agents/external/command_run.h"

#include "core/agent/external_policy.h"
#include "core/agent/task_context.h"
#include "core/agents/external/command_outputs.h"
#include "core/agents/external/command_template.h"
#include "core/agents/external/command_workdir.h"
#include "core/util/child_process.h"
#include "core/util/error.h"
#include "core/util/terminal_text.h"
#include "core/util/text_format.h"

#include <nlohmann/json.hpp>

#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>

namespace sciagents::core::agents::external {

namespace fs = std::filesystem;

namespace {

constexpr std::size_t kStderrTail = 2048;

double bounded(double step, double policy, const std::string& name, const std::string& unit) {
  if (policy > 0 && step > policy)
    throw paramError(name, name + " = " + formatCompact(step) + " exceeds this run's limit of " +
                               formatCompact(policy) + " " + unit + "; ask for at most " +
                               formatCompact(policy));
  return step > 0 ? step : policy;
}

void writeFile(const fs::path& path, const std::string& text) {
  std::error_code ec;
  fs::create_directories(path.parent_path(), ec);
  std::ofstream out(path, std::ios::binary);
  out << text;
  if (!out)
    throw Error(ErrorCode::RunFailed, "cannot write '" + path.string() + "' in the work directory");
}

std::string readText(const fs::path& path, const std::string& param) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw paramError(param, "cannot read '" + path.string() + "'");
  std::ostringstream os;
  os << in.rdbuf();
  return os.str();
}

std::vector<std::string> environmentFor(const ExternalPolicy* policy) {
  const std::vector<std::string> allow =
      policy && !policy->env_allow.empty() ? policy->env_allow : defaultEnvironmentAllowList();
  std::vector<std::string> env;
  for (const auto& name : allow)
    if (const char* v = std::getenv(name.c_str())) env.push_back(name + "=" + v);
  return env;
}

std::string inputsJson(const Map& inputs) {
  nlohmann::json j = nlohmann::json::object();
  for (const auto& [name, v] : inputs) {
    if (v.kind() == ValueKind::Vector) {
      nlohmann::json a = nlohmann::json::array();
      for (Eigen::Index k = 0; k < v.asVector().size(); ++k) a.push_back(v.asVector()[k]);
      j[name] = std::move(a);
    } else {
      j[name] = v.asDouble();
    }
  }
  return j.dump() + "\n";
}

std::string tail(const std::string& s, std::size_t n) {
  return s.size() <= n ? s : s.substr(s.size() - n);
}

bool mentions(const std::string& text, std::initializer_list<const char*> words) {
  for (const char* w : words)
    if (text.find(w) != std::string::npos) return true;
  return false;
}

// Why a finished run failed, in words, with the limit that explains it when one does.
std::string failureText(const ChildResult& r, const Limits& limits) {
  std::string s = r.describe(limits.timeout_s);
  if (limits.cpu_time_s > 0 &&
      (r.term_signal == SIGXCPU ||
       (r.term_signal == SIGKILL && !r.timed_out && !r.stopped && r.cpu_s >= limits.cpu_time_s)))
    s += ": the CPU-time limit cpu_time_s = " + formatCompact(limits.cpu_time_s) + " s was reached";
  else if (limits.memory_mb > 0 && !r.succeeded() && !r.timed_out &&
           mentions(r.err, {"MemoryError", "bad_alloc", "Cannot allocate memory", "out of memory",
                            "Out of memory", "memory exhausted"}))
    s += ": the memory limit memory_mb = " + formatCompact(limits.memory_mb) +
         " MB was reached (an allocation beyond it fails)";
  return s;
}

}  // namespace

Limits effectiveLimits(const CommandSpec& spec, const TaskContext& ctx) {
  const ExternalPolicy* p = ctx.externalPolicy();
  Limits l;
  l.timeout_s = bounded(spec.timeout_s, p ? p->wall_time_s : 0.0, "timeout_s", "s");
  l.cpu_time_s = bounded(spec.cpu_time_s, p ? p->cpu_time_s : 0.0, "cpu_time_s", "s");
  l.memory_mb = bounded(spec.memory_mb, p ? p->memory_mb : 0.0, "memory_mb", "MB");
  return l;
}

Evaluation runEvaluation(const CommandSpec& spec, const ResolvedFiles& files, const Limits& limits,
                         const TaskContext& ctx) {
  // Everything that depends only on the params is prepared once, before any attempt.
  std::vector<std::string> argv{files.program.string()};
  for (std::size_t i = 1; i < spec.argv.size(); ++i)
    argv.push_back(fillPlaceholders(spec.argv[i], spec.inputs, "command[" + std::to_string(i) + "]",
                                    "argument " + std::to_string(i)));
  std::vector<std::string> filled;
  for (std::size_t i = 0; i < spec.templates.size(); ++i) {
    const std::string param = "templates[" + std::to_string(i) + "]";
    filled.push_back(fillPlaceholders(readText(files.templates[i], param), spec.inputs, param,
                                      "template '" + spec.templates[i].file + "'"));
  }
  ChildSpec child;
  child.argv = argv;
  child.env = environmentFor(ctx.externalPolicy());
  if (spec.stdin_json) child.stdin_data = inputsJson(spec.inputs);
  child.wall_timeout_s = limits.timeout_s;
  child.cpu_time_s = limits.cpu_time_s;
  child.memory_mb = limits.memory_mb;
  child.should_stop = [&ctx] { return ctx.cancelled(); };
  const ExternalPolicy* policy = ctx.externalPolicy();
  const fs::path root = policy ? fs::path(policy->work_root) : fs::path();

  Evaluation ev;
  const int attempts = 1 + spec.retries;
  for (int attempt = 1; attempt <= attempts; ++attempt) {
    const fs::path dir = acquireWorkDir(root, ctx.stepId());
    try {
      for (std::size_t i = 0; i < filled.size(); ++i)
        writeFile(dir / spec.templates[i].to, filled[i]);
      for (std::size_t i = 0; i < spec.files.size(); ++i) {
        const fs::path to = dir / spec.files[i].to;
        std::error_code ec;
        fs::create_directories(to.parent_path(), ec);
        fs::copy_file(files.files[i], to, fs::copy_options::overwrite_existing, ec);
        if (ec)
          throw Error(ErrorCode::RunFailed, "cannot copy '" + files.files[i].string() +
                                                "' into the work "
                                                "directory: " +
                                                ec.message());
      }
    } catch (...) {
      releaseWorkDir(dir);
      throw;
    }
    child.cwd = dir.string();
    const ChildResult r = runChild(child);
    if (r.stopped) {
      if (spec.keep != KeepMode::All) releaseWorkDir(dir);
      throw cancelledError();
    }
    std::string problem;
    if (!r.succeeded()) {
      problem = failureText(r, limits);
    } else {
      try {
        ev.outputs = readOutputs(spec.outputs, dir, r.out);
        for (const auto& name : spec.output_names)
          if (!ev.outputs.count(name))
            throw std::runtime_error("output '" + name +
                                     "' (declared in output_names) was not produced");
      } catch (const std::exception& e) {
        problem = "exit status 0, but its results could not be read: " + std::string(e.what());
      }
    }
    ev.ok = problem.empty();
    const bool last = ev.ok || attempt == attempts;
    const bool keep =
        (!policy || policy->keep_work_dirs) &&
        (spec.keep == KeepMode::All || (!ev.ok && last && spec.keep == KeepMode::Failed));
    Map& d = ev.diagnostics;
    d = Map{};
    d["program"] = files.program.string();
    List args;
    for (const auto& a : argv) args.emplace_back(a);
    d["argv"] = std::move(args);
    d["attempts"] = static_cast<std::int64_t>(attempt);
    d["exit_status"] = r.started && r.term_signal == 0 && r.exit_code >= 0
                           ? Value(std::int64_t{r.exit_code})
                           : Value();
    d["signal"] = r.term_signal ? Value(signalName(r.term_signal)) : Value();
    d["timed_out"] = r.timed_out;
    d["wall_s"] = r.wall_s;
    d["cpu_s"] = r.cpu_s;
    d["max_rss_kb"] = static_cast<std::int64_t>(r.max_rss_kb);
    d["stderr_tail"] = terminalSafe(tail(r.err, kStderrTail), true);
    d["stdout_bytes"] = static_cast<std::int64_t>(r.out_bytes);
    d["limits"] = Map{{"timeout_s", limits.timeout_s},
                      {"cpu_time_s", limits.cpu_time_s},
                      {"memory_mb", limits.memory_mb}};
    d["work_dir"] = keep ? Value(dir.string()) : Value();
    if (!keep) releaseWorkDir(dir);
    if (ev.ok) return ev;
    std::string msg = "program '" + files.program.string() + "' " + problem + " (attempt " +
                      std::to_string(attempt) + " of " + std::to_string(attempts) + ")";
    if (keep) msg += "; work directory kept: " + dir.string();
    if (!r.err.empty()) msg += "; stderr ends with: " + terminalSafe(tail(r.err, 400), false);
    ev.error = msg;
    d["error"] = msg;
    if (last) return ev;
    ctx.checkCancelled();
  }
  return ev;
}

}  // namespace sciagents::core::agents::external
