// ode_pde.ivp: reading and checking the parameters, compiled functions, output sink, reporting.
#include "core/agents/ode_pde/ivp_problem.h"

#include "core/util/error.h"
#include "core/util/text_format.h"

#include <chrono>
#include <cmath>
#include <cstdio>
#include <limits>
#include <set>

namespace sciagents::core::agents::ode {

std::string fmt(double v) { return formatCompact(v); }

namespace {

std::string joinNames(const std::vector<std::string>& v) {
  std::string s;
  for (const auto& x : v) s += (s.empty() ? "" : ", ") + x;
  return s;
}

Vector finiteVector(const TaskContext& ctx, const char* name) {
  Vector v;
  try {
    v = ctx.param(name).toVector();
  } catch (const std::exception& e) {
    throw paramError(name, std::string("expected a list of numbers: ") + e.what());
  }
  for (Eigen::Index i = 0; i < v.size(); ++i)
    if (!std::isfinite(v[i]))
      throw paramError(name, "element " + std::to_string(i) + " is " + fmt(v[i]) +
                                 "; every value must be finite");
  return v;
}

// Exact text of a number inside an expression (round-trips the double).
std::string numText(double v) { return "(" + formatExact(v) + ")"; }

std::string exprText(const Value& v, const std::string& param, const std::string& where) {
  if (v.isString()) return v.asString();
  if (v.isNumber()) return numText(v.asDouble());
  throw paramError(param, where + " must be an expression (string) or a number, got " +
                              std::string(v.kindName()));
}

std::vector<std::vector<std::string>> readJac(const Value& v, Eigen::Index n) {
  std::vector<std::vector<std::string>> jac;
  const std::string shape_msg = "expected " + std::to_string(n) + " rows of " + std::to_string(n) +
                                " expressions (row i: derivatives of rhs[i] w.r.t. each state)";
  if (v.kind() == ValueKind::Matrix) {  // a constant Jacobian given as numbers
    const Matrix& m = v.asMatrix();
    if (m.rows() != n || m.cols() != n)
      throw paramError("jac", "got a " + std::to_string(m.rows()) + "x" + std::to_string(m.cols()) +
                                  " matrix; " + shape_msg);
    for (Eigen::Index i = 0; i < n; ++i) {
      jac.emplace_back();
      for (Eigen::Index j = 0; j < n; ++j) jac.back().push_back(numText(m(i, j)));
    }
    return jac;
  }
  if (v.kind() != ValueKind::List || static_cast<Eigen::Index>(v.asList().size()) != n)
    throw paramError("jac", shape_msg);
  for (std::size_t i = 0; i < v.asList().size(); ++i) {
    const Value& row = v.asList()[i];
    jac.emplace_back();
    if (row.kind() == ValueKind::Vector) {
      for (double x : row.asVector()) jac.back().push_back(numText(x));
    } else if (row.kind() == ValueKind::List) {
      for (std::size_t j = 0; j < row.asList().size(); ++j)
        jac.back().push_back(exprText(row.asList()[j], "jac",
                                      "jac[" + std::to_string(i) + "][" + std::to_string(j) + "]"));
    } else {
      throw paramError("jac", "row " + std::to_string(i) + " is a " + std::string(row.kindName()) +
                                  "; " + shape_msg);
    }
    if (static_cast<Eigen::Index>(jac.back().size()) != n)
      throw paramError("jac", "row " + std::to_string(i) + " has " +
                                  std::to_string(jac.back().size()) + " entries; " + shape_msg);
  }
  return jac;
}

std::vector<EventSpec> readEvents(const TaskContext& ctx) {
  std::vector<EventSpec> ev;
  if (!ctx.has("events")) return ev;
  const Value& v = ctx.param("events");
  List items = v.kind() == ValueKind::List ? v.asList() : List{v};
  for (std::size_t k = 0; k < items.size(); ++k) {
    EventSpec e;
    const Value& it = items[k];
    if (it.isString()) {
      e.expr = it.asString();
    } else if (it.kind() == ValueKind::Map) {  // {"expr": "...", "terminal": true, "direction": -1}
      const Value* x = it.find("expr");
      if (!x) x = it.find("expression");
      if (!x || !x->isString())
        throw paramError("events", "event " + std::to_string(k) + " needs an \"expr\" string");
      e.expr = x->asString();
      if (const Value* t = it.find("terminal")) e.terminal = t->asBool();
      if (const Value* d = it.find("direction")) e.direction = d->asDouble();
    } else {
      throw paramError("events", "event " + std::to_string(k) +
                                     " must be an expression or an object, got " +
                                     std::string(it.kindName()));
    }
    ev.push_back(e);
  }
  auto perEvent = [&](const char* name, auto apply) {
    if (!ctx.has(name)) return;
    const Value& p = ctx.param(name);
    if (p.kind() == ValueKind::List || p.kind() == ValueKind::Vector) {
      if (p.size() != static_cast<std::int64_t>(ev.size()))
        throw paramError(name, "has " + std::to_string(p.size()) + " entries for " +
                                   std::to_string(ev.size()) + " events");
      for (std::size_t k = 0; k < ev.size(); ++k) apply(ev[k], p.at(static_cast<std::int64_t>(k)));
    } else {
      for (auto& e : ev) apply(e, p);
    }
  };
  try {
    perEvent("terminal", [](EventSpec& e, const Value& x) { e.terminal = x.asBool(); });
    perEvent("direction", [](EventSpec& e, const Value& x) { e.direction = x.asDouble(); });
  } catch (const Error&) {
    throw;
  } catch (const std::exception& e) {
    throw paramError(
        "events", std::string("terminal must be true/false and direction a number: ") + e.what());
  }
  return ev;
}

Vector readTeval(const TaskContext& ctx) {
  const Value& v = ctx.param("t_eval");
  if (v.kind() == ValueKind::Map) {
    const Value* ls = v.find("linspace");
    Vector a;
    if (ls) a = ls->toVector();
    if (!ls || a.size() != 3 || a[2] < 1 || a[2] != std::floor(a[2]) || !a.allFinite())
      throw paramError(
          "t_eval",
          "expected a list of times or {\"linspace\": [start, stop, count]} with count >= 1");
    return Vector::LinSpaced(static_cast<Eigen::Index>(a[2]), a[0], a[1]);
  }
  return finiteVector(ctx, "t_eval");
}

}  // namespace

Problem readProblem(const TaskContext& ctx, std::unique_ptr<OdeFunctions>* compiled) {
  Problem p;
  p.method = ctx.text("method");
  p.states = ctx.param("states").toStringList();
  if (const Value& rv = ctx.param("rhs"); isNativeModel(rv)) {
    const std::string& name = rv.find("callable")->asString();
    p.rhs_native = findNativeFunction(name);
    if (!p.rhs_native)
      throw paramError("rhs", "no function named '" + name +
                                  "' is registered in this process (Python callables exist only "
                                  "in the Python session that made them: docs/python.md)");
  } else {
    p.rhs = rv.toStringList();
  }
  const auto n = static_cast<Eigen::Index>(p.states.size());
  if (n == 0) throw paramError("states", "at least one state name is needed");
  std::set<std::string> seen;
  for (const auto& s : p.states) {
    if (s == "t")
      throw paramError("states", "'t' is the independent variable and cannot be a state name");
    if (!seen.insert(s).second) throw paramError("states", "state '" + s + "' is listed twice");
  }
  if (!p.rhs_native && p.rhs.size() != p.states.size())
    throw paramError("rhs", "got " + std::to_string(p.rhs.size()) + " expressions for " +
                                std::to_string(n) + " states (" + joinNames(p.states) +
                                "): give one expression per state, in the same order");
  if (ctx.has("constants"))
    for (const auto& [k, v] : ctx.param("constants").asMap()) {
      if (!v.isNumber())
        throw paramError("constants",
                         "constant '" + k + "' must be a number, got " + std::string(v.kindName()));
      if (!std::isfinite(v.asDouble()))
        throw paramError("constants",
                         "constant '" + k + "' is " + fmt(v.asDouble()) + "; it must be finite");
      if (k == "t" || seen.count(k))
        throw paramError("constants", "'" + k + "' is a state or t; constants need other names");
      p.constants[k] = v.asDouble();
    }
  p.y0 = finiteVector(ctx, "y0");
  if (p.y0.size() != n)
    throw paramError("y0", "has " + std::to_string(p.y0.size()) + " values for " +
                               std::to_string(n) + " states (" + joinNames(p.states) + ")");
  const Vector span = finiteVector(ctx, "t_span");
  if (span.size() != 2)
    throw paramError("t_span",
                     "expected [t0, t_end] (2 numbers), got " + std::to_string(span.size()));
  p.t0 = span[0];
  p.t1 = span[1];
  if (p.t0 == p.t1)
    throw paramError("t_span", "t0 = t_end = " + fmt(p.t0) + ": the interval has zero length");
  if (ctx.has("t_eval")) {
    Vector te = readTeval(ctx);
    const double d = p.direction();
    for (Eigen::Index i = 0; i < te.size(); ++i) {
      if (d * (te[i] - p.t0) < 0 || d * (te[i] - p.t1) > 0)
        throw paramError("t_eval", "t_eval[" + std::to_string(i) + "] = " + fmt(te[i]) +
                                       " lies outside t_span [" + fmt(p.t0) + ", " + fmt(p.t1) +
                                       "]");
      if (i > 0 && d * (te[i] - te[i - 1]) < 0)
        throw paramError("t_eval", std::string("must be sorted in the direction of integration (") +
                                       (d > 0 ? "increasing" : "decreasing") + ")");
    }
    p.t_eval = std::move(te);
  }
  p.rtol = ctx.number("rtol");
  const Value& at = ctx.param("atol");
  if (at.isNumber()) {
    p.atol = Vector::Constant(n, at.asDouble());
  } else {
    p.atol = finiteVector(ctx, "atol");
    if (p.atol.size() != n)
      throw paramError("atol", "has " + std::to_string(p.atol.size()) + " values for " +
                                   std::to_string(n) + " states; give one number or one per state");
  }
  if (!p.atol.allFinite() || (p.atol.array() < 0).any())
    throw paramError("atol", "must be finite and >= 0");
  if (ctx.has("max_step")) p.max_step = ctx.number("max_step");
  if (ctx.has("first_step")) p.first_step = ctx.number("first_step");
  if (p.first_step > std::abs(p.t1 - p.t0))
    throw paramError("first_step", fmt(p.first_step) + " exceeds the interval length " +
                                       fmt(std::abs(p.t1 - p.t0)));
  p.max_num_steps = ctx.integer("max_num_steps");
  if (ctx.has("jac")) p.jac = readJac(ctx.param("jac"), n);
  p.events = readEvents(ctx);
  if (ctx.has("lband") != ctx.has("uband"))
    throw paramError(ctx.has("lband") ? "uband" : "lband",
                     "give both lband and uband for a banded Jacobian");
  if (ctx.has("lband")) {
    p.lband = static_cast<int>(std::min<std::int64_t>(ctx.integer("lband"), n - 1));
    p.uband = static_cast<int>(std::min<std::int64_t>(ctx.integer("uband"), n - 1));
  }
  // Compiles everything now: unknown names fail here, naming the expression.
  auto check = std::make_unique<OdeFunctions>(p);
  std::vector<double> f(static_cast<std::size_t>(n));
  check->rhs(p.t0, p.y0.data(), f.data());
  for (Eigen::Index i = 0; i < n; ++i)
    if (!std::isfinite(f[static_cast<std::size_t>(i)]))
      throw paramError("rhs", rhsLabel(p, i) + " evaluates to " +
                                  fmt(f[static_cast<std::size_t>(i)]) + " at t0 = " + fmt(p.t0) +
                                  ", y0");
  if (compiled) {
    check->nfev = 0;
    *compiled = std::move(check);
  }
  return p;
}

std::string rhsLabel(const Problem& p, Eigen::Index i) {
  const std::string at = "rhs[" + std::to_string(i) + "]";
  if (p.rhs_native) return at + " of " + p.rhs_native->description;
  return at + " = '" + p.rhs[static_cast<std::size_t>(i)] + "'";
}

OdeFunctions::OdeFunctions(const Problem& p)
    : m_n(p.n()), m_x(static_cast<std::size_t>(p.n()) + 1, 0.0) {
  std::vector<std::string> vars{"t"};
  vars.insert(vars.end(), p.states.begin(), p.states.end());
  for (const auto& [name, value] : p.constants) {
    vars.push_back(name);
    m_x.push_back(value);
  }
  auto compile = [&](const std::string& text, const char* param, const std::string& label) {
    try {
      return Expression(text, vars);
    } catch (const Error& e) {
      throw paramError(param, label + ": " + e.bareMessage() + " (variables: t, " +
                                  joinNames(p.states) +
                                  (p.constants.empty() ? ""
                                                       : "; constants: " +
                                                             [&] {
                                                               std::vector<std::string> c;
                                                               for (const auto& kv : p.constants)
                                                                 c.push_back(kv.first);
                                                               return joinNames(c);
                                                             }()) +
                                  ")");
    }
  };
  if (p.rhs_native) {
    m_native = p.rhs_native;
    m_native_in.resize(1, m_n + 1);
  } else {
    std::vector<Expression> rhs;
    for (std::size_t i = 0; i < p.rhs.size(); ++i)
      rhs.push_back(
          compile(p.rhs[i], "rhs", "rhs[" + std::to_string(i) + "] (d" + p.states[i] + "/dt)"));
    m_rhs.emplace(std::move(rhs));
  }
  std::vector<Expression> jac;
  for (std::size_t i = 0; i < p.jac.size(); ++i)
    for (std::size_t j = 0; j < p.jac[i].size(); ++j)
      jac.push_back(
          compile(p.jac[i][j], "jac", "jac[" + std::to_string(i) + "][" + std::to_string(j) + "]"));
  for (std::size_t k = 0; k < p.events.size(); ++k)
    m_events.push_back(compile(p.events[k].expr, "events", "events[" + std::to_string(k) + "]"));
  if (!jac.empty())
    m_jac.emplace(std::move(jac));
  else
    m_auto_jac = m_rhs && m_rhs->compiled() && !p.banded() && m_n <= kMaxAutoJac;
  if (hasJac()) m_jbuf.resize(static_cast<std::size_t>(m_n * m_n));
}

const char* OdeFunctions::jacSource() const {
  return m_jac ? "analytic" : m_auto_jac ? "automatic differentiation" : "finite differences";
}

void OdeFunctions::load(double t, const double* y) {
  m_x[0] = t;
  for (Eigen::Index i = 0; i < m_n; ++i) m_x[static_cast<std::size_t>(i) + 1] = y[i];
}

void OdeFunctions::rhs(double t, const double* y, double* dy) {
  ++nfev;
  if (m_native) {
    m_native_in(0, 0) = t;
    for (Eigen::Index i = 0; i < m_n; ++i) m_native_in(0, i + 1) = y[i];
    Matrix out;
    try {
      out = m_native->evaluate(m_native_in);
    } catch (const std::exception& e) {
      throw paramError("rhs", m_native->description + " failed at t = " + fmt(t) + ": " + e.what());
    }
    if (out.size() != m_n)
      throw paramError("rhs", m_native->description + " returned " + std::to_string(out.size()) +
                                  " values for " + std::to_string(m_n) + " states");
    for (Eigen::Index i = 0; i < m_n; ++i) dy[i] = out.data()[i];
    return;
  }
  load(t, y);
  m_rhs->eval(m_x.data(), dy);
}

void OdeFunctions::jac(double t, const double* y, Matrix& j) {
  load(t, y);
  ++njev;
  j.resize(m_n, m_n);
  if (m_jac) {
    m_jac->eval(m_x.data(), m_jbuf.data());
  } else {
    if (!m_ad) {
      std::vector<std::size_t> states(static_cast<std::size_t>(m_n));
      for (std::size_t i = 0; i < states.size(); ++i) states[i] = i + 1;  // variable 0 is t
      m_ad = ExpressionDerivatives::of(*m_rhs, std::move(states));
    }
    m_ad->eval(m_x.data(), m_jbuf.data());
  }
  for (Eigen::Index r = 0; r < m_n; ++r)
    for (Eigen::Index c = 0; c < m_n; ++c) j(r, c) = m_jbuf[static_cast<std::size_t>(r * m_n + c)];
}

void OdeFunctions::jacFD(double t, const double* y, const double* f0, Matrix& j) {
  j.resize(m_n, m_n);
  std::vector<double> yp(y, y + m_n), fp(static_cast<std::size_t>(m_n));
  const double sq = std::sqrt(std::numeric_limits<double>::epsilon());
  for (Eigen::Index c = 0; c < m_n; ++c) {
    const double h =
        sq *
        std::max(1e-6, std::abs(y[c]));  // relative step; small floor so zero states stay exact-ish
    yp[static_cast<std::size_t>(c)] = y[c] + h;
    rhs(t, yp.data(), fp.data());
    for (Eigen::Index r = 0; r < m_n; ++r) j(r, c) = (fp[static_cast<std::size_t>(r)] - f0[r]) / h;
    yp[static_cast<std::size_t>(c)] = y[c];
  }
}

void OdeFunctions::events(double t, const double* y, double* g) {
  load(t, y);
  for (std::size_t k = 0; k < m_events.size(); ++k) g[k] = m_events[k].eval(m_x.data());
}

double OdeFunctions::eventValue(std::size_t k, double t, const double* y) {
  load(t, y);
  return m_events[k].eval(m_x.data());
}

Output::Output(const Problem& p)
    : t_events(p.events.size()),
      y_events(p.events.size()),
      m_teval(p.t_eval),
      m_n(p.n()),
      m_dir(p.direction()) {}

void Output::start(double t0, const Vector& y0) {
  t_last = t0;
  y_last = y0;
  if (!m_teval) {
    t.push_back(t0);
    y.insert(y.end(), y0.data(), y0.data() + m_n);
    return;
  }
  while (m_next < m_teval->size() && m_dir * ((*m_teval)[m_next] - t0) <= 0) {
    t.push_back((*m_teval)[m_next++]);
    y.insert(y.end(), y0.data(), y0.data() + m_n);
  }
}

void Output::step(double t_new, const Vector& y_new, const Interp& interp) {
  if (!m_teval) {
    t.push_back(t_new);
    y.insert(y.end(), y_new.data(), y_new.data() + m_n);
  } else {
    while (m_next < m_teval->size() && m_dir * ((*m_teval)[m_next] - t_new) <= 0) {
      const double te = (*m_teval)[m_next++];
      t.push_back(te);
      const std::size_t at = y.size();
      y.resize(at + static_cast<std::size_t>(m_n));
      if (te == t_new)
        std::copy(y_new.data(), y_new.data() + m_n, y.data() + at);
      else
        interp(te, y.data() + at);
    }
  }
  t_last = t_new;
  y_last = y_new;
}

void Output::event(std::size_t k, double te, const Vector& ye) {
  t_events[k].push_back(te);
  y_events[k].insert(y_events[k].end(), ye.data(), ye.data() + m_n);
}

Reporter::Reporter(const TaskContext* cctx, TaskContext* ctx, double t0, double t1)
    : m_cctx(cctx), m_ctx(ctx), m_t0(t0), m_t1(t1), m_tracing(ctx && ctx->observer()) {}

void Reporter::step(double t, double h) {
  m_last = {t, std::abs(h)};
  if (m_tracing && !m_reported && (m_count % m_stride) == 0) {
    m_trace.push_back(m_last);
    if (m_trace.size() == kTracePoints) {  // keep every other point, sample half as often
      for (std::size_t i = 0; i < kTracePoints / 2; ++i) m_trace[i] = m_trace[2 * i];
      m_trace.resize(kTracePoints / 2);
      m_stride *= 2;
    }
  }
  if ((++m_count & 63) != 0) return;
  using clock = std::chrono::steady_clock;
  const double now = std::chrono::duration<double>(clock::now().time_since_epoch()).count();
  if (now < m_next_report) return;
  m_next_report = now + 0.05;
  if (m_cctx) m_cctx->checkCancelled();
  if (m_ctx) {
    m_ctx->progress((t - m_t0) / (m_t1 - m_t0), "t = " + fmt(t));
    m_ctx->metric("step_size", t, std::abs(h));
    m_reported = true;
    m_trace = {};
  }
}

void Reporter::finish() {
  if (m_reported || !m_tracing || m_count == 0) return;
  if (m_trace.empty() || m_trace.back() != m_last) m_trace.push_back(m_last);
  for (const auto& [t, h] : m_trace) m_ctx->metric("step_size", t, h);
  m_trace = {};
}

}  // namespace sciagents::core::agents::ode
