// sciagents-studio [FILE]: the desktop application. Argument parsing only; everything else is in
// ui/.
#include "core/agent/agent_registry.h"
#include "core/util/version.h"
#include "ui/main_window.h"
#include "ui/tutorial/onboarding.h"

#include <QApplication>
#include <QCommandLineParser>

int main(int argc, char** argv) {
  QApplication app(argc, argv);
  QApplication::setOrganizationName(QStringLiteral("SciAgents"));
  QApplication::setApplicationName(QStringLiteral("SciAgents Studio"));
  QApplication::setApplicationVersion(QString::fromLatin1(sciagents::kVersion));

  QCommandLineParser parser;
  parser.setApplicationDescription(
      QStringLiteral("SciAgents Studio: build, run and inspect scientific workflows"));
  parser.addHelpOption();
  parser.addVersionOption();
  parser.addPositionalArgument(QStringLiteral("file"),
                               QStringLiteral("A *.workflow.json file to open"),
                               QStringLiteral("[FILE]"));
  parser.process(app);

  sciagents::ui::MainWindow window(sciagents::core::AgentRegistry::builtin());
  if (!parser.positionalArguments().isEmpty() &&
      !window.openFile(parser.positionalArguments().front()))
    return 2;
  window.show();
  if (parser.positionalArguments().isEmpty()) window.offerRecovery();  // after a crash
  window.onboarding()->startup();  // first-run welcome, "What's new", a tutorial in progress
  return QApplication::exec();
}
