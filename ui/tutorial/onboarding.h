// Onboarding around the tutorials: the first-run welcome (skippable, and never lost: Help ▸
// Tutorials lists every tutorial with its progress), the examples gallery, F1 (the selected
// step's agent documentation), "What's new" once after the version changes, and the Help menu
// entries for all of them. Owns the TutorialController and its overlay.
#pragma once

#include <QObject>
#include <QPointer>
#include <QUrl>

class QDialog;
class QListWidget;

namespace sciagents::ui {

class MainWindow;
class TutorialController;
class TutorialOverlay;
class HelpDock;

class Onboarding final : public QObject {
  Q_OBJECT
 public:
  explicit Onboarding(MainWindow* window);

  TutorialController* tutorials() const { return m_controller; }
  TutorialOverlay* overlay() const { return m_overlay; }

  // Called once the window is shown (sciagents-studio's main): the welcome on the first run,
  // else "What's new" when the version differs from the last one seen; a tutorial in progress
  // reappears where it was left.
  void startup();

  QDialog* showWelcome();
  QDialog* showTutorials();
  QDialog* showExamplesGallery();
  QDialog* showWhatsNew();
  // F1: the documentation of the selected step's agent (or the agents reference), shown in the
  // Help dock; the URL shown.
  QUrl openAgentDocs();
  HelpDock* helpDock();  // created on first use, a tab next to the Run log

  static QString whatsNewText();  // the compiled-in resources/whats_new.md

 private:
  void buildHelpMenu();
  void openExample(const QString& path);
  void fillTutorialList(QListWidget* list) const;

  MainWindow* m_window;
  TutorialController* m_controller;
  TutorialOverlay* m_overlay;
  QPointer<QDialog> m_welcome;
  QPointer<QDialog> m_list;
  QPointer<QDialog> m_gallery;
  QPointer<QDialog> m_news;
  HelpDock* m_help = nullptr;
};

}  // namespace sciagents::ui
