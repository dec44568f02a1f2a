// performance_profiler.profile: run a step (or an inline task) at several problem sizes, a few
// times each, and report wall/CPU time, peak memory growth and the fitted scaling exponent.
#include "core/agent/agent_registry.h"
#include "core/agents/assistants/target_problem.h"
#include "core/agents/performance_profiler/resource_meter.h"
#include "core/agents/performance_profiler/scaling_fit.h"
#include "core/agents/performance_profiler/tasks.h"
#include "core/util/error.h"
#include "core/util/text_format.h"
#include "core/workflow/step_model.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <vector>

namespace sciagents::core::agents::profiler {

namespace {

// An untimed task whose output becomes a param of the target at each size (e.g. a random n x n
// matrix from linear_algebra.matrix for linear_algebra.solve's A).
struct Generator {
  const TaskSpec* task = nullptr;
  std::string label, size_path, output, to;
  Map params;
};

// Sets the size at `path` of `params` (of `task`): an integer for integer params, else a number.
void setSize(Map& params, const TaskSpec& task, const std::string& path, double size,
             const std::string& param) {
  const ParamSpec* spec = task.param(path);
  if (spec && spec->type == ParamType::Integer) {
    if (size != std::floor(size))
      throw paramError("sizes", formatCompact(size) + " is not an integer, but '" + path + "' of " +
                                    task.id + " is an integer parameter");
    params[path] = static_cast<std::int64_t>(size);
    return;
  }
  if (auto err = setParamPath(params, path, size); !err.empty()) throw paramError(param, err);
}

std::string firstKey(const std::string& path) { return path.substr(0, path.find_first_of(".[")); }

// The work a finished run counted itself (fit: "count"): the number named `name` among its outputs,
// else among its diagnostics (e.g. nfev, neval, iterations). Deterministic, unlike a timing.
double countedCost(const TaskContext& run, const std::string& name, const std::string& label,
                   double size) {
  const Value* v = nullptr;
  if (auto it = run.outputs().find(name); it != run.outputs().end())
    v = &it->second;
  else if (auto d = run.diagnostics().find(name); d != run.diagnostics().end())
    v = &d->second;
  if (!v)
    throw paramError("count", label + " reported no output or diagnostic '" + name + "' at size " +
                                  formatCompact(size));
  if (v->kind() != ValueKind::Integer && v->kind() != ValueKind::Scalar)
    throw paramError("count", "'" + name + "' of " + label + " is a " + std::string(v->kindName()) +
                                  ", not a number");
  return v->asDouble();
}

std::vector<Generator> readGenerators(const AgentRegistry& registry, const TaskContext& ctx,
                                      const assist::TargetProblem& target) {
  std::vector<Generator> gens;
  if (!ctx.has("generate")) return gens;
  const Value& v = ctx.param("generate");
  if (v.kind() != ValueKind::List)
    throw paramError("generate", "expected a list of {agent, task, params, size, output, to}");
  for (std::size_t i = 0; i < v.asList().size(); ++i) {
    const Value& g = v.asList()[i];
    const std::string at = "generate[" + std::to_string(i) + "]";
    if (g.kind() != ValueKind::Map) throw paramError("generate", at + " must be an object");
    auto text = [&](const char* key) {
      const Value* f = g.find(key);
      if (!f || !f->isString())
        throw paramError("generate", at + ": missing \"" + key + "\" (a string)");
      return f->asString();
    };
    Generator gen;
    const std::string agent = text("agent"), task = text("task");
    const AgentSpec* a = registry.agent(agent);
    gen.task = a ? a->task(task) : nullptr;
    if (!gen.task || gen.task->planned())
      throw paramError("generate", at + ": '" + agent + "." + task + "' is not an available task");
    gen.label = agent + "." + task;
    gen.size_path = text("size");
    gen.output = text("output");
    gen.to = text("to");
    if (!gen.task->param(firstKey(gen.size_path)))
      throw paramError("generate",
                       at + ": '" + gen.size_path + "' is not a parameter of " + gen.label);
    if (!gen.task->output(gen.output))
      throw paramError("generate", at + ": " + gen.label + " has no output '" + gen.output + "'");
    if (!target.task->param(gen.to))
      throw paramError("generate",
                       at + ": \"to\" '" + gen.to + "' is not a parameter of " + target.label);
    if (const Value* p = g.find("params")) {
      if (p->kind() != ValueKind::Map)
        throw paramError("generate", at + ": \"params\" must be an object");
      gen.params = p->asMap();
    }
    gens.push_back(std::move(gen));
  }
  return gens;
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  const std::size_t n = v.size();
  return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

}  // namespace

void runProfile(const AgentRegistry& registry, TaskContext& ctx) {
  const assist::TargetProblem target = assist::openProblem(registry, ctx, "target", false);
  const Vector sizes = ctx.vector("sizes");
  if (sizes.size() < 2)
    throw paramError("sizes",
                     "need at least 2 sizes to fit a scaling, got " + std::to_string(sizes.size()));
  for (double s : sizes)
    if (!(s > 0) || !std::isfinite(s))
      throw paramError("sizes", "sizes must be positive numbers, got " + formatCompact(s));
  if (sizes.maxCoeff() == sizes.minCoeff())
    throw paramError("sizes", "sizes must not all be equal");
  const std::string param = ctx.has("param") ? ctx.text("param") : std::string();
  const std::vector<Generator> gens = readGenerators(registry, ctx, target);
  if (param.empty() && gens.empty())
    throw paramError("param", "give the parameter of " + target.label +
                                  " to scale (e.g. \"n\"), or inputs to `generate`");
  if (!param.empty() && !target.task->param(firstKey(param)))
    throw paramError("param", "'" + param + "' is not a parameter of " + target.label);
  const auto repeats = static_cast<std::size_t>(ctx.integer("repeats"));
  const std::string fit_on = ctx.text("fit");
  const bool counted = fit_on == "count";
  const std::string count_name = ctx.has("count") ? ctx.text("count") : std::string();
  if (!counted && !count_name.empty())
    throw paramError("count",
                     "'count' is used only with fit \"count\" (fit is \"" + fit_on + "\")");
  if (counted && count_name.empty())
    throw paramError("count", "fit \"count\" needs the output or diagnostic of " + target.label +
                                  " that counts its work, e.g. \"nfev\"");

  // The target's params at one size: generated inputs (untimed), then the scaled param, resolved.
  auto paramsAt = [&](double size) {
    Map given = target.given;
    for (const auto& g : gens) {
      Map gp = g.params;
      setSize(gp, *g.task, g.size_path, size, "generate");
      Map out;
      try {
        out = assist::runTask(*g.task, gp, ctx, "generate");
      } catch (const Error& e) {
        if (e.code() == ErrorCode::Cancelled) throw;
        throw paramError("generate", g.label + " at size " + formatCompact(size) + ": " +
                                         (e.param().empty() ? "" : "'" + e.param() + "': ") +
                                         e.bareMessage());
      }
      auto it = out.find(g.output);
      if (it == out.end())
        throw paramError("generate", g.label + " produced no output '" + g.output + "' at size " +
                                         formatCompact(size));
      given[g.to] = std::move(it->second);
    }
    if (!param.empty()) setSize(given, *target.task, param, size, "param");
    try {
      return target.task->resolveParams(given);
    } catch (const Error& e) {
      throw paramError("target", "params of " + target.label + " at size " + formatCompact(size) +
                                     ": " + (e.param().empty() ? "" : "'" + e.param() + "': ") +
                                     e.bareMessage());
    }
  };
  ResourceMeter meter;
  // The task runs here directly, never through the result cache, so every repeat does the work.
  auto timedRun = [&](const Map& resolved, double size, double* count = nullptr) {
    TaskContext inner(*target.task, resolved, ctx.stepId() + "/profile");
    inner.setCancelFlag(ctx.cancelFlag());
    inner.setSeed(ctx.seed());
    inner.setThreads(ctx.threads());
    inner.setRegistry(ctx.registryIfSet());
    meter.start();
    try {
      target.task->run(inner);
    } catch (const Error& e) {
      if (e.code() == ErrorCode::Cancelled) throw;
      throw Error(ErrorCode::RunFailed,
                  target.label + " failed at size " + formatCompact(size) + ": " +
                      (e.param().empty() ? "" : "param '" + e.param() + "': ") + e.bareMessage(),
                  {}, "target");
    }
    const Measurement m = meter.stop();
    if (count) *count = countedCost(inner, count_name, target.label, size);
    return m;
  };

  const Eigen::Index n = sizes.size();
  Vector wall_min(n), wall_med(n), cpu_min(n), cpu_med(n), pcpu_med(n), peak(n), counts(n);
  for (Eigen::Index i = 0; i < n; ++i) {
    ctx.checkCancelled();
    const Map resolved = paramsAt(sizes[i]);
    if (i == 0 && ctx.flag("warmup")) timedRun(resolved, sizes[i]);
    std::vector<double> wall, cpu, pcpu, cnt;
    double mem = 0.0;
    for (std::size_t r = 0; r < repeats; ++r) {
      double c = 0.0;
      const Measurement m = timedRun(resolved, sizes[i], counted ? &c : nullptr);
      cnt.push_back(c);
      wall.push_back(m.wall_seconds);
      cpu.push_back(m.cpu_seconds);
      pcpu.push_back(m.process_cpu_seconds);
      mem = std::isnan(m.peak_bytes) ? NAN : std::max(mem, m.peak_bytes);
      ctx.checkCancelled();
    }
    wall_min[i] = *std::min_element(wall.begin(), wall.end());
    cpu_min[i] = *std::min_element(cpu.begin(), cpu.end());
    wall_med[i] = median(wall);
    cpu_med[i] = median(cpu);
    pcpu_med[i] = median(pcpu);
    peak[i] = mem;
    counts[i] = median(cnt);
    ctx.metric("cpu_seconds", sizes[i], cpu_med[i]);
    ctx.metric("wall_seconds", sizes[i], wall_med[i]);
    ctx.progress(static_cast<double>(i + 1) / static_cast<double>(n),
                 "size " + formatCompact(sizes[i]));
  }

  const Vector& cost = counted                   ? counts
                       : fit_on == "cpu"         ? cpu_med
                       : fit_on == "process_cpu" ? pcpu_med
                                                 : wall_med;
  if ((cost.array() <= 0).any())
    throw Error(ErrorCode::RunFailed,
                counted ? "'" + count_name + "' is not positive at every size: no power law fits"
                        : "a run took no measurable " + fit_on + " time; use larger sizes",
                {}, counted ? "count" : "sizes");
  const ScalingFit fit = fitPowerLaw(sizes, cost);
  ctx.output("exponent", fit.exponent);
  ctx.output("exponent_stderr", fit.exponent_stderr);
  ctx.output("r_squared", fit.r_squared);
  ctx.output("prefactor", fit.prefactor);
  ctx.output("sizes", sizes);
  ctx.output("cpu_seconds", cpu_med);
  ctx.output("process_cpu_seconds", pcpu_med);
  ctx.output("wall_seconds", wall_med);
  ctx.output("peak_memory_bytes", peak);
  if (counted) ctx.output("counts", counts);
  Table t;
  t.columns = {"size",       "wall_min",           "wall_median",   "cpu_min",
               "cpu_median", "process_cpu_median", "peak_memory_mb"};
  t.data = {
      sizes, wall_min, wall_med, cpu_min, cpu_med, pcpu_med, Vector(peak / (1024.0 * 1024.0))};
  ctx.output("table", std::move(t));

  ctx.setMethod(
      "loglog_fit_" + fit_on,
      "least squares of log(" + (counted ? "counted " + count_name : "median " + fit_on + " time") +
          ") on log(size) over " + std::to_string(n) + " sizes x " + std::to_string(repeats) +
          " repeats; the task runs in-process "
          "without the result cache");
  ctx.diagnostic("target", target.label);
  ctx.diagnostic("param", param.empty() ? Value() : Value(param));
  ctx.diagnostic("repeats", static_cast<std::int64_t>(repeats));
  ctx.diagnostic("threads", ctx.threads());
  ctx.diagnostic("memory_method", meter.memoryMethod());
  ctx.diagnostic("measurement",
                 "wall time, CPU time of the calling thread (which runs the task) and of the whole "
                 "process, around "
                 "the task's run only (generated inputs and param validation excluded); peak "
                 "memory = growth of the "
                 "resident high-water mark over the RSS before the run. Process CPU and memory are "
                 "process-wide: "
                 "other steps running concurrently add to them");
  if (n > 2 && fit.r_squared < 0.9)
    ctx.warn("the power law fits poorly (R^2 = " + formatCompact(fit.r_squared) +
             "): the cost is not one power of the size "
             "over this range, or the timings are noisy (more repeats, larger sizes)");
  if (!counted && cost.minCoeff() < 1e-3)
    ctx.warn("runs under 1 ms (smallest " + formatCompact(cost.minCoeff()) +
             " s) are dominated by fixed overheads; the "
             "exponent reflects larger sizes better");
}

TaskSpec profileTask() {
  TaskSpec t;
  t.id = "profile";
  t.summary =
      "Time and peak memory of a step over problem sizes, with the fitted scaling exponent.";
  t.doc =
      "Re-runs the `target` (a step: `{\"step\": \"ID\"}`, or `{\"agent\", \"task\", \"params\"}`) "
      "once per size "
      "with `param` set to the size (an integer param gets an integer), `repeats` times each after "
      "one warm-up run, "
      "directly and never from the result cache. Inputs that must grow with the size (a matrix for "
      "linear_algebra.solve) come from `generate`: tasks run untimed per size whose output feeds a "
      "target param, "
      "e.g. `{\"agent\": \"linear_algebra\", \"task\": \"matrix\", \"params\": {\"kind\": "
      "\"random\"}, \"size\": "
      "\"n\", \"output\": \"A\", \"to\": \"A\"}`. Reports the min and median wall and CPU time per "
      "size, the "
      "CPU time of the whole process, the growth of the peak resident memory, and the exponent p "
      "of time ~ C size^p by log-log least squares with "
      "its standard error and R^2. With `fit: \"count\"` the exponent comes from a count "
      "the task reports itself (e.g. `nfev`): the same on every machine and under any load. "
      "Live series: cpu_seconds and wall_seconds against the size.";
  t.params = {
      ParamSpec::make("target", ParamType::Map)
          .req()
          .describe("The work to profile: {\"step\": \"ID\"} or {\"agent\": ..., \"task\": ..., "
                    "\"params\": {...}}."),
      ParamSpec::make("param", ParamType::String)
          .describe("Param path of the target set to each size, e.g. \"n\" or \"constants.n\"."),
      ParamSpec::make("sizes", ParamType::Vector)
          .req()
          .describe("Problem sizes (at least 2, positive)."),
      ParamSpec::make("generate", ParamType::Any)
          .describe("Inputs built per size, untimed: a list of {agent, task, params, size (its "
                    "size param), output, to "
                    "(the target param it feeds)}."),
      ParamSpec::make("repeats", ParamType::Integer)
          .def(3)
          .range(1, 1000)
          .describe("Timed runs per size."),
      ParamSpec::make("warmup", ParamType::Boolean)
          .def(true)
          .describe("One untimed run at the first size first."),
      ParamSpec::make("fit", ParamType::Choice)
          .oneOf({"cpu", "process_cpu", "wall", "count"})
          .def("cpu")
          .describe("What the exponent is fitted on: CPU time of the thread running the task "
                    "(robust to a loaded machine), of the whole process (counts thread-pool and "
                    "BLAS helper threads, and their spin-waiting), wall time, or `count`: the work "
                    "the task counts itself (see `count`): deterministic, independent of load."),
      ParamSpec::make("count", ParamType::String)
          .describe(
              "With fit \"count\": the target's output or diagnostic that counts its work, e.g. "
              "\"nfev\" (ode_pde.ivp), \"neval\" (integration)."),
  };
  t.outputs = {
      {"exponent", ValueKind::Scalar, "p in time ~ C * size^p."},
      {"exponent_stderr", ValueKind::Scalar, "Standard error of p (NaN with two sizes)."},
      {"r_squared", ValueKind::Scalar, "R^2 of the log-log fit."},
      {"prefactor", ValueKind::Scalar, "C, seconds (fit: count: counted units)."},
      {"sizes", ValueKind::Vector, "The sizes."},
      {"cpu_seconds", ValueKind::Vector,
       "Median CPU time of the thread running the task, per size."},
      {"process_cpu_seconds", ValueKind::Vector, "Median CPU time of the whole process, per size."},
      {"wall_seconds", ValueKind::Vector, "Median wall time per size."},
      {"peak_memory_bytes", ValueKind::Vector,
       "Largest growth of the peak RSS per size (NaN when unavailable)."},
      {"counts", ValueKind::Vector, "fit: count only: the counted work per size (median)."},
      {"table", ValueKind::Table,
       "size, wall_min, wall_median, cpu_min, cpu_median, peak_memory_mb."},
  };
  t.run = [](TaskContext& ctx) { runProfile(ctx.registry(), ctx); };
  return t;
}

}  // namespace sciagents::core::agents::profiler
