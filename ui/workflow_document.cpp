#include "ui/workflow_document.h"

#include "core/agent/agent_registry.h"
#include "core/util/error.h"
#include "core/workflow/link.h"
#include "ui/node_ports.h"
#include "ui/qt_convert.h"
#include "ui/workflow_edit_command.h"
#include "ui/workflow_links.h"

#include <QFile>
#include <QFileInfo>
#include <QSaveFile>
#include <QUndoStack>

#include <functional>
#include <map>
#include <optional>
#include <set>

namespace sciagents::ui {

using nlohmann::json;

namespace {
constexpr double kColumnWidth = 420.0;
constexpr double kRowHeight = 170.0;
constexpr double kRowGap = 40.0;  // between a tall node and the next

bool validStepId(const QString& id) {
  if (id.isEmpty() || id.size() > 128) return false;
  if (!(id[0].isLetter() || id[0] == QLatin1Char('_')) || id[0].unicode() > 127) return false;
  for (QChar c : id)
    if (c.unicode() > 127 ||
        !(c.isLetterOrNumber() || c == QLatin1Char('_') || c == QLatin1Char('-')))
      return false;
  return true;
}
}  // namespace

WorkflowDocument::WorkflowDocument(const core::AgentRegistry& registry, QObject* parent)
    : QObject(parent), m_registry(registry), m_undo(new QUndoStack(this)) {
  m_file.workflow.name = "Untitled";
  connect(m_undo, &QUndoStack::cleanChanged, this,
          [this](bool clean) { emit modifiedChanged(!clean); });
}

const core::Step* WorkflowDocument::step(const QString& id) const {
  return m_file.workflow.step(stdstr(id));
}

QStringList WorkflowDocument::stepIds() const {
  QStringList out;
  for (const auto& s : m_file.workflow.steps) out << qstr(s.id);
  return out;
}

bool WorkflowDocument::isModified() const { return !m_undo->isClean(); }

QString WorkflowDocument::title() const {
  if (!m_file.workflow.name.empty()) return qstr(m_file.workflow.name);
  if (!m_path.isEmpty()) return QFileInfo(m_path).fileName();
  return tr("Untitled");
}

void WorkflowDocument::newDocument() {
  core::WorkflowFile f;
  f.workflow.name = "Untitled";
  setFile(std::move(f));
}

void WorkflowDocument::setFile(core::WorkflowFile file, const QString& path) {
  m_undo->clear();
  m_file = std::move(file);
  m_path = path;
  m_undo->setClean();
  emit filePathChanged(m_path);
  emit documentReset();
  emit changed();
  emit modifiedChanged(false);
}

void WorkflowDocument::setRecovered(core::WorkflowFile file, const QString& path) {
  setFile(std::move(file), path);
  m_undo->resetClean();  // emits cleanChanged(false) -> modifiedChanged(true)
}

bool WorkflowDocument::load(const QString& path, QString* error) {
  QFile f(path);
  if (!f.open(QIODevice::ReadOnly)) {
    if (error) *error = tr("Cannot read %1: %2").arg(path, f.errorString());
    return false;
  }
  const QByteArray data = f.readAll();
  try {
    setFile(core::parseWorkflowFile(
                std::string_view(data.constData(), static_cast<std::size_t>(data.size()))),
            QFileInfo(path).absoluteFilePath());
  } catch (const std::exception& e) {
    if (error) *error = tr("%1: %2").arg(QFileInfo(path).fileName(), QString::fromUtf8(e.what()));
    return false;
  }
  return true;
}

QString WorkflowDocument::toJsonText() const { return qstr(core::dumpWorkflowFile(m_file)); }

bool WorkflowDocument::save(const QString& path, QString* error) {
  QSaveFile f(path);
  if (!f.open(QIODevice::WriteOnly)) {
    if (error) *error = tr("Cannot write %1: %2").arg(path, f.errorString());
    return false;
  }
  f.write(toJsonText().toUtf8());
  if (!f.commit()) {
    if (error) *error = tr("Cannot write %1: %2").arg(path, f.errorString());
    return false;
  }
  m_path = QFileInfo(path).absoluteFilePath();
  m_undo->setClean();
  emit filePathChanged(m_path);
  return true;
}

void WorkflowDocument::exec(QUndoCommand* command) { m_undo->push(command); }

void WorkflowDocument::applyState(const core::WorkflowFile& state) {
  m_file = state;
  emit changed();
}

void WorkflowDocument::commit(const QString& text, core::WorkflowFile after,
                              const QString& merge_key) {
  exec(new WorkflowEditCommand(this, text, m_file, std::move(after), merge_key));
}

QString WorkflowDocument::uniqueId(const QString& base) const {
  QString b = base;
  if (!validStepId(b)) b = QStringLiteral("step");
  if (!step(b)) return b;
  for (int i = 2;; ++i) {
    const QString candidate = b + QLatin1Char('_') + QString::number(i);
    if (!step(candidate)) return candidate;
  }
}

QString WorkflowDocument::addStep(const QString& agent, const QString& task, QPointF pos) {
  const core::TaskSpec* spec = m_registry.task(stdstr(agent), stdstr(task));
  if (!spec || spec->planned()) return {};
  core::WorkflowFile after = m_file;
  core::Step s;
  s.id = stdstr(uniqueId(task));
  s.agent = stdstr(agent);
  s.task = stdstr(task);
  after.steps[s.id].ui = json{{"x", pos.x()}, {"y", pos.y()}};
  after.workflow.steps.push_back(s);
  const QString id = qstr(s.id);
  commit(tr("Add step %1").arg(id), std::move(after));
  return id;
}

void WorkflowDocument::removeSteps(const QStringList& ids) {
  core::WorkflowFile after = m_file;
  int removed = 0;
  for (const QString& qid : ids) {
    const std::string id = stdstr(qid);
    auto& steps = after.workflow.steps;
    const auto before = steps.size();
    std::erase_if(steps, [&](const core::Step& s) { return s.id == id; });
    if (steps.size() == before) continue;
    ++removed;
    after.steps.erase(id);
    for (auto& s : steps) removeReferencesTo(s.params, id);
  }
  if (removed == 0) return;
  commit(removed == 1 ? tr("Remove step %1").arg(ids.value(0))
                      : tr("Remove %n steps", nullptr, removed),
         std::move(after));
}

void WorkflowDocument::moveSteps(const QHash<QString, QPointF>& positions,
                                 const QString& merge_key) {
  core::WorkflowFile after = m_file;
  bool any = false;
  for (auto it = positions.begin(); it != positions.end(); ++it) {
    if (!step(it.key())) continue;
    json& ui = after.steps[stdstr(it.key())].ui;
    if (!ui.is_object()) ui = json::object();
    if (ui.value("x", 1e300) == it.value().x() && ui.value("y", 1e300) == it.value().y()) continue;
    ui["x"] = it.value().x();
    ui["y"] = it.value().y();
    any = true;
  }
  if (any)
    commit(positions.size() == 1 ? tr("Move %1").arg(positions.begin().key()) : tr("Move steps"),
           std::move(after), merge_key);
}

bool WorkflowDocument::connectLink(const QString& to_step, const QString& param_path,
                                   const QString& from_ref, QString* error) {
  auto fail = [&](const QString& message) {
    if (error) *error = message;
    return false;
  };
  std::string parse_error;
  const auto ref = core::parseLinkRef(stdstr(from_ref), &parse_error);
  if (!ref) return fail(tr("Malformed link '%1': %2").arg(from_ref, qstr(parse_error)));
  if (!step(qstr(ref->step))) return fail(tr("There is no step '%1'").arg(qstr(ref->step)));
  if (!step(to_step)) return fail(tr("There is no step '%1'").arg(to_step));
  if (wouldCreateCycle(m_file.workflow, ref->step, stdstr(to_step)))
    return fail(
        tr("Link %1 → %2.%3 refused: it would create a cycle").arg(from_ref, to_step, param_path));
  core::WorkflowFile after = m_file;
  std::string err;
  if (!setAtPath(after.workflow.step(stdstr(to_step))->params, stdstr(param_path),
                 json{{"from", stdstr(from_ref)}}, &err))
    return fail(tr("Cannot link %1.%2: %3").arg(to_step, param_path, qstr(err)));
  commit(tr("Link %1.%2 ← %3").arg(to_step, param_path, from_ref), std::move(after));
  return true;
}

bool WorkflowDocument::disconnectLink(const QString& step_id, const QString& param_path) {
  if (!step(step_id)) return false;
  core::WorkflowFile after = m_file;
  if (!eraseAtPath(after.workflow.step(stdstr(step_id))->params, stdstr(param_path))) return false;
  commit(tr("Unlink %1.%2").arg(step_id, param_path), std::move(after));
  return true;
}

bool WorkflowDocument::setParam(const QString& step_id, const QString& name, const json& value) {
  if (!step(step_id)) return false;
  core::WorkflowFile after = m_file;
  json& params = after.workflow.step(stdstr(step_id))->params;
  if (value.is_null()) {
    if (!params.contains(stdstr(name))) return false;
    params.erase(stdstr(name));
  } else {
    if (params.contains(stdstr(name)) && params[stdstr(name)] == value) return false;
    params[stdstr(name)] = value;
  }
  commit(
      value.is_null() ? tr("Reset %1.%2").arg(step_id, name) : tr("Set %1.%2").arg(step_id, name),
      std::move(after));
  return true;
}

bool WorkflowDocument::renameStep(const QString& old_id, const QString& new_id, QString* error) {
  auto fail = [&](const QString& message) {
    if (error) *error = message;
    return false;
  };
  if (old_id == new_id) return true;
  if (!step(old_id)) return fail(tr("There is no step '%1'").arg(old_id));
  if (!validStepId(new_id))
    return fail(
        tr("'%1' is not a valid id: use letters, digits, '_' or '-', starting with a letter")
            .arg(new_id));
  if (step(new_id)) return fail(tr("A step '%1' already exists").arg(new_id));
  core::WorkflowFile after = m_file;
  const std::string o = stdstr(old_id), n = stdstr(new_id);
  after.workflow.step(o)->id = n;
  if (auto it = after.steps.find(o); it != after.steps.end()) {
    after.steps[n] = it->second;
    after.steps.erase(o);
  }
  for (auto& s : after.workflow.steps) renameReferences(s.params, o, n);
  commit(tr("Rename %1 to %2").arg(old_id, new_id), std::move(after));
  return true;
}

void WorkflowDocument::setName(const QString& name) {
  if (stdstr(name) == m_file.workflow.name) return;
  core::WorkflowFile after = m_file;
  after.workflow.name = stdstr(name);
  commit(tr("Rename workflow"), std::move(after));
}

QString WorkflowDocument::copySteps(const QStringList& ids) const {
  core::WorkflowFile part;
  for (const auto& s : m_file.workflow.steps) {
    if (!ids.contains(qstr(s.id))) continue;
    part.workflow.steps.push_back(s);
    core::StepExtras e = m_file.extras(s.id) ? *m_file.extras(s.id) : core::StepExtras{};
    const QPointF p = stepPosition(qstr(s.id));
    if (!e.ui.is_object()) e.ui = json::object();
    e.ui["x"] = p.x();
    e.ui["y"] = p.y();
    part.steps[s.id] = e;
  }
  return qstr(core::dumpWorkflowFile(part));
}

QStringList WorkflowDocument::paste(const QString& json_text, QPointF offset) {
  core::WorkflowFile part;
  try {
    part = core::parseWorkflowFile(stdstr(json_text));
  } catch (const std::exception&) {
    return {};
  }
  if (part.workflow.steps.empty()) return {};
  core::WorkflowFile after = m_file;
  std::map<std::string, std::string> renamed;
  QStringList new_ids;
  for (const auto& s : part.workflow.steps) {
    QString id = qstr(s.id);
    // Unique against the document and the ids already pasted.
    for (int i = 2; after.workflow.step(stdstr(id)); ++i)
      id = qstr(s.id) + QLatin1Char('_') + QString::number(i);
    renamed[s.id] = stdstr(id);
    core::Step copy = s;
    copy.id = stdstr(id);
    after.workflow.steps.push_back(std::move(copy));
    new_ids << id;
  }
  for (const auto& s : part.workflow.steps) {
    core::Step* pasted = after.workflow.step(renamed[s.id]);
    // Links among pasted steps follow the copies; links to other steps stay as they were.
    for (const auto& [o, n] : renamed)
      if (o != n) renameReferences(pasted->params, o, n);
    core::StepExtras e = part.extras(s.id) ? *part.extras(s.id) : core::StepExtras{};
    if (!e.ui.is_object()) e.ui = json::object();
    e.ui["x"] = e.ui.value("x", 0.0) + offset.x();
    e.ui["y"] = e.ui.value("y", 0.0) + offset.y();
    after.steps[pasted->id] = e;
  }
  commit(tr("Paste %n step(s)", nullptr, int(new_ids.size())), std::move(after));
  return new_ids;
}

QStringList WorkflowDocument::duplicate(const QStringList& ids) {
  return paste(copySteps(ids), QPointF(40, 40));
}

// The "ui" position stored for step `sid`, if any.
std::optional<QPointF> WorkflowDocument::storedPosition(const std::string& sid) const {
  if (const core::StepExtras* e = m_file.extras(sid);
      e && e->ui.is_object() && e->ui.contains("x") && e->ui["x"].is_number() &&
      e->ui.contains("y") && e->ui["y"].is_number())
    return QPointF(e->ui["x"].get<double>(), e->ui["y"].get<double>());
  return std::nullopt;
}

QPointF WorkflowDocument::stepPosition(const QString& id) const {
  if (const auto p = storedPosition(stdstr(id))) return *p;
  return autoPosition(id);
}

QHash<QString, QPointF> WorkflowDocument::stepPositions() const {
  QHash<QString, QPointF> out;
  bool need_auto = false;
  for (const auto& s : m_file.workflow.steps) {
    if (const auto p = storedPosition(s.id))
      out.insert(qstr(s.id), *p);
    else
      need_auto = true;
  }
  if (need_auto) {
    const QHash<QString, QPointF> automatic = autoPositions();
    for (auto it = automatic.begin(); it != automatic.end(); ++it)
      if (!out.contains(it.key())) out.insert(it.key(), it.value());
  }
  return out;
}

QPointF WorkflowDocument::autoPosition(const QString& id) const {
  return autoPositions().value(id);
}

QHash<QString, QPointF> WorkflowDocument::autoPositions() const {
  // Automatic layout: column = longest chain of upstream steps, row = order within the column.
  std::map<std::string, int> depth;
  std::function<int(const std::string&, int)> depthOf = [&](const std::string& s,
                                                            int guard) -> int {
    if (auto it = depth.find(s); it != depth.end()) return it->second;
    int d = 0;
    if (guard < 64)
      for (const auto& up : directUpstream(m_file.workflow, s))
        if (m_file.workflow.step(up)) d = std::max(d, depthOf(up, guard + 1) + 1);
    depth[s] = d;
    return d;
  };
  // Each node below the one above it in its column, with room for the taller ones (an optimizer's
  // nine outputs make it taller than a row).
  std::map<int, double> next_y;  // per column
  QHash<QString, QPointF> out;
  for (const auto& s : m_file.workflow.steps) {
    const int column = depthOf(s.id, 0);
    double& y = next_y[column];
    out.insert(qstr(s.id), QPointF(column * kColumnWidth, y));
    const NodePorts ports = nodePorts(s, m_registry);
    y += std::max(
        kRowHeight,
        nodeHeight(ports.inputs.size(), ports.outputs.size(), s.sweep.has_value()) + kRowGap);
  }
  return out;
}

void WorkflowDocument::autoLayout() { moveSteps(autoPositions()); }

core::Workflow WorkflowDocument::withUpstream(const QStringList& ids) const {
  std::set<std::string> keep;
  std::vector<std::string> todo;
  for (const QString& id : ids)
    if (step(id)) todo.push_back(stdstr(id));
  while (!todo.empty()) {
    const std::string cur = todo.back();
    todo.pop_back();
    if (!keep.insert(cur).second) continue;
    for (const auto& up : directUpstream(m_file.workflow, cur))
      if (m_file.workflow.step(up)) todo.push_back(up);
  }
  core::Workflow out;
  out.format = m_file.workflow.format;
  out.name = m_file.workflow.name;
  for (const auto& s : m_file.workflow.steps)
    if (keep.count(s.id)) out.steps.push_back(s);
  return out;
}

std::vector<core::ValidationIssue> WorkflowDocument::validate() const {
  return core::validateWorkflow(m_file.workflow, m_registry);
}

}  // namespace sciagents::ui
