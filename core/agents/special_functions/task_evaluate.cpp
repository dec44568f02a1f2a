// special_functions.evaluate: a named special function over NumPy-style broadcast arguments.
#include "core/agents/special_functions/sf_registry.h"
#include "core/agents/special_functions/tasks.h"
#include "core/util/error.h"
#include "core/util/text_format.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <limits>
#include <stdexcept>

namespace sciagents::core::agents::special {

namespace {

struct Args {
  const SfEntry* fn = nullptr;
  std::vector<Vector> cols;  // one per argument, size 1 (scalar) or n
  Eigen::Index n = 1;
  bool any_vector = false;
};

Args readArgs(const TaskContext& ctx) {
  Args a;
  const std::string& name = ctx.text("function");
  a.fn = findFunction(name);
  if (!a.fn) {
    std::string all;
    for (const auto& n : functionNames()) all += (all.empty() ? "" : ", ") + n;
    throw paramError("function", "unknown function '" + name + "'; available: " + all);
  }
  const Value& v = ctx.param("args");
  List items;
  if (v.isNumber())
    items.push_back(v);
  else if (v.kind() == ValueKind::Vector)
    for (Eigen::Index i = 0; i < v.asVector().size(); ++i) items.push_back(v.asVector()[i]);
  else if (v.kind() == ValueKind::List)
    items = v.asList();
  else if (v.kind() == ValueKind::Matrix)
    for (Eigen::Index i = 0; i < v.asMatrix().rows(); ++i)
      items.push_back(Vector(v.asMatrix().row(i).transpose()));
  else
    throw paramError("args", "expected a list of arguments (numbers or lists of numbers), got a " +
                                 std::string(v.kindName()));
  const auto& names = a.fn->args;
  const std::size_t nreq = names.size() - a.fn->defaults.size();
  std::string sig = a.fn->name + "(";
  for (std::size_t i = 0; i < names.size(); ++i) sig += (i ? ", " : "") + names[i];
  sig += ")";
  if (items.size() < nreq || items.size() > names.size())
    throw paramError("args", sig + " takes " +
                                 (nreq == names.size() ? std::to_string(nreq)
                                                       : std::to_string(nreq) + " to " +
                                                             std::to_string(names.size())) +
                                 " arguments, got " + std::to_string(items.size()));
  for (std::size_t i = 0; i < names.size(); ++i) {
    Vector c;
    if (i >= items.size())
      c = Vector::Constant(1, a.fn->defaults[i - nreq]);
    else {
      try {
        c = items[i].toVector();
      } catch (const std::exception&) {
        throw paramError("args", "argument " + names[i] + " of " + sig +
                                     " must be a number or a list of numbers");
      }
      if (c.size() == 0)
        throw paramError("args", "argument " + names[i] + " of " + sig + " is empty");
      if (!items[i].isNumber()) a.any_vector = true;
    }
    if (c.size() != 1) {
      if (a.n != 1 && c.size() != a.n)
        throw paramError("args", "cannot broadcast argument " + names[i] + " of length " +
                                     std::to_string(c.size()) + " with length " +
                                     std::to_string(a.n) + " (equal lengths or scalars, as NumPy)");
      a.n = c.size();
    }
    a.cols.push_back(std::move(c));
  }
  return a;
}

// Evaluates element i; returns NaN (or what Boost returns on overflow: +-inf) and fills `why` on
// error.
double evalAt(const Args& a, SfFn f, Eigen::Index i, double* buf, std::string* why) {
  for (std::size_t k = 0; k < a.cols.size(); ++k)
    buf[k] = a.cols[k].size() == 1 ? a.cols[k][0] : a.cols[k][i];
  try {
    return f(buf);
  } catch (const std::exception& e) {
    if (why) *why = e.what();
    return std::numeric_limits<double>::quiet_NaN();
  }
}

std::string callText(const Args& a, const double* buf) {
  std::string s = a.fn->name + "(";
  for (std::size_t k = 0; k < a.cols.size(); ++k)
    s += (k ? ", " : "") + a.fn->args[k] + "=" + formatExact(buf[k]);
  return s + ")";
}

void runEvaluate(TaskContext& ctx) {
  const Args a = readArgs(ctx);
  const bool raise = ctx.text("errors") == "raise";
  Vector out(a.n);
  double buf[8];
  std::vector<std::string> issues;
  std::int64_t n_nan = 0, n_inf = 0;
  auto last = std::chrono::steady_clock::now();
  for (Eigen::Index i = 0; i < a.n; ++i) {
    std::string why;
    const double y = evalAt(a, a.fn->fast, i, buf, &why);
    out[i] = y;
    if (!why.empty() || !std::isfinite(y)) {
      const bool nan_in =
          std::any_of(buf, buf + a.cols.size(), [](double x) { return std::isnan(x); });
      if (nan_in) continue;  // NaN in, NaN out, as NumPy: not an error
      const std::string msg =
          callText(a, buf) +
          (why.empty() ? " = " + formatExact(y) + " (overflow or pole)" : ": " + why);
      if (raise)
        throw paramError("args",
                         msg + " (errors: 'raise'; use errors: 'nan' for SciPy's NaN/inf results)");
      (std::isnan(y) ? n_nan : n_inf)++;
      if (issues.size() < 5) issues.push_back(msg);
    }
    if ((i & 65535) == 65535) {
      ctx.checkCancelled();
      if (std::chrono::steady_clock::now() - last > std::chrono::milliseconds(50)) {
        last = std::chrono::steady_clock::now();
        ctx.progress(static_cast<double>(i) / static_cast<double>(a.n), "evaluating");
      }
    }
  }
  ctx.setMethod("boost_math",
                a.fn->name + ": Boost.Math in double precision (documented errors of a few ulps)");
  for (const auto& m : issues)
    ctx.warn(m + " -> " + (m.find("overflow") != std::string::npos ? "inf" : "NaN"));
  if (n_nan + n_inf > static_cast<std::int64_t>(issues.size()))
    ctx.warn(std::to_string(n_nan + n_inf - static_cast<std::int64_t>(issues.size())) +
             " more non-finite results");
  ctx.diagnostic("count", static_cast<std::int64_t>(a.n));
  ctx.diagnostic("nan_count", n_nan);
  ctx.diagnostic("inf_count", n_inf);
  ctx.diagnostic("definition", a.fn->doc);
  if (a.any_vector)
    ctx.output("values", out);
  else
    ctx.output("values", out[0]);
}

std::vector<ValidationCheck> validateEvaluate(const TaskContext& ctx, const Map& outputs) {
  const Args a = readArgs(ctx);
  const Value* v = outputs.count("values") ? &outputs.at("values") : nullptr;
  if (!v) return {};
  const Vector got = v->toVector();
  if (got.size() != a.n)
    return {
        {"size", 1, 0, false,
         "values has " + std::to_string(got.size()) + " entries, expected " + std::to_string(a.n)}};
  // Up to 9 evenly spaced samples.
  std::vector<Eigen::Index> idx;
  const Eigen::Index m = std::min<Eigen::Index>(9, a.n);
  for (Eigen::Index k = 0; k < m; ++k) idx.push_back(m == 1 ? 0 : k * (a.n - 1) / (m - 1));
  double typ = 0;
  for (auto i : idx)
    if (std::isfinite(got[i])) typ = std::max(typ, std::abs(got[i]));
  double buf[8], worst = 0, worst_id = 0;
  std::string where, where_id;
  for (auto i : idx) {
    const double p = evalAt(a, a.fn->precise, i, buf, nullptr);
    if (!std::isfinite(got[i]) && std::isfinite(p)) {  // a NaN/inf where the function is finite
      worst = std::numeric_limits<double>::infinity();
      where = callText(a, buf) + ": long double " + formatExact(p) + " vs " + formatExact(got[i]);
    }
    if (!std::isfinite(got[i]) || !std::isfinite(p)) continue;
    const double d = std::abs(p - got[i]) / std::max({std::abs(p), 1e-12 * typ, 1e-300});
    if (d > worst)
      worst = d,
      where = callText(a, buf) + ": long double " + formatExact(p) + " vs " + formatExact(got[i]);
    if (a.fn->identity) {
      double r = 0;
      try {
        r = a.fn->identity(buf);
      } catch (const std::exception&) {
        r = 0;
      }
      if (r > worst_id) worst_id = r, where_id = callText(a, buf);
    }
  }
  std::vector<ValidationCheck> checks;
  ValidationCheck c{"long_double_difference", worst, 1e-10, worst <= 1e-10,
                    "relative difference to Boost evaluated in long double at " +
                        std::to_string(idx.size()) + " sample points" +
                        (where.empty() ? "" : "; worst at " + where)};
  checks.push_back(c);
  if (a.fn->identity)
    checks.push_back({"identity", worst_id, 1e-11, worst_id <= 1e-11,
                      "relative residual of " + a.fn->identity_doc +
                          (where_id.empty() ? "" : "; worst at " + where_id)});
  return checks;
}

}  // namespace

TaskSpec evaluateTask() {
  TaskSpec t;
  t.id = "evaluate";
  t.summary = "Evaluate a special function (SciPy names) over broadcast arguments.";
  std::string list;
  for (const auto& e : allFunctions()) {
    list += "- `" + e.name + "(";
    for (std::size_t i = 0; i < e.args.size(); ++i) list += (i ? ", " : "") + e.args[i];
    list += ")`: " + e.doc + "\n";
  }
  t.doc =
      "Evaluates `function` at `args` (a list with one entry per argument, each a number or a list "
      "of numbers; "
      "lists must have equal lengths and numbers are broadcast, as NumPy). Names, argument order "
      "and conventions "
      "follow scipy.special; elliptic integrals take SciPy's parameter m = k^2, not Boost's "
      "modulus k. Computed with "
      "Boost.Math in double precision. Domain errors and poles give NaN and overflow gives inf "
      "with a warning naming "
      "the call (SciPy's behaviour); `errors: raise` fails the step instead.\n\nFunctions:\n" +
      list;
  t.params = {
      ParamSpec::make("function", ParamType::String)
          .req()
          .describe("Function name (SciPy's), e.g. \"jv\", \"gamma\"."),
      ParamSpec::make("args", ParamType::Any)
          .req()
          .describe("Arguments in order: numbers or equal-length lists of numbers (broadcast), "
                    "e.g. [0, [0.5, 1, 2]] for jv."),
      ParamSpec::make("errors", ParamType::Choice)
          .oneOf({"nan", "raise"})
          .def("nan")
          .describe("nan: NaN/inf with a warning (SciPy); raise: a domain error fails the step."),
  };
  t.outputs = {
      {"values", ValueKind::Vector, "Function values (a Scalar when every argument is a number)."}};
  t.run = runEvaluate;
  t.analyze = [](const TaskContext& ctx) {
    const Args a = readArgs(ctx);
    return Map{{"function", a.fn->name},
               {"count", static_cast<std::int64_t>(a.n)},
               {"arguments", static_cast<std::int64_t>(a.cols.size())}};
  };
  t.validate = validateEvaluate;
  return t;
}

}  // namespace sciagents::core::agents::special
