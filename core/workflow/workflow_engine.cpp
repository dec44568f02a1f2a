#include "core/workflow/workflow_engine.h"

#include "core/agent/agent_registry.h"
#include "core/agent/content_key.h"
#include "core/agent/native_function.h"
#include "core/metrics/metrics_registry.h"
#include "core/runtime/parallel_blocks.h"
#include "core/runtime/thread_pool.h"
#include "core/util/clock.h"
#include "core/util/process_info.h"
#include "core/util/sha256.h"
#include "core/util/version.h"
#include "core/value/value_hash.h"
#include "core/workflow/link.h"
#include "core/workflow/nested_run_scope.h"
#include "core/workflow/result_cache.h"
#include "core/workflow/step_metrics.h"
#include "core/workflow/step_model.h"
#include "core/workflow/sweep.h"
#include "core/workflow/workflow_graph.h"
#include "core/workflow/workflow_validator.h"

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <optional>

namespace sciagents::core {

namespace {

std::uint64_t splitmix64(std::uint64_t x) {
  x += 0x9e3779b97f4a7c15ull;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
  return x ^ (x >> 31);
}

std::uint64_t fnv1a(std::string_view s) {
  std::uint64_t h = 0xcbf29ce484222325ull;
  for (unsigned char c : s) h = (h ^ c) * 0x100000001b3ull;
  return h;
}

// The content address of one run of a task: agent, version, task, seed and every resolved value,
// plus the content of the files the task reads (TaskSpec::content_key). content_key gets the params
// with one more entry (core/agent/content_key.h): RunOptions::base_dir, so it resolves relative
// file paths exactly as the run will (the base folder itself is not part of the key).
std::string stepKey(const AgentSpec& agent, const TaskSpec& task, std::uint64_t seed,
                    const Map& params, const std::string& base_dir) {
  Sha256 h;
  h.update("sciagents-step-v1\n" + agent.id + "\n" + agent.version + "\n" + task.id + "\n");
  h.update(&seed, sizeof seed);
  hashValue(h, Value(params));
  if (task.content_key) {
    Map located = params;
    located[std::string(kContentKeyBaseDir)] = base_dir;
    h.update("content\n" + task.content_key(located));
  }
  return h.hexDigest();
}

// Forwards events to the user's listener one at a time.
class SerialListener final : public TaskObserver {
 public:
  explicit SerialListener(RunListener* l) : m_l(l) {}
  void progress(std::string_view step, double f, std::string_view msg) override {
    if (!m_l) return;
    std::lock_guard lock(m_mutex);
    m_l->progress(step, f, msg);
  }
  void metric(std::string_view step, std::string_view series, double x, double y) override {
    if (!m_l) return;
    std::lock_guard lock(m_mutex);
    m_l->metric(step, series, x, y);
  }
  void started(const Step& s) {
    if (!m_l) return;
    std::lock_guard lock(m_mutex);
    m_l->stepStarted(s.id, s.agent, s.task);
  }
  void finished(const StepResult& r) {
    if (!m_l) return;
    std::lock_guard lock(m_mutex);
    m_l->stepFinished(r);
  }

