#include "core/workflow/nested_workflow_task.h"

#include "core/agent/agent_registry.h"
#include "core/agent/content_key.h"
#include "core/agent/external_paths.h"
#include "core/agent/task_context.h"
#include "core/util/error.h"
#include "core/util/sha256.h"
#include "core/value/value_json.h"
#include "core/workflow/link.h"
#include "core/workflow/nested_run_scope.h"
#include "core/workflow/workflow_engine.h"

#include <atomic>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <random>
#include <set>
#include <sstream>

namespace sciagents::core {

namespace fs = std::filesystem;

namespace {

constexpr std::uint64_t kMaxFileBytes = 64ull << 20;  // as the CLI's default for workflow files

// The nested workflow as given: parsed, with its source and the folder its relative paths use.
struct Source {
  Workflow workflow;
  std::string param;      // "workflow" or "file": where errors point
  std::string file;       // resolved path ("" inline)
  std::string file_hash;  // SHA-256 of the file's bytes
  std::string base_dir;   // the nested run's base folder
};

std::string readFile(const fs::path& path) {
  std::error_code ec;
  if (!fs::is_regular_file(path, ec))
    throw Error(ErrorCode::InvalidInput, "'" + path.string() + "' is not a readable file", {},
                "file");
  if (fs::file_size(path, ec) > kMaxFileBytes)
    throw Error(
        ErrorCode::InvalidInput,
        "'" + path.string() + "' is larger than " + std::to_string(kMaxFileBytes >> 20) + " MB", {},
        "file");
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  if (!in && !in.eof())
    throw Error(ErrorCode::InvalidInput, "cannot read '" + path.string() + "'", {}, "file");
  return text.str();
}

// Reads `workflow` or `file` from resolved params (plus the run's base folder and policy).
Source loadSource(const Map& params, const std::string& base_dir, const ExternalPolicy* policy) {
  const auto wf = params.find("workflow");
  const auto file = params.find("file");
  const bool has_wf = wf != params.end() && !wf->second.isNull();
  const bool has_file = file != params.end() && !file->second.isNull();
  if (has_wf == has_file)
    throw paramError(has_wf ? "file" : "workflow",
                     "give exactly one of `workflow` (the nested workflow inline) and `file` (a "
                     ".workflow.json)");
  Source s;
  s.base_dir = base_dir;
  if (has_wf) {
    s.param = "workflow";
    if (wf->second.kind() != ValueKind::Map)
      throw paramError("workflow",
                       "expected a workflow object {\"sciagents\": 1, \"steps\": [...]}");
    try {
      s.workflow = workflowFromJson(toJson(wf->second));
    } catch (const std::exception& e) {
      throw paramError("workflow", std::string("is not a workflow: ") + e.what());
    }
    return s;
  }
  s.param = "file";
  if (!file->second.isString())
    throw paramError("file", "expected the path of a .workflow.json file");
  if (policy && !policy->enabled)
    throw paramError("file", "nested workflow files are refused here: " + policy->disabled_reason +
                                 " (workflow files, like programs, must lie inside those folders)");
  const ExternalPath p = resolveExternalPath(policy, base_dir, file->second.asString());
  if (!p.problem.empty()) throw paramError("file", p.problem);
  const std::string text = readFile(p.resolved);
  s.file = p.resolved.string();
  s.file_hash = sha256Hex(text);
  s.base_dir = p.resolved.parent_path().string();
  try {
    s.workflow = parseWorkflow(text);
  } catch (const std::exception& e) {
    throw paramError("file", "'" + s.file + "' is not a workflow: " + e.what());
  }
  return s;
}

// Objects merge key by key; anything else replaces what was there.
void mergeInto(nlohmann::json& target, const nlohmann::json& patch) {
  if (!patch.is_object() || !target.is_object()) {
    target = patch;
    return;
  }
  for (auto it = patch.begin(); it != patch.end(); ++it) mergeInto(target[it.key()], it.value());
}

std::string stepList(const Workflow& w) {
  std::string out;
  for (const auto& s : w.steps) out += (out.empty() ? "" : ", ") + s.id;
  return out;
}

// `inputs`: {"STEP": {"PARAM": value, "constants": {"k": 2}}}: merged into the steps' params.
void applyInputs(Workflow& w, const Map& params) {
  const auto it = params.find("inputs");
  if (it == params.end() || it->second.isNull()) return;
  if (it->second.kind() != ValueKind::Map)
    throw paramError("inputs",
                     "expected {\"STEP\": {\"PARAM\": value, ...}} (params of the nested steps)");
  for (const auto& [step_id, patch] : it->second.asMap()) {
    Step* step = w.step(step_id);
    if (!step)
      throw paramError("inputs", "the nested workflow has no step '" + step_id +
                                     "' (its steps: " + stepList(w) + ")");
    if (patch.kind() != ValueKind::Map)
      throw paramError("inputs", "inputs." + step_id + " must be an object of params, got " +
                                     std::string(patch.kindName()));
    mergeInto(step->params, toJson(patch));
  }
}

// Forwards the nested run's progress and metrics to the step, and counts finished steps.
class Forwarder final : public RunListener {
 public:
  Forwarder(TaskContext& ctx, std::size_t steps) : m_ctx(ctx), m_steps(steps) {}
  void stepStarted(const std::string& step, const std::string&, const std::string&) override {
    m_ctx.progress(fraction(0), step + ": started");
  }
  void stepFinished(const StepResult& r) override {
    ++m_done;
    m_ctx.progress(fraction(0), r.id + ": " + std::string(stepStatusName(r.status)));
  }
  void progress(std::string_view step, double f, std::string_view message) override {
    m_ctx.progress(fraction(f), std::string(step) + ": " + std::string(message));
  }
  void metric(std::string_view step, std::string_view series, double x, double y) override {
    m_ctx.metric(std::string(step) + "." + std::string(series), x, y);
  }

