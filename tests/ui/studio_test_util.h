// Helpers for driving Studio's widgets in tests.
#pragma once

#include "core/agent/agent_registry.h"
#include "core/workflow/workflow_json.h"
#include "ui/agent_palette.h"
#include "ui/local_runner.h"
#include "ui/main_window.h"
#include "ui/palette_model.h"
#include "ui/param_editor.h"
#include "ui/property_panel.h"
#include "ui/workflow_document.h"
#include "ui/workflow_scene.h"

#include <QComboBox>
#include <QLineEdit>
#include <QSortFilterProxyModel>
#include <QTreeView>
#include <QtTest/QtTest>

namespace studio_test {

using namespace sciagents::ui;

// Runs a workflow (JSON text) in this process without the cache, as Studio's local target does;
// its result, or null when it did not start or finish within a minute.
inline std::shared_ptr<const sciagents::core::RunResult> runLocally(const char* workflow_json) {
  LocalRunner r(sciagents::core::AgentRegistry::builtin());
  r.setUseCache(false);
  QSignalSpy finished(&r, &ExecutionTarget::finished);
  if (!r.start(sciagents::core::parseWorkflowFile(workflow_json).workflow)) return nullptr;
  if (!QTest::qWaitFor([&] { return finished.size() == 1; }, 60000)) return nullptr;
  return r.lastResult();
}

// Types `text` into the parameter's line edit as a user would; `commit` presses Return.
inline void typeParam(PropertyPanel* panel, const QString& param, const QString& text,
                      bool commit = true) {
  ParamEditor* ed = panel->editor(param);
  QVERIFY2(ed, qPrintable("no editor for " + param));
  QLineEdit* le = ed->lineEdit();
  QVERIFY2(le, qPrintable("no line edit for " + param));
  le->clear();
  QTest::keyClicks(le, text);
  if (commit) QTest::keyClick(le, Qt::Key_Return);
}

inline void chooseParam(PropertyPanel* panel, const QString& param, const QString& choice) {
  ParamEditor* ed = panel->editor(param);
  QVERIFY(ed && ed->comboBox());
  const int i = ed->comboBox()->findText(choice);
  QVERIFY(i >= 0);
  ed->comboBox()->setCurrentIndex(i);
  emit ed->comboBox()->activated(i);
}

// Adds agent.task through the palette: search, select, press Enter. Returns the new step's id.
inline QString addFromPalette(MainWindow& w, const QString& agent, const QString& task) {
  AgentPalette* p = w.palette();
  p->setFilterText(task);
  const QModelIndex src = p->model()->taskIndex(agent, task);
  const QModelIndex idx = p->filterModel()->mapFromSource(src);
  if (!idx.isValid()) return {};
  p->view()->setCurrentIndex(idx);
  const QStringList before = w.document()->stepIds();
  QTest::keyClick(p->view(), Qt::Key_Return);
  const QStringList after = w.document()->stepIds();
  p->setFilterText({});
  return after.size() == before.size() + 1 ? after.back() : QString();
}

inline nlohmann::json docJson(const WorkflowDocument* d) {
  return nlohmann::json::parse(d->toJsonText().toStdString());
}

// The params of every step, without layout ("ui") members.
inline nlohmann::json withoutUi(nlohmann::json j) {
  for (auto& s : j["steps"]) s.erase("ui");
  return j;
}

}  // namespace studio_test
