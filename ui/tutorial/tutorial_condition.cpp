#include "ui/tutorial/tutorial_condition.h"

#include "core/agent/agent_registry.h"
#include "core/value/value_json.h"
#include "core/workflow/link.h"
#include "ui/workflow_links.h"

#include <QRegularExpression>

#include <cmath>
#include <set>

namespace sciagents::ui {

using nlohmann::json;

namespace {
std::string str(const json& c, const char* key) {
  return c.contains(key) && c[key].is_string() ? c[key].get<std::string>() : std::string();
}

// "name[1][-1]" -> name and indices; false when malformed.
bool splitIndexed(const std::string& path, std::string* name, std::vector<long long>* indices) {
  static const QRegularExpression re(
      QStringLiteral("^([A-Za-z_][A-Za-z0-9_]*)((\\[-?[0-9]+\\])*)$"));
  const auto m = re.match(QString::fromStdString(path));
  if (!m.hasMatch()) return false;
  *name = m.captured(1).toStdString();
  static const QRegularExpression idx(QStringLiteral("\\[(-?[0-9]+)\\]"));
  for (auto it = idx.globalMatch(m.captured(2)); it.hasNext();)
    indices->push_back(it.next().captured(1).toLongLong());
  return true;
}

const json* index(const json& v, const std::vector<long long>& indices) {
  const json* cur = &v;
  for (long long i : indices) {
    if (!cur->is_array()) return nullptr;
    const long long n = static_cast<long long>(cur->size());
    if (i < 0) i += n;
    if (i < 0 || i >= n) return nullptr;
    cur = &(*cur)[static_cast<std::size_t>(i)];
  }
  return cur;
}

// Tagged lists ({"$type": "list", "items": [...]}, e.g. a swept vector output) as plain arrays.
json plainLists(const json& v) {
  if (v.is_object() && v.value("$type", std::string()) == "list" && v.contains("items"))
    return plainLists(v["items"]);
  if (!v.is_array()) return v;
  json out = json::array();
  for (const auto& e : v) out.push_back(plainLists(e));
  return out;
}

const core::Step* stepFor(const core::Workflow& w, const json& c, const char* key = "task") {
  const QString id = stepOfTask(w, QString::fromStdString(str(c, key)));
  return id.isEmpty() ? nullptr : w.step(id.toStdString());
}
}  // namespace

QString stepOfTask(const core::Workflow& workflow, const QString& task) {
  for (const auto& s : workflow.steps)
    if (QString::fromStdString(s.agent + "." + s.task) == task) return QString::fromStdString(s.id);
  return {};
}

json substituteTaskIds(const json& value, const core::Workflow& workflow) {
  if (value.is_string()) {
    static const QRegularExpression re(QStringLiteral("\\$\\{([a-z_]+\\.[a-z_]+)\\}"));
    QString s = QString::fromStdString(value.get<std::string>());
    for (auto m = re.match(s); m.hasMatch(); m = re.match(s))
      s.replace(m.captured(0), stepOfTask(workflow, m.captured(1)));
    return s.toStdString();
  }
  if (value.is_array() || value.is_object()) {
    json out = value;
    for (auto it = out.begin(); it != out.end(); ++it) *it = substituteTaskIds(*it, workflow);
    return out;
  }
  return value;
}

bool jsonClose(const json& a, const json& b, double tolerance) {
  if (a.is_number() && b.is_number())
    return std::abs(a.get<double>() - b.get<double>()) <= tolerance;
  if (a.is_array() && b.is_array()) {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i)
      if (!jsonClose(a[i], b[i], tolerance)) return false;
    return true;
  }
  if (a.is_object() && b.is_object()) {
    if (a.size() != b.size()) return false;
    for (auto it = a.begin(); it != a.end(); ++it)
      if (!b.contains(it.key()) || !jsonClose(it.value(), b[it.key()], tolerance)) return false;
    return true;
  }
  return a == b;
}

json outputValue(const core::StepResult& step, const QString& output_path) {
  std::string name;
  std::vector<long long> indices;
  if (!splitIndexed(output_path.toStdString(), &name, &indices)) return nullptr;
  const auto it = step.outputs.find(name);
  if (it == step.outputs.end()) return nullptr;
  const json whole = plainLists(core::toJson(it->second));
  const json* v = index(whole, indices);
  return v ? *v : json();
}