 private:
  RunListener* m_l;
  std::mutex m_mutex;
};

struct PointOutcome {
  Map outputs;
  Map diagnostics;
  nlohmann::json provenance;
  bool cached = false;
  bool failed = false;
  std::string error;
  ErrorCode code = ErrorCode::RunFailed;
  std::string key;
  Map params;
};

class Run {
 public:
  Run(const Workflow& w, const AgentRegistry& r, const RunOptions& o)
      : m_w(w),
        m_opts(o),
        m_nested{&o, &r, currentNestedRunContext() ? currentNestedRunContext()->depth + 1 : 0},
        m_threads(o.threads > 0 ? o.threads : ThreadPool::defaultThreads()),
        m_listener(o.listener),
        m_metrics(o.metrics ? *o.metrics : metrics::MetricsRegistry::global()),
        m_cancel(o.cancel ? o.cancel : std::make_shared<std::atomic<bool>>(false)) {
    if (o.use_cache)
      m_cache = std::make_unique<ResultCache>(
          o.cache_dir.empty() ? ResultCache::defaultDir() : o.cache_dir,
          o.cache_max_bytes ? o.cache_max_bytes : ResultCache::defaultMaxBytes());
    for (std::size_t i = 0; i < w.steps.size(); ++i)
      m_steps.emplace_back();  // deque: atomics don't move
    for (std::size_t i = 0; i < w.steps.size(); ++i) m_index[w.steps[i].id] = i;
    for (std::size_t i = 0; i < w.steps.size(); ++i) {
      StepState& s = m_steps[i];
      s.step = &w.steps[i];
      s.agent = r.agent(s.step->agent);
      s.task = s.agent ? s.agent->task(s.step->task) : nullptr;
      s.result.id = s.step->id;
      s.result.agent = s.step->agent;
      s.result.task = s.step->task;
    }
    const WorkflowGraph graph(w);
    for (std::size_t i = 0; i < w.steps.size(); ++i) {
      m_steps[i].waiting = graph.upstream(i).size();
      m_steps[i].dependents = graph.downstream(i);
    }
  }

  RunResult execute() {
    const std::int64_t t0 = unixMicros();
    {
      ThreadPool pool(m_threads);
      m_pool = &pool;
      std::unique_lock lock(m_mutex);
      for (std::size_t i = 0; i < m_steps.size(); ++i)
        if (m_steps[i].waiting == 0) launch(i);
      m_cv.wait(lock, [this] { return m_finished == m_steps.size(); });
      m_pool = nullptr;
    }  // joins the workers
    if (m_cache) m_cache->enforceLimit();

    RunResult out;
    out.workflow = m_w.name;
    out.wall_seconds = static_cast<double>(unixMicros() - t0) / 1e6;
    out.status = StepStatus::Succeeded;
    for (auto& s : m_steps) {
      if (s.result.status == StepStatus::Cancelled)
        out.status = StepStatus::Cancelled;
      else if (s.result.status != StepStatus::Succeeded && out.status == StepStatus::Succeeded)
        out.status = StepStatus::Failed;
      out.steps.push_back(std::move(s.result));
    }
    return out;
  }

 private:
  struct StepState {
    const Step* step = nullptr;
    const AgentSpec* agent = nullptr;
    const TaskSpec* task = nullptr;
    std::vector<std::size_t> dependents;
    std::size_t waiting = 0;
    bool done = false;
    StepResult result;
    std::vector<nlohmann::json> point_params;
    std::vector<std::size_t> point_index;   // global sweep index of each point (sharding)
    std::vector<std::uint64_t> point_seed;  // what the point's seed derives from
    std::vector<std::size_t> same_as;       // a repeated point: the first point like it
    Value sweep_design;                     // a design sweep's matrix
    std::optional<SweepPoints> sweep_points;
    std::vector<PointOutcome> points;
    std::atomic<std::size_t> remaining{0};
  };

  // Called with m_mutex held.
  void launch(std::size_t i) {
    m_steps[i].result.status = StepStatus::Running;
    m_pool->submit([this, i] { begin(i); });
  }

