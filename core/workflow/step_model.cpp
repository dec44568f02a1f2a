#include "core/workflow/step_model.h"

#include "core/agent/task_context.h"
#include "core/runtime/thread_pool.h"
#include "core/util/error.h"
#include "core/workflow/link.h"
#include "core/workflow/result_cache.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <condition_variable>
#include <mutex>
#include <optional>
#include <sstream>
#include <utility>

namespace sciagents::core {

namespace {

struct PathPart {
  std::vector<std::string> keys;  // dotted components
  std::optional<std::int64_t> index;  // trailing [i]
};

std::optional<PathPart> parsePath(const std::string& path, std::string& error) {
  PathPart p;
  std::string body = path;
  if (const auto open = path.find('['); open != std::string::npos) {
    const auto close = path.find(']', open);
    if (close != path.size() - 1) {
      error = "index must come last, as in \"y0[0]\"";
      return std::nullopt;
    }
    const std::string num = path.substr(open + 1, close - open - 1);
    std::size_t used = 0;
    try {
      p.index = std::stoll(num, &used);
    } catch (const std::exception&) {
      used = 0;
    }
    if (num.empty() || used != num.size()) {
      error = "index '" + num + "' is not an integer";
      return std::nullopt;
    }
    body = path.substr(0, open);
  }
  std::size_t start = 0;
  while (true) {
    const auto dot = body.find('.', start);
    p.keys.push_back(body.substr(start, dot == std::string::npos ? std::string::npos : dot - start));
    if (p.keys.back().empty()) {
      error = "empty component";
      return std::nullopt;
    }
    if (dot == std::string::npos) break;
    start = dot + 1;
  }
  return p;
}

}  // namespace

std::string checkModelInputPath(const nlohmann::json& raw, const TaskSpec& task, const std::string& path) {
  std::string err;
  auto p = parsePath(path, err);
  if (!p) return "input path '" + path + "': " + err;
  if (!task.param(p->keys[0]))
    return "input path '" + path + "': '" + p->keys[0] + "' is not a parameter of task '" + task.id + "'";
  const nlohmann::json* cur = &raw;
  for (std::size_t k = 0; k < p->keys.size(); ++k) {
    if (!cur->is_object() || !cur->contains(p->keys[k])) {
      if (k == 0 && p->keys.size() == 1 && !p->index) return {};  // a declared param left at its default
      return "input path '" + path + "' does not exist in the step's params";
    }
    cur = &(*cur)[p->keys[k]];
  }
  if (p->index) {
    const auto n = static_cast<std::int64_t>(cur->is_array() ? cur->size() : 0);
    if (!cur->is_array() || *p->index >= n || *p->index < -n)
      return "input path '" + path + "': index out of range of the step's value";
  }
  return {};
}

std::string setParamPath(Map& params, const std::string& path, double value) {
  std::string err;
  auto p = parsePath(path, err);
  if (!p) return "input path '" + path + "': " + err;
  Map* cur = &params;
  for (std::size_t k = 0; k + 1 < p->keys.size(); ++k) {
    auto it = cur->find(p->keys[k]);
    if (it == cur->end() || it->second.kind() != ValueKind::Map)
      return "input path '" + path + "': '" + p->keys[k] + "' is not an object in the step's params";
    cur = &it->second.asMap();
  }
  Value& slot = (*cur)[p->keys.back()];
  if (!p->index) {
    slot = value;
    return {};
  }
  if (slot.kind() != ValueKind::Vector) return "input path '" + path + "': the value is not a vector";
  Vector v = slot.asVector();
  const std::int64_t n = v.size(), i = *p->index < 0 ? n + *p->index : *p->index;
  if (i < 0 || i >= n) return "input path '" + path + "': index out of range";
  v[i] = value;
  slot = std::move(v);
  return {};
}

namespace {

struct Shared {
  StepModelEnv env;
  Map params;  // the template's resolved params
  std::vector<std::string> inputs;
  LinkRef output;
  bool use_cache = true;
  std::vector<std::string> names;
  mutable std::atomic<std::size_t> runs{0}, hits{0};

