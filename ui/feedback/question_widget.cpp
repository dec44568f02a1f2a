#include "ui/feedback/question_widget.h"

#include "ui/qt_convert.h"
#include "ui/theme.h"

#include <QButtonGroup>
#include <QCheckBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QRadioButton>
#include <QToolButton>
#include <QVBoxLayout>

namespace sciagents::ui {

using core::feedback::Question;
using core::feedback::QuestionType;
using nlohmann::json;

namespace {

class ChoiceWidget final : public QuestionWidget {
 public:
  ChoiceWidget(const Question& q, QWidget* parent) : QuestionWidget(q, parent) {
    auto* lay = new QVBoxLayout(body());
    lay->setContentsMargins(0, 0, 0, 0);
    const bool multi = q.type == QuestionType::MultipleChoice;
    m_group.setExclusive(!multi);
    int i = 0;
    for (const auto& o : q.options) {
      QAbstractButton* b = multi ? static_cast<QAbstractButton*>(new QCheckBox(qstr(o.text)))
                                 : new QRadioButton(qstr(o.text));
      b->setObjectName(name(o.id));
      lay->addWidget(b);
      m_group.addButton(b, i++);
    }
    connect(&m_group, &QButtonGroup::idToggled, this, [this] { emit changed(); });
  }
  json answer() const override {
    const auto& opts = question().options;
    if (question().type == QuestionType::MultipleChoice) {
      json list = json::array();
      for (int i = 0; i < static_cast<int>(opts.size()); ++i)
        if (m_group.button(i)->isChecked()) list.push_back(opts[static_cast<std::size_t>(i)].id);
      return list.empty() ? json() : list;
    }
    const int id = m_group.checkedId();
    return id < 0 ? json() : json(opts[static_cast<std::size_t>(id)].id);
  }

 private:
  QButtonGroup m_group;
};

class YesNoWidget final : public QuestionWidget {
 public:
  YesNoWidget(const Question& q, QWidget* parent) : QuestionWidget(q, parent) {
    auto* lay = new QVBoxLayout(body());
    lay->setContentsMargins(0, 0, 0, 0);
    auto* row = new QHBoxLayout;
    int i = 0;
    for (const auto& o : q.options) {
      auto* b = new QRadioButton(qstr(o.text));
      b->setObjectName(name(o.id));
      row->addWidget(b);
      m_group.addButton(b, i++);
    }
    row->addStretch();
    lay->addLayout(row);
    if (q.details) {
      m_details = new QLineEdit;
      m_details->setObjectName(name("details"));
      m_details->setPlaceholderText(q.details_prompt.empty() ? QObject::tr("Details (optional)")
                                                             : qstr(q.details_prompt));
      m_details->setMaxLength(static_cast<int>(q.max_length));
      lay->addWidget(m_details);
      connect(m_details, &QLineEdit::textChanged, this, [this] { emit changed(); });
    }
    connect(&m_group, &QButtonGroup::idToggled, this, [this] { emit changed(); });
  }
  json answer() const override {
    const int id = m_group.checkedId();
    if (id < 0) return json();
    json a = {{"choice", question().options[static_cast<std::size_t>(id)].id}};
    if (m_details && !m_details->text().trimmed().isEmpty())
      a["details"] = m_details->text().trimmed().toStdString();
    return a;
  }

 private:
  QButtonGroup m_group;
  QLineEdit* m_details = nullptr;
};

class RankingWidget final : public QuestionWidget {
 public:
  RankingWidget(const Question& q, QWidget* parent) : QuestionWidget(q, parent) {
    auto* lay = new QHBoxLayout(body());
    lay->setContentsMargins(0, 0, 0, 0);
    m_list = new QListWidget;
    m_list->setObjectName(name());
    m_list->setDragDropMode(QAbstractItemView::InternalMove);
    m_list->setDefaultDropAction(Qt::MoveAction);
    for (const auto& o : q.options) {
      auto* item = new QListWidgetItem(qstr(o.text), m_list);
      item->setData(Qt::UserRole, qstr(o.id));
    }
    m_list->setMaximumHeight(m_list->sizeHintForRow(0) * static_cast<int>(q.options.size() + 1) +
                             8);
    lay->addWidget(m_list, 1);
    auto* buttons = new QVBoxLayout;
    auto* up = new QToolButton;
    up->setText(QObject::tr("Up"));
    up->setObjectName(name("up"));
    auto* down = new QToolButton;
    down->setText(QObject::tr("Down"));
    down->setObjectName(name("down"));
    buttons->addWidget(up);
    buttons->addWidget(down);
    buttons->addStretch();
    lay->addLayout(buttons);
    connect(up, &QToolButton::clicked, this, [this] { move(-1); });
    connect(down, &QToolButton::clicked, this, [this] { move(+1); });
    connect(m_list->model(), &QAbstractItemModel::rowsMoved, this, [this] { emit changed(); });
  }
  // A ranking always has an order: the options as listed until the user reorders them.
  json answer() const override {
    json list = json::array();
    for (int i = 0; i < m_list->count(); ++i)
      list.push_back(m_list->item(i)->data(Qt::UserRole).toString().toStdString());
    return list;
  }

