// Test driver for the e2e delivery test: plays a Studio session that answers the final survey N
// times through SurveyDialog (clicks and typing, offscreen), each submission queued in the outbox
// given on the command line, prints the response ids, then dies by SIGKILL: no destructor, no
// clean close of the database, exactly like a killed Studio.
//   feedback_studio_driver OUTBOX.db N
#include "survey_fill.h"

#include "core/store/feedback_outbox.h"

#include <QApplication>

#include <csignal>
#include <cstdio>
#include <cstdlib>

int main(int argc, char** argv) {
  QApplication app(argc, argv);
  if (argc != 3) {
    std::fprintf(stderr, "usage: feedback_studio_driver OUTBOX.db N\n");
    return 2;
  }
  const int n = std::atoi(argv[2]);
  const auto* survey =
      sciagents::core::feedback::findSurvey(sciagents::core::feedback::builtinSurveys(), "final");
  auto* outbox = new sciagents::core::store::FeedbackOutbox(argv[1]);  // never closed
  for (int i = 0; i < n; ++i) {
    auto* d = new sciagents::ui::SurveyDialog(*survey, outbox, false);
    d->show();
    survey_fill::answerAll(d, true, QStringLiteral("answer %1").arg(i));
    if (!d->submit()) {
      std::fprintf(stderr, "submit %d was refused\n", i);
      return 1;
    }
    std::printf("%s\n", d->response()["response_id"].get<std::string>().c_str());
  }
  std::fflush(stdout);
  std::raise(SIGKILL);
  return 0;
}
