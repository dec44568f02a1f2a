#include "core/agent/native_function.h"

#include "core/agent/task_context.h"
#include "core/util/error.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <mutex>
#include <shared_mutex>

namespace sciagents::core {

namespace {

struct FunctionTable {
  std::shared_mutex mutex;
  std::map<std::string, std::shared_ptr<const NativeFunction>, std::less<>> functions;
};

FunctionTable& table() {
  static FunctionTable t;
  return t;
}

// Rows per call of a vectorised function: large enough that the call's own cost vanishes, small
// enough that progress and cancellation are seen during a long study.
constexpr Eigen::Index kVectorisedRows = 1 << 20;

class NativeModel final : public ModelEvaluator {
 public:
  NativeModel(std::string param, std::string name, std::shared_ptr<const NativeFunction> fn,
              std::vector<std::string> names)
      : m_param(std::move(param)),
        m_name(std::move(name)),
        m_fn(std::move(fn)),
        m_names(std::move(names)) {}

  Vector evaluate(const Matrix& points, const TaskContext& ctx, const DoneCallback& done) override {
    Matrix y = evaluateVector(points, ctx, done);
    if (y.cols() != 1)
      throw paramError(m_param, describe() + " returned " + std::to_string(y.cols()) +
                                    " values per sample; this task needs one number");
    return y.col(0);
  }

  Matrix evaluateVector(const Matrix& points, const TaskContext& ctx,
                        const DoneCallback& done) override {
    const Eigen::Index n = points.rows();
    const Eigen::Index batch =
        m_fn->batch_rows ? static_cast<Eigen::Index>(m_fn->batch_rows) : kVectorisedRows;
    Matrix out;
    m_failed.clear();
    for (Eigen::Index start = 0; start < n; start += batch) {
      ctx.checkCancelled();
      const Eigen::Index len = std::min(batch, n - start);
      Matrix part;
      try {
        part = m_fn->evaluate(points.middleRows(start, len));
      } catch (const NativeFunctionError& e) {
        const bool at_row = e.row() < static_cast<std::size_t>(len);
        const Eigen::Index row = start + (at_row ? static_cast<Eigen::Index>(e.row()) : 0);
        throw paramError(m_param, describe() + " failed" +
                                      (at_row ? " at sample #" + std::to_string(row) + " (" +
                                                    samplePointText(points, row, m_names) + ")"
                                              : std::string()) +
                                      ": " + e.what());
      } catch (const Error&) {
        throw;
      } catch (const std::exception& e) {
        throw paramError(m_param, describe() + " failed: " + e.what());
      }
      if (part.rows() != len)
        throw paramError(m_param, describe() + " returned " + std::to_string(part.rows()) +
                                      " rows for " + std::to_string(len) + " samples");
      if (start == 0)
        out.resize(n, part.cols());
      else if (part.cols() != out.cols())
        throw paramError(m_param, describe() + " returned " + std::to_string(part.cols()) +
                                      " values per sample after " + std::to_string(out.cols()));
      out.middleRows(start, len) = part;
      if (done) done(static_cast<std::size_t>(start + len));
    }
    m_evaluations += static_cast<std::size_t>(n);
    for (Eigen::Index i = 0; i < n; ++i) {  // in row order: the lowest failing sample is named
      if (out.row(i).allFinite()) continue;
      const std::string what = "the model is not finite at sample #" + std::to_string(i) + " (" +
                               samplePointText(points, i, m_names) + ")";
      if (!m_allow_failed) throw paramError(m_param, describe() + ": " + what);
      out.row(i).setConstant(std::numeric_limits<double>::quiet_NaN());
      m_failed.push_back(static_cast<std::size_t>(i));
      if (m_failed_total++ == 0) m_first_failure = what;
    }
    return out;
  }

  std::string describe() const override {
    return m_fn->description.empty() ? "native function '" + m_name + "'" : m_fn->description;
  }

  Map diagnostics() const override {
    Map m{{"kind", "callable"},
          {"callable", m_name},
          {"description", describe()},
          {"evaluations", static_cast<std::int64_t>(m_evaluations)}};
    if (m_failed_total > 0) {
      m["failed_samples"] = static_cast<std::int64_t>(m_failed_total);
      m["first_failure"] = m_first_failure;
    }
    return m;
  }

 private:
  std::string m_param, m_name;
  std::shared_ptr<const NativeFunction> m_fn;
  std::vector<std::string> m_names;
  std::size_t m_evaluations = 0, m_failed_total = 0;
  std::string m_first_failure;
};

bool mentions(const Value& v) {
  if (isNativeModel(v)) return true;
  if (v.kind() == ValueKind::Map)
    return std::any_of(v.asMap().begin(), v.asMap().end(),
                       [](const auto& kv) { return mentions(kv.second); });
  if (v.kind() == ValueKind::List)
    return std::any_of(v.asList().begin(), v.asList().end(), mentions);
  return false;
}

}  // namespace

void registerNativeFunction(const std::string& name, std::shared_ptr<const NativeFunction> fn) {
  FunctionTable& t = table();
  std::unique_lock lock(t.mutex);
  t.functions[name] = std::move(fn);
}

void unregisterNativeFunction(const std::string& name) {
  std::shared_ptr<const NativeFunction> gone;  // released outside the lock
  FunctionTable& t = table();
  std::unique_lock lock(t.mutex);
  if (auto it = t.functions.find(name); it != t.functions.end()) {
    gone = std::move(it->second);
    t.functions.erase(it);
  }
}

std::shared_ptr<const NativeFunction> findNativeFunction(std::string_view name) {
  FunctionTable& t = table();
  std::shared_lock lock(t.mutex);
  auto it = t.functions.find(name);
  return it == t.functions.end() ? nullptr : it->second;
}

bool isNativeModel(const Value& v) {
  if (v.kind() != ValueKind::Map) return false;
  const Value* c = v.find("callable");
  return c && c->isString() && v.asMap().size() == 1;
}

bool mentionsNativeFunction(const Map& params) {
  return std::any_of(params.begin(), params.end(),
                     [](const auto& kv) { return mentions(kv.second); });
}

std::unique_ptr<ModelEvaluator> makeNativeModel(const std::string& param, const Value& v,
                                                const std::vector<std::string>& input_names) {
  const std::string& name = v.find("callable")->asString();
  auto fn = findNativeFunction(name);
  if (!fn)
    throw paramError(param, "no function named '" + name +
                                "' is registered in this process (Python callables exist only "
                                "in the Python session that made them: docs/python.md)");
  return std::make_unique<NativeModel>(param, name, std::move(fn), input_names);
}

}  // namespace sciagents::core
