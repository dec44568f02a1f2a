// The bundled examples as Studio offers them (File ▸ Examples and the gallery): every
// examples/*.workflow.json except the test cases (`"ui": {"gallery": false}` at the top of the
// file: the *-bad-* workflows that show an error on purpose), tutorials first in their order, then
// the rest by name.
#pragma once

#include <QList>
#include <QString>

namespace sciagents::ui {

struct ExampleEntry {
  QString path;         // absolute
  QString file;         // e.g. ode-decay.workflow.json
  QString name;         // the workflow's "name" (else the file name)
  QString description;  // the workflow's "description" (may be empty)
  bool tutorial = false;
};

QList<ExampleEntry> exampleCatalog(const QString& dir);

}  // namespace sciagents::ui
