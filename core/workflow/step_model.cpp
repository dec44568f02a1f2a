#include "core/workflow/step_model.h"

#include "core/agent/prepared_task.h"
#include "core/agent/task_context.h"
#include "core/runtime/thread_pool.h"
#include "core/util/error.h"
#include "core/workflow/link.h"
#include "core/workflow/nested_run_scope.h"
#include "core/workflow/param_path.h"
#include "core/workflow/result_cache.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <condition_variable>
#include <limits>
#include <mutex>
#include <optional>
#include <span>
#include <sstream>
#include <utility>

namespace sciagents::core {

std::string checkModelInputPath(const nlohmann::json& raw, const TaskSpec& task,
                                const std::string& path) {
  std::string err;
  const auto p = ParamPath::parse(path, &err);
  if (!p) return "input " + err;
  if (!task.param(p->head()))
    return "input path '" + path + "': '" + p->head() + "' is not a parameter of task '" + task.id +
           "'";
  if (p->size() == 1 && !(raw.is_object() && raw.contains(p->head())))
    return {};  // a declared param left at its default
  if (!valueAtPath(raw, *p, &err))
    return "input " + err + " (the path does not exist in the step's params)";
  return {};
}

std::string setParamPath(Map& params, const std::string& path, double value) {
  std::string err;
  const auto p = ParamPath::parse(path, &err);
  if (!p || !setAtPath(params, *p, Value(value), &err)) return "input " + err;
  return {};
}

namespace {

struct Shared {
  StepModelEnv env;
  Map params;  // the template's resolved params (prepared once: see prepare())
  std::vector<std::string> inputs;
  std::vector<ParamPath> parts;           // the input paths parsed (prepare())
  std::vector<const ParamSpec*> changed;  // the params the input paths set (checked per sample)
  std::optional<std::uint64_t> seed;      // the samples' seed when no input path sets `seed`
  LinkRef output;
  std::shared_ptr<const PreparedTask>
      prepared;  // the task prepared for these inputs (TaskSpec::prepare)
  bool use_cache = true;
  std::vector<std::string> names;
  mutable std::atomic<std::size_t> runs{0}, hits{0};

  std::string outputText() const { return output.text.substr(env.step.size() + 1); }

  std::string pointText(const Matrix& x, Eigen::Index i) const {
    std::ostringstream os;
    os.precision(10);
    for (std::size_t j = 0; j < inputs.size(); ++j)
      os << (j ? ", " : "") << inputs[j] << "=" << x(i, static_cast<Eigen::Index>(j));
    return os.str();
  }

  // Once per study: the template's params resolved (defaults, normalised kinds) and checked, the
  // params the input paths change, and the seed when it does not depend on the sample. Samples then
  // only set their inputs and check the params they changed (sampleParams).
  void prepare() {
    params = env.task->resolveParams(params);
    for (const auto& path : inputs) {
      std::string err;
      auto part = ParamPath::parse(path, &err);
      if (!part) throw paramError("model", "input " + err);
      const std::string key = part->head();
      parts.push_back(std::move(*part));
      const ParamSpec* spec = env.task->param(key);
      if (spec && std::find(changed.begin(), changed.end(), spec) == changed.end())
        changed.push_back(spec);
    }
    const bool seeded = std::any_of(changed.begin(), changed.end(),
                                    [](const ParamSpec* p) { return p->name == "seed"; });
    if (!seeded) seed = env.seed_for(params);
    const PrepareTaskFn* prepare = preparedTaskFor(env.agent->id, env.task->id);
    if (prepare && seed) {
      TaskContext c(*env.task, params, env.step);
      c.setBaseDir(env.base_dir);
      c.setExternalPolicy(env.external);
      try {
        prepared = (*prepare)(c, inputs);
      } catch (const std::exception&) {
        // A template the task cannot prepare: every sample runs the task and reports the problem
        // itself, naming the sample, as without preparation.
        prepared = nullptr;
      }
    }
  }