 private:
  double fraction(double within) const {
    return std::min(1.0, (static_cast<double>(m_done) + std::clamp(within, 0.0, 1.0)) /
                             static_cast<double>(std::max<std::size_t>(1, m_steps)));
  }
  TaskContext& m_ctx;
  std::size_t m_steps, m_done = 0;
};

Value publish(const RunResult& r, const std::string& name, const Value& where) {
  if (!where.isString())
    throw paramError("outputs", "outputs." + name + " must be \"STEP.OUTPUT\" (a string)");
  std::string err;
  const auto ref = parseLinkRef(where.asString(), &err);
  if (!ref) throw paramError("outputs", "outputs." + name + ": " + err);
  const StepResult* s = r.step(ref->step);
  if (!s)
    throw paramError("outputs",
                     "outputs." + name + ": the nested workflow has no step '" + ref->step + "'");
  const auto it = s->outputs.find(ref->output);
  if (it == s->outputs.end())
    throw paramError("outputs", "outputs." + name + ": step '" + ref->step + "' has no output '" +
                                    ref->output + "'");
  try {
    return applyIndices(it->second, *ref);
  } catch (const std::exception& e) {
    throw paramError("outputs", "outputs." + name + " = '" + where.asString() + "': " + e.what());
  }
}

bool validName(const std::string& n) {
  if (n.empty() || n == "steps" || std::isdigit(static_cast<unsigned char>(n[0]))) return false;
  for (char c : n)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_') return false;
  return true;
}

void runNested(TaskContext& ctx) {
  const NestedRunContext* parent = currentNestedRunContext();
  const int depth = parent ? parent->depth + 1 : 1;
  if (depth > kMaxWorkflowNesting)
    throw paramError(ctx.has("file") ? "file" : "workflow",
                     "workflows nested more than " + std::to_string(kMaxWorkflowNesting) +
                         " deep (does a workflow file run itself?)");
  Source src = loadSource(ctx.params(), ctx.baseDir(), ctx.externalPolicy());
  applyInputs(src.workflow, ctx.params());
  const std::size_t n = src.workflow.steps.size();

  // The run's options (cache, metrics, the server's checks before each step); outside a run (a
  // task called directly) the defaults without the cache. The external policy is always the step's.
  RunOptions o = parent && parent->options ? *parent->options : RunOptions{};
  if (!parent || !parent->options) o.use_cache = false;
  o.external = std::shared_ptr<const ExternalPolicy>(std::shared_ptr<const ExternalPolicy>{},
                                                     ctx.externalPolicy());
  o.threads = ctx.threads();
  o.cancel = ctx.cancelFlag();
  o.seed = ctx.seed();
  o.base_dir = src.base_dir;
  o.shard_index = 0, o.shard_count = 1;  // a shard of the outer run runs the nested one whole
  o.model_shard.reset();
  Forwarder forward(ctx, n);
  o.listener = &forward;

  RunResult r;
  try {
    r = WorkflowEngine(ctx.registry()).run(src.workflow, o);
  } catch (const Error& e) {
    if (e.code() == ErrorCode::Cancelled) throw;
    throw paramError(src.param, "the nested workflow" +
                                    (src.file.empty() ? "" : " '" + src.file + "'") +
                                    " is invalid: " + e.bareMessage());
  }
  if (r.status == StepStatus::Cancelled) throw cancelledError();
  const std::string name = r.workflow.empty() ? std::string("(unnamed)") : "'" + r.workflow + "'";

  Map steps, info;
  std::size_t cached = 0;
  for (const auto& s : r.steps) {
    steps[s.id] = s.outputs;
    Map d{{"status", std::string(stepStatusName(s.status))},
          {"cached", s.cached},
          {"wall_s", s.wall_seconds}};
    if (!s.error.empty()) d["error"] = s.error;
    if (auto m = s.diagnostics.find("method"); m != s.diagnostics.end()) d["method"] = m->second;
    info[s.id] = std::move(d);
    cached += s.cached ? 1 : 0;
  }
  ctx.diagnostic("nested_steps", info);
  ctx.diagnostic("nested_workflow", r.workflow);
  ctx.diagnostic("nested_source", src.file.empty() ? std::string("inline") : src.file);
  if (!src.file_hash.empty()) ctx.diagnostic("nested_file_sha256", src.file_hash);
  ctx.diagnostic("nesting_depth", static_cast<std::int64_t>(depth));
  if (r.status != StepStatus::Succeeded) {
    for (const auto& s : r.steps)
      if (s.status == StepStatus::Failed)
        throw Error(s.error_code == ErrorCode::InvalidInput ? ErrorCode::InvalidInput
                                                            : ErrorCode::RunFailed,
                    "nested workflow " + name + ": " + s.error);
    throw Error(ErrorCode::RunFailed, "nested workflow " + name + " did not succeed");
  }

  const auto outs = ctx.params().find("outputs");
  if (outs != ctx.params().end() && !outs->second.isNull()) {
    if (outs->second.kind() != ValueKind::Map)
      throw paramError("outputs", "expected {\"NAME\": \"STEP.OUTPUT\", ...}");
    for (const auto& [name, where] : outs->second.asMap()) {
      if (!validName(name))
        throw paramError(
            "outputs", "'" + name + "' cannot name an output (letters, digits and _; not 'steps')");
      ctx.output(name, publish(r, name, where));
    }
  } else if (!r.steps.empty()) {  // the last step is the nested workflow's result
    for (const auto& [name, v] : r.steps.back().outputs)
      if (name != "steps") ctx.output(name, v);
  }
  ctx.output("steps", steps);
  ctx.setMethod("nested_run", "ran the " + std::to_string(n) + " steps of workflow " + name + " (" +
                                  (src.file.empty() ? std::string("inline") : src.file) +
                                  ") with the engine: " + std::to_string(n - cached) +
                                  " computed, " + std::to_string(cached) +
                                  " from the result cache");
}

// The step's own result may be cached only when everything it would run is the same: the file's
// bytes (inline workflows are in the params already) and what each nested step adds to its cache
// key (a program's or module's content, another nested file), recursively. What cannot be read
// gives a key that never repeats, so the step runs (its nested steps still use the cache).
std::string uniqueKey() {
  static std::atomic<std::uint64_t> counter{0};
  static const std::uint64_t salt = std::random_device{}();
  return "nested-unreadable\n" + std::to_string(salt) + "-" + std::to_string(counter++);
}

std::string nestedContentKey(const Map& params) {
  thread_local int depth = 0;
  if (depth >= kMaxWorkflowNesting) return uniqueKey();
  struct Guard {
    Guard() { ++depth; }
    ~Guard() { --depth; }
  } guard;
  std::string base;
  if (auto b = params.find(std::string(kContentKeyBaseDir));
      b != params.end() && b->second.isString())
    base = b->second.asString();
  // Under the run's policy (a server's roots): a file the run may not read is not read for the
  // key either (the key reaches the result as params_hash, so it must not reveal other files).
  const NestedRunContext* run = currentNestedRunContext();
  const ExternalPolicy* policy = run && run->options ? run->options->external.get() : nullptr;
  Source src;
  try {
    src = loadSource(params, base, policy);
    applyInputs(src.workflow, params);
  } catch (const std::exception&) {
    return uniqueKey();
  }
  // The registry of the run computing the key; without one (outside a run) nothing is cached.
  const AgentRegistry* registry = run ? run->registry : nullptr;
  if (!registry) return uniqueKey();
  std::string key = "nested\n" + src.file + "\n" + src.file_hash + "\n";
  for (const auto& step : src.workflow.steps) {
    const TaskSpec* t = registry->task(step.agent, step.task);
    if (!t || !t->content_key) continue;
    Map p;
    try {
      p = fromJson(step.params).asMap();
    } catch (const std::exception&) {
      return uniqueKey();
    }
    p[std::string(kContentKeyBaseDir)] = src.base_dir;
    key += step.id + "\n" + t->content_key(p) + "\n";
  }
  return key;
}

}  // namespace

TaskSpec nestedWorkflowTask() {
  TaskSpec t;
  t.id = "run";
  t.summary =
      "Run a nested workflow (inline or from a file) as one step, with inputs set and outputs "
      "published.";
  t.doc =
      "Runs a whole workflow as one step with the same engine: its steps in parallel where "
      "independent, sweeps, "
      "the result cache, the run's limits and policies. Give it inline (`workflow`) or as a "
      ".workflow.json "
      "(`file`, relative to this workflow's folder; its own relative paths resolve against its "
      "folder). "
      "`inputs` sets params of the nested steps before the run, merged object by object: "
      "`{\"osc\": {\"constants\": {\"k\": 2}}}` (links from this workflow work there, and a sweep "
      "or a step "
      "model may vary `inputs.osc.constants.k`). The outputs are those of the nested workflow's "
      "last step "
      "(or the `outputs` map: name -> \"STEP.OUTPUT[i]\") and `steps`, every nested step's "
      "outputs. The nested "
      "run's seed derives from this step's, so results repeat; cancelling the run cancels it; its "
      "progress is "
      "this step's. A nested step that fails fails this step with its message. The step itself is "
      "cached when "
      "its params, the file's content and the content of every program or module its steps use are "
      "unchanged. "
      "On a server, files are refused unless the operator allows folders with `--allow-external "
      "DIR` (the file "
      "must lie inside one); inline workflows are always allowed. Nesting deeper than 8 fails.";
  t.params = {
      ParamSpec::make("workflow", ParamType::Map)
          .describe("The nested workflow inline: {\"sciagents\": 1, \"steps\": [...]}. Exactly one "
                    "of workflow and file."),
      ParamSpec::make("file", ParamType::String)
          .describe("A .workflow.json to run, relative to this workflow's folder."),
      ParamSpec::make("inputs", ParamType::Map)
          .describe("Params of nested steps to set: {\"STEP\": {\"PARAM\": value, ...}}, objects "
                    "merged key by key."),
      ParamSpec::make("outputs", ParamType::Map)
          .describe("Outputs to publish: {\"NAME\": \"STEP.OUTPUT\"} (indices allowed: "
                    "\"fit.x[0]\"). Default: the "
                    "outputs of the last nested step."),
  };
  t.outputs = {
      {"steps", ValueKind::Map, "Every nested step's outputs: {\"STEP\": {\"OUTPUT\": value}}."},
      {"*", ValueKind::Null,
       "The published outputs (the last nested step's, or the `outputs` map's names)."},
  };
  t.run = runNested;
  t.content_key = nestedContentKey;
  return t;
}

}  // namespace sciagents::core
