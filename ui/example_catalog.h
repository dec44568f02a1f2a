// The bundled examples as Studio offers them (File ▸ Examples and the gallery): every
// examples/*.workflow.json except the test cases (`"ui": {"gallery": false}` at the top of the
// file: the *-bad-* workflows that show an error on purpose), grouped by category in the order of
// exampleCategories() (tutorials first, in their order), by name within a category.
#pragma once

#include <QList>
#include <QString>
#include <QStringList>

namespace sciagents::ui {

struct ExampleEntry {
  QString path;         // absolute
  QString file;         // e.g. ode-decay.workflow.json
  QString name;         // the workflow's "name" (else the file name)
  QString description;  // the workflow's "description" (may be empty)
  QString category;     // one of exampleCategories(), or the file's own "ui": {"category"}
  QStringList agents;   // the agents of its steps, in order of first use
  bool tutorial = false;
  int tutorialNumber = 0;  // N of a name "Tutorial N: …" (0 when not a tutorial)
  QString title;           // the name without "Tutorial N: " (the gallery card's heading)
};

// The categories in the order they are shown; "Tutorials" first.
const QStringList& exampleCategories();

// The category of a workflow whose file has no "ui": {"category"}: the most specific agent wins
// (an ODE inside a Sobol study is about uncertainty; a solve inside a sweep is about workflows).
QString exampleCategoryForAgents(const QStringList& agents);

QList<ExampleEntry> exampleCatalog(const QString& dir);

}  // namespace sciagents::ui