  void begin(std::size_t i) {
    StepState& s = m_steps[i];
    s.result.start_us = unixMicros();
    if (m_cancel->load()) {
      s.result.status = StepStatus::Cancelled;
      s.result.error = "cancelled before it started";
      s.result.error_code = ErrorCode::Cancelled;
      complete(i);
      return;
    }
    m_listener.started(*s.step);
    s.point_index.clear();
    s.sweep_points.reset();
    if (!s.step->sweep) {
      s.point_index.push_back(0);
    } else {
      try {
        if (s.step->sweep->mode == SweepSpec::Mode::Design)
          s.sweep_design = resolveLinks(
              nlohmann::json{{"from", s.step->sweep->design_from}},
              [this](const std::string& st, const std::string& o) { return lookup(st, o); });
        s.sweep_points.emplace(*s.step->sweep, &s.sweep_design);
      } catch (const Error& e) {
        s.result.status = StepStatus::Failed;
        s.result.error =
            Error(ErrorCode::InvalidInput, e.bareMessage(), s.step->id, "sweep").what();
        s.result.error_code = ErrorCode::InvalidInput;
        complete(i);
        return;
      }
      const std::size_t count = std::max<std::size_t>(1, m_opts.shard_count);
      for (std::size_t g = m_opts.shard_index % count; g < s.sweep_points->size(); g += count)
        s.point_index.push_back(g);
    }
    const std::size_t n = s.point_index.size();
    s.point_params.assign(n, s.step->params);
    s.point_seed.assign(s.point_index.begin(), s.point_index.end());
    s.same_as.resize(n);
    std::map<std::string, std::size_t> first_with;  // a point's params -> its first point
    for (std::size_t p = 0; p < n; ++p) {
      s.same_as[p] = p;
      if (!s.sweep_points) continue;
      std::string err;
      if (!s.sweep_points->apply(s.point_params[p], s.point_index[p], &err)) continue;  // runPoint
      if (s.step->sweep->mode == SweepSpec::Mode::One) continue;
      // Grid, zip and design points take their seed from their values, not their position: a
      // point repeated in the sweep, or met again in another sweep, is the same computation,
      // computed once and otherwise served from the cache.
      nlohmann::json values = nlohmann::json::object();  // by path: the order written is no part
      for (std::size_t c = 0; c < s.sweep_points->paths().size(); ++c)
        values[s.sweep_points->paths()[c]] = s.sweep_points->value(s.point_index[p], c);
      s.point_seed[p] = fnv1a(values.dump());
      s.same_as[p] = first_with.emplace(s.point_params[p].dump(), p).first->second;
    }
    s.points.assign(n, PointOutcome{});
    std::vector<std::size_t> todo;
    for (std::size_t p = 0; p < n; ++p)
      if (s.same_as[p] == p) todo.push_back(p);
    s.remaining.store(todo.size());
    s.result.points = n;
    if (n == 0) {  // a shard without any point of this sweep
      finalize(i);
      return;
    }
    for (std::size_t k = 1; k < todo.size(); ++k)
      m_pool->submit([this, i, p = todo[k]] { runPoint(i, p); });
    runPoint(i, todo[0]);
  }

  const Value* lookup(const std::string& step, const std::string& output) const {
    auto it = m_index.find(step);
    if (it == m_index.end()) return nullptr;
    const StepResult& r = m_steps[it->second].result;
    if (r.status != StepStatus::Succeeded) return nullptr;
    auto o = r.outputs.find(output);
    return o == r.outputs.end() ? nullptr : &o->second;
  }

  // {"step": "ID"}: the whole finished step as a map.
  Value stepValue(const std::string& step) const {
    auto it = m_index.find(step);
    if (it == m_index.end()) throw paramError("", "step reference to unknown step '" + step + "'");
    const StepState& s = m_steps[it->second];
    if (s.result.status != StepStatus::Succeeded)
      throw Error(ErrorCode::RunFailed, "referenced step '" + step + "' did not succeed");
    return Map{{"id", s.step->id},
               {"agent", s.step->agent},
               {"agent_version", s.agent->version},
               {"task", s.step->task},
               {"params", s.result.params},
               {"outputs", s.result.outputs},
               {"diagnostics", s.result.diagnostics}};
  }

