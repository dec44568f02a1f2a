#include "ui/palette_model.h"

#include "core/agent/agent_registry.h"

#include <QMimeData>

#include <map>

namespace sciagents::ui {

PaletteModel::PaletteModel(const core::AgentRegistry& registry, QObject* parent)
    : QStandardItemModel(parent) {
  setHorizontalHeaderLabels({tr("Agents")});
  std::map<std::string, QStandardItem*> families;
  for (const auto& agent : registry.agents()) {
    QList<QStandardItem*> tasks;
    for (const auto& task : agent.tasks) {
      if (task.planned()) continue;
      auto* item = new QStandardItem(QString::fromStdString(task.id));
      item->setData(QString::fromStdString(agent.id), AgentRole);
      item->setData(QString::fromStdString(task.id), TaskRole);
      item->setToolTip(QStringLiteral("<b>%1.%2</b><br>%3")
                           .arg(QString::fromStdString(agent.id), QString::fromStdString(task.id),
                                QString::fromStdString(task.summary).toHtmlEscaped()));
      item->setData(QString::fromStdString(agent.id + "." + task.id + " " + task.summary),
                    FilterRole);
      item->setFlags(Qt::ItemIsEnabled | Qt::ItemIsSelectable | Qt::ItemIsDragEnabled);
      tasks << item;
    }
    if (tasks.isEmpty()) continue;
    const std::string family = agent.family.empty() ? agent.id : agent.family;
    QStandardItem*& fam = families[family];
    if (!fam) {
      fam = new QStandardItem(QString::fromStdString(family));
      fam->setData(fam->text(), FilterRole);
      fam->setFlags(Qt::ItemIsEnabled);
      appendRow(fam);
    }
    auto* a = new QStandardItem(QString::fromStdString(agent.name.empty() ? agent.id : agent.name));
    a->setData(QString::fromStdString(agent.id), AgentRole);
    a->setToolTip(QString::fromStdString(agent.summary));
    a->setData(QString::fromStdString(agent.id + " " + agent.name), FilterRole);
    a->setFlags(Qt::ItemIsEnabled);
    for (auto* t : tasks) a->appendRow(t);
    fam->appendRow(a);
  }
}

QModelIndex PaletteModel::taskIndex(const QString& agent, const QString& task) const {
  const auto hits = match(index(0, 0), TaskRole, task, -1, Qt::MatchExactly | Qt::MatchRecursive);
  for (const auto& i : hits)
    if (i.data(AgentRole).toString() == agent) return i;
  return {};
}

QStringList PaletteModel::mimeTypes() const { return {QString::fromLatin1(kMimeType)}; }

QMimeData* PaletteModel::mimeData(const QModelIndexList& indexes) const {
  for (const auto& i : indexes) {
    if (i.data(TaskRole).toString().isEmpty()) continue;
    auto* mime = new QMimeData;
    mime->setData(
        QString::fromLatin1(kMimeType),
        (i.data(AgentRole).toString() + QLatin1Char('.') + i.data(TaskRole).toString()).toUtf8());
    return mime;
  }
  return nullptr;
}

}  // namespace sciagents::ui