  // The outputs of the prepared task at row i of `x` (and its diagnostics when `diagnostics` is
  // given): no params copied, resolved or read again.
  Map runPrepared(const Matrix& x, Eigen::Index i, const CancelFlag& cancel,
                  Map* diagnostics) const {
    double local[8];
    std::vector<double> many;
    double* values = local;
    if (inputs.size() > std::size(local)) {
      many.resize(inputs.size());
      values = many.data();
    }
    for (std::size_t j = 0; j < inputs.size(); ++j) values[j] = x(i, static_cast<Eigen::Index>(j));
    TaskContext c(*env.task, Map{}, env.step);
    c.setCancelFlag(cancel);
    c.setSeed(*seed);
    c.setThreads(1);
    c.setBaseDir(env.base_dir);
    c.setExternalPolicy(env.external);
    const NestedRunScope nested(env.nested);
    prepared->run(c, std::span<const double>(values, inputs.size()), diagnostics != nullptr);
    c.checkCancelled();
    ++runs;
    if (diagnostics) *diagnostics = c.takeDiagnostics();
    return c.takeOutputs();
  }

  // The params of the sample at row i of `x`: what resolveParams gives for the template with the
  // inputs set (the other params are resolved already), without resolving them all again.
  Map sampleParams(const Matrix& x, Eigen::Index i) const {
    Map given = params;
    for (std::size_t j = 0; j < inputs.size(); ++j)
      if (std::string err;
          !setAtPath(given, parts[j], Value(x(i, static_cast<Eigen::Index>(j))), &err))
        throw paramError("model", "input " + err);
    for (const ParamSpec* p : changed) {
      Value& v = given[p->name];
      v = p->normalise(v);
      if (auto problem = p->check(v); !problem.empty()) throw paramError(p->name, problem);
    }
    return given;
  }

  std::uint64_t seedOf(const Map& resolved) const { return seed ? *seed : env.seed_for(resolved); }

  // The indexed output of the template run at row i of `x` (from the cache when possible).
  Value outputAt(const Matrix& x, Eigen::Index i, const CancelFlag& cancel) const {
    if (prepared && !(use_cache && env.cache)) return indexed(runPrepared(x, i, cancel, nullptr));
    Map resolved = sampleParams(x, i);
    const std::uint64_t seed = seedOf(resolved);
    Map outputs;
    std::string key;
    std::optional<CachedResult> hit;
    if (use_cache && env.cache) {
      key = env.key_for(seed, resolved);
      hit = env.cache->load(key);
    }
    if (hit) {
      ++hits;
      outputs = std::move(hit->outputs);
    } else if (prepared) {
      Map diagnostics;
      outputs = runPrepared(x, i, cancel, &diagnostics);
      env.cache->store(key, {outputs, std::move(diagnostics),
                             nlohmann::json{{"agent", env.agent->id},
                                            {"agent_version", env.agent->version},
                                            {"task", env.task->id},
                                            {"params_hash", key},
                                            {"seed", seed},
                                            {"model_sample_of", env.step}}});
    } else {
      TaskContext c(*env.task, std::move(resolved), env.step);
      c.setCancelFlag(cancel);
      c.setSeed(seed);
      c.setThreads(1);
      c.setBaseDir(env.base_dir);
      c.setExternalPolicy(env.external);
      c.setRegistry(env.nested ? env.nested->registry : nullptr);
      const NestedRunScope nested(env.nested);
      env.task->run(c);
      c.checkCancelled();
      ++runs;
      outputs = c.takeOutputs();
      if (use_cache && env.cache)
        env.cache->store(key, {outputs, c.takeDiagnostics(),
                               nlohmann::json{{"agent", env.agent->id},
                                              {"agent_version", env.agent->version},
                                              {"task", env.task->id},
                                              {"params_hash", key},
                                              {"seed", seed},
                                              {"model_sample_of", env.step}}});
    }
    return indexed(outputs);
  }

