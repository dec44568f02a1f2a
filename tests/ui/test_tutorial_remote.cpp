// Tutorial 5 (Remote) through the real UI against a real `sciagents serve` on loopback (started
// here, stopped by PID): the connection step completes only when the window's target becomes the
// server (through Run ▸ Target ▸ Remote Server Settings… and its dialog), and the run step only
// when the run on the server has succeeded with the right answer.
#include "isolated_settings.h"
#include "loopback_server.h"
#include "tutorial_test_util.h"

#include "core/agent/agent_registry.h"
#include "ui/connection_dialog.h"
#include "ui/remote_target.h"

#include <QApplication>
#include <QLabel>
#include <QTimer>

#include "tests/test_main.h"

namespace test_tutorial_remote {

using namespace sciagents::ui;
using namespace studio_test;
using nlohmann::json;

class TestTutorialRemote : public QObject {
  Q_OBJECT

  LoopbackServer m_server;
  QUrl m_url;
  QString m_token;

 private slots:
  void initTestCase() {
    studio_test::isolateSettings("test_tutorial_remote");
    clearSettings();
    m_server.start("tutorial-test");
    m_url = m_server.url();
    m_token = m_server.token();
  }

  void cleanupTestCase() { m_server.stop(); }

  void remoteTutorial() {
    MainWindow w(sciagents::core::AgentRegistry::builtin());
    w.show();
    QVERIFY(QTest::qWaitForWindowExposed(&w));
    w.remoteTarget()->setUseCache(false);
    TutorialDriver t(w);
    QVERIFY(t.c->start("remote"));
    t.read(0);
    t.complete(1, {t.add("linear_algebra", "solve"), t.type("A", "[[2, 3], [1, 4]]"),
                   t.type("b", "[8, 10]")});
    // The user's way: Run ▸ Target ▸ Remote Server Settings…, fill in, test, OK (a modal dialog,
    // answered from the event loop). Cancelling first leaves the step open.
    auto answer = [this](bool accept) {
      QTimer::singleShot(0, [this, accept] {
        auto* d = qobject_cast<ConnectionDialog*>(QApplication::activeModalWidget());
        QVERIFY(d);
        if (!accept) {
          d->reject();
          return;
        }
        d->urlEdit()->setText(m_url.toString());
        d->tokenEdit()->setText(m_token);
        d->testConnection();
        QTRY_VERIFY_WITH_TIMEOUT(d->statusLabel()->text().startsWith("Connected"), 30000);
        d->accept();
      });
    };
    t.complete(2, {[&] {
                     answer(false);
                     w.editRemoteSettings();
                     QVERIFY(w.executionTarget() == w.runner());
                   },
                   [&] {
                     answer(true);
                     w.editRemoteSettings();
                   }});
    QVERIFY(w.executionTarget() == w.remoteTarget());
    QVERIFY(w.targetLabel()->text().contains(m_url.toDisplayString()));
    t.complete(3, {t.run()});
    QVERIFY(!QTest::currentTestFailed());
    const json x = lastOutput(w.remoteTarget(), "solve", "x");
    QVERIFY2(
        std::abs(x[0].get<double>() - 0.4) < 1e-12 && std::abs(x[1].get<double>() - 2.4) < 1e-12,
        x.dump().c_str());
    QVERIFY(!w.runner()->lastResult());  // it did not run here
    t.read(4);
    QCOMPARE(t.c->progress("remote"), TutorialController::Progress::Finished);
  }
};

SCIAGENTS_TEST_MAIN(TestTutorialRemote)

}  // namespace test_tutorial_remote
#include "test_tutorial_remote.moc"
