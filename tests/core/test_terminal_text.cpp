// Text from workflow files printed on a terminal: escapes that would act on the terminal or
// reorder the line are shown, not obeyed (issue 22, finding 9).
#include "core/util/terminal_text.h"

#include <QtTest/QtTest>

#include "tests/test_main.h"

namespace test_terminal_text {

using sciagents::core::terminalSafe;

class TestTerminalText : public QObject {
  Q_OBJECT

 private slots:
  void escapes_data() {
    QTest::addColumn<QByteArray>("in");
    QTest::addColumn<QByteArray>("out");
    QTest::newRow("plain") << QByteArray("step_1 (ode_pde.ivp)")
                           << QByteArray("step_1 (ode_pde.ivp)");
    QTest::newRow("ansi") << QByteArray("\x1b[31mred\x1b[0m") << QByteArray("\\x1b[31mred\\x1b[0m");
    QTest::newRow("title") << QByteArray("\x1b]0;owned\x07") << QByteArray("\\x1b]0;owned\\x07");
    QTest::newRow("cr") << QByteArray("ok\rfake") << QByteArray("ok\\rfake");
    QTest::newRow("newline") << QByteArray("a\nb") << QByteArray("a\\nb");
    QTest::newRow("del") << QByteArray("a\x7f") << QByteArray("a\\x7f");
    QTest::newRow("nul") << QByteArray("a\0b", 3) << QByteArray("a\\x00b");
    QTest::newRow("bidi RLO") << QByteArray("abc\xe2\x80\xaetxt.exe")
                              << QByteArray("abc\\u202etxt.exe");
    QTest::newRow("bidi isolate") << QByteArray("\xe2\x81\xa6x\xe2\x81\xa9")
                                  << QByteArray("\\u2066x\\u2069");
    QTest::newRow("C1 CSI") << QByteArray(
                                   "\xc2\x9b"
                                   "31m")
                            << QByteArray("\\u009b31m");
    QTest::newRow("invalid utf8") << QByteArray("a\xff\xc3") << QByteArray("a\\xff\\xc3");
    QTest::newRow("overlong") << QByteArray("\xc0\xaf") << QByteArray("\\xc0\\xaf");
    QTest::newRow("utf8 kept") << QByteArray("\xc3\xa9t\xc3\xa9 \xce\xbb=2 \xe2\x88\x9a")
                               << QByteArray("\xc3\xa9t\xc3\xa9 \xce\xbb=2 \xe2\x88\x9a");
  }

  void escapes() {
    QFETCH(QByteArray, in);
    QFETCH(QByteArray, out);
    const std::string got =
        terminalSafe(std::string_view(in.constData(), static_cast<std::size_t>(in.size())));
    QCOMPARE(QByteArray::fromStdString(got), out);
  }

  void newlinesKeptOnRequest() {
    QCOMPARE(terminalSafe("bad\n   ^\x1b[2J", true), std::string("bad\n   ^\\x1b[2J"));
  }
};

SCIAGENTS_TEST_GUILESS_MAIN(TestTerminalText)

}  // namespace test_terminal_text
#include "test_terminal_text.moc"