  // The referenced (indexed) output among a run's outputs.
  Value indexed(const Map& outputs) const {
    auto o = outputs.find(output.output);
    if (o == outputs.end())
      throw paramError("model",
                       "step '" + env.step + "' produced no output '" + output.output + "'");
    try {
      return applyIndices(o->second, output);
    } catch (const std::exception& e) {
      throw paramError("model", "output '" + outputText() + "': " + e.what());
    }
  }

  // The output at row i as one number (`vector` false) or as a vector (`vector` true: a number,
  // a vector, or a matrix with one row or one column). Throws RunFailed naming the sample when a
  // value is not finite, paramError("model") when the output has the wrong shape.
  Vector evalRow(const Matrix& x, Eigen::Index i, const CancelFlag& cancel, bool vector) const {
    return toRow(outputAt(x, i, cancel), x, i, vector);
  }

  Vector toRow(Value v, const Matrix& x, Eigen::Index i, bool vector) const {
    if (v.kind() == ValueKind::Vector && v.size() == 1) v = v.asVector()[0];
    Vector y;
    if (!vector) {
      if (!v.isNumber())
        throw paramError("model", "output '" + outputText() + "' of step '" + env.step + "' is a " +
                                      std::string(v.kindName()) + " of size " +
                                      std::to_string(v.size()) +
                                      ", not one number; index it further (e.g. y[-1][0])");
      y = Vector::Constant(1, v.asDouble());
    } else {
      try {
        y = v.toVector();
      } catch (const std::exception& e) {
        throw paramError("model", "output '" + outputText() + "' of step '" + env.step +
                                      "' is not a vector at sample #" + std::to_string(i) + ": " +
                                      e.what() + "; index it to one row or column (e.g. y[-1])");
      }
    }
    for (Eigen::Index k = 0; k < y.size(); ++k)
      if (!std::isfinite(y[k]))
        throw Error(ErrorCode::RunFailed,
                    "model output " +
                        std::string(vector ? "component " + std::to_string(k) + " " : "") + "is " +
                        std::to_string(y[k]) + " at sample #" + std::to_string(i) + " (" +
                        pointText(x, i) + ")",
                    {}, "model");
    return y;
  }
};

// One batch: indices are claimed from a shared counter by the calling thread and by helpers queued
// on the pool; a helper that starts late finds nothing left and returns. With `allow_failed` a
// failed sample is recorded (its row stays empty) and the batch goes on; otherwise the lowest
// failing sample stops it.
struct Batch {
  Matrix x;
  std::vector<Vector> y;  // one output per row
  bool vector = false;
  bool allow_failed = false;
  CancelFlag cancel;
  ModelEvaluator::DoneCallback done_cb;
  std::atomic<Eigen::Index> next{0};
  std::mutex mutex;
  std::condition_variable cv;
  std::size_t finished = 0;
  std::optional<Eigen::Index>
      error_at;  // lowest failing sample: the reported error is deterministic
  std::exception_ptr error;
  std::vector<std::pair<Eigen::Index, std::string>> failed;  // allow_failed: sample and reason

  // A configuration problem (wrong output shape, bad path) is not a failed sample: it stops the
  // batch.
  static bool isConfigError(const Error& e) {
    return e.param() == "model" && e.code() == ErrorCode::InvalidInput;
  }

  std::exception_ptr sampleError(const Shared& s, Eigen::Index i, const Error& e) const {
    if (e.code() == ErrorCode::Cancelled) return std::current_exception();
    const std::string msg =
        isConfigError(e)
            ? e.bareMessage()
            : "step '" + s.env.step + "' (" + s.env.agent->id + "." + s.env.task->id +
                  ") failed at sample #" + std::to_string(i) + " (" + s.pointText(x, i) +
                  "): " + (e.param().empty() ? "" : "param '" + e.param() + "': ") +
                  e.bareMessage();
    return std::make_exception_ptr(
        Error(isConfigError(e) ? ErrorCode::InvalidInput : ErrorCode::RunFailed, msg, {}, "model"));
  }

