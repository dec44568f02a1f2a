#include "core/agents/integration/integ_common.h"

#include <algorithm>
#include <bit>
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <deque>
#include <limits>
#include <set>

namespace sciagents::core::agents::integ {

double parseBound(const Value& v, const std::string& param) {
  if (v.isNumber()) {
    const double x = v.asDouble();
    if (std::isnan(x))
      throw paramError(param, "bound is NaN; expected a number or \"inf\"/\"-inf\"");
    return x;
  }
  if (v.isString()) {
    std::string s = v.asString();
    std::transform(s.begin(), s.end(), s.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    const double inf = std::numeric_limits<double>::infinity();
    if (s == "inf" || s == "+inf" || s == "infinity" || s == "+infinity") return inf;
    if (s == "-inf" || s == "-infinity") return -inf;
    // A constant expression such as "pi" or "pi/2".
    try {
      const Expression e(v.asString(), {});
      const double x = e.eval(static_cast<const double*>(nullptr));
      if (!std::isnan(x)) return x;
    } catch (const Error&) {
    }
    throw paramError(param, "bound '" + v.asString() +
                                "' is not a number; expected a number, \"inf\"/\"-inf\" or a "
                                "constant expression such as \"pi/2\"");
  }
  throw paramError(param,
                   "expected a number or \"inf\"/\"-inf\", got a " + std::string(v.kindName()));
}

namespace {
// One compiled integrand of the per-thread cache, with what it was compiled from. Constants are
// compared by their bits, so 0 and -0 (1/c differs) are different entries.
struct CachedIntegrand {
  std::string text;
  std::vector<std::string> vars;
  std::vector<std::pair<std::string, std::uint64_t>> constants;
  std::shared_ptr<const Expression> expr;

  bool matches(const std::string& t, const std::vector<std::string>& v, const Constants& c) const {
    if (text != t || vars != v || constants.size() != c.size()) return false;
    auto it = constants.begin();
    for (const auto& [name, value] : c) {
      if (it->first != name || it->second != std::bit_cast<std::uint64_t>(value)) return false;
      ++it;
    }
    return true;
  }
};
}  // namespace

std::shared_ptr<const Expression> compileIntegrand(const TaskContext& ctx, const std::string& param,
                                                   const std::vector<std::string>& vars) {
  const Constants constants = readConstants(ctx);
  const std::string& text = ctx.text(param);
  thread_local std::deque<CachedIntegrand> cache;
  for (const auto& c : cache)
    if (c.matches(text, vars, constants)) return c.expr;
  std::shared_ptr<const Expression> e;
  try {
    e = std::make_shared<const Expression>(text, vars, constants);
  } catch (const Error& ex) {
    throw paramError(param, ex.bareMessage());
  }
  if (cache.size() >= 16) cache.pop_front();
  CachedIntegrand entry{text, vars, {}, e};
  for (const auto& [name, value] : constants)
    entry.constants.emplace_back(name, std::bit_cast<std::uint64_t>(value));
  cache.push_back(std::move(entry));
  return e;
}

std::vector<std::string> readVars(const TaskContext& ctx) {
  const Value& v = ctx.param("vars");
  std::vector<std::string> names =
      v.isString() ? std::vector<std::string>{v.asString()} : v.toStringList();
  if (names.empty()) throw paramError("vars", "expected at least one variable name");
  std::set<std::string> seen;
  for (const auto& n : names)
    if (!seen.insert(n).second) throw paramError("vars", "variable '" + n + "' is listed twice");
  return names;
}

Bounds readBounds(const TaskContext& ctx, std::size_t dim, bool allow_inf) {
  const Value& v = ctx.param("bounds");
  if (v.kind() == ValueKind::Matrix) {
    const Matrix& m = v.asMatrix();
    if (m.cols() != 2 || static_cast<std::size_t>(m.rows()) != dim)
      throw paramError("bounds", "expected " + std::to_string(dim) +
                                     " pairs [lo, hi] (one per variable), got a " +
                                     std::to_string(m.rows()) + "x" + std::to_string(m.cols()) +
                                     " matrix");
  }
  List rows;
  if (v.kind() == ValueKind::List)
    rows = v.asList();
  else if (v.kind() == ValueKind::Matrix)
    for (Eigen::Index i = 0; i < v.asMatrix().rows(); ++i)
      rows.push_back(List{v.asMatrix()(i, 0), v.asMatrix()(i, 1)});
  else if (v.kind() == ValueKind::Vector && dim == 1 && v.asVector().size() == 2)
    rows.push_back(List{v.asVector()[0], v.asVector()[1]});
  if (rows.size() != dim)
    throw paramError("bounds", "expected " + std::to_string(dim) +
                                   " pairs [lo, hi] (one per variable), got " +
                                   std::to_string(rows.size()));
  Bounds b(dim);
  for (std::size_t i = 0; i < dim; ++i) {
    const std::string where = "bounds[" + std::to_string(i) + "]";
    Value lo, hi;
    if (rows[i].kind() == ValueKind::List && rows[i].asList().size() == 2) {
      lo = rows[i].asList()[0];
      hi = rows[i].asList()[1];
    } else if (rows[i].kind() == ValueKind::Vector && rows[i].asVector().size() == 2) {
      lo = rows[i].asVector()[0];
      hi = rows[i].asVector()[1];
    } else {
      throw paramError("bounds", where + " must be a pair [lo, hi]");
    }
    b[i] = {parseBound(lo, "bounds"), parseBound(hi, "bounds")};
    if (!(b[i][0] < b[i][1]))
      throw paramError("bounds", where + " = [" + formatPrecise(b[i][0]) + ", " +
                                     formatPrecise(b[i][1]) + "]: expected lo < hi");
    if (!allow_inf && (std::isinf(b[i][0]) || std::isinf(b[i][1])))
      throw paramError("bounds", where + " is infinite; this method needs finite bounds");
  }
  return b;
}

}  // namespace sciagents::core::agents::integ
