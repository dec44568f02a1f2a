#include "ui/tutorial/onboarding.h"

#include "core/util/version.h"
#include "ui/example_catalog.h"
#include "ui/main_window.h"
#include "ui/property_panel.h"
#include "ui/tutorial/agent_docs.h"
#include "ui/tutorial/examples_gallery.h"
#include "ui/tutorial/help_dock.h"
#include "ui/tutorial/tutorial_controller.h"
#include "ui/tutorial/tutorial_overlay.h"
#include "ui/workflow_document.h"
#include "ui/workflow_scene.h"

#include <QAction>
#include <QDialog>
#include <QDialogButtonBox>
#include <QDir>
#include <QDockWidget>
#include <QFile>
#include <QHBoxLayout>
#include <QLabel>
#include <QListWidget>
#include <QMenu>
#include <QPushButton>
#include <QSettings>
#include <QStatusBar>
#include <QTextBrowser>
#include <QVBoxLayout>

namespace sciagents::ui {

namespace {
const char* kWelcomeKey = "onboarding/welcomeShown";
const char* kVersionKey = "onboarding/lastVersion";
const char* kQuickStart = "quick-start";

QDialog* makeDialog(QWidget* parent, const QString& name, const QString& title) {
  auto* d = new QDialog(parent);
  d->setObjectName(name);
  d->setWindowTitle(title);
  d->setAttribute(Qt::WA_DeleteOnClose);
  return d;
}

QPushButton* button(QWidget* parent, const QString& name, const QString& text) {
  auto* b = new QPushButton(text, parent);
  b->setObjectName(name);
  return b;
}
}  // namespace

Onboarding::Onboarding(MainWindow* window)
    : QObject(window),
      m_window(window),
      m_controller(new TutorialController(window)),
      m_overlay(new TutorialOverlay(window, m_controller)) {
  setObjectName(QStringLiteral("Onboarding"));
  buildHelpMenu();
  // The end of a tutorial is said, not only seen as the callout going away (issue 18).
  connect(m_controller, &TutorialController::tutorialFinished, this, [this](const QString& id) {
    const Tutorial* t = m_controller->tutorial(id);
    m_window->statusBar()->showMessage(
        tr("Tutorial complete: %1. More under Help ▸ Tutorials.").arg(t ? t->title : id), 10000);
  });
}

void Onboarding::buildHelpMenu() {
  QMenu* help = m_window->helpMenu();
  help->addAction(tr("&Tutorials…"), this, &Onboarding::showTutorials)
      ->setObjectName(QStringLiteral("TutorialsAction"));
  help->addAction(tr("&Welcome…"), this, &Onboarding::showWelcome);
  help->addAction(tr("Examples &Gallery…"), this, &Onboarding::showExamplesGallery);
  QAction* docs = help->addAction(tr("Agent &Documentation"), this, [this] { openAgentDocs(); });
  docs->setObjectName(QStringLiteral("AgentDocsAction"));
  docs->setShortcut(QKeySequence::HelpContents);  // F1
  docs->setShortcutContext(Qt::WindowShortcut);
  docs->setToolTip(tr("The documentation of the selected step's agent"));
  m_window->addAction(docs);  // F1 works with the menu bar hidden too
  help->addAction(tr("What's &New"), this, &Onboarding::showWhatsNew);
}

void Onboarding::startup() {
  QSettings s;
  const QString version = QString::fromLatin1(kVersion);
  if (!s.value(QLatin1String(kWelcomeKey)).toBool()) {
    s.setValue(QLatin1String(kWelcomeKey), true);
    s.setValue(QLatin1String(kVersionKey), version);  // a first run has nothing "new"
    showWelcome();
  } else if (s.value(QLatin1String(kVersionKey)).toString() != version) {
    s.setValue(QLatin1String(kVersionKey), version);
    showWhatsNew();
  }
  if (m_controller->active())
    m_controller->start(m_controller->activeId());  // resume where it was left
}

QDialog* Onboarding::showWelcome() {
  if (m_welcome) {
    m_welcome->raise();
    return m_welcome;
  }
  QDialog* d =
      makeDialog(m_window, QStringLiteral("WelcomeDialog"), tr("Welcome to SciAgents Studio"));
  m_welcome = d;
  auto* text = new QLabel(
      tr("<h2>Welcome to SciAgents Studio</h2>"
         "<p>Build scientific workflows from agents — ODE and PDE solvers, optimisation, "
         "integration, "
         "uncertainty quantification — link their results, and run them here or on a server.</p>"
         "<p>The <b>Quick start</b> tutorial takes about five minutes: you solve y′ = −2y and "
         "compare it with "
         "e<sup>−2t</sup>. Every tutorial stays available under <b>Help ▸ Tutorials</b>.</p>"),
      d);
  text->setWordWrap(true);
  auto* start = button(d, QStringLiteral("StartQuickStart"), tr("Start the quick start"));
  start->setDefault(true);
  auto* all = button(d, QStringLiteral("ShowTutorials"), tr("All tutorials…"));
  auto* gallery = button(d, QStringLiteral("ShowGallery"), tr("Examples gallery…"));
  auto* skip = button(d, QStringLiteral("SkipWelcome"), tr("Skip for now"));
  auto* row = new QHBoxLayout;
  row->addWidget(skip);
  row->addStretch(1);
  row->addWidget(gallery);
  row->addWidget(all);
  row->addWidget(start);
  auto* layout = new QVBoxLayout(d);
  layout->addWidget(text);
  layout->addLayout(row);
  d->resize(560, d->sizeHint().height());
  connect(start, &QPushButton::clicked, d, [this, d] {
    d->accept();
    m_controller->start(QString::fromLatin1(kQuickStart));
  });
  connect(all, &QPushButton::clicked, d, [this, d] {
    d->accept();
    showTutorials();
  });
  connect(gallery, &QPushButton::clicked, d, [this, d] {
    d->accept();
    showExamplesGallery();
  });
  connect(skip, &QPushButton::clicked, d, [this, d] {
    d->reject();
    m_controller->decline(QString::fromLatin1(kQuickStart));
  });
  d->show();
  return d;
}

void Onboarding::fillTutorialList(QListWidget* list) const {
  const QString current =
      list->currentItem() ? list->currentItem()->data(Qt::UserRole).toString() : QString();
  list->clear();
  for (const Tutorial& t : m_controller->tutorials()) {
    QString state;
    const QStringList missing = m_controller->missingTasks(t.id);
    if (!missing.isEmpty())
      state = tr("needs %1, not in this build yet").arg(missing.join(QStringLiteral(", ")));
    else
      switch (m_controller->progress(t.id)) {
        case TutorialController::Progress::NotStarted:
          state = tr("not started");
          break;
        case TutorialController::Progress::InProgress:
          state = tr("step %1 of %2").arg(m_controller->savedStep(t.id) + 1).arg(t.steps.size());
          break;
        case TutorialController::Progress::Finished:
          state = tr("finished");
          break;
        case TutorialController::Progress::Skipped:
          state = tr("skipped");
          break;
      }
    auto* item = new QListWidgetItem(QStringLiteral("%1 — %2").arg(t.title, state), list);
    item->setData(Qt::UserRole, t.id);
    item->setToolTip(t.summary);
    if (t.id == current) list->setCurrentItem(item);
  }
  if (!list->currentItem() && list->count() > 0) list->setCurrentRow(0);
}

QDialog* Onboarding::showTutorials() {
  if (m_list) {
    fillTutorialList(m_list->findChild<QListWidget*>(QStringLiteral("TutorialList")));
    m_list->raise();
    return m_list;
  }
  QDialog* d = makeDialog(m_window, QStringLiteral("TutorialsDialog"), tr("Tutorials"));
  m_list = d;
  auto* list = new QListWidget(d);
  list->setObjectName(QStringLiteral("TutorialList"));
  auto* summary = new QLabel(d);
  summary->setWordWrap(true);
  auto* start = button(d, QStringLiteral("StartTutorial"), tr("Start / Resume"));
  auto* restart = button(d, QStringLiteral("RestartTutorial"), tr("Restart"));
  auto* example = button(d, QStringLiteral("OpenTutorialExample"), tr("Open finished example"));
  auto* close = button(d, QStringLiteral("CloseTutorials"), tr("Close"));
  auto* row = new QHBoxLayout;
  row->addWidget(example);
  row->addStretch(1);
  row->addWidget(restart);
  row->addWidget(start);
  row->addWidget(close);
  auto* layout = new QVBoxLayout(d);
  layout->addWidget(list, 1);
  layout->addWidget(summary);
  layout->addLayout(row);
  d->resize(620, 420);
  auto selected = [list] {
    return list->currentItem() ? list->currentItem()->data(Qt::UserRole).toString() : QString();
  };
  auto update = [this, selected, summary, start, restart, example] {
    const Tutorial* t = m_controller->tutorial(selected());
    summary->setText(t ? t->summary : QString());
    const bool runnable = t && m_controller->missingTasks(t->id).isEmpty();
    start->setEnabled(runnable);
    restart->setEnabled(runnable);
    example->setEnabled(t && !t->example.isEmpty());
  };
  connect(list, &QListWidget::currentItemChanged, d, update);
  auto begin = [this, d, selected](bool from_start) {
    const QString id = selected();
    if (id.isEmpty() || !m_controller->missingTasks(id).isEmpty()) return;
    d->accept();
    if (from_start)
      m_controller->restart(id);
    else
      m_controller->start(id);
  };
  connect(start, &QPushButton::clicked, d, [begin] { begin(false); });
  connect(restart, &QPushButton::clicked, d, [begin] { begin(true); });
  connect(list, &QListWidget::itemActivated, d, [begin] { begin(false); });
  connect(example, &QPushButton::clicked, d, [this, d, selected] {
    const Tutorial* t = m_controller->tutorial(selected());
    if (!t) return;
    d->accept();
    openExample(QDir(MainWindow::examplesDir()).filePath(t->example));
  });
  connect(close, &QPushButton::clicked, d, &QDialog::reject);
  fillTutorialList(list);
  update();
  d->show();
  return d;
}

QDialog* Onboarding::showExamplesGallery() {
  if (m_gallery && m_gallery->isVisible()) {  // a closed one is only waiting to be deleted
    m_gallery->raise();
    return m_gallery;
  }
  auto* d = new ExamplesGallery(exampleCatalog(MainWindow::examplesDir()), m_window);
  m_gallery = d;
  connect(d, &ExamplesGallery::openRequested, this, &Onboarding::openExample);
  d->show();
  return d;
}

void Onboarding::openExample(const QString& path) {
  if (!m_window->maybeSave()) return;  // Save, Discard or Cancel, naming the file
  m_window->openFile(path);
}

QString Onboarding::whatsNewText() {
  QFile f(QStringLiteral(":/whats_new.md"));
  return f.open(QIODevice::ReadOnly) ? QString::fromUtf8(f.readAll()) : QString();
}

QDialog* Onboarding::showWhatsNew() {
  if (m_news) {
    m_news->raise();
    return m_news;
  }
  QDialog* d = makeDialog(m_window, QStringLiteral("WhatsNewDialog"),
                          tr("What's new in SciAgents %1").arg(QLatin1String(kVersion)));
  m_news = d;
  auto* text = new QTextBrowser(d);
  text->setObjectName(QStringLiteral("WhatsNewText"));
  text->setOpenExternalLinks(true);
  text->setMarkdown(whatsNewText());
  auto* buttons = new QDialogButtonBox(QDialogButtonBox::Close, d);
  auto* layout = new QVBoxLayout(d);
  layout->addWidget(text, 1);
  layout->addWidget(buttons);
  d->resize(560, 480);
  connect(buttons, &QDialogButtonBox::rejected, d, &QDialog::reject);
  d->show();
  return d;
}

QUrl Onboarding::openAgentDocs() {
  QString step = m_window->scene()->selectedStepIds().value(0);
  if (step.isEmpty()) step = m_window->properties()->stepId();
  const core::Step* s = step.isEmpty() ? nullptr : m_window->document()->step(step);
  const QUrl url = agentDocUrl(s ? QString::fromStdString(s->agent) : QString());
  helpDock()->showPage(url);
  return url;
}

HelpDock* Onboarding::helpDock() {
  if (!m_help) {
    // A tab next to the Run log: the full width of the window, the step's form stays in view.
    m_help = new HelpDock(m_window);
    m_window->addDockWidget(Qt::BottomDockWidgetArea, m_help);
    if (auto* log = m_window->findChild<QDockWidget*>(QStringLiteral("RunLogDock")))
      m_window->tabifyDockWidget(log, m_help);
  }
  return m_help;
}

}  // namespace sciagents::ui
