#include "ui/example_catalog.h"

#include <QCollator>
#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>

#include <algorithm>

namespace sciagents::ui {

QList<ExampleEntry> exampleCatalog(const QString& dir) {
  QList<ExampleEntry> out;
  const QDir d(dir);
  for (const QString& f : d.entryList({QStringLiteral("*.workflow.json")}, QDir::Files)) {
    QFile file(d.filePath(f));
    if (!file.open(QIODevice::ReadOnly)) continue;
    const QJsonObject j = QJsonDocument::fromJson(file.readAll()).object();
    if (j.value(QLatin1String("ui")).toObject().value(QLatin1String("gallery")) == false) continue;
    ExampleEntry e;
    e.path = d.filePath(f);
    e.file = f;
    e.name = j.value(QLatin1String("name")).toString(f);
    e.description = j.value(QLatin1String("description")).toString();
    e.tutorial = f.startsWith(QLatin1String("tutorial-"));
    out.push_back(e);
  }
  QCollator byName;
  byName.setNumericMode(true);  // "Tutorial 2" before "Tutorial 10"
  byName.setCaseSensitivity(Qt::CaseInsensitive);
  std::stable_sort(out.begin(), out.end(), [&](const ExampleEntry& a, const ExampleEntry& b) {
    if (a.tutorial != b.tutorial) return a.tutorial;
    return byName.compare(a.name, b.name) < 0;
  });
  return out;
}

}  // namespace sciagents::ui
