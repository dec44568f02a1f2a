#include "server/job_limits.h"

#include "core/agent/agent_registry.h"
#include "core/agent/external_paths.h"
#include "core/agent/resource_estimate.h"
#include "core/util/child_process.h"
#include "core/util/error.h"
#include "core/util/text_format.h"
#include "core/workflow/link.h"
#include "core/workflow/nested_workflow_task.h"
#include "core/workflow/sweep.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <map>
#include <set>
#include <vector>

namespace sciagents::server {

namespace {

using nlohmann::json;

std::string mb(double bytes) { return core::formatBrief(bytes / 1048576.0) + " MB"; }

LimitViolation violation(const core::Step& s, const std::string& param, const std::string& limit,
                         const std::string& what) {
  return {s.id, param, limit,
          "step '" + s.id + "', param '" + param + "': " + what + " (server limit " + limit + ")"};
}

// The file paths an external step names as literals (a program, module, templates, extra files);
// values arriving through links or sweeps are checked by the task itself at run time.
std::vector<std::pair<std::string, std::string>> externalPaths(const core::Step& s) {
  std::vector<std::pair<std::string, std::string>> out;  // (param, path)
  if (!s.params.is_object()) return out;
  const json& p = s.params;
  if (auto it = p.find("command");
      it != p.end() && it->is_array() && !it->empty() && (*it)[0].is_string()) {
    const auto prog = (*it)[0].get<std::string>();
    // A bare name is looked up in the server's PATH: check where it lands.
    const auto where = prog.find('/') != std::string::npos ? prog : core::findInPath(prog);
    out.emplace_back("command", where.empty() ? prog : where);
  }
  if (auto it = p.find("module"); it != p.end() && it->is_string())
    out.emplace_back("module", it->get<std::string>());
  for (const char* list : {"templates", "files"})  // "file" or {"file": ..., "to": ...}
    if (auto it = p.find(list); it != p.end() && it->is_array())
      for (const auto& f : *it) {
        if (f.is_string())
          out.emplace_back(list, f.get<std::string>());
        else if (f.is_object() && f.contains("file") && f["file"].is_string())
          out.emplace_back(list, f["file"].get<std::string>());
      }
  return out;
}

std::optional<LimitViolation> checkExternalStep(const core::Step& s, const AdmissionLimits& l,
                                                int depth);

}  // namespace

bool mayRunExternalCode(const core::Step& s, int depth) {
  if (s.agent == "external") return true;
  if (s.agent != "workflow_orchestration" || s.task != "run" || !s.params.is_object()) return false;
  if (s.params.contains("file")) return true;  // its steps are only known when it runs
  auto w = s.params.find("workflow");
  if (w == s.params.end() || !w->is_object()) return false;
  if (depth >= core::kMaxWorkflowNesting) return true;
  try {
    for (const auto& inner : core::workflowFromJson(*w).steps)
      if (mayRunExternalCode(inner, depth + 1)) return true;
  } catch (const std::exception&) {
  }
  return false;
}

namespace {

// A nested workflow (workflow_orchestration.run): a file follows the policy for programs; the
// steps of an inline workflow are checked like the job's own.
std::optional<LimitViolation> checkNestedWorkflow(const core::Step& s, const AdmissionLimits& l,
                                                  int depth) {
  if (!s.params.is_object()) return std::nullopt;
  if (auto f = s.params.find("file"); f != s.params.end() && f->is_string()) {
    const core::ExternalPolicy policy = externalPolicy(l, {});
    if (!policy.enabled)
      return violation(s, "file", "--allow-external",
                       "nested workflow files are refused: " + policy.disabled_reason +
                           " (workflow files, like programs, must lie inside those folders)");
    if (auto r =
            core::resolveExternalPath(&policy, policy.allowed_roots.front(), f->get<std::string>());
        !r.problem.empty())
      return violation(s, "file", "--allow-external", r.problem);
  }
  auto w = s.params.find("workflow");
  if (w == s.params.end() || !w->is_object() || depth >= core::kMaxWorkflowNesting)
    return std::nullopt;
  core::Workflow inner;
  try {
    inner = core::workflowFromJson(*w);
  } catch (const std::exception&) {
    return std::nullopt;  // the run reports what is wrong with it
  }
  for (const auto& step : inner.steps)
    if (auto v = checkExternalStep(step, l, depth + 1))
      return LimitViolation{s.id, "workflow", v->limit,
                            "step '" + s.id + "', nested " + v->message};
  return std::nullopt;
}

std::optional<LimitViolation> checkExternalStep(const core::Step& s, const AdmissionLimits& l,
                                                int depth) {
  if (s.agent == "workflow_orchestration" && s.task == "run")
    return checkNestedWorkflow(s, l, depth);
  if (s.agent != "external") return std::nullopt;
  const core::ExternalPolicy policy = externalPolicy(l, {});
  if (!policy.enabled)
    return LimitViolation{s.id, "agent", "--allow-external",
                          "step '" + s.id + "': " + policy.disabled_reason};
  const std::string base = policy.allowed_roots.front();
  for (const auto& [param, path] : externalPaths(s))
    if (auto r = core::resolveExternalPath(&policy, base, path); !r.problem.empty())
      return violation(s, param, "--allow-external", r.problem);
  return std::nullopt;
}

bool isGridTask(const core::Step& s) {
  return s.agent == "ode_pde" && (s.task == "poisson" || s.task == "heat" || s.task == "wave");
}

// Limits of one point whose params are known (entirely at run time; partly at submit time).
// `work` receives the point's work estimate (0 when unknown).
std::optional<LimitViolation> checkPoint(const core::AgentRegistry& registry, const core::Step& s,
                                         const core::TaskSpec& task, const core::Map& params,
                                         const AdmissionLimits& limits, double* work,
                                         std::string* work_param) {
  auto number = [&](const char* name) -> std::optional<double> {
    auto it = params.find(name);
    if (it == params.end() || !it->second.isNumber()) return std::nullopt;
    return it->second.asDouble();
  };
  double cap_mb = limits.max_memory_mb;
  std::string cap_name = "--max-job-memory-mb = " + core::formatBrief(limits.max_memory_mb) + " MB";
  // A step's own memory_limit_mb (the schema default counts only below the server's cap).
  const bool asked_explicitly = (s.params.is_object() && s.params.contains("memory_limit_mb")) ||
                                (s.sweep && s.sweep->param == "memory_limit_mb");
  if (task.param("memory_limit_mb")) {
    if (auto asked = number("memory_limit_mb")) {
      if (asked_explicitly && limits.max_memory_mb > 0 && *asked > limits.max_memory_mb)
        return violation(
            s, "memory_limit_mb", "--max-job-memory-mb",
            "memory_limit_mb = " + core::formatBrief(*asked) + " is above the server's cap of " +
                core::formatBrief(limits.max_memory_mb) + " MB; a job may ask less, not more");
      if (*asked < cap_mb || cap_mb <= 0) {
        cap_mb = *asked;
        cap_name = "memory_limit_mb = " + core::formatBrief(*asked) + " MB";
      }
    }
  }
  if (isGridTask(s) && limits.max_grid_points > 0) {
    const auto n = number("n"), dim = number("dim");
    if (n && dim && *n > 0 && *dim > 0 && *dim <= 3) {
      const double points = std::pow(*n, *dim);
      if (points > static_cast<double>(limits.max_grid_points))
        return violation(s, "n", "--max-grid-points",
                         "grid of " + core::formatBrief(*n) + "^" + core::formatBrief(*dim) +
                             " = " + core::formatBrief(points) + " points exceeds the limit of " +
                             std::to_string(limits.max_grid_points) + " points");
    }
  }
  const auto e = core::estimateResources(registry, s.agent, task, params, s.id);
  if (!e) return std::nullopt;
  if (cap_mb > 0 && e->memory_bytes > cap_mb * 1048576.0)
    return violation(
        s, e->memory_param.empty() ? "params" : e->memory_param, "--max-job-memory-mb",
        "needs about " + mb(e->memory_bytes) + " (" + e->memory_what + "), more than " + cap_name);
  if (limits.max_solver_steps > 0 && e->steps > limits.max_solver_steps)
    return violation(s, e->steps_param, "--max-solver-steps",
                     "a budget of " + core::formatBrief(e->steps) +
                         " solver steps exceeds the limit of " +
                         core::formatBrief(limits.max_solver_steps) +
                         "; set max_num_steps (or max_step over " + "t_span) within it");
  if (limits.max_work > 0 && e->work > limits.max_work)
    return violation(s, e->work_param, "--max-job-work",
                     "about " + core::formatBrief(e->work) + " operations exceed the limit of " +
                         core::formatBrief(limits.max_work) + " per job");
  if (work) *work = e->work;
  if (work_param) *work_param = e->work_param;
  return std::nullopt;
}

// Outputs known before anything runs: workflow_orchestration.value steps with a literal value.
std::map<std::string, core::Value> knownOutputs(const core::Workflow& w) {
  std::map<std::string, core::Value> out;
  for (const auto& s : w.steps) {
    if (s.agent != "workflow_orchestration" || s.task != "value" || s.sweep) continue;
    if (!s.params.is_object() || !s.params.contains("value")) continue;
    const json& v = s.params["value"];
    if (core::containsLink(v)) continue;
    try {
      out.emplace(s.id, core::resolveLinks(v, {}, "value"));
    } catch (const std::exception&) {  // the validator reports bad values
    }
  }
  return out;
}

// Indices of the sweep points to check: all of a small sweep; of a large one the first, the
// last and those with the smallest and largest number (estimates grow with size).
std::vector<std::size_t> pointsToCheck(const core::SweepValues& v) {
  std::vector<std::size_t> idx;
  const std::size_t n = v.size();
  if (n <= 64) {
    for (std::size_t i = 0; i < n; ++i) idx.push_back(i);
    return idx;
  }
  std::size_t lo = 0, hi = 0;
  double vlo = INFINITY, vhi = -INFINITY;
  for (std::size_t i = 0; i < n; ++i) {
    const json x = v[i];
    if (!x.is_number()) continue;
    const double d = x.get<double>();
    if (d < vlo) vlo = d, lo = i;
    if (d > vhi) vhi = d, hi = i;
  }
  idx = {0, n - 1, lo, hi};
  std::sort(idx.begin(), idx.end());
  idx.erase(std::unique(idx.begin(), idx.end()), idx.end());
  return idx;
}

// The points of a sweep whose work is estimated: one-param sweeps as above; a zip, each list's
// extremes; a grid, every combination of its axes' extremes. A design's points are known only at
// run time (its own step was checked) and none are checked here.
std::vector<std::size_t> pointsToCheck(const core::SweepSpec& sw) {
  using Mode = core::SweepSpec::Mode;
  if (sw.mode == Mode::One) return pointsToCheck(sw.values);
  std::vector<std::size_t> idx;
  if (sw.mode == Mode::Zip) {
    for (const auto& a : sw.axes)
      for (auto i : pointsToCheck(a.values)) idx.push_back(i);
  } else if (sw.mode == Mode::Grid) {
    idx = {0};
    for (const auto& a : sw.axes) {
      std::vector<std::size_t> next;
      for (auto base : idx)
        for (auto i : pointsToCheck(a.values)) next.push_back(base * a.values.size() + i);
      idx = std::move(next);
      if (idx.size() > 4096) break;  // a grid of many axes: the first axes' extremes
    }
    if (idx.size() > 4096) idx.clear();
  }
  std::sort(idx.begin(), idx.end());
  idx.erase(std::unique(idx.begin(), idx.end()), idx.end());
  return idx;
}

// SAX handler counting the elements of "steps" (top level, or inside a top-level "workflow");
// returns false (stops the parse) once the count passes the limit.
class StepCounter : public nlohmann::json_sax<json> {
 public:
  explicit StepCounter(std::size_t max) : m_max(max) {}
  std::size_t count = 0;
  bool stopped = false;

