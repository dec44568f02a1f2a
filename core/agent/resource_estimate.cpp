#include "core/agent/resource_estimate.h"

#include "core/agent/task_spec.h"
#include "core/agents/resource_estimators.h"
#include "core/util/error.h"

#include <cmath>
#include <cstdio>
#include <map>

namespace sciagents::core {

namespace {

using Table = std::map<std::string, ResourceEstimator, std::less<>>;

const Table& table() {
  static const Table t = [] {
    using namespace agents;
    Table m;
    m["ode_pde.poisson"] = ode::estimatePoisson;
    m["ode_pde.heat"] = ode::estimateHeat;
    m["ode_pde.wave"] = ode::estimateWave;
    m["ode_pde.ivp"] = ode::estimateIvp;
    m["linear_algebra.matrix"] = la::estimateMatrix;
    for (const char* t : {"solve", "least_squares", "eigen", "svd", "decompose", "condition"})
      m[std::string("linear_algebra.") + t] = la::estimateDenseA;
    m["uq.monte_carlo"] = uq::estimateMonteCarlo;
    m["uq.sobol"] = uq::estimateSobol;
    m["uq.lhs"] = uq::estimateLhs;
    m["integration.monte_carlo"] = integ::estimateMonteCarlo;
    m["performance_profiler.profile"] = profiler::estimateProfile;
    return m;
  }();
  return t;
}

}  // namespace

const ResourceEstimator* findEstimator(std::string_view agent, std::string_view task) {
  const std::string key = std::string(agent) + "." + std::string(task);
  const auto& t = table();
  auto it = t.find(key);
  return it == t.end() ? nullptr : &it->second;
}

Map knownParams(const TaskSpec& task, const Map& given, const std::set<std::string>& unknown) {
  Map out;
  for (const auto& p : task.params) {
    if (unknown.count(p.name)) continue;
    auto it = given.find(p.name);
    if (it == given.end() || it->second.isNull()) {
      if (p.default_value) out[p.name] = *p.default_value;
      continue;
    }
    try {
      Value v = p.normalise(it->second);
      if (p.check(v).empty()) out[p.name] = std::move(v);
    } catch (const std::exception&) {  // a bad value: the validator names it
    }
  }
  return out;
}

std::optional<ResourceEstimate> estimateResources(const AgentRegistry& registry,
                                                  std::string_view agent, const TaskSpec& task,
                                                  const Map& params, const std::string& step) {
  const ResourceEstimator* f = findEstimator(agent, task.id);
  if (!f) return std::nullopt;
  try {
    TaskContext ctx(task, params, step);
    ctx.setRegistry(&registry);
    return (*f)(registry, ctx);
  } catch (const std::exception&) {  // a param not known yet (or invalid): no estimate now
    return std::nullopt;
  }
}

double paramCount(const TaskContext& ctx, std::string_view name) {
  const double v = ctx.number(name);
  if (!std::isfinite(v) || v < 0) throw paramError(std::string(name), "not a count");
  return v;
}

}  // namespace sciagents::core
