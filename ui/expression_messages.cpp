// Expression messages: rhs names and caret alignment (ui/expression_messages.h).
#include "ui/expression_messages.h"

#include "core/expr/expression.h"
#include "core/util/error.h"
#include "ui/qt_convert.h"

#include <QRegularExpression>
#include <QStringList>

#include <vector>

namespace sciagents::ui {

namespace {
std::string joinNames(const std::vector<std::string>& v) {
  std::string s;
  for (const auto& x : v) s += (s.empty() ? "" : ", ") + x;
  return s;
}
}  // namespace

QString expressionNameProblem(const core::Step& step, const std::string& param,
                              const nlohmann::json& value) {
  if (param != "rhs") return {};
  const auto states_it = step.params.find("states");
  if (states_it == step.params.end() || !states_it->is_array()) return {};
  std::vector<std::string> states;
  for (const auto& s : *states_it) {
    if (!s.is_string()) return {};  // the form of `states` reports that
    states.push_back(s.get<std::string>());
  }
  // Constants: their names count, whatever their value (a link is resolved at run time).
  core::Constants constants;
  std::vector<std::string> constant_names;
  if (const auto c = step.params.find("constants"); c != step.params.end() && c->is_object())
    for (const auto& [name, v] : c->items()) {
      constants[name] = v.is_number() ? v.get<double>() : 1.0;
      constant_names.push_back(name);
    }
  std::vector<std::string> rhs;
  if (value.is_string())
    rhs.push_back(value.get<std::string>());
  else if (value.is_array())
    for (const auto& e : value)
      if (e.is_string()) rhs.push_back(e.get<std::string>());
  if (rhs.size() != states.size()) return {};  // the run reports the count first
  std::vector<std::string> vars{"t"};
  vars.insert(vars.end(), states.begin(), states.end());
  for (std::size_t i = 0; i < rhs.size(); ++i) {
    try {
      const core::Expression compiled(rhs[i], vars, constants);
    } catch (const core::Error& e) {
      // The run's label and names (ivp_problem.cpp, OdeFunctions).
      const std::string label = "rhs[" + std::to_string(i) + "]" +
                                (i < states.size() ? " (d" + states[i] + "/dt)" : std::string());
      return qstr(label + ": " + e.bareMessage() + " (variables: t, " + joinNames(states) +
                  (constant_names.empty() ? "" : "; constants: " + joinNames(constant_names)) +
                  ")");
    } catch (const std::exception&) {
      return {};  // not a name problem: the syntax check of the form reports it
    }
  }
  return {};
}

QString alignCaret(const QString& message) {
  static const QRegularExpression caret(QStringLiteral("^( *)\\^(.*)$"));
  // describe(): "... at position N in '" then "..." when the text is a window around N (60 before).
  static const QRegularExpression where(QStringLiteral("at position (\\d+) in '(\\.\\.\\.)?"));
  QStringList lines = message.split(QLatin1Char('\n'));
  for (qsizetype i = 1; i < lines.size(); ++i) {
    const auto c = caret.match(lines[i]);
    if (!c.hasMatch()) continue;
    const auto w = where.match(lines[i - 1]);
    if (!w.hasMatch()) continue;
    const qsizetype at = w.captured(1).toLongLong();
    const qsizetype from = w.captured(2).isEmpty() ? 0 : at - 60;
    const qsizetype column = w.capturedEnd(0) + (at - from);
    lines[i] = QString(column, QLatin1Char(' ')) + QLatin1Char('^') + c.captured(2);
  }
  return lines.join(QLatin1Char('\n'));
}

}  // namespace sciagents::ui