  bool null() override { return value(); }
  bool boolean(bool) override { return value(); }
  bool number_integer(number_integer_t) override { return value(); }
  bool number_unsigned(number_unsigned_t) override { return value(); }
  bool number_float(number_float_t, const string_t&) override { return value(); }
  bool string(string_t&) override { return value(); }
  bool binary(binary_t&) override { return value(); }
  bool start_object(std::size_t) override { return open(); }
  bool end_object() override { return close(); }
  bool start_array(std::size_t) override { return open(); }
  bool end_array() override { return close(); }
  bool key(string_t& k) override {
    if (m_depth >= 1 && m_depth <= m_keys.size()) m_keys[m_depth - 1] = k;
    return true;
  }
  bool parse_error(std::size_t, const std::string&, const nlohmann::detail::exception&) override {
    return false;  // the strict parser reports it
  }

 private:
  std::size_t m_max, m_depth = 0, m_steps_depth = 0;
  std::array<std::string, 2> m_keys;  // the current key at object depths 1 and 2

  bool inStepsArray() const {
    // depth 2: {"steps": [ <here> ]}; depth 3: {"workflow": {"steps": [ <here> ]}}
    if (m_depth == 2) return m_keys[0] == "steps";
    if (m_depth == 3) return m_keys[0] == "workflow" && m_keys[1] == "steps";
    return false;
  }
  bool element() {
    if (!inStepsArray()) return true;
    if (++count > m_max) stopped = true;
    return !stopped;
  }
  bool value() { return element(); }
  bool open() {
    if (!element()) return false;
    ++m_depth;
    if (m_depth <= m_keys.size()) m_keys[m_depth - 1].clear();
    return true;
  }
  bool close() {
    if (m_depth > 0) --m_depth;
    return true;
  }
};

}  // namespace

std::optional<std::size_t> stepsAbove(std::string_view body, std::int64_t max_steps) {
  if (max_steps <= 0) return std::nullopt;
  StepCounter counter(static_cast<std::size_t>(max_steps));
  json::sax_parse(body.begin(), body.end(), &counter, nlohmann::detail::input_format_t::json, true);
  if (counter.stopped) return counter.count;
  return std::nullopt;
}

AdmissionLimits admissionLimits(const ServerConfig& c) {
  AdmissionLimits l;
  l.max_grid_points = c.max_grid_points;
  l.max_memory_mb = c.max_job_memory_mb;
  l.max_work = c.max_job_work;
  l.max_solver_steps = c.max_solver_steps;
  l.max_sweep_points = c.max_sweep_points;
  l.max_steps = c.max_steps;
  l.external_roots = c.allow_external;
  l.external_time_s = c.external_time_s;
  l.external_memory_mb = c.external_memory_mb;
  return l;
}

core::ExternalPolicy externalPolicy(const AdmissionLimits& limits, const std::string& work_dir) {
  core::ExternalPolicy p;
  p.enabled = !limits.external_roots.empty();
  p.disabled_reason =
      "external steps are disabled on this server; its operator enables them for programs and "
      "modules inside chosen folders with `sciagents serve --allow-external DIR`";
  p.allowed_roots = limits.external_roots;
  p.work_root = work_dir;
  p.keep_work_dirs = false;  // removed with the job's run anyway
  p.cpu_time_s = limits.external_time_s;
  p.wall_time_s = limits.external_time_s;
  p.memory_mb = limits.external_memory_mb;
  p.env_allow = core::defaultEnvironmentAllowList();
  return p;
}

std::optional<LimitViolation> checkWorkflowLimits(const core::Workflow& w,
                                                  const core::AgentRegistry& registry,
                                                  const AdmissionLimits& limits) {
  if (limits.max_steps > 0 && static_cast<std::int64_t>(w.steps.size()) > limits.max_steps)
    return LimitViolation{"", "steps", "--max-steps",
                          "the workflow has " + std::to_string(w.steps.size()) +
                              " steps, more than the server limit of " +
                              std::to_string(limits.max_steps) + " (--max-steps)"};
  for (const auto& s : w.steps)
    if (auto v = checkExternalStep(s, limits, 0)) return v;
  std::int64_t points = 0;
  for (const auto& s : w.steps) {
    points +=
        s.sweep ? static_cast<std::int64_t>(std::max<std::size_t>(1, s.sweep->pointCount())) : 1;
    if (limits.max_sweep_points > 0 && s.sweep && points > limits.max_sweep_points)
      return violation(s, "sweep", "--max-sweep-points",
                       "the job's sweeps reach " + std::to_string(points) +
                           " points here, more than the limit of " +
                           std::to_string(limits.max_sweep_points) + " per job");
  }
  const auto known = knownOutputs(w);
  const core::OutputLookup lookup = [&known](const std::string& st,
                                             const std::string& o) -> const core::Value* {
    auto it = known.find(st);
    return it != known.end() && o == "value" ? &it->second : nullptr;
  };
  double total_work = 0;
  const core::Step* heaviest = nullptr;
  double heaviest_work = 0;
  std::string heaviest_param;
  for (const auto& s : w.steps) {
    const core::TaskSpec* task = registry.task(s.agent, s.task);
    if (!task || task->planned() || !s.params.is_object()) continue;
    const std::vector<std::size_t> idx =
        s.sweep ? pointsToCheck(*s.sweep) : std::vector<std::size_t>{0};
    const std::optional<core::SweepPoints> swept =
        s.sweep && s.sweep->mode != core::SweepSpec::Mode::Design
            ? std::optional<core::SweepPoints>(std::in_place, *s.sweep)
            : std::nullopt;
    double step_work = 0;
    std::string work_param;
    for (std::size_t i : idx) {
      json params = s.params;
      if (swept && !swept->apply(params, i, nullptr)) continue;
      core::Map given;
      std::set<std::string> unknown;
      for (auto it = params.begin(); it != params.end(); ++it) {
        try {
          given[it.key()] = core::resolveLinks(it.value(), lookup, it.key());
        } catch (const std::exception&) {  // a link resolved only at run time
          unknown.insert(it.key());
        }
      }
      double work = 0;
      if (auto v = checkPoint(registry, s, *task, core::knownParams(*task, given, unknown), limits,
                              &work, &work_param))
        return v;
      step_work = std::max(step_work, work);
    }
    const double n =
        s.sweep ? static_cast<double>(std::max<std::size_t>(1, s.sweep->pointCount())) : 1.0;
    total_work += step_work * n;
    if (step_work * n > heaviest_work) {
      heaviest_work = step_work * n;
      heaviest = &s;
      heaviest_param = s.sweep ? "sweep" : work_param;
    }
  }
  if (limits.max_work > 0 && total_work > limits.max_work && heaviest)
    return violation(*heaviest, heaviest_param, "--max-job-work",
                     "the job needs about " + core::formatBrief(total_work) +
                         " operations (this step " + core::formatBrief(heaviest_work) +
                         "), more than the limit of " + core::formatBrief(limits.max_work) +
                         " per job");
  return std::nullopt;
}

std::optional<LimitViolation> checkStepLimits(const core::AgentRegistry& registry,
                                              const core::Step& step, const core::TaskSpec& task,
                                              const core::Map& params,
                                              const AdmissionLimits& limits) {
  return checkPoint(registry, step, task, params, limits, nullptr, nullptr);
}

void enforceStepLimits(const core::AgentRegistry& registry, const core::Step& step,
                       const core::TaskSpec& task, const core::Map& params,
                       const AdmissionLimits& limits) {
  if (auto v = checkStepLimits(registry, step, task, params, limits))
    throw core::Error(core::ErrorCode::InvalidInput, v->message.substr(v->message.find(": ") + 2),
                      v->step, v->param);
}

}  // namespace sciagents::server
