#include "core/agent/task_spec.h"

#include "core/util/error.h"

namespace sciagents::core {

const ParamSpec* TaskSpec::param(std::string_view name) const {
  for (const auto& p : params)
    if (p.name == name) return &p;
  return nullptr;
}

const OutputSpec* TaskSpec::output(std::string_view name) const {
  for (const auto& o : outputs)
    if (o.name == name) return &o;
  return nullptr;
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
