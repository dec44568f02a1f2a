#include "ui/tutorial/tutorial_controller.h"

#include "core/agent/agent_registry.h"
#include "core/workflow/workflow_json.h"
#include "ui/external_step_editor.h"
#include "ui/external_test_run.h"
#include "ui/local_runner.h"
#include "ui/main_window.h"
#include "ui/property_panel.h"
#include "ui/qt_convert.h"
#include "ui/remote_target.h"
#include "ui/tutorial/tutorial_condition.h"
#include "ui/workflow_document.h"
#include "ui/workflow_edit_command.h"
#include "ui/workflow_links.h"

#include <QAction>
#include <QSettings>
#include <QUndoStack>

#include <algorithm>

namespace sciagents::ui {

using nlohmann::json;

namespace {
QString key(const QString& id, const char* what) {
  return QStringLiteral("tutorials/%1/%2").arg(id, QLatin1String(what));
}
const char* kActiveKey = "tutorials/active";
// "${examples}" in show_me values: the folder of the examples installed with Studio.
json withExamplesDir(const json& v) {
  if (v.is_string()) {
    QString s = QString::fromStdString(v.get<std::string>());
    return s.replace(QLatin1String("${examples}"), MainWindow::examplesDir()).toStdString();
  }
  if (!v.is_array() && !v.is_object()) return v;
  json out = v;
  for (auto& e : out) e = withExamplesDir(e);
  return out;
}
}  // namespace

TutorialController::TutorialController(MainWindow* window, std::vector<Tutorial> tutorials)
    : QObject(window), m_window(window), m_tutorials(std::move(tutorials)) {
  setObjectName(QStringLiteral("TutorialController"));
  connect(window->document(), &WorkflowDocument::changed, this, [this] {
    m_result.reset();  // results describe the document as it was when the run started
    m_test_run_ok.clear();
    m_edited_during_run = true;
    evaluate();
  });
  for (ExecutionTarget* t : {static_cast<ExecutionTarget*>(window->runner()),
                             static_cast<ExecutionTarget*>(window->remoteTarget())})
    connect(t, &ExecutionTarget::started, this, [this] { m_edited_during_run = false; });
  connect(window->runner(), &ExecutionTarget::finished, this,
          [this] { onRunFinished(m_window->runner()); });
  connect(window->remoteTarget(), &ExecutionTarget::finished, this,
          [this] { onRunFinished(m_window->remoteTarget()); });
  connect(window, &MainWindow::executionTargetChanged, this, &TutorialController::evaluate);
  connect(window->properties()->externalEditor()->testRun(), &ExternalTestRun::finished, this,
          [this](const QString& step, bool ok) {
            m_test_run_ok = ok ? step : QString();
            evaluate();
          });
  const QString was = QSettings().value(QLatin1String(kActiveKey)).toString();
  for (std::size_t i = 0; i < m_tutorials.size(); ++i)
    if (m_tutorials[i].id == was && progress(was) == Progress::InProgress) {
      m_active = int(i);
      m_step = std::min(savedStep(was), int(m_tutorials[i].steps.size()) - 1);
    }
}

std::vector<Tutorial> TutorialController::shippedTutorials() {
  QStringList errors;
  auto all = loadTutorials({}, &errors);
  for (const QString& e : errors) qWarning("tutorial left out: %s", qPrintable(e));
  return all;
}

const Tutorial* TutorialController::tutorial(const QString& id) const {
  for (const auto& t : m_tutorials)
    if (t.id == id) return &t;
  return nullptr;
}

const TutorialStep* TutorialController::step() const {
  const Tutorial* t = active();
  return t && m_step >= 0 && m_step < int(t->steps.size()) ? &t->steps[std::size_t(m_step)]
                                                           : nullptr;
}

TutorialController::Progress TutorialController::progress(const QString& id) const {
  const QString s = QSettings().value(key(id, "status")).toString();
  if (s == QLatin1String("in_progress")) return Progress::InProgress;
  if (s == QLatin1String("finished")) return Progress::Finished;
  if (s == QLatin1String("skipped")) return Progress::Skipped;
  return Progress::NotStarted;
}

int TutorialController::savedStep(const QString& id) const {
  return QSettings().value(key(id, "step"), 0).toInt();
}

QStringList TutorialController::missingTasks(const QString& id) const {
  QStringList missing;
  const Tutorial* t = tutorial(id);
  if (!t) return missing;
  for (const QString& task : t->requires_tasks) {
    const QStringList parts = task.split(QLatin1Char('.'));
    const auto* spec = parts.size() == 2 ? m_window->document()->registry().task(
                                               parts[0].toStdString(), parts[1].toStdString())
                                         : nullptr;
    if (!spec || spec->planned()) missing << task;
  }
  return missing;
}

bool TutorialController::start(const QString& id) {
  for (std::size_t i = 0; i < m_tutorials.size(); ++i) {
    if (m_tutorials[i].id != id) continue;
    const int at = progress(id) == Progress::InProgress ? savedStep(id) : 0;
    // A tutorial builds its own workflow from its first step: in a new document, not on top of the
    // one that is open (offered for saving first; Cancel keeps it and does not start). Resumed, it
    // goes on with the document as it is.
    if (at == 0 && !m_window->document()->stepIds().isEmpty()) {
      if (!m_window->maybeSave()) return false;
      m_window->newFile();
    }
    m_active = int(i);
    emit tutorialStarted(id);
    enter(std::clamp(at, 0, int(m_tutorials[i].steps.size()) - 1));
    return true;
  }
  return false;
}

bool TutorialController::restart(const QString& id) {
  QSettings().remove(QStringLiteral("tutorials/%1").arg(id));
  return start(id);
}

void TutorialController::enter(int index) {
  m_step = index;
  m_met = false;
  save();
  emit stepChanged(index);
  m_met = currentStepMet();  // already true (e.g. after Back): Next is enabled, nothing fires
  emit conditionChanged(m_met);
}

void TutorialController::save() const {
  const Tutorial* t = active();
  if (!t) return;
  QSettings s;
  s.setValue(key(t->id, "status"), QStringLiteral("in_progress"));
  s.setValue(key(t->id, "step"), m_step);
  s.setValue(QLatin1String(kActiveKey), t->id);
}

bool TutorialController::currentStepMet() const {
  const TutorialStep* s = step();
  if (!s) return false;
  TutorialState state;
  state.workflow = &m_window->document()->workflow();
  state.registry = &m_window->registry();
  state.result = m_result.get();
  state.result_remote = m_result_remote;
  state.test_run_ok = m_test_run_ok;
  state.connected = m_window->executionTarget() == m_window->remoteTarget() &&
                    !m_window->remoteTarget()->settings().url.isEmpty();
  return conditionMet(s->condition, state);
}

void TutorialController::evaluate() {
  const TutorialStep* s = step();
  if (!s) return;
  const bool met = currentStepMet();
  const bool became = met && !m_met;
  m_met = met;
  emit conditionChanged(met);
  if (!became || s->condition.value("type", std::string()) == "none") return;
  const QString id = activeId();
  const int index = m_step;
  emit stepCompleted(id, index);
  if (activeId() == id && m_step == index) next();
}

void TutorialController::next() {
  const Tutorial* t = active();
  if (!t || !m_met) return;
  if (m_step + 1 < int(t->steps.size()))
    enter(m_step + 1);
  else
    end(Progress::Finished);
}

void TutorialController::back() {
  if (active() && m_step > 0) enter(m_step - 1);
}

void TutorialController::skip() { end(Progress::Skipped); }

void TutorialController::decline(const QString& id) {
  if (activeId() == id) {
    skip();
    return;
  }
  if (!tutorial(id)) return;
  QSettings().setValue(key(id, "status"), QStringLiteral("skipped"));
  emit tutorialSkipped(id);
  emit tutorialFinishedOrSkipped(id);
}

void TutorialController::end(Progress how) {
  const Tutorial* t = active();
  if (!t) return;
  const QString id = t->id;
  QSettings s;
  s.setValue(key(id, "status"),
             how == Progress::Finished ? QStringLiteral("finished") : QStringLiteral("skipped"));
  s.setValue(key(id, "step"), m_step);
  s.remove(QLatin1String(kActiveKey));
  m_active = -1;
  m_step = -1;
  m_met = false;
  emit stepChanged(-1);
  if (how == Progress::Finished)
    emit tutorialFinished(id);
  else
    emit tutorialSkipped(id);
  emit tutorialFinishedOrSkipped(id);
}

void TutorialController::onRunFinished(QObject* target) {
  auto* t = qobject_cast<ExecutionTarget*>(target);
  if (!t) return;
  m_result = m_edited_during_run ? nullptr : t->lastResult();
  m_result_remote = target == m_window->remoteTarget();
  evaluate();
}

json TutorialController::showMeActions(const TutorialStep& s) const {
  if (!s.show_me.is_null()) return s.show_me.is_array() ? s.show_me : json::array({s.show_me});
  json actions = json::array();
  auto derive = [&](const json& c, auto&& self) -> void {
    const std::string type = c.value("type", std::string());
    if (type == "all") {
      for (const auto& sub : c["of"]) self(sub, self);
    } else if (type == "step_added") {
      actions.push_back({{"do", "add_step"}, {"task", c["task"]}});
    } else if (type == "param" && c.contains("value")) {
      actions.push_back(
          {{"do", "set_param"}, {"task", c["task"]}, {"param", c["param"]}, {"value", c["value"]}});
    } else if (type == "link") {
      actions.push_back({{"do", "link"},
                         {"from_task", c["from_task"]},
                         {"output", c["output"]},
                         {"to_task", c["to_task"]},
                         {"param", c["param"]}});
    } else if (type == "run_succeeded" || type == "output") {
      // One run for both (a second, while the first runs, failed: Show me reported failure).
      const json run = {{"do", "run"}};
      if (std::find(actions.begin(), actions.end(), run) == actions.end()) actions.push_back(run);
    } else if (type == "connected") {
      actions.push_back({{"do", "connect"}});
    } else if (type == "test_run") {
      actions.push_back({{"do", "test_run"}, {"task", c["task"]}});
    }
  };
  derive(s.condition, derive);
  return actions;
}

bool TutorialController::showMe() {
  const TutorialStep* s = step();
  if (!s) return false;
  const json actions = showMeActions(*s);
  if (actions.empty()) return false;
  QUndoStack* undo = m_window->document()->undoStack();
  // One undo step for every edit "Show me" makes; a run (not an edit) comes after the macro.
  json runs = json::array();
  bool ok = true;
  undo->beginMacro(tr("Show me: %1").arg(s->title.isEmpty() ? activeId() : s->title));
  for (const auto& a : actions) {
    const std::string what = a.value("do", std::string());
    if (what == "run" || what == "connect" || what == "test_run") {
      runs.push_back(a);
      continue;
    }
    QString error;
    if (!perform(a, &error)) {
      ok = false;
      qWarning("tutorial %s, step %d: Show me could not %s: %s", qPrintable(activeId()), m_step + 1,
               what.c_str(), qPrintable(error));
    }
  }
  undo->endMacro();
  for (const auto& a : runs) {
    QString error;
    ok = perform(a, &error) && ok;
  }
  return ok;
}

bool TutorialController::perform(const json& a, QString* error) {
  WorkflowDocument* doc = m_window->document();
  const core::Workflow& w = doc->workflow();
  const std::string what = a.value("do", std::string());
  const QString task = jsonString(a, "task");
  const QString id = stepOfTask(w, task);
  if (what == "add_step") {
    const QStringList parts = task.split(QLatin1Char('.'));
    return parts.size() == 2 && !m_window->addTask(parts[0], parts[1]).isEmpty();
  }
  if (what == "run") {
    if (!m_window->runAction()->isEnabled()) return false;
    m_window->runAction()->trigger();
    return true;
  }
  if (what == "connect") {
    m_window->editRemoteSettings();
    return true;
  }
  if (what == "link") {
    const QString from = stepOfTask(w, jsonString(a, "from_task"));
    const QString to = stepOfTask(w, jsonString(a, "to_task"));
    if (from.isEmpty() || to.isEmpty()) {
      *error = tr("the steps to link are not on the canvas");
      return false;
    }
    return doc->connectLink(to, jsonString(a, "param"),
                            from + QLatin1Char('.') + jsonString(a, "output"), error);
  }
  if (id.isEmpty()) {
    *error = tr("there is no %1 step").arg(task);
    return false;
  }
  if (what == "test_run") {  // the Test run of the step's external editor
    m_window->properties()->setStep(id);
    ExternalStepEditor* editor = m_window->properties()->externalEditor();
    ExternalTestRun* test = editor->testRun();
    if (test->isRunning() || !editor->isVisibleTo(m_window)) {
      *error = tr("the %1 step has no Test run now").arg(task);
      return false;
    }
    test->run();
    return true;
  }
  if (what == "set_param") {
    // A dotted path ("constants.k") sets one entry of a map parameter.
    const std::string path = a.value("param", std::string());
    const std::string top = path.substr(0, path.find('.'));
    const json value = withExamplesDir(substituteTaskIds(a.value("value", json()), w));
    if (top == path)
      return doc->setParam(id, QString::fromStdString(top), value) ||
             doc->step(id)->params.value(top, json()) == value;
    json params = doc->step(id)->params;
    std::string why;
    if (!setAtPath(params, path, value, &why)) {
      *error = QString::fromStdString(why);
      return false;
    }
    doc->setParam(id, QString::fromStdString(top), params[top]);
    return true;
  }
  if (what == "set_sweep") {
    QString why;
    auto* command =
        makeSetSweepCommand(doc, id, jsonString(a, "param"), a.value("values", json()), &why);
    if (!command) {
      *error = why;
      return false;
    }
    doc->exec(command);
    return true;
  }
  *error = tr("unknown action '%1'").arg(QString::fromStdString(what));
  return false;
}

}  // namespace sciagents::ui