  // A step-reference model: the referenced (finished) step re-run per sample; see step_model.h.
  std::unique_ptr<ModelEvaluator> stepModel(const Map& ref, const std::vector<std::string>& names) {
    const std::string id = ref.at("step").asString();
    auto it = m_index.find(id);
    if (it == m_index.end()) throw paramError("model", "model step '" + id + "' does not exist");
    const StepState& t = m_steps[it->second];
    StepModelEnv env;
    env.agent = t.agent;
    env.task = t.task;
    env.step = id;
    const bool native = mentionsNativeFunction(fromJson(t.step->params).asMap());
    env.cache = m_opts.cache_model_samples && !native ? m_cache.get() : nullptr;
    env.pool = m_pool;
    env.threads = m_threads;
    env.base_dir = m_opts.base_dir;
    env.external = m_opts.external;
    env.nested = &m_nested;
    env.seed_for = [this, &t](const Map& params) { return seedFor(t, params, 0); };
    env.key_for = [this, &t](std::uint64_t seed, const Map& params) {
      return stepKey(*t.agent, *t.task, seed, params, m_opts.base_dir);
    };
    return makeStepModel(std::move(env), ref, names);
  }

  std::uint64_t seedFor(const StepState& s, const Map& params, std::uint64_t point) const {
    if (auto it = params.find("seed");
        it != params.end() && it->second.kind() == ValueKind::Integer)
      return static_cast<std::uint64_t>(it->second.asInt());
    return splitmix64(m_opts.seed ^ fnv1a(s.step->id) ^ splitmix64(point));
  }

  nlohmann::json provenance(const StepState& s, const std::string& key, std::uint64_t seed,
                            std::int64_t start, std::int64_t end) const {
    return {{"sciagents_version", kVersion},
            {"agent", s.step->agent},
            {"agent_version", s.agent->version},
            {"task", s.step->task},
            {"params_hash", key},
            {"seed", seed},
            {"threads", m_threads},
            {"host", hostName()},
            {"pid", currentProcessId()},
            {"start", isoTimeMicros(start)},
            {"end", isoTimeMicros(end)},
            {"start_unix_us", start},
            {"end_unix_us", end}};
  }

  void runPoint(std::size_t i, std::size_t p) {
    StepState& s = m_steps[i];
    PointOutcome& out = s.points[p];
    const std::int64_t start = unixMicros();
    std::optional<TaskContext> running;
    const NestedRunScope nested(&m_nested);  // for the cache key and the task (nested workflows)
    try {
      if (m_cancel->load()) throw cancelledError();
      if (s.sweep_points) {
        std::string err;
        nlohmann::json check = s.step->params;
        if (!s.sweep_points->apply(check, s.point_index[p], &err))
          throw Error(ErrorCode::InvalidInput, err, s.step->id, "sweep");
      }
      const Value given = resolveLinks(
          s.point_params[p],
          [this](const std::string& st, const std::string& o) { return lookup(st, o); }, {},
          [this](const std::string& st) { return stepValue(st); });
      Map params = s.task->resolveParams(given.asMap());
      if (!s.step->sweep) out.params = params;
      const std::uint64_t seed = seedFor(s, params, s.point_seed[p]);
      out.key = stepKey(*s.agent, *s.task, seed, params, m_opts.base_dir);
      // A study shard evaluating a block of rows has no real result to cache or to take from it.
      ModelShard* study = s.step->sweep ? nullptr : m_opts.model_shard.get();
      const bool partial =
          study && study->partial() && study->appliesTo(s.step->agent, s.step->task);
      // A native function (a Python callable) can change without its name changing.
      const bool cacheable = m_cache && !partial && !mentionsNativeFunction(params);
      if (cacheable) {
        if (auto hit = m_cache->load(out.key)) {
          out.outputs = std::move(hit->outputs);
          out.diagnostics = std::move(hit->diagnostics);
          out.provenance = provenance(s, out.key, seed, start, unixMicros());
          out.provenance["cached"] = true;
          out.provenance["computed"] = std::move(hit->provenance);
          out.cached = true;
          pointDone(i);
          return;
        }
      }
      if (m_opts.before_step) m_opts.before_step(*s.step, *s.task, params);
      TaskContext& ctx = running.emplace(*s.task, std::move(params), s.step->id);
      ctx.setObserver(&m_listener);
      ctx.setCancelFlag(m_cancel);
      ctx.setSeed(seed);
      ctx.setThreads(m_threads);
      ctx.setBaseDir(m_opts.base_dir);
      ctx.setExternalPolicy(m_opts.external);
      ctx.setRegistry(m_nested.registry);
      ctx.setStepModelFactory([this](const Map& ref, const std::vector<std::string>& names) {
        return stepModel(ref, names);
      });
      try {
        const ModelShard::Scope scope(study);
        const RunPoolScope pool(m_pool);  // the task's parallel loops borrow the run's threads
        s.task->run(ctx);
      } catch (const ModelShardDone& done) {  // this process's block of the study is saved
        out.diagnostics = done.diagnostics();
        out.provenance = provenance(s, out.key, seed, start, unixMicros());
        pointDone(i);
        return;
      }
      ctx.checkCancelled();  // a task that noticed nothing still must not report a cancelled run as
                             // done
      out.outputs = ctx.takeOutputs();
      out.diagnostics = ctx.takeDiagnostics();
      out.provenance = provenance(s, out.key, seed, start, unixMicros());
      if (cacheable) m_cache->store(out.key, {out.outputs, out.diagnostics, out.provenance});
    } catch (const Error& e) {
      out.failed = true;
      out.code = e.code();
      out.error = Error(e.code(), e.bareMessage(), s.step->id, e.param()).what();
    } catch (const std::exception& e) {
      out.failed = true;
      out.error = Error(ErrorCode::RunFailed, e.what(), s.step->id).what();
    }
    // A failed task keeps the diagnostics it recorded before failing (t reached, iterations...).
    if (out.failed && running) out.diagnostics = running->takeDiagnostics();
    pointDone(i);
  }