  void drain(const Shared& s) {
    const Eigen::Index n = x.rows();
    while (true) {
      const Eigen::Index i = next.fetch_add(1);
      if (i >= n) return;
      std::exception_ptr failure;
      std::optional<std::string> soft_failure;  // allow_failed: why the sample failed
      bool skip;
      {
        std::lock_guard lock(mutex);
        skip = error_at.has_value() || (cancel && cancel->load());
      }
      if (!skip) {
        try {
          y[static_cast<std::size_t>(i)] = s.evalRow(x, i, cancel, vector);
        } catch (const Error& e) {
          if (allow_failed && e.code() != ErrorCode::Cancelled && !isConfigError(e))
            soft_failure =
                (e.param().empty() || e.param() == "model" ? "" : "param '" + e.param() + "': ") +
                e.bareMessage();
          else
            failure = sampleError(s, i, e);
        } catch (const std::exception& e) {
          if (allow_failed)
            soft_failure = e.what();
          else
            failure = std::make_exception_ptr(Error(ErrorCode::RunFailed,
                                                    "step '" + s.env.step + "' failed at sample #" +
                                                        std::to_string(i) + ": " + e.what(),
                                                    {}, "model"));
        }
      }
      std::lock_guard lock(mutex);
      if (failure && (!error_at || i < *error_at)) {
        error_at = i;
        error = failure;
      }
      if (soft_failure) failed.emplace_back(i, std::move(*soft_failure));
      ++finished;
      if (done_cb && !error_at) {
        try {
          done_cb(finished);
        } catch (...) {  // a callback must not take down a worker; cancellation is checked below
        }
      }
      if (finished == static_cast<std::size_t>(n)) cv.notify_all();
    }
  }
};

// Rows of a model evaluation (one per sample; empty for a failed one) and the failed samples.
struct RowsAndFailures {
  std::vector<Vector> rows;
  std::vector<std::pair<Eigen::Index, std::string>> failed;
};

// Templates whose task has run_batch (e.g. a vectorised Python function): the samples not in the
// cache go to the task in blocks of param sets, one block after another on the calling thread (the
// task spreads a block over the run's threads itself); results keep row order, each sample is
// cached on its own, `done` follows every block and cancellation is checked between blocks.
RowsAndFailures evaluateWithRunBatch(const Shared& s, const Matrix& x, const TaskContext& ctx,
                                     const ModelEvaluator::DoneCallback& done, bool vector,
                                     bool allow_failed) {
  const Eigen::Index n = x.rows();
  RowsAndFailures out;
  out.rows.resize(static_cast<std::size_t>(n));
  std::size_t finished = 0;
  auto notify = [&] {
    if (!done) return;
    try {
      done(finished);
    } catch (...) {  // as in Batch::drain: a callback must not stop the evaluation
    }
  };
  const std::string what =
      "step '" + s.env.step + "' (" + s.env.agent->id + "." + s.env.task->id + ")";
  // The referenced output of one sample; with allow_failed a failed (non-finite) sample is
  // recorded and its row left empty.
  auto read = [&](Eigen::Index i, const Map& outputs) {
    auto& row = out.rows[static_cast<std::size_t>(i)];
    try {
      row = s.toRow(s.indexed(outputs), x, i, vector);
    } catch (const Error& e) {
      if (!allow_failed || e.code() != ErrorCode::RunFailed) throw;
      out.failed.emplace_back(i, e.bareMessage());
      row = Vector();
    }
  };

  std::vector<Map> sets(static_cast<std::size_t>(n));
  std::vector<std::uint64_t> seeds(sets.size());
  std::vector<std::string> keys(sets.size());
  std::vector<Eigen::Index> todo;
  for (Eigen::Index i = 0; i < n; ++i) {
    const auto k = static_cast<std::size_t>(i);
    sets[k] = s.sampleParams(x, i);
    seeds[k] = s.seedOf(sets[k]);
    if (s.use_cache && s.env.cache) {
      keys[k] = s.env.key_for(seeds[k], sets[k]);
      if (auto hit = s.env.cache->load(keys[k])) {
        ++s.hits;
        read(i, hit->outputs);
        ++finished;
        continue;
      }
    }
    todo.push_back(i);
  }
  if (finished > 0) notify();
  const auto m = static_cast<Eigen::Index>(todo.size());
  // About eight blocks (progress and cancellation between them), at least 256 samples each so a
  // vectorised call still gets long arrays, at most 8192.
  const Eigen::Index block =
      std::clamp<Eigen::Index>((m + 7) / 8, std::min<Eigen::Index>(m, 256), 8192);
  for (Eigen::Index b = 0; b < m; b += block) {
    ctx.checkCancelled();
    const Eigen::Index e = std::min(m, b + block);
    std::vector<Map> part;
    for (Eigen::Index t = b; t < e; ++t) part.push_back(sets[static_cast<std::size_t>(todo[t])]);
    const auto first = static_cast<std::size_t>(todo[b]);
    TaskContext c(*s.env.task, part.front(), s.env.step);
    c.setCancelFlag(ctx.cancelFlag());
    c.setSeed(seeds[first]);
    c.setThreads(s.env.threads);
    c.setBaseDir(s.env.base_dir);
    c.setExternalPolicy(s.env.external);
    c.setRegistry(s.env.nested ? s.env.nested->registry : nullptr);
    std::vector<Map> outs;
    try {
      const NestedRunScope nested(s.env.nested);
      outs = s.env.task->run_batch(c, part);
      c.checkCancelled();
    } catch (const Error& err) {
      if (err.code() == ErrorCode::Cancelled) throw;
      throw Error(ErrorCode::RunFailed,
                  what + " failed in samples #" + std::to_string(todo[b]) + "..#" +
                      std::to_string(todo[e - 1]) + ": " +
                      (err.param().empty() ? "" : "param '" + err.param() + "': ") +
                      err.bareMessage(),
                  {}, "model");
    } catch (const std::exception& err) {
      throw Error(ErrorCode::RunFailed,
                  what + " failed in samples #" + std::to_string(todo[b]) + "..#" +
                      std::to_string(todo[e - 1]) + ": " + err.what(),
                  {}, "model");
    }
    if (outs.size() != part.size())
      throw Error(ErrorCode::RunFailed,
                  "internal: " + what + " returned " + std::to_string(outs.size()) +
                      " results for " + std::to_string(part.size()) + " samples",
                  {}, "model");
    s.runs += part.size();
    for (Eigen::Index t = b; t < e; ++t) {
      const Eigen::Index i = todo[t];
      const auto k = static_cast<std::size_t>(i);
      Map& outputs = outs[static_cast<std::size_t>(t - b)];
      read(i, outputs);
      const bool ok = out.failed.empty() || out.failed.back().first != i;
      if (s.use_cache && s.env.cache && ok)  // a failed sample is never cached
        s.env.cache->store(keys[k], {outputs, Map{},
                                     nlohmann::json{{"agent", s.env.agent->id},
                                                    {"agent_version", s.env.agent->version},
                                                    {"task", s.env.task->id},
                                                    {"params_hash", keys[k]},
                                                    {"seed", seeds[k]},
                                                    {"model_sample_of", s.env.step}}});
    }
    finished += part.size();
    notify();
  }
  ctx.checkCancelled();
  std::sort(out.failed.begin(), out.failed.end());
  return out;
}

class StepModel final : public ModelEvaluator {
 public:
  explicit StepModel(std::shared_ptr<Shared> s) : m_s(std::move(s)) {}