  std::string pointText(const Matrix& x, Eigen::Index i) const {
    std::ostringstream os;
    os.precision(10);
    for (std::size_t j = 0; j < inputs.size(); ++j)
      os << (j ? ", " : "") << inputs[j] << "=" << x(i, static_cast<Eigen::Index>(j));
    return os.str();
  }

  double evalOne(const Matrix& x, Eigen::Index i, const CancelFlag& cancel) const {
    Map given = params;
    for (std::size_t j = 0; j < inputs.size(); ++j)
      if (auto err = setParamPath(given, inputs[j], x(i, static_cast<Eigen::Index>(j))); !err.empty())
        throw paramError("model", err);
    Map resolved = env.task->resolveParams(given);
    const std::uint64_t seed = env.seed_for(resolved);
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
    } else {
      TaskContext c(*env.task, resolved, env.step);
      c.setCancelFlag(cancel);
      c.setSeed(seed);
      c.setThreads(1);
      c.setBaseDir(env.base_dir);
      c.setExternalPolicy(env.external);
      env.task->run(c);
      c.checkCancelled();
      ++runs;
      outputs = c.takeOutputs();
      if (use_cache && env.cache)
        env.cache->store(key, {outputs, c.takeDiagnostics(),
                               nlohmann::json{{"agent", env.agent->id}, {"agent_version", env.agent->version},
                                              {"task", env.task->id}, {"params_hash", key}, {"seed", seed},
                                              {"model_sample_of", env.step}}});
    }
    auto o = outputs.find(output.output);
    if (o == outputs.end())
      throw paramError("model", "step '" + env.step + "' produced no output '" + output.output + "'");
    Value v;
    try {
      v = applyIndices(o->second, output);
    } catch (const std::exception& e) {
      throw paramError("model", "output '" + output.text.substr(env.step.size() + 1) + "': " + e.what());
    }
    if (v.kind() == ValueKind::Vector && v.size() == 1) v = v.asVector()[0];
    if (!v.isNumber())
      throw paramError("model", "output '" + output.text.substr(env.step.size() + 1) + "' of step '" + env.step +
                                    "' is a " + std::string(v.kindName()) + " of size " + std::to_string(v.size()) +
                                    ", not one number; index it further (e.g. y[-1][0])");
    const double y = v.asDouble();
    if (!std::isfinite(y))
      throw Error(ErrorCode::RunFailed, "model output is " + std::to_string(y) + " at sample #" + std::to_string(i) +
                                            " (" + pointText(x, i) + ")", {}, "model");
    return y;
  }
};

// One batch: indices are claimed from a shared counter by the calling thread and by helpers queued
// on the pool; a helper that starts late finds nothing left and returns.
struct Batch {
  Matrix x;
  Vector y;
  CancelFlag cancel;
  ModelEvaluator::DoneCallback done_cb;
  std::atomic<Eigen::Index> next{0};
  std::mutex mutex;
  std::condition_variable cv;
  std::size_t finished = 0;
  std::optional<Eigen::Index> error_at;  // lowest failing sample: the reported error is deterministic
  std::exception_ptr error;

