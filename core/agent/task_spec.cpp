#include "core/agent/task_spec.h"

#include "core/util/error.h"

namespace sciagents::core {

const ParamSpec* TaskSpec::param(std::string_view name) const {
  for (const auto& p : params)
    if (p.name == name) return &p;
  return nullptr;
}

// An output declared with the name "*" stands for outputs whose names only the run knows (the
// named results of an external program or Python function): any other name then resolves to it,
// so links ("sim.range") and step-model outputs validate, and the run reports a missing one.
const OutputSpec* TaskSpec::output(std::string_view name) const {
  const OutputSpec* named_at_run_time = nullptr;
  for (const auto& o : outputs) {
    if (o.name == name) return &o;
    if (o.name == "*") named_at_run_time = &o;
  }
  return named_at_run_time;
}

Map TaskSpec::resolveParams(const Map& given) const {
  for (const auto& [key, value] : given)
    if (!param(key)) {
      std::string known;
      for (const auto& p : params) known += (known.empty() ? "" : ", ") + p.name;
      throw paramError(key, "unknown parameter for task '" + id + "' (known: " + known + ")");
    }
  Map out;
  for (const auto& p : params) {
    auto it = given.find(p.name);
    if (it == given.end() || it->second.isNull()) {
      if (p.required) throw paramError(p.name, "required parameter is missing");
      if (p.default_value) out[p.name] = *p.default_value;
      continue;
    }
    Value v = p.normalise(it->second);
    if (auto problem = p.check(v); !problem.empty()) throw paramError(p.name, problem);
    out[p.name] = std::move(v);
  }
  return out;
}

const TaskSpec* AgentSpec::task(std::string_view task_id) const {
  for (const auto& t : tasks)
    if (t.id == task_id) return &t;
  return nullptr;
}

}  // namespace sciagents::core