  Vector evaluate(const Matrix& points, const TaskContext& ctx, const DoneCallback& done) override {
    const Matrix y = run(points, ctx, done, false);
    return y.rows() == 0 ? Vector() : Vector(y.col(0));
  }

  Matrix evaluateVector(const Matrix& points, const TaskContext& ctx,
                        const DoneCallback& done) override {
    return run(points, ctx, done, true);
  }

  std::string describe() const override {
    std::string in;
    for (const auto& p : m_s->inputs) in += (in.empty() ? "" : ", ") + p;
    return "step '" + m_s->env.step + "' (" + m_s->env.agent->id + "." + m_s->env.task->id +
           ") with inputs " + in + ", output " + m_s->outputText();
  }

  Map diagnostics() const override {
    List inputs;
    for (const auto& p : m_s->inputs) inputs.emplace_back(p);
    Map m{{"kind", "step"},
          {"step", m_s->env.step},
          {"agent", m_s->env.agent->id},
          {"task", m_s->env.task->id},
          {"input", std::move(inputs)},
          {"output", m_s->outputText()},
          {"evaluations", static_cast<std::int64_t>(m_evaluations)},
          {"runs", static_cast<std::int64_t>(m_s->runs.load())},
          {"cache_hits", static_cast<std::int64_t>(m_s->hits.load())},
          {"threads", m_s->env.threads},
          {"prepared", m_s->prepared != nullptr}};
    if (m_failed_total > 0) {
      m["failed_samples"] = static_cast<std::int64_t>(m_failed_total);
      m["first_failure"] = m_first_failure;
    }
    return m;
  }

