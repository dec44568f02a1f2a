// Input that is not a formula (issue 22, finding 9): assignments, NUL and control characters are
// refused with their position; messages about long input quote it elided.
#include "core/expr/expression.h"
#include "core/util/error.h"

#include <QtTest/QtTest>

#include <optional>
#include <string>

#include "tests/test_main.h"

namespace test_expression_input {

using namespace sciagents::core;

namespace {

std::optional<std::string> errorOf(const std::string& text, std::vector<std::string> vars) {
  try {
    Expression e(text, std::move(vars));
  } catch (const Error& err) {
    return std::string(err.what());
  }
  return std::nullopt;
}

}  // namespace

class TestExpressionInput : public QObject {
  Q_OBJECT

 private slots:
  void assignmentsAreRefused_data() {
    QTest::addColumn<QString>("text");
    QTest::addColumn<QString>("op");
    QTest::addColumn<int>("position");
    QTest::newRow("x=3") << "x=3"
                         << "=" << 1;
    QTest::newRow("spaced") << "y + (x = 3)"
                            << "=" << 7;
    QTest::newRow("+=") << "x+=1"
                        << "+=" << 1;
    QTest::newRow("-=") << "x -= 1"
                        << "-=" << 2;
    QTest::newRow("*=") << "x*=2"
                        << "*=" << 1;
    QTest::newRow("/=") << "x/=2"
                        << "/=" << 1;
  }

  void assignmentsAreRefused() {
    QFETCH(QString, text);
    QFETCH(QString, op);
    QFETCH(int, position);
    const std::string t = text.toStdString();
    const std::string expected = "assignment '" + op.toStdString() +
                                 "' is not allowed in an expression (to compare, use '==') at "
                                 "position " +
                                 std::to_string(position);
    const auto err = errorOf(t, {"x", "y"});
    QVERIFY2(err, "accepted as an expression");
    QVERIFY2(err->starts_with(expected), err->c_str());
    const auto issue = checkExpressionSyntax(t);
    QVERIFY(issue);
    QCOMPARE(issue->position, static_cast<std::size_t>(position));
  }

  void comparisonsStillWork() {
    for (const char* text : {"x==3", "x<=3", "x>=3", "x!=3", "(x==3) ? 1 : 2", "x<3 && y>1"})
      QVERIFY2(!checkExpressionSyntax(text), text);
    const double x = 3.0;
    QCOMPARE(Expression("x==3", {"x"}).eval(&x), 1.0);
    QCOMPARE(Expression("x!=3 ? 5 : 7", {"x"}).eval(&x), 7.0);
  }

  void nulIsRefusedNotTruncated() {
    const std::string text("x+1\0+y", 6);
    const auto err = errorOf(text, {"x"});
    QVERIFY2(err, "the text after the NUL was ignored");
    QVERIFY2(err->starts_with("NUL character (\\0) in expression at position 3"), err->c_str());
    QVERIFY(checkExpressionSyntax(text));
    // The message itself carries no NUL or raw control byte.
    QVERIFY(err->find('\0') == std::string::npos);
  }

  void controlCharactersAreRefused() {
    const std::string text = "x+\x1b[31m1";
    const auto err = errorOf(text, {"x"});
    QVERIFY(err);
    QVERIFY2(err->starts_with("control character \\x1b in expression at position 2"), err->c_str());
    QVERIFY(err->find('\x1b') == std::string::npos);
    // Ordinary whitespace stays fine.
    QVERIFY(!checkExpressionSyntax("x +\t1\n+ 2"));
  }

  void longInputIsQuotedElided() {
    // 1 MB: x+x+...+x then a stray ')' in the middle.
    std::string text;
    for (int i = 0; i < 250000; ++i) text += "x+";
    text += ")";
    for (int i = 0; i < 250000; ++i) text += "+x";
    const auto issue = checkExpressionSyntax(text);
    QVERIFY(issue);
    const std::string message = issue->describe();
    QVERIFY2(message.size() < 600, message.substr(0, 300).c_str());
    QVERIFY(message.find("(" + std::to_string(text.size()) + " characters)") != std::string::npos);
    const auto err = errorOf(text, {"x"});
    QVERIFY(err);
    QVERIFY2(err->size() < 600, err->substr(0, 300).c_str());
  }

  void caretPointsIntoTheWindow() {
    std::string text;
    for (int i = 0; i < 75; ++i) text += "x+";
    text += "#";
    for (int i = 0; i < 25; ++i) text += "+x";
    const auto issue = checkExpressionSyntax(text);
    QVERIFY(issue);
    const std::string d = issue->describe();
    const auto nl = d.find('\n');
    QVERIFY(nl != std::string::npos);
    const std::size_t caret = d.size() - 1 - (nl + 1);  // column of '^' on the second line
    QCOMPARE(d.back(), '^');
    QVERIFY(caret < nl);
    QCOMPARE(issue->position, std::size_t{150});
    QCOMPARE(d[caret], '#');
    QVERIFY(d.find("...") != std::string::npos);  // 201 characters: shown as a window
  }
};

SCIAGENTS_TEST_GUILESS_MAIN(TestExpressionInput)

}  // namespace test_expression_input
#include "test_expression_input.moc"