QString checkCondition(const json& c) {
  if (!c.is_object() || !c.contains("type") || !c["type"].is_string())
    return QStringLiteral("needs a \"type\"");
  const std::string type = c["type"];
  auto need = [&](std::initializer_list<const char*> keys) -> QString {
    for (const char* k : keys)
      if (str(c, k).empty())
        return QStringLiteral("'%1' needs a string \"%2\"")
            .arg(QString::fromStdString(type), QString::fromLatin1(k));
    return {};
  };
  if (type == "none" || type == "connected") return {};
  if (type == "step_added") return need({"task"});
  if (type == "param") {
    if (c.contains("ends_with") && !c["ends_with"].is_string())
      return QStringLiteral("'ends_with' must be a string");
    return need({"task", "param"});
  }
  if (type == "test_run") return need({"task"});
  if (type == "link") return need({"from_task", "output", "to_task", "param"});
  if (type == "sweep") return need({"task", "param"});
  if (type == "run_succeeded") {
    const std::string t = str(c, "target");
    return t.empty() || t == "local" || t == "remote"
               ? QString()
               : QStringLiteral("target must be local or remote");
  }
  if (type == "output") {
    if (!c.contains("value")) return QStringLiteral("'output' needs a \"value\"");
    return need({"task", "output"});
  }
  if (type == "all") {
    if (!c.contains("of") || !c["of"].is_array() || c["of"].empty())
      return QStringLiteral("'all' needs a non-empty \"of\" list");
    for (const auto& sub : c["of"]) {
      const QString problem = checkCondition(sub);
      if (!problem.isEmpty()) return problem;
    }
    return {};
  }
  return QStringLiteral("unknown type '%1'").arg(QString::fromStdString(type));
}

bool conditionMet(const json& c, const TutorialState& s) {
  if (!s.workflow || !checkCondition(c).isEmpty()) return false;
  const core::Workflow& w = *s.workflow;
  const std::string type = c["type"];
  const double tol = c.value("tolerance", 0.0);
  if (type == "none") return true;
  if (type == "connected") return s.connected;
  if (type == "all") {
    for (const auto& sub : c["of"])
      if (!conditionMet(sub, s)) return false;
    return true;
  }
  if (type == "step_added") return stepFor(w, c) != nullptr;
  if (type == "param") {
    const core::Step* step = stepFor(w, c);
    if (!step) return false;
    const json* v = valueAtPath(step->params, str(c, "param"));
    json fallback;  // the param's default when the step leaves it unset
    if ((!v || v->is_null()) && s.registry && c.contains("value"))
      if (const core::TaskSpec* task = s.registry->task(step->agent, step->task))
        for (const auto& p : task->params)
          if (p.name == str(c, "param") && p.default_value) {
            fallback = core::toJson(*p.default_value);
            v = &fallback;
          }
    if (!v || v->is_null()) return false;
    if (c.contains("ends_with"))
      return v->is_string() && QString::fromStdString(v->get<std::string>())
                                   .endsWith(QString::fromStdString(str(c, "ends_with")));
    if (!c.contains("value")) return !core::isLinkObject(*v);
    return jsonClose(*v, substituteTaskIds(c["value"], w), tol);
  }
  if (type == "link") {
    const core::Step* from = stepFor(w, c, "from_task");
    const core::Step* to = stepFor(w, c, "to_task");
    if (!from || !to) return false;
    const json* v = valueAtPath(to->params, str(c, "param"));
    return v && core::isLinkObject(*v) && (*v)["from"] == from->id + "." + str(c, "output");
  }
  if (type == "sweep") {
    const core::Step* step = stepFor(w, c);
    return step && step->sweep && step->sweep->param == str(c, "param") &&
           step->sweep->values.size() >= static_cast<std::size_t>(c.value("min_points", 2));
  }
  if (type == "test_run") {
    const core::Step* step = stepFor(w, c);
    return step && !s.test_run_ok.isEmpty() && s.test_run_ok.toStdString() == step->id;
  }
  if (!s.result) return false;
  if (type == "run_succeeded") {
    const std::string target = str(c, "target");
    if (target == "remote" && !s.result_remote) return false;
    if (target == "local" && s.result_remote) return false;
    return s.result->status == core::StepStatus::Succeeded;
  }
  if (type == "output") {
    const core::Step* step = stepFor(w, c);
    const core::StepResult* r = step ? s.result->step(step->id) : nullptr;
    if (!r || r->status != core::StepStatus::Succeeded) return false;
    const json got = outputValue(*r, QString::fromStdString(str(c, "output")));
    return !got.is_null() && jsonClose(got, c["value"], tol);
  }
  return false;
}

}  // namespace sciagents::ui
