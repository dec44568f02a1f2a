// Runs one tutorial at a time over a MainWindow: tracks the current step, evaluates its completion
// condition whenever the document, a run or the execution target changes (never from its own
// buttons), advances when it is met, remembers progress in QSettings (resume after a restart) and
// performs a step on request ("Show me") through the same undoable document commands a user's
// edits produce.
#pragma once

#include "core/workflow/run_result.h"
#include "ui/tutorial/tutorial.h"

#include <QObject>

#include <memory>
#include <vector>

namespace sciagents::ui {

class MainWindow;

class TutorialController final : public QObject {
  Q_OBJECT
 public:
  enum class Progress { NotStarted, InProgress, Finished, Skipped };

  // The compiled-in tutorials (a broken one is left out with a warning); restores the tutorial in
  // progress (without showing it).
  explicit TutorialController(MainWindow* window,
                              std::vector<Tutorial> tutorials = shippedTutorials());
  static std::vector<Tutorial> shippedTutorials();

  const std::vector<Tutorial>& tutorials() const { return m_tutorials; }
  const Tutorial* tutorial(const QString& id) const;
  const Tutorial* active() const {
    return m_active < 0 ? nullptr : &m_tutorials[std::size_t(m_active)];
  }
  QString activeId() const { return active() ? active()->id : QString(); }
  int currentStep() const { return m_step; }  // 0-based; -1 when no tutorial is active
  const TutorialStep* step() const;
  // The current step's condition holds in the application's state now.
  bool currentStepMet() const;
  Progress progress(const QString& id) const;
  int savedStep(const QString& id) const;
  // The tasks a tutorial needs that cannot run in this build (e.g. still planned); empty =
  // runnable.
  QStringList missingTasks(const QString& id) const;

 public slots:
  // Resumes at the saved step when in progress; from the first step in a new document (the open
  // one offered for saving first: false when the user cancels).
  bool start(const QString& id);
  bool restart(const QString& id);  // from step 1
  void next();                      // only when the current step is met (or a reading step)
  void back();
  void skip();  // leaves the tutorial; it can be restarted from Help ▸ Tutorials
  void decline(const QString& id);  // the welcome's "Skip": counts as skipping that tutorial
  bool showMe();                    // performs the current step; false when it cannot
  void evaluate();                  // re-checks the current step's condition now

 signals:
  void stepChanged(int index);                       // also when a tutorial starts; -1 when it ends
  void stepCompleted(const QString& id, int index);  // the step's condition became true
  void conditionChanged(bool met);  // the current step's condition, after each evaluation
  void tutorialStarted(const QString& id);
  void tutorialFinished(const QString& id);
  void tutorialSkipped(const QString& id);
  void tutorialFinishedOrSkipped(const QString& id);

 private:
  void enter(int index);
  void end(Progress how);
  void save() const;
  bool perform(const nlohmann::json& action, QString* error);
  nlohmann::json showMeActions(const TutorialStep& step) const;
  void onRunFinished(QObject* target);

  MainWindow* m_window;
  std::vector<Tutorial> m_tutorials;
  int m_active = -1;
  int m_step = -1;
  bool m_met = false;
  std::shared_ptr<const core::RunResult> m_result;  // the last run; reset when the document changes
  QString m_test_run_ok;  // the step whose Test run succeeded; reset when the document changes
  bool m_result_remote = false;
  bool m_edited_during_run = false;  // the finished run's result no longer describes the document
};

}  // namespace sciagents::ui
