// Answers a SurveyDialog through its widgets as a user would (clicks and typing), and returns the
// answers that must result, in the core's JSON shape. Shared by the GUI test and the e2e driver.
#pragma once

#include "ui/feedback/question_widget.h"
#include "ui/feedback/survey_dialog.h"

#include <QAbstractButton>
#include <QLineEdit>
#include <QListWidget>
#include <QPlainTextEdit>
#include <QToolButton>
#include <QtTest/QtTest>

namespace survey_fill {

using nlohmann::json;
using sciagents::core::feedback::QuestionType;
using sciagents::ui::SurveyDialog;

template <class T>
T* child(SurveyDialog* d, const std::string& name) {
  return d->findChild<T*>(QString::fromStdString(name));
}

// `requiredOnly`: leave optional questions unanswered. `text`: what to type in text answers.
inline json answerAll(SurveyDialog* d, bool requiredOnly,
                      const QString& text = QStringLiteral("fine")) {
  json expected = json::object();
  for (const auto& q : d->survey().questions) {
    const std::string n = "q_" + q.id;
    // A ranking always has an order; the others only when answered.
    if (requiredOnly && !q.required && q.type != QuestionType::Ranking) continue;
    switch (q.type) {
      case QuestionType::SingleChoice:
        child<QAbstractButton>(d, n + "_" + q.options[1].id)->click();
        expected[q.id] = q.options[1].id;
        break;
      case QuestionType::MultipleChoice:
        child<QAbstractButton>(d, n + "_" + q.options[0].id)->click();
        child<QAbstractButton>(d, n + "_" + q.options[2].id)->click();
        expected[q.id] = {q.options[0].id, q.options[2].id};
        break;
      case QuestionType::Ranking: {
        // Move the second option to the top with "Up".
        auto* list = child<QListWidget>(d, n);
        list->setCurrentRow(1);
        child<QToolButton>(d, n + "_up")->click();
        json order = json::array({q.options[1].id, q.options[0].id});
        for (std::size_t i = 2; i < q.options.size(); ++i) order.push_back(q.options[i].id);
        expected[q.id] = order;
        break;
      }
      case QuestionType::Stars:
        child<QAbstractButton>(d, n + "_4")->click();
        expected[q.id] = 4;
        break;
      case QuestionType::Nps:
        child<QAbstractButton>(d, n + "_9")->click();
        expected[q.id] = 9;
        break;
      case QuestionType::YesNo:
        child<QAbstractButton>(d, n + "_" + q.options[0].id)->click();
        expected[q.id] = {{"choice", q.options[0].id}};
        if (q.details) {
          QTest::keyClicks(child<QLineEdit>(d, n + "_details"), text);
          expected[q.id]["details"] = text.toStdString();
        }
        break;
      case QuestionType::Text:
        QTest::keyClicks(child<QPlainTextEdit>(d, n), text);
        expected[q.id] = text.toStdString();
        break;
    }
  }
  return expected;
}

}  // namespace survey_fill
