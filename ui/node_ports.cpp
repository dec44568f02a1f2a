#include "ui/node_ports.h"

#include "core/agent/agent_registry.h"
#include "core/workflow/link.h"
#include "ui/qt_convert.h"

#include <QObject>
#include <QSet>

#include <algorithm>

namespace sciagents::ui {

namespace {
bool linkable(core::ParamType t) {
  using core::ParamType;
  return t == ParamType::Number || t == ParamType::Integer || t == ParamType::Vector ||
         t == ParamType::Matrix || t == ParamType::Map || t == ParamType::Any;
}
}  // namespace

NodePorts nodePorts(const core::Step& step, const core::AgentRegistry& registry) {
  // Ports: linkable params, then linked paths that are deeper than a param ("constants.k").
  std::vector<PortSpec> inputs, outputs;
  QSet<QString> linked;
  for (const auto& l : core::findLinks(step.params)) linked.insert(qstr(l.path));
  if (const core::TaskSpec* task = registry.task(step.agent, step.task)) {
    for (const auto& p : task->params) {
      // Optional scalars and free-form params get a port only once set, to keep nodes compact;
      // a link can also be typed into any form field as {"from": "step.output"}.
      const bool shown =
          linked.contains(qstr(p.name)) ||
          (linkable(p.type) &&
           (p.required || step.params.contains(p.name) || p.type == core::ParamType::Vector ||
            p.type == core::ParamType::Matrix || p.type == core::ParamType::Map));
      if (!shown) continue;
      QString tip = QStringLiteral("%1 (%2%3)")
                        .arg(qstr(p.name), qstr(std::string(core::paramTypeName(p.type))),
                             p.required ? QObject::tr(", required") : QString());
      if (!p.doc.empty()) tip += QLatin1Char('\n') + qstr(p.doc);
      inputs.push_back({qstr(p.name), qstr(p.name), tip, linked.contains(qstr(p.name))});
    }
    for (const auto& o : task->outputs) {
      if (o.name == "*") {  // named by the run (an external program): the names it declares
        const auto names = step.params.find("output_names");
        if (names != step.params.end() && names->is_array())
          for (const auto& n : *names)
            if (n.is_string())
              outputs.push_back(
                  {qstr(n.get<std::string>()), qstr(n.get<std::string>()),
                   QObject::tr("%1 (declared in output_names)").arg(qstr(n.get<std::string>())),
                   false});
        continue;
      }
      if (o.conditional) continue;  // only in some runs: linkable without a port
      outputs.push_back(
          {qstr(o.name), qstr(o.name),
           QStringLiteral("%1 (%2)\n%3")
               .arg(qstr(o.name), qstr(std::string(core::kindName(o.kind))), qstr(o.doc)),
           false});
    }
  }
  for (const auto& l : core::findLinks(step.params)) {  // in document order, not hash order
    const QString path = qstr(l.path);
    bool present = false;
    for (const auto& in : inputs) present = present || in.key == path;
    if (!present)
      inputs.push_back(
          {path, path,
           QObject::tr("%1 ← %2").arg(
               path, qstr(l.raw.is_string() ? l.raw.get<std::string>() : l.raw.dump())),
           true});
  }
  return {std::move(inputs), std::move(outputs)};
}

double nodeHeight(std::size_t inputs, std::size_t outputs, bool sweep) {
  const auto rows = std::max<std::size_t>({inputs, outputs, 1});
  return kNodeHeader + static_cast<double>(rows) * kNodeRow + 6.0 + (sweep ? kNodeSweepRow : 0.0);
}

}  // namespace sciagents::ui