  void pointDone(std::size_t i) {
    if (m_steps[i].remaining.fetch_sub(1) == 1) finalize(i);
  }

  // All points of step i are done: assemble its result.
  void finalize(std::size_t i) {
    StepState& s = m_steps[i];
    StepResult& r = s.result;
    r.end_us = unixMicros();
    r.wall_seconds = static_cast<double>(r.end_us - r.start_us) / 1e6;
    for (std::size_t p = 0; p < s.points.size(); ++p)
      if (const std::size_t q = s.same_as[p]; q != p) {
        s.points[p] = s.points[q];
        s.points[p].cached = !s.points[p].failed;
        s.points[p].provenance["same_as_point"] = s.point_index[q];
      }
    const PointOutcome* failed = nullptr;
    for (const auto& pt : s.points)
      if (pt.failed &&
          (!failed || (failed->code == ErrorCode::Cancelled && pt.code != ErrorCode::Cancelled)))
        failed = &pt;
    if (failed) {
      r.status = failed->code == ErrorCode::Cancelled ? StepStatus::Cancelled : StepStatus::Failed;
      r.error = failed->error;
      r.error_code = failed->code;
      r.diagnostics = failed->diagnostics;  // partial figures of the failed attempt
      if (s.points.size() > 1) {
        const auto nfailed =
            std::count_if(s.points.begin(), s.points.end(), [](auto& p) { return p.failed; });
        r.error += " (" + std::to_string(nfailed) + " of " + std::to_string(s.points.size()) +
                   " sweep points failed)";
      }
    } else {
      r.status = StepStatus::Succeeded;
      r.cached_points = static_cast<std::size_t>(
          std::count_if(s.points.begin(), s.points.end(), [](auto& p) { return p.cached; }));
      r.cached = r.cached_points == s.points.size();
      if (!s.step->sweep) {
        r.outputs = std::move(s.points[0].outputs);
        r.diagnostics = std::move(s.points[0].diagnostics);
        r.params = std::move(s.points[0].params);
        r.provenance = std::move(s.points[0].provenance);
      } else {
        gatherSweep(s);
      }
    }
    s.points.clear();
    s.point_params.clear();
    complete(i);
  }

