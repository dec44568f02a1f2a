#include "ui/param_editor.h"

#include "core/expr/expression.h"
#include "core/util/error.h"
#include "core/value/value_json.h"
#include "core/workflow/link.h"
#include "ui/distribution_table.h"
#include "ui/expression_messages.h"
#include "ui/matrix_editor.h"
#include "ui/qt_convert.h"
#include "ui/theme.h"

#include <QCheckBox>
#include <QComboBox>
#include <QFontDatabase>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QRegularExpression>
#include <QToolButton>
#include <QVBoxLayout>

namespace sciagents::ui {

using core::ParamType;
using nlohmann::json;

namespace {
QString defaultText(const core::ParamSpec& spec) {
  if (!spec.default_value) return spec.required ? QObject::tr("required") : QObject::tr("optional");
  json j = core::toJson(*spec.default_value);
  if (j.is_string())
    return j.get<std::string>().empty() ? QObject::tr("default: empty")
                                        : qstr(j.get<std::string>());
  // A list is written tagged ({"$type": "list", "items": [...]}); show what a user would type.
  if (j.is_object() && j.value("$type", "") == "list" && j.contains("items")) j = j["items"];
  if ((j.is_array() || j.is_object()) && j.empty()) return QObject::tr("default: none");
  return qstr(j.dump());
}

std::optional<QString> expressionError(const std::string& text) {
  if (auto issue = core::checkExpressionSyntax(text))
    return QObject::tr("%1 at position %2").arg(qstr(issue->message)).arg(issue->position);
  return std::nullopt;
}
}  // namespace

ParamEditor::ParamEditor(const core::ParamSpec& spec, Commit commit, Unlink unlink, QWidget* parent)
    : QWidget(parent),
      m_spec(spec),
      m_commit(std::move(commit)),
      m_unlink(std::move(unlink)),
      m_link(new QLabel(this)),
      m_unlink_button(new QToolButton(this)),
      m_reset(new QToolButton(this)),
      m_error(new QLabel(this)) {
  QString tip = QStringLiteral("<b>%1</b> (%2%3)")
                    .arg(qstr(spec.name), qstr(std::string(core::paramTypeName(spec.type))),
                         spec.units.empty() ? QString() : QStringLiteral(", ") + qstr(spec.units));
  if (!spec.doc.empty()) tip += QStringLiteral("<br>") + qstr(spec.doc).toHtmlEscaped();
  if (spec.min || spec.max)
    tip += QStringLiteral("<br>range: %1%2, %3]")
               .arg(spec.min_exclusive ? QStringLiteral("(") : QStringLiteral("["))
               .arg(spec.min ? numberForEditing(*spec.min) : QStringLiteral("−∞"))
               .arg(spec.max ? numberForEditing(*spec.max) : QStringLiteral("∞"));
  setToolTip(tip);

  // A free string restricted to `choices` is a choice too.
  const ParamType kind =
      !spec.choices.empty() && spec.type == ParamType::String ? ParamType::Choice : spec.type;
  switch (kind) {
    case ParamType::Choice: {
      m_combo = new QComboBox(this);
      for (const auto& c : spec.choices) m_combo->addItem(qstr(c));
      m_combo->setPlaceholderText(defaultText(spec));
      connect(m_combo, &QComboBox::activated, this, [this](int i) {
        m_error->hide();
        m_commit(m_spec.name, json(m_combo->itemText(i).toStdString()));
      });
      m_editor = m_combo;
      break;
    }
    case ParamType::Boolean: {
      m_check = new QCheckBox(this);
      connect(m_check, &QCheckBox::clicked, this,
              [this](bool on) { m_commit(m_spec.name, json(on)); });
      m_editor = m_check;
      break;
    }
    default: {
      m_line = new QLineEdit(this);
      m_line->setPlaceholderText(defaultText(spec));
      m_line->setClearButtonEnabled(false);
      connect(m_line, &QLineEdit::textEdited, this, &ParamEditor::onTextEdited);
      connect(m_line, &QLineEdit::editingFinished, this, &ParamEditor::commitText);
      m_editor = m_line;
      break;
    }
  }
  m_editor->setToolTip(tip);
  m_link->setTextInteractionFlags(Qt::TextSelectableByMouse);
  m_link->setStyleSheet(QStringLiteral("QLabel { color: palette(link); }"));
  m_unlink_button->setText(tr("Unlink"));
  m_unlink_button->setToolTip(tr("Remove the link; the parameter returns to its default"));
  connect(m_unlink_button, &QToolButton::clicked, this, [this] { m_unlink(m_spec.name); });
  m_reset->setText(QStringLiteral("↺"));
  m_reset->setToolTip(tr("Reset to the default (%1)").arg(defaultText(spec)));
  connect(m_reset, &QToolButton::clicked, this, [this] { m_commit(m_spec.name, json()); });
  m_error->setWordWrap(true);
  m_error->setStyleSheet(errorStyleSheet(QStringLiteral("QLabel")));
  m_error->hide();

  if (spec.type == ParamType::Vector || spec.type == ParamType::Matrix) {
    m_matrix = new MatrixEditor(
        spec.type == ParamType::Vector ? MatrixEditor::Shape::Vector : MatrixEditor::Shape::Matrix,
        this);
    m_matrix->setToolTip(tip);
    connect(m_matrix, &MatrixEditor::edited, this, &ParamEditor::commitTable);
    connect(m_matrix, &MatrixEditor::problem, this, [this](const QString& message) {
      if (!message.isEmpty()) showError(message);
    });
  }

  if (spec.editor == "distributions") {
    m_dists = new DistributionTable(this);
    connect(m_dists, &DistributionTable::edited, this, &ParamEditor::commitTable);
    connect(m_dists, &DistributionTable::problem, this, [this](const QString& message) {
      if (!message.isEmpty()) showError(message);
    });
  }
  if (m_matrix || m_dists) {
    m_table_toggle = new QToolButton(this);
    m_table_toggle->setText(QStringLiteral("▦"));
    m_table_toggle->setCheckable(true);
    m_table_toggle->setChecked(true);
    m_table_toggle->setToolTip(tr("Show or hide the table editor"));
    connect(m_table_toggle, &QToolButton::toggled, this, [this](bool) { setValue(m_value); });
  }

  auto* row = new QHBoxLayout;
  row->setContentsMargins(0, 0, 0, 0);
  row->addWidget(m_editor, 1);
  row->addWidget(m_link, 1);
  row->addWidget(m_unlink_button);
  if (m_table_toggle) row->addWidget(m_table_toggle);
  row->addWidget(m_reset);
  auto* col = new QVBoxLayout(this);
  col->setContentsMargins(0, 0, 0, 0);
  col->setSpacing(1);
  col->addLayout(row);
  if (m_matrix) col->addWidget(m_matrix);
  if (m_dists) col->addWidget(m_dists);
  col->addWidget(m_error);
  setValue(json());
}

QString ParamEditor::errorText() const { return m_error->isHidden() ? QString() : m_error->text(); }

void ParamEditor::showError(const QString& message) {
  // Expression messages point at the position with a "^" line under the text: only a monospace
  // font keeps it under the right character.
  const bool caret = message.contains(QLatin1Char('\n')) && message.contains(QLatin1Char('^'));
  m_error->setFont(caret ? QFontDatabase::systemFont(QFontDatabase::FixedFont) : font());
  m_error->setText(alignCaret(message));
  m_error->setVisible(!message.isEmpty());
  if (m_line)
    m_line->setStyleSheet(
        message.isEmpty()
            ? QString()
            : QStringLiteral("QLineEdit { border: 1px solid %1; }").arg(errorColor().name()));
}

QString ParamEditor::textFor(const json& value) const {
  if (value.is_null()) return {};
  if (value.is_string() &&
      (m_spec.type == ParamType::String || m_spec.type == ParamType::Expression ||
       m_spec.type == ParamType::ExpressionList || m_spec.type == ParamType::Any))
    return qstr(value.get<std::string>());
  if (value.is_number()) return numberForEditing(value.get<double>());
  return qstr(value.dump());
}

void ParamEditor::setValue(const json& value) {
  m_value = value;
  m_linked = core::isLinkObject(value);
  m_link->setVisible(m_linked);
  m_unlink_button->setVisible(m_linked);
  m_editor->setVisible(!m_linked);
  if (m_matrix) {
    // The table shows the value (or the default); what it cannot show stays in the text field.
    json shown = value;
    if (shown.is_null() && m_spec.default_value) shown = core::toJson(*m_spec.default_value);
    const bool representable = !m_linked && m_matrix->setValue(shown);
    m_matrix->setVisible(representable && m_table_toggle->isChecked());
    m_table_toggle->setVisible(!m_linked);
  }
  if (m_dists) {  // likewise: what the table cannot show (a link, text) stays in the text field
    const bool representable = !m_linked && m_dists->setValue(value);
    m_dists->setVisible(representable && m_table_toggle->isChecked());
    m_table_toggle->setVisible(!m_linked);
  }
  if (m_linked) {
    m_link->setText(QStringLiteral("← ") + qstr(value["from"].get<std::string>()));
    showError({});
    return;
  }
  if (m_combo) {
    const QSignalBlocker block(m_combo);
    std::string current;
    if (value.is_string())
      current = value.get<std::string>();
    else if (m_spec.default_value && m_spec.default_value->isString())
      current = m_spec.default_value->asString();
    m_combo->setCurrentIndex(m_combo->findText(qstr(current)));
  } else if (m_check) {
    const QSignalBlocker block(m_check);
    bool on = false;
    if (value.is_boolean())
      on = value.get<bool>();
    else if (m_spec.default_value && m_spec.default_value->kind() == core::ValueKind::Bool)
      on = m_spec.default_value->asBool();
    m_check->setChecked(on);
  } else if (m_line) {
    // Keep what the user is typing; refresh only when the document holds something else.
    json current;
    const bool current_valid = parse(m_line->text(), &current).isEmpty();
    if (!m_line->hasFocus() || !current_valid || current != value) {
      const QSignalBlocker block(m_line);
      m_line->setText(textFor(value));
      showError(m_context_check ? m_context_check(value) : QString());
    }
  }
}

QString ParamEditor::parse(const QString& text_in, json* out) const {
  const QString text = text_in.trimmed();
  *out = json();
  if (text.isEmpty()) {
    if (m_spec.required) return tr("required: enter a value");
    return {};
  }
  const std::string s = text.toStdString();
  switch (m_spec.type) {
    case ParamType::String:
      *out = s;
      return {};
    case ParamType::Expression:
      *out = s;
      if (auto e = expressionError(s)) return *e;
      return {};
    case ParamType::ExpressionList: {
      if (!text.startsWith(QLatin1Char('['))) {
        *out = s;
        if (auto e = expressionError(s)) return *e;
        return {};
      }
      const json j = json::parse(s, nullptr, false);
      if (j.is_discarded() || !j.is_array())
        return tr("expected an expression or a JSON list of expressions");
      for (std::size_t i = 0; i < j.size(); ++i) {
        if (!j[i].is_string()) return tr("item %1: expected an expression string").arg(i);
        if (auto e = expressionError(j[i].get<std::string>()))
          return tr("item %1: %2").arg(i).arg(*e);
      }
      *out = j;
      return {};
    }
    default:
      break;
  }
  json j = json::parse(s, nullptr, false);
  if (j.is_discarded()) {
    // The Sweep box's shorthand ("linspace 0 30 301") is no value: a run would fail with this
    // message (ode_pde.ivp's t_eval).
    static const QRegularExpression shorthand(
        QStringLiteral("^(linspace)\\s+(\\S+)\\s+(\\S+)\\s+(\\S+)$"));
    if (const auto m = shorthand.match(text); m.hasMatch() && m_spec.type == ParamType::Any)
      return tr("expected a list of numbers: expected vector, got string (write {\"%1\": [%2, %3, "
                "%4]})")
          .arg(m.captured(1), m.captured(2), m.captured(3), m.captured(4));
    if (m_spec.type == ParamType::Any)
      j = s;  // free text for "anything"
    else if (m_spec.type == ParamType::StringList)
      j = json::array({s});
    else
      return tr("not valid JSON (lists look like [1, 2, 3]; matrices like [[1, 2], [3, 4]])");
  }
  *out = j;
  return check(j);
}

QString ParamEditor::check(const json& j) const {
  if (core::containsLink(j)) return {};  // checked when the run resolves it
  try {
    const core::Value v = m_spec.normalise(core::fromJson(j));
    if (const std::string problem = m_spec.check(v); !problem.empty()) return qstr(problem);
  } catch (const std::exception& e) {
    QString msg = QString::fromUtf8(e.what());
    // The form already names the parameter.
    const QString prefix = QStringLiteral("param '%1': ").arg(qstr(m_spec.name));
    if (const int at = msg.indexOf(prefix); at >= 0) msg = msg.mid(at + prefix.size());
    return msg;
  }
  return {};
}

void ParamEditor::onTextEdited(const QString& text) {
  json value;
  const QString error = parse(text, &value);
  showError(!error.isEmpty() || !m_context_check ? error : m_context_check(value));
}

void ParamEditor::commitTable(const json& value) {
  const QString error = check(value);
  showError(error);
  if (!error.isEmpty() || value == m_value) return;
  m_commit(m_spec.name, value);
}

void ParamEditor::commitText() {
  if (!m_line) return;
  json value;
  const QString error = parse(m_line->text(), &value);
  showError(!error.isEmpty() || !m_context_check ? error : m_context_check(value));
  if (!error.isEmpty()) return;
  if (value == m_value) return;
  m_commit(m_spec.name, value);
}

}  // namespace sciagents::ui
