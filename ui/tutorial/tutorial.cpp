#include "ui/tutorial/tutorial.h"

#include "ui/qt_convert.h"
#include "ui/tutorial/tutorial_condition.h"

#include <QDir>
#include <QFile>

#include <algorithm>
#include <stdexcept>

static void initTutorialResources() {
  Q_INIT_RESOURCE(tutorials);
}  // the resources live in a static library

namespace sciagents::ui {

Tutorial tutorialFromJson(const nlohmann::json& j, const QString& source) {
  auto fail = [&](const QString& what) {
    throw std::runtime_error((source + ": " + what).toStdString());
  };
  if (!j.is_object()) fail(QStringLiteral("a tutorial must be a JSON object"));
  Tutorial t;
  t.id = jsonString(j, "id");
  t.title = jsonString(j, "title");
  if (t.id.isEmpty() || t.title.isEmpty()) fail(QStringLiteral("needs \"id\" and \"title\""));
  t.order = j.value("order", 0);
  t.summary = jsonString(j, "summary");
  t.example = jsonString(j, "example");
  for (const auto& r : j.value("requires", nlohmann::json::array()))
    if (r.is_string()) t.requires_tasks << QString::fromStdString(r.get<std::string>());
  if (!j.contains("steps") || !j["steps"].is_array() || j["steps"].empty())
    fail(QStringLiteral("needs a non-empty \"steps\" list"));
  int n = 0;
  for (const auto& s : j["steps"]) {
    ++n;
    if (!s.is_object()) fail(QStringLiteral("step %1 must be an object").arg(n));
    TutorialStep step;
    step.title = jsonString(s, "title");
    step.text = jsonString(s, "text");
    if (step.text.isEmpty()) fail(QStringLiteral("step %1 needs \"text\"").arg(n));
    step.highlight = jsonString(s, "highlight");
    if (s.contains("condition"))
      step.condition = s["condition"];
    else
      step.condition = {{"type", "none"}};
    const QString problem = checkCondition(step.condition);
    if (!problem.isEmpty()) fail(QStringLiteral("step %1, condition: %2").arg(n).arg(problem));
    if (s.contains("show_me")) step.show_me = s["show_me"];
    t.steps.push_back(std::move(step));
  }
  return t;
}

std::vector<Tutorial> loadTutorials(const QString& dir, QStringList* errors) {
  initTutorialResources();
  const QDir d(dir.isEmpty() ? QStringLiteral(":/tutorials") : dir);
  std::vector<Tutorial> all;
  for (const QString& name : d.entryList({QStringLiteral("*.json")}, QDir::Files, QDir::Name)) {
    try {
      QFile f(d.filePath(name));
      if (!f.open(QIODevice::ReadOnly))
        throw std::runtime_error(("cannot read " + d.filePath(name)).toStdString());
      const auto j = parseJson(f.readAll());
      if (j.is_discarded()) throw std::runtime_error((name + ": not valid JSON").toStdString());
      all.push_back(tutorialFromJson(j, name));
    } catch (const std::exception& e) {
      if (!errors) throw;
      errors->append(QString::fromUtf8(e.what()));
    }
  }
  std::stable_sort(all.begin(), all.end(),
                   [](const Tutorial& a, const Tutorial& b) { return a.order < b.order; });
  return all;
}

}  // namespace sciagents::ui
