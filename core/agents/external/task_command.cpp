// external.command: the user's simulation program as a step, run once per evaluation.
#include "core/agent/content_key.h"
#include "core/agent/external_policy.h"
#include "core/agents/external/command_paths.h"
#include "core/agents/external/command_run.h"
#include "core/agents/external/command_spec.h"
#include "core/agents/external/tasks.h"
#include "core/util/error.h"

#include <limits>

namespace sciagents::core::agents::external {

namespace {

// SHA-256 of everything the result depends on besides the params: the program file, every template
// and extra file, and argv entries that are absolute paths of files (a script run by an
// interpreter). A spec that cannot be resolved gives a key of its own; the run then reports why.
std::string contentKey(const Map& params) {
  std::string base_dir;
  if (auto it = params.find(kContentKeyBaseDir); it != params.end() && it->second.isString())
    base_dir = it->second.asString();
  try {
    const CommandSpec spec = parseCommandSpec(params);
    const ResolvedFiles files = resolveFiles(spec, base_dir, nullptr);
    std::string key = "program " + fileSha256(files.program) + "\n";
    for (std::size_t i = 0; i < files.templates.size(); ++i)
      key += "template " + spec.templates[i].to + " " + fileSha256(files.templates[i]) + "\n";
    for (std::size_t i = 0; i < files.files.size(); ++i)
      key += "file " + spec.files[i].to + " " + fileSha256(files.files[i]) + "\n";
    for (std::size_t i = 1; i < spec.argv.size(); ++i) {
      const std::filesystem::path p(spec.argv[i]);
      std::error_code ec;
      if (p.is_absolute() && std::filesystem::is_regular_file(p, ec))
        key += "argv " + std::to_string(i) + " " + fileSha256(p) + "\n";
    }
    return key;
  } catch (const std::exception& e) {
    return std::string("unresolved: ") + e.what();
  }
}

void runCommand(TaskContext& ctx) {
  const ExternalPolicy* policy = ctx.externalPolicy();
  if (policy && !policy->enabled)
    throw paramError("command",
                     "external programs are not allowed in this run" +
                         (policy->disabled_reason.empty() ? std::string()
                                                          : " (" + policy->disabled_reason + ")"));
  const CommandSpec spec = parseCommandSpec(ctx.params());
  const Limits limits = effectiveLimits(spec, ctx);
  const ResolvedFiles files = resolveFiles(spec, ctx.baseDir(), policy);
  std::string sha;
  try {
    sha = fileSha256(files.program);
  } catch (const std::exception& e) {
    throw paramError("command[0]", e.what());
  }
  Evaluation ev = runEvaluation(spec, files, limits, ctx);
  for (auto& [name, v] : ev.diagnostics) ctx.diagnostic(name, std::move(v));
  ctx.diagnostic("program_sha256", sha);
  ctx.diagnostic("failed", !ev.ok);
  if (!ev.ok) {
    if (!spec.nan_on_failure) throw Error(ErrorCode::RunFailed, ev.error, {}, "command");
    ctx.warn("on_failure 'nan': " + ev.error);
    for (const auto& name : spec.output_names)
      ev.outputs[name] = std::numeric_limits<double>::quiet_NaN();
  }
  for (const auto& [name, v] : ev.outputs) ctx.output(name, v);
  ctx.output("outputs", std::move(ev.outputs));
}

}  // namespace

TaskSpec commandTask() {
  TaskSpec t;
  t.id = "command";
  t.summary = "Run a program once per evaluation (argv, no shell) and parse its outputs.";
  t.doc =
      "The user's own simulation code as a step. Each run gets a fresh work directory holding the "
      "filled "
      "`templates` and the extra `files`; the program runs there without a shell, in its own "
      "process group, "
      "with a reduced environment and the given limits, and its results are read back as `outputs` "
      "says. "
      "Inputs go in as `{{name}}` placeholders (optionally `{{name:%.6e}}`) in templates and argv "
      "entries, "
      "and/or as one JSON object on stdin. Every named result becomes an output of the step "
      "(`sim.range`), "
      "and the map of all of them is `outputs`. Studies use the step as a model through input "
      "paths such as "
      "\"inputs.v0\". The result cache key includes the SHA-256 of the program, of every template "
      "and "
      "extra file. See docs/agents/external.md for the security model.";
  using P = ParamSpec;
  t.params = {
      P::make("command", ParamType::StringList)
          .req()
          .describe("The program and its arguments (no shell). The program is a path relative to "
                    "the workflow file's "
                    "folder when it contains '/', otherwise looked up in PATH; later entries may "
                    "hold {{name}} "
                    "placeholders."),
      P::make("inputs", ParamType::Map)
          .def(Map{})
          .describe("Named inputs: a number or a list of numbers each. Studies override them by "
                    "path (\"inputs.k\"); "
                    "sweeps and links set them like any param."),
      P::make("templates", ParamType::Any)
          .def(List{})
          .describe("Input files written from templates: a list of \"file\" or {\"file\": path, "
                    "\"to\": name}; "
                    "{{name}} / {{name:%.6e}} / {{name[i]}} are replaced. \"to\" defaults to the "
                    "file name without "
                    "a trailing .tpl."),
      P::make("stdin", ParamType::Choice)
          .def("none")
          .oneOf({"none", "json"})
          .describe("\"json\": the inputs as one JSON object on the program's stdin; \"none\": "
                    "stdin is /dev/null."),
      P::make("files", ParamType::Any)
          .def(List{})
          .describe("Extra files copied into the work directory: a list of \"file\" or {\"file\": "
                    "path, \"to\": name}."),
      P::make("outputs", ParamType::Any)
          .def("stdout_json")
          .describe("How to read the results: \"stdout_json\"; {\"file\": \"out.json\"}; "
                    "{\"file\": \"out.csv\"} (a "
                    "header row names the columns; one row gives numbers, several give vectors); "
                    "{\"file\": "
                    "\"log.txt\", \"regex\": {\"name\": \"pattern with one (group)\"}} (no "
                    "\"file\": stdout; one match "
                    "gives a number, several a vector); or a list of these."),
      P::make("output_names", ParamType::StringList)
          .def(List{})
          .describe("Names of the outputs the program must produce (regex names count too): a "
                    "missing one fails the "
                    "evaluation, and on_failure \"nan\" sets each of them to NaN."),
      P::make("timeout_s", ParamType::Number)
          .def(0.0)
          .range(0.0, std::nullopt)
          .unit("s")
          .describe("Wall-clock limit per attempt (0: the run's limit, none locally); the process "
                    "group is killed."),
      P::make("cpu_time_s", ParamType::Number)
          .def(0.0)
          .range(0.0, std::nullopt)
          .unit("s")
          .describe("CPU-time limit per process (RLIMIT_CPU; 0: the run's limit, none locally)."),
      P::make("memory_mb", ParamType::Number)
          .def(0.0)
          .range(0.0, std::nullopt)
          .unit("MB")
          .describe(
              "Address-space limit per process (RLIMIT_AS; 0: the run's limit, none locally)."),
      P::make("retries", ParamType::Integer)
          .def(0)
          .range(0, 100)
          .describe("Extra attempts after a failed one (non-zero exit, signal, timeout, unreadable "
                    "outputs)."),
      P::make("on_failure", ParamType::Choice)
          .def("fail")
          .oneOf({"fail", "nan"})
          .describe("After the last failed attempt: \"fail\" the step with the reason, or return "
                    "NaN for every name in "
                    "output_names (the failure is in the diagnostics and a warning)."),
      P::make("keep", ParamType::Choice)
          .def("failed")
          .oneOf({"failed", "all", "none"})
          .describe("Which work directories to keep: those of failed evaluations, all, or none."),
  };
  t.outputs = {
      {"outputs", ValueKind::Map, "Every named result of the program, as a map."},
      {"*", ValueKind::Null,
       "Each named result of the program under its own name (a number, a vector or a matrix), e.g. "
       "`sim.range`; any name is accepted when the workflow is validated, a missing one fails at "
       "run time."},
  };
  t.content_key = contentKey;
  t.run = runCommand;
  return t;
}

}  // namespace sciagents::core::agents::external