  void drain(const Shared& s) {
    const Eigen::Index n = x.rows();
    while (true) {
      const Eigen::Index i = next.fetch_add(1);
      if (i >= n) return;
      std::exception_ptr failure;
      bool skip;
      {
        std::lock_guard lock(mutex);
        skip = error_at.has_value() || (cancel && cancel->load());
      }
      if (!skip) {
        try {
          y[i] = s.evalOne(x, i, cancel);
        } catch (const Error& e) {
          if (e.code() == ErrorCode::Cancelled) {
            failure = std::current_exception();
          } else {
            const std::string msg = e.param() == "model" && e.code() == ErrorCode::InvalidInput
                                        ? e.bareMessage()
                                        : "step '" + s.env.step + "' (" + s.env.agent->id + "." + s.env.task->id +
                                              ") failed at sample #" + std::to_string(i) + " (" + s.pointText(x, i) +
                                              "): " + (e.param().empty() ? "" : "param '" + e.param() + "': ") +
                                              e.bareMessage();
            failure = std::make_exception_ptr(Error(e.code() == ErrorCode::InvalidInput && e.param() == "model"
                                                        ? ErrorCode::InvalidInput
                                                        : ErrorCode::RunFailed,
                                                    msg, {}, "model"));
          }
        } catch (const std::exception& e) {
          failure = std::make_exception_ptr(Error(ErrorCode::RunFailed,
                                                  "step '" + s.env.step + "' failed at sample #" + std::to_string(i) +
                                                      ": " + e.what(), {}, "model"));
        }
      }
      std::lock_guard lock(mutex);
      if (failure && (!error_at || i < *error_at)) {
        error_at = i;
        error = failure;
      }
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

// Templates whose task has run_batch (e.g. a vectorised Python function): the samples not in the
// cache go to the task in blocks of param sets, one block after another on the calling thread (the
// task spreads a block over the run's threads itself); results keep row order, each sample is
// cached on its own, `done` follows every block and cancellation is checked between blocks.
Vector evaluateWithRunBatch(const Shared& s, const Matrix& x, const TaskContext& ctx,
                            const ModelEvaluator::DoneCallback& done, bool allow_failed,
                            std::vector<std::size_t>& failed) {
  const Eigen::Index n = x.rows();
  Vector y = Vector::Zero(n);
  failed.clear();
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
  auto read = [&](Eigen::Index i, const Map& outputs) {  // the referenced number of one sample
    auto o = outputs.find(s.output.output);
    if (o == outputs.end())
      throw paramError("model",
                       "step '" + s.env.step + "' produced no output '" + s.output.output + "'");
    const std::string name = s.output.text.substr(s.env.step.size() + 1);
    Value v;
    try {
      v = applyIndices(o->second, s.output);
    } catch (const std::exception& e) {
      throw paramError("model", "output '" + name + "': " + e.what());
    }
    if (v.kind() == ValueKind::Vector && v.size() == 1) v = v.asVector()[0];
    if (!v.isNumber())
      throw paramError("model", "output '" + name + "' of step '" + s.env.step + "' is a " +
                                    std::string(v.kindName()) + " of size " +
                                    std::to_string(v.size()) +
                                    ", not one number; index it further (e.g. y[-1][0])");
    const double value = v.asDouble();
    if (!std::isfinite(value) && !allow_failed)
      throw Error(ErrorCode::RunFailed,
                  "model output is " + std::to_string(value) + " at sample #" + std::to_string(i) +
                      " (" + s.pointText(x, i) + ")",
                  {}, "model");
    if (!std::isfinite(value)) failed.push_back(static_cast<std::size_t>(i));
    return value;
  };

  std::vector<Map> sets(static_cast<std::size_t>(n));
  std::vector<std::uint64_t> seeds(sets.size());
  std::vector<std::string> keys(sets.size());
  std::vector<Eigen::Index> todo;
  for (Eigen::Index i = 0; i < n; ++i) {
    Map given = s.params;
    for (std::size_t j = 0; j < s.inputs.size(); ++j)
      if (auto err = setParamPath(given, s.inputs[j], x(i, static_cast<Eigen::Index>(j)));
          !err.empty())
        throw paramError("model", err);
    const auto k = static_cast<std::size_t>(i);
    sets[k] = s.env.task->resolveParams(given);
    seeds[k] = s.env.seed_for(sets[k]);
    if (s.use_cache && s.env.cache) {
      keys[k] = s.env.key_for(seeds[k], sets[k]);
      if (auto hit = s.env.cache->load(keys[k])) {
        ++s.hits;
        y[i] = read(i, hit->outputs);
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
    std::vector<Map> outs;
    try {
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
      y[i] = read(i, outputs);
      if (s.use_cache && s.env.cache && std::isfinite(y[i]))  // a failed sample is never cached
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
  std::sort(failed.begin(), failed.end());
  return y;
}

class StepModel final : public ModelEvaluator {
 public:
  explicit StepModel(std::shared_ptr<Shared> s) : m_s(std::move(s)) {}

  Vector evaluate(const Matrix& points, const TaskContext& ctx, const DoneCallback& done) override {
    if (static_cast<std::size_t>(points.cols()) != m_s->inputs.size())
      throw Error(ErrorCode::RunFailed, "internal: model called with the wrong number of columns");
    if (m_s->env.task->run_batch) {
      Vector y = evaluateWithRunBatch(*m_s, points, ctx, done, m_allow_failed, m_failed);
      m_evaluations += static_cast<std::size_t>(points.rows());
      return y;
    }
    auto batch = std::make_shared<Batch>();
    batch->x = points;
    batch->y = Vector::Zero(points.rows());
    batch->cancel = ctx.cancelFlag();
    batch->done_cb = done;
    const Eigen::Index n = points.rows();
    if (n == 0) return batch->y;
    const int helpers = m_s->env.pool ? static_cast<int>(std::min<Eigen::Index>(m_s->env.threads - 1, n - 1)) : 0;
    for (int h = 0; h < helpers; ++h) m_s->env.pool->submit([batch, s = m_s] { batch->drain(*s); });
    batch->drain(*m_s);
    std::exception_ptr error;
    {
      std::unique_lock lock(batch->mutex);
      batch->cv.wait(lock, [&] { return batch->finished == static_cast<std::size_t>(n); });
      // Taken out of the batch: a helper's task may release the batch later, and the exception
      // object must not be freed on that thread while this one still reads it.
      error = std::exchange(batch->error, nullptr);
    }
    if (error) std::rethrow_exception(error);
    ctx.checkCancelled();
    m_evaluations += static_cast<std::size_t>(n);
    return batch->y;
  }

  std::string describe() const override {
    std::string in;
    for (const auto& p : m_s->inputs) in += (in.empty() ? "" : ", ") + p;
    return "step '" + m_s->env.step + "' (" + m_s->env.agent->id + "." + m_s->env.task->id + ") with inputs " + in +
           ", output " + m_s->output.text.substr(m_s->env.step.size() + 1);
  }

  Map diagnostics() const override {
    List inputs;
    for (const auto& p : m_s->inputs) inputs.emplace_back(p);
    return Map{{"kind", "step"},
               {"step", m_s->env.step},
               {"agent", m_s->env.agent->id},
               {"task", m_s->env.task->id},
               {"input", std::move(inputs)},
               {"output", m_s->output.text.substr(m_s->env.step.size() + 1)},
               {"evaluations", static_cast<std::int64_t>(m_evaluations)},
               {"runs", static_cast<std::int64_t>(m_s->runs.load())},
               {"cache_hits", static_cast<std::int64_t>(m_s->hits.load())},
               {"threads", m_s->env.threads}};
  }

 private:
  std::shared_ptr<Shared> m_s;
  std::size_t m_evaluations = 0;
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
    throw paramError("model", "the model of step '" + s->env.step + "' has " + std::to_string(s->inputs.size()) +
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
    throw paramError("model", "step '" + s->env.step + "' (" + s->env.agent->id + "." + s->env.task->id +
                                  ") has no output '" + out->output + "'");
  s->output = *out;
  if (auto c = ref.find("cache"); c != ref.end() && c->second.kind() == ValueKind::Bool) s->use_cache = c->second.asBool();
  return std::make_unique<StepModel>(std::move(s));
}

}  // namespace sciagents::core
