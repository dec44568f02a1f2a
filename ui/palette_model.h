// The agent palette's data: family → agent → task, read from the agent registry. Only tasks that
// can run (not planned) are listed. Task items drag as "application/x-sciagents-task"
// ("agent.task").
#pragma once

#include <QStandardItemModel>

namespace sciagents::core {
class AgentRegistry;
}

namespace sciagents::ui {

class PaletteModel final : public QStandardItemModel {
  Q_OBJECT
 public:
  static constexpr int AgentRole = Qt::UserRole + 1;
  static constexpr int TaskRole = Qt::UserRole + 2;
  static constexpr int FilterRole = Qt::UserRole + 3;  // text the search matches
  static inline const char* kMimeType = "application/x-sciagents-task";

  explicit PaletteModel(const core::AgentRegistry& registry, QObject* parent = nullptr);

  // The task item for agent.task, or an invalid index.
  QModelIndex taskIndex(const QString& agent, const QString& task) const;

  QStringList mimeTypes() const override;
  QMimeData* mimeData(const QModelIndexList& indexes) const override;
  Qt::DropActions supportedDragActions() const override { return Qt::CopyAction; }
};

}  // namespace sciagents::ui