 private:
  void move(int delta) {
    const int row = m_list->currentRow();
    const int to = row + delta;
    if (row < 0 || to < 0 || to >= m_list->count()) return;
    QListWidgetItem* item = m_list->takeItem(row);
    m_list->insertItem(to, item);
    m_list->setCurrentRow(to);
    emit changed();
  }
  QListWidget* m_list;
};

// Stars (1..5) and the 0..10 scale: a row of exclusive checkable buttons.
class ScaleWidget final : public QuestionWidget {
 public:
  ScaleWidget(const Question& q, QWidget* parent) : QuestionWidget(q, parent) {
    const bool stars = q.type == QuestionType::Stars;
    m_lo = stars ? 1 : 0;
    const int hi = stars ? 5 : 10;
    auto* lay = new QHBoxLayout(body());
    lay->setContentsMargins(0, 0, 0, 0);
    if (!stars) lay->addWidget(new QLabel(QObject::tr("Not at all likely")));
    m_group.setExclusive(true);
    for (int v = m_lo; v <= hi; ++v) {
      auto* b = new QToolButton;
      b->setCheckable(true);
      b->setObjectName(name(std::to_string(v)));
      b->setText(stars ? QStringLiteral("☆") : QString::number(v));
      b->setToolTip(stars ? QObject::tr("%n star(s)", nullptr, v) : QString::number(v));
      lay->addWidget(b);
      m_group.addButton(b, v);
    }
    if (!stars) lay->addWidget(new QLabel(QObject::tr("Extremely likely")));
    lay->addStretch();
    connect(&m_group, &QButtonGroup::idToggled, this, [this, stars] {
      if (stars)  // filled up to the chosen star
        for (auto* b : m_group.buttons())
          b->setText(m_group.id(b) <= m_group.checkedId() ? QStringLiteral("★")
                                                          : QStringLiteral("☆"));
      emit changed();
    });
  }
  json answer() const override {
    const int id = m_group.checkedId();
    return id < m_lo ? json() : json(id);
  }

 private:
  QButtonGroup m_group;
  int m_lo = 0;
};

class TextWidget final : public QuestionWidget {
 public:
  TextWidget(const Question& q, QWidget* parent) : QuestionWidget(q, parent) {
    auto* lay = new QVBoxLayout(body());
    lay->setContentsMargins(0, 0, 0, 0);
    m_edit = new QPlainTextEdit;
    m_edit->setObjectName(name());
    m_edit->setTabChangesFocus(true);
    m_edit->setFixedHeight(m_edit->fontMetrics().lineSpacing() * 3 + 12);
    lay->addWidget(m_edit);
    connect(m_edit, &QPlainTextEdit::textChanged, this, [this] { emit changed(); });
  }
  json answer() const override {
    const QString t = m_edit->toPlainText().trimmed();
    return t.isEmpty() ? json() : json(t.toStdString());
  }

 private:
  QPlainTextEdit* m_edit;
};

}  // namespace

QuestionWidget::QuestionWidget(const Question& q, QWidget* parent)
    : QWidget(parent), m_question(q) {
  setObjectName(name("box"));
  auto* lay = new QVBoxLayout(this);
  lay->setContentsMargins(0, 4, 0, 4);
  auto* text =
      new QLabel(qstr(q.text) +
                 (q.required ? QStringLiteral(" <span style='color:#b00'>*</span>") : QString()));
  text->setTextFormat(Qt::RichText);
  text->setWordWrap(true);
  QFont f = text->font();
  f.setBold(true);
  text->setFont(f);
  lay->addWidget(text);
  m_body = new QWidget;
  lay->addWidget(m_body);
  m_issue = new QLabel;
  m_issue->setObjectName(name("issue"));
  m_issue->setStyleSheet(errorStyleSheet(QStringLiteral("QLabel")));
  m_issue->setWordWrap(true);
  m_issue->hide();
  lay->addWidget(m_issue);
}

QString QuestionWidget::name(const std::string& suffix) const {
  return QStringLiteral("q_") + qstr(m_question.id) +
         (suffix.empty() ? QString() : QStringLiteral("_") + qstr(suffix));
}

void QuestionWidget::setIssue(const QString& message) {
  m_issue->setText(message);
  m_issue->setVisible(!message.isEmpty());
}

QString QuestionWidget::issue() const { return m_issue->isVisible() ? m_issue->text() : QString(); }

QuestionWidget* QuestionWidget::create(const Question& q, QWidget* parent) {
  switch (q.type) {
    case QuestionType::SingleChoice:
    case QuestionType::MultipleChoice:
      return new ChoiceWidget(q, parent);
    case QuestionType::YesNo:
      return new YesNoWidget(q, parent);
    case QuestionType::Ranking:
      return new RankingWidget(q, parent);
    case QuestionType::Stars:
    case QuestionType::Nps:
      return new ScaleWidget(q, parent);
    case QuestionType::Text:
      return new TextWidget(q, parent);
  }
  return new TextWidget(q, parent);
}

}  // namespace sciagents::ui