  void gatherSweep(StepState& s) {
    StepResult& r = s.result;
    const SweepSpec& sweep = *s.step->sweep;
    const nlohmann::json sweep_prov = {{"param", sweep.label()}, {"points", s.points.size()}};
    r.diagnostics["sweep_param"] = sweep.mode == SweepSpec::Mode::One ? sweep.param : sweep.label();
    if (sweep.mode != SweepSpec::Mode::One) {
      List paths;
      for (const auto& p : sweep.paths()) paths.emplace_back(p);
      r.diagnostics["sweep_params"] = std::move(paths);
    }
    if (s.points.empty()) {  // an empty shard: nothing but the shape of a sweep result
      r.diagnostics["points"] = List{};
      r.provenance = {{"sweep", sweep_prov}};
      addShard(r);
      return;
    }
    for (const auto& [name, v] : s.points[0].outputs) {
      List items;
      items.reserve(s.points.size());
      for (auto& pt : s.points) items.push_back(std::move(pt.outputs[name]));
      r.outputs[name] = std::move(items);
    }
    List diags;
    for (auto& pt : s.points) diags.emplace_back(std::move(pt.diagnostics));
    r.diagnostics["points"] = std::move(diags);
    addSweepValues(s);
    r.provenance = s.points[0].provenance;
    r.provenance.erase("same_as_point");
    r.provenance["start"] = isoTimeMicros(r.start_us);
    r.provenance["end"] = isoTimeMicros(r.end_us);
    r.provenance["start_unix_us"] = r.start_us;
    r.provenance["end_unix_us"] = r.end_us;
    r.provenance["sweep"] = sweep_prov;
    if (s.points.size() <= 1000) {
      nlohmann::json hashes = nlohmann::json::array();
      for (const auto& pt : s.points) hashes.push_back(pt.key);
      r.provenance["params_hashes"] = hashes;
    }
    addShard(r);
  }

  // The swept values as outputs: `sweep_values` (a one-param sweep: a vector; several: a matrix,
  // one row per point, one column per param) when numeric, and `sweep_table` (several params), one
  // row per point: a column per swept param, then every output that is a number, or a vector of at
  // most 8 numbers ("y_final[0]"), at every point.
  void addSweepValues(StepState& s) {
    StepResult& r = s.result;
    const SweepPoints& pts = *s.sweep_points;
    const auto n = static_cast<Eigen::Index>(s.point_index.size());
    const auto d = static_cast<Eigen::Index>(pts.paths().size());
    Matrix values(n, d);
    bool numeric = true;
    for (Eigen::Index k = 0; k < n && numeric; ++k)
      for (Eigen::Index c = 0; c < d && numeric; ++c) {
        const auto v =
            pts.value(s.point_index[static_cast<std::size_t>(k)], static_cast<std::size_t>(c));
        numeric = v.is_number();
        if (numeric) values(k, c) = v.get<double>();
      }
    if (s.step->sweep->mode == SweepSpec::Mode::One) {
      if (numeric) r.outputs["sweep_values"] = Vector(values.col(0));
      return;
    }
    if (numeric) r.outputs["sweep_values"] = values;
    Table table;
    for (Eigen::Index c = 0; c < d; ++c) {
      table.columns.push_back(pts.paths()[static_cast<std::size_t>(c)]);
      if (numeric) {
        table.data.emplace_back(Vector(values.col(c)));
      } else {
        List texts;
        for (Eigen::Index k = 0; k < n; ++k)
          texts.emplace_back(
              pts.value(s.point_index[static_cast<std::size_t>(k)], static_cast<std::size_t>(c))
                  .dump());
        table.data.emplace_back(std::move(texts));
      }
    }
    // Numbers, and short vectors of the same length at every point (y_final: "y_final[0]", ...).
    for (const auto& [name, list] : r.outputs) {
      if (list.kind() != ValueKind::List || name == "sweep_values") continue;
      const List& items = list.asList();
      if (static_cast<Eigen::Index>(items.size()) != n) continue;
      const Value& first = items.front();
      const bool number = first.kind() == ValueKind::Scalar || first.kind() == ValueKind::Integer;
      const Eigen::Index width = number                              ? 1
                                 : first.kind() == ValueKind::Vector ? first.asVector().size()
                                                                     : 0;
      if (width < 1 || width > 8) continue;
      Matrix columns(n, width);
      bool ok = true;
      for (Eigen::Index k = 0; k < n && ok; ++k) {
        const Value& v = items[static_cast<std::size_t>(k)];
        if (number) {
          ok = v.kind() == ValueKind::Scalar || v.kind() == ValueKind::Integer;
          if (ok) columns(k, 0) = v.asDouble();
        } else {
          ok = v.kind() == ValueKind::Vector && v.asVector().size() == width;
          if (ok) columns.row(k) = v.asVector().transpose();
        }
      }
      if (!ok) continue;
      for (Eigen::Index c = 0; c < width; ++c) {
        table.columns.push_back(number ? name : name + "[" + std::to_string(c) + "]");
        table.data.emplace_back(Vector(columns.col(c)));
      }
    }
    r.outputs["sweep_table"] = std::move(table);
  }