 private:
  // Runs the rows of `points` in parallel; row i of the result is the output at row i (one column
  // unless `vector`). Failed rows are NaN and listed in m_failed when failed samples are allowed.
  Matrix run(const Matrix& points, const TaskContext& ctx, const DoneCallback& done, bool vector) {
    if (static_cast<std::size_t>(points.cols()) != m_s->inputs.size())
      throw Error(ErrorCode::RunFailed, "internal: model called with the wrong number of columns");
    m_failed.clear();
    if (m_s->env.task->run_batch) {  // the task's own batch path (e.g. a vectorised function)
      const auto r = evaluateWithRunBatch(*m_s, points, ctx, done, vector, m_allow_failed);
      m_evaluations += static_cast<std::size_t>(points.rows());
      if (points.rows() == 0) return Matrix(0, vector ? 0 : 1);
      return assemble(points, r.rows, r.failed, vector);
    }
    auto batch = std::make_shared<Batch>();
    batch->x = points;
    const Eigen::Index n = points.rows();
    batch->y.resize(static_cast<std::size_t>(n));
    batch->vector = vector;
    batch->allow_failed = m_allow_failed;
    batch->cancel = ctx.cancelFlag();
    batch->done_cb = done;
    if (n == 0) return Matrix(0, vector ? 0 : 1);
    const int helpers =
        m_s->env.pool ? static_cast<int>(std::min<Eigen::Index>(m_s->env.threads - 1, n - 1)) : 0;
    for (int h = 0; h < helpers; ++h) m_s->env.pool->submit([batch, s = m_s] { batch->drain(*s); });
    batch->drain(*m_s);
    std::exception_ptr error;
    std::vector<std::pair<Eigen::Index, std::string>> failed;
    {
      std::unique_lock lock(batch->mutex);
      batch->cv.wait(lock, [&] { return batch->finished == static_cast<std::size_t>(n); });
      // Taken out of the batch: a helper's task may release the batch later, and the exception
      // object must not be freed on that thread while this one still reads it.
      error = std::exchange(batch->error, nullptr);
      failed = std::move(batch->failed);
    }
    if (error) std::rethrow_exception(error);
    ctx.checkCancelled();
    m_evaluations += static_cast<std::size_t>(n);
    std::sort(failed.begin(), failed.end());
    return assemble(batch->x, batch->y, failed, vector);
  }

