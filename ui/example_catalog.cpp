#include "ui/example_catalog.h"

#include <QCollator>
#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>

#include <algorithm>

namespace sciagents::ui {

namespace {

const QString kTutorials = QStringLiteral("Tutorials");
const QString kWorkflows = QStringLiteral("Workflows");

// Agent → category, most specific first: the first agent of a workflow found in this list names
// its category.
const QList<QPair<QString, QString>>& agentCategories() {
  static const QList<QPair<QString, QString>> map = {
      {QStringLiteral("external"), QStringLiteral("External programs")},
      {QStringLiteral("surrogate"), QStringLiteral("Surrogates & ML")},
      {QStringLiteral("physics_informed_ml"), QStringLiteral("Surrogates & ML")},
      {QStringLiteral("inverse"), QStringLiteral("Inverse problems")},
      {QStringLiteral("uq"), QStringLiteral("Uncertainty & sensitivity")},
      {QStringLiteral("optimization"), QStringLiteral("Optimisation & fitting")},
      {QStringLiteral("integration"), QStringLiteral("Integration")},
      {QStringLiteral("special_functions"), QStringLiteral("Special functions & FFT")},
      {QStringLiteral("workflow_orchestration"), kWorkflows},
      {QStringLiteral("algorithm_selector"), kWorkflows},
      {QStringLiteral("problem_analyzer"), kWorkflows},
      {QStringLiteral("executor_validator"), kWorkflows},
      {QStringLiteral("performance_profiler"), kWorkflows},
      {QStringLiteral("ode_pde"), QStringLiteral("ODE & PDE")},
      {QStringLiteral("linear_algebra"), QStringLiteral("Linear algebra")},
  };
  return map;
}

// The agents of the steps, nested inline workflows included, in order of first use.
void collectAgents(const QJsonArray& steps, QStringList& out) {
  for (const QJsonValue& v : steps) {
    const QJsonObject step = v.toObject();
    const QString agent = step.value(QLatin1String("agent")).toString();
    if (!agent.isEmpty() && !out.contains(agent)) out << agent;
    const QJsonObject inner =
        step.value(QLatin1String("params")).toObject().value(QLatin1String("workflow")).toObject();
    collectAgents(inner.value(QLatin1String("steps")).toArray(), out);
  }
}

int categoryRank(const QString& category) {
  const qsizetype i = exampleCategories().indexOf(category);
  return i < 0 ? int(exampleCategories().size()) : int(i);  // a file's own category: last
}

}  // namespace

const QStringList& exampleCategories() {
  static const QStringList order = {kTutorials,
                                    QStringLiteral("ODE & PDE"),
                                    QStringLiteral("Optimisation & fitting"),
                                    QStringLiteral("Uncertainty & sensitivity"),
                                    QStringLiteral("Integration"),
                                    QStringLiteral("Special functions & FFT"),
                                    QStringLiteral("Inverse problems"),
                                    QStringLiteral("Linear algebra"),
                                    QStringLiteral("Surrogates & ML"),
                                    QStringLiteral("External programs"),
                                    kWorkflows};
  return order;
}

QString exampleCategoryForAgents(const QStringList& agents) {
  for (const auto& [agent, category] : agentCategories())
    if (agents.contains(agent)) return category;
  return kWorkflows;  // no agent known here (a new agent): still listed somewhere
}

QList<ExampleEntry> exampleCatalog(const QString& dir) {
  static const QRegularExpression tutorialName(QStringLiteral("^Tutorial (\\d+):\\s*(.*)$"));
  QList<ExampleEntry> out;
  const QDir d(dir);
  for (const QString& f : d.entryList({QStringLiteral("*.workflow.json")}, QDir::Files)) {
    QFile file(d.filePath(f));
    if (!file.open(QIODevice::ReadOnly)) continue;
    const QJsonObject j = QJsonDocument::fromJson(file.readAll()).object();
    const QJsonObject ui = j.value(QLatin1String("ui")).toObject();
    if (ui.value(QLatin1String("gallery")) == false) continue;
    ExampleEntry e;
    e.path = d.filePath(f);
    e.file = f;
    e.name = j.value(QLatin1String("name")).toString(f);
    e.title = e.name;
    e.description = j.value(QLatin1String("description")).toString();
    collectAgents(j.value(QLatin1String("steps")).toArray(), e.agents);
    e.tutorial = f.startsWith(QLatin1String("tutorial-"));
    if (e.tutorial) {
      const QRegularExpressionMatch m = tutorialName.match(e.name);
      if (m.hasMatch()) {
        e.tutorialNumber = m.captured(1).toInt();
        e.title = m.captured(2);
        if (!e.title.isEmpty()) e.title[0] = e.title[0].toUpper();
      }
    }
    e.category = e.tutorial ? kTutorials : ui.value(QLatin1String("category")).toString();
    if (e.category.isEmpty()) e.category = exampleCategoryForAgents(e.agents);
    out.push_back(e);
  }
  QCollator byName;
  byName.setNumericMode(true);  // "Tutorial 2" before "Tutorial 10"
  byName.setCaseSensitivity(Qt::CaseInsensitive);
  std::stable_sort(out.begin(), out.end(), [&](const ExampleEntry& a, const ExampleEntry& b) {
    const int ra = categoryRank(a.category), rb = categoryRank(b.category);
    if (ra != rb) return ra < rb;
    if (a.category != b.category) return byName.compare(a.category, b.category) < 0;
    return byName.compare(a.name, b.name) < 0;
  });
  return out;
}

}  // namespace sciagents::ui