  // In a sharded run, swept steps say which shard they are (the merge checks it).
  void addShard(StepResult& r) const {
    if (m_opts.shard_count > 1)
      r.provenance["sweep"]["shard"] = {{"index", m_opts.shard_index},
                                        {"count", m_opts.shard_count}};
  }

  void record(const StepResult& r) { recordStepMetrics(m_metrics, r); }

  // Publishes step i's final state and schedules (or skips) its dependents.
  void complete(std::size_t i) {
    record(m_steps[i].result);
    m_listener.finished(m_steps[i].result);
    std::lock_guard lock(m_mutex);
    settle(i);
    m_cv.notify_all();
  }

  // Called with m_mutex held.
  void settle(std::size_t i) {
    StepState& s = m_steps[i];
    s.done = true;
    ++m_finished;
    for (auto d : s.dependents) {
      StepState& dep = m_steps[d];
      if (dep.done || dep.result.status == StepStatus::Running) continue;
      if (s.result.status != StepStatus::Succeeded) {
        const bool cancelled = s.result.status == StepStatus::Cancelled;
        dep.result.status = cancelled ? StepStatus::Cancelled : StepStatus::Skipped;
        dep.result.error_code = cancelled ? ErrorCode::Cancelled : ErrorCode::RunFailed;
        dep.result.error = Error(dep.result.error_code,
                                 "not run: upstream step '" + s.step->id + "' " +
                                     std::string(stepStatusName(s.result.status)),
                                 dep.step->id)
                               .what();
        record(dep.result);
        m_listener.finished(dep.result);
        settle(d);
      } else if (--dep.waiting == 0) {
        launch(d);
      }
    }
  }

  const Workflow& m_w;
  const RunOptions& m_opts;
  const NestedRunContext m_nested;  // what a nested workflow step of this run inherits
  const int m_threads;
  SerialListener m_listener;
  metrics::MetricsRegistry& m_metrics;
  CancelFlag m_cancel;
  std::unique_ptr<ResultCache> m_cache;
  std::deque<StepState> m_steps;
  std::map<std::string, std::size_t, std::less<>> m_index;
  ThreadPool* m_pool = nullptr;
  std::mutex m_mutex;
  std::condition_variable m_cv;
  std::size_t m_finished = 0;
};

}  // namespace

WorkflowEngine::WorkflowEngine(const AgentRegistry& registry) : m_registry(registry) {}

RunResult WorkflowEngine::run(const Workflow& workflow, const RunOptions& options) const {
  const auto issues = validateWorkflow(workflow, m_registry);
  if (!issues.empty()) {
    std::string message = "the workflow is invalid:";
    for (const auto& issue : issues) message += "\n  " + issue.describe();
    throw Error(ErrorCode::InvalidInput, message);
  }
  return Run(workflow, m_registry, options).execute();
}

}  // namespace sciagents::core
