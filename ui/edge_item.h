// A link drawn from an output port of one node to an input port of another (a cubic curve).
#pragma once

#include <QGraphicsPathItem>

namespace sciagents::ui {

class NodeItem;

class EdgeItem final : public QGraphicsPathItem {
 public:
  enum { Type = UserType + 3 };
  // `to_path` is the linked parameter path; `link_text` the "from" text (e.g. "fit.x[0]").
  EdgeItem(NodeItem* from, QString from_output, NodeItem* to, QString to_path, QString link_text);

  int type() const override { return Type; }
  NodeItem* fromNode() const { return m_from; }
  NodeItem* toNode() const { return m_to; }
  const QString& toPath() const { return m_to_path; }
  const QString& linkText() const { return m_link; }
  void updatePath();

 protected:
  void paint(QPainter* painter, const QStyleOptionGraphicsItem* option, QWidget* widget) override;

 private:
  NodeItem* m_from;
  QString m_from_output;
  NodeItem* m_to;
  QString m_to_path;
  QString m_link;
};

}  // namespace sciagents::ui
