// Edit ▸ Connect… (Ctrl+L): makes a link without the mouse. Lists every link the selected step can
// take part in — outputs of other steps into its parameters and its outputs into other steps'
// parameters — whose value kind fits the parameter type and that would not create a cycle.
#pragma once

#include <QDialog>
#include <QList>

class QLineEdit;
class QListWidget;

namespace sciagents::ui {

class WorkflowDocument;

class ConnectDialog final : public QDialog {
  Q_OBJECT
 public:
  struct Candidate {
    QString from_step, output, to_step, param;
    QString text() const;  // "from.output → to.param"
  };

  ConnectDialog(const WorkflowDocument* doc, const QString& step, QWidget* parent = nullptr);

  // The links `step` can take part in, in document order (inputs first).
  static QList<Candidate> candidates(const WorkflowDocument* doc, const QString& step);

  QListWidget* list() const { return m_list; }
  QLineEdit* filterField() const { return m_filter; }
  // The chosen link after the dialog was accepted.
  Candidate chosen() const;

 protected:
  bool eventFilter(QObject* watched, QEvent* event) override;

 private:
  QList<Candidate> m_candidates;
  QListWidget* m_list;
  QLineEdit* m_filter;
};

}  // namespace sciagents::ui
