#include "server/job_limits.h"

#include "core/agent/agent_registry.h"
#include "core/value/value_json.h"

#include <cmath>
#include <cstdio>
#include <vector>

namespace sciagents::server {

namespace {
std::string fmtNumber(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.15g", v);
  return buf;
}

std::optional<double> defaultNumber(const core::AgentRegistry& registry, const core::Step& s,
                                    const std::string& param) {
  const auto* agent = registry.agent(s.agent);
  if (!agent) return std::nullopt;
  const auto* task = agent->task(s.task);
  if (!task) return std::nullopt;
  for (const auto& p : task->params)
    if (p.name == param && p.default_value) {
      const auto j = core::toJson(*p.default_value);
      if (j.is_number()) return j.get<double>();
    }
  return std::nullopt;
}

// Candidate values of a parameter: the literal value, every sweep value, or the schema default.
std::vector<double> candidates(const core::AgentRegistry& registry, const core::Step& s,
                               const std::string& param) {
  std::vector<double> out;
  if (s.sweep && s.sweep->param == param) {
    for (const auto& v : s.sweep->values)
      if (v.is_number()) out.push_back(v.get<double>());
    return out;
  }
  if (s.params.is_object() && s.params.contains(param)) {
    const auto& v = s.params[param];
    if (v.is_number()) out.push_back(v.get<double>());
    return out;  // a link or a bad type: not estimated here (the validator reports bad types)
  }
  if (auto d = defaultNumber(registry, s, param)) out.push_back(*d);
  return out;
}
}  // namespace

std::optional<LimitViolation> checkGridLimits(const core::Workflow& w,
                                              const core::AgentRegistry& registry,
                                              std::int64_t max_points) {
  if (max_points <= 0) return std::nullopt;
  for (const auto& s : w.steps) {
    if (s.agent != "ode_pde" || (s.task != "poisson" && s.task != "heat" && s.task != "wave"))
      continue;
    const auto ns = candidates(registry, s, "n");
    const auto dims = candidates(registry, s, "dim");
    for (double n : ns)
      for (double dim : dims) {
        if (!(n > 0) || !(dim > 0) || dim > 3) continue;
        const double points = std::pow(n, dim);
        if (points > static_cast<double>(max_points)) {
          char buf[64];
          std::snprintf(buf, sizeof buf, "%.3g", points);
          return LimitViolation{s.id, "n",
                                "step '" + s.id + "', param 'n': grid of " +
                                    fmtNumber(n) + "^" +
                                    std::to_string(static_cast<int>(dim)) + " = " + buf +
                                    " points exceeds the server limit of " +
                                    std::to_string(max_points) + " (--max-grid-points)"};
        }
      }
  }
  return std::nullopt;
}

}  // namespace sciagents::server