  // Stacks the rows (all of one length, else an error naming the first sample that differs) and
  // records the failed ones.
  Matrix assemble(const Matrix& x, const std::vector<Vector>& rows,
                  const std::vector<std::pair<Eigen::Index, std::string>>& failed, bool vector) {
    const auto n = static_cast<Eigen::Index>(rows.size());
    // Every sample failed: the rows are NaN when their length is known (one number, or an earlier
    // call's vector length); otherwise there is nothing to size them by.
    if (static_cast<Eigen::Index>(failed.size()) == n && vector && m_width < 0)
      throw Error(ErrorCode::RunFailed,
                  "all " + std::to_string(n) + " samples of step '" + m_s->env.step +
                      "' failed; sample #" + std::to_string(failed[0].first) + " (" +
                      m_s->pointText(x, failed[0].first) + "): " + failed[0].second,
                  {}, "model");
    std::vector<bool> bad(static_cast<std::size_t>(n), false);
    for (const auto& [i, why] : failed) {
      bad[static_cast<std::size_t>(i)] = true;
      m_failed.push_back(static_cast<std::size_t>(i));
      if (m_failed_total++ == 0)
        m_first_failure =
            "sample #" + std::to_string(i) + " (" + m_s->pointText(x, i) + "): " + why;
    }
    Eigen::Index m = -1, first = -1;
    if (failed.size() == rows.size()) m = vector ? m_width : 1;
    for (Eigen::Index i = 0; i < n; ++i) {
      if (bad[static_cast<std::size_t>(i)]) continue;
      const Eigen::Index len = rows[static_cast<std::size_t>(i)].size();
      if (m < 0) {
        m = len;
        first = i;
      } else if (len != m) {
        throw paramError("model", "output '" + m_s->outputText() + "' of step '" + m_s->env.step +
                                      "' has " + std::to_string(len) + " values at sample #" +
                                      std::to_string(i) + " (" + m_s->pointText(x, i) + ") but " +
                                      std::to_string(m) + " at sample #" + std::to_string(first) +
                                      "; every sample must give the same length");
      }
    }
    if (vector) m_width = m;
    Matrix y = Matrix::Constant(n, m, std::numeric_limits<double>::quiet_NaN());
    for (Eigen::Index i = 0; i < n; ++i)
      if (!bad[static_cast<std::size_t>(i)])
        y.row(i) = rows[static_cast<std::size_t>(i)].transpose();
    return y;
  }

  std::shared_ptr<Shared> m_s;
  std::size_t m_evaluations = 0;
  std::size_t m_failed_total = 0;
  std::string m_first_failure;
  Eigen::Index m_width = -1;  // vector output length seen so far
};
}  // namespace

std::unique_ptr<ModelEvaluator> makeStepModel(StepModelEnv env, const Map& ref,
                                              const std::vector<std::string>& input_names) {
  auto s = std::make_shared<Shared>();
  s->env = std::move(env);
  s->names = input_names;
  const Value* params = ref.count("params") ? &ref.at("params") : nullptr;
  if (!params || params->kind() != ValueKind::Map)
    throw paramError("model", "step '" + s->env.step + "' has no resolved params");
  s->params = params->asMap();
  for (const auto& p : ref.at("input").asList()) s->inputs.push_back(p.asString());
  if (s->inputs.size() != input_names.size()) {
    std::string names;
    for (const auto& n : input_names) names += (names.empty() ? "" : ", ") + n;
    throw paramError(
        "model", "the model of step '" + s->env.step + "' has " + std::to_string(s->inputs.size()) +
                     " input path(s) but the task has " + std::to_string(input_names.size()) +
                     " input(s) (" + names + "); list one path per input, in the same order");
  }
  for (const auto& p : s->inputs) {
    Map probe = s->params;
    if (auto err = setParamPath(probe, p, 0.0); !err.empty()) throw paramError("model", err);
  }
  std::string err;
  auto out = parseLinkRef(s->env.step + "." + ref.at("output").asString(), &err);
  if (!out) throw paramError("model", "output: " + err);
  if (!s->env.task->output(out->output))
    throw paramError("model", "step '" + s->env.step + "' (" + s->env.agent->id + "." +
                                  s->env.task->id + ") has no output '" + out->output + "'");
  s->output = *out;
  if (auto c = ref.find("cache"); c != ref.end() && c->second.kind() == ValueKind::Bool)
    s->use_cache = c->second.asBool();
  s->prepare();
  return std::make_unique<StepModel>(std::move(s));
}

}  // namespace sciagents::core
