// Tutorials are data: resources/tutorials/*.json, compiled into Studio's Qt resources
// (":/tutorials"). A tutorial is an ordered list of steps; each has rich text, the objectName of
// the widget to highlight, and a completion condition on the application's real state
// (tutorial_condition.h). Format and authoring guide: docs/tutorials.md.
#pragma once

#include <nlohmann/json.hpp>

#include <QString>
#include <QStringList>

#include <vector>

namespace sciagents::ui {

struct TutorialStep {
  QString title;
  QString text;       // rich text (Qt's HTML subset)
  QString highlight;  // objectName of a widget or action in the main window; "" = none
  nlohmann::json condition = nlohmann::json::object();  // {"type": "none"} when absent
  nlohmann::json show_me;  // actions for "Show me"; null = derived from the condition
};

struct Tutorial {
  QString id;
  int order = 0;  // position in Help ▸ Tutorials
  QString title;
  QString summary;
  QString example;             // examples/ file name of the finished workflow
  QStringList requires_tasks;  // "agent.task" that must be runnable (e.g. not planned)
  std::vector<TutorialStep> steps;
};

// Parses one tutorial; throws std::runtime_error naming the file, step and key on bad input.
Tutorial tutorialFromJson(const nlohmann::json& j, const QString& source);
// Every tutorial under `dir` (default: the compiled-in ":/tutorials"), sorted by `order`. A bad
// file throws, or with `errors` is left out and its message appended there.
std::vector<Tutorial> loadTutorials(const QString& dir = {}, QStringList* errors = nullptr);

}  // namespace sciagents::ui
