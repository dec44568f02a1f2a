#include "core/util/error.h"
#include "core/workflow/workflow_validator.h"
#include "test_agents.h"

#include <QtTest>

#include "tests/test_main.h"

namespace test_validator {

using namespace sciagents::core;

class TestValidator : public QObject {
  Q_OBJECT

  AgentRegistry m_registry = sciagents::test::testRegistry();

  std::vector<ValidationIssue> issues(const std::string& steps) {
    return validateWorkflow(parseWorkflow("{\"sciagents\":1,\"steps\":[" + steps + "]}"),
                            m_registry);
  }
  // Exactly one issue, on `step` and `param`, whose message contains `needle`.
  void expectIssue(const std::string& steps, const std::string& step, const std::string& param,
                   const std::string& needle) {
    auto found = issues(steps);
    QVERIFY2(!found.empty(), ("no issue for " + steps).c_str());
    const auto& i = found.front();
    QVERIFY2(i.step == step, i.describe().c_str());
    QVERIFY2(i.param == param, i.describe().c_str());
    QVERIFY2(i.message.find(needle) != std::string::npos, i.describe().c_str());
  }
  void expectParseError(const std::string& text, const std::string& needle) {
    try {
      parseWorkflow(text);
      QFAIL(("parsed: " + text).c_str());
    } catch (const Error& e) {
      QCOMPARE(e.code(), ErrorCode::InvalidInput);
      QVERIFY2(std::string(e.what()).find(needle) != std::string::npos, e.what());
    }
  }

 private slots:
  void validWorkflowHasNoIssues() {
    QVERIFY(issues(R"({"id":"a","agent":"test","task":"add","params":{"a":1}},
                      {"id":"b","agent":"test","task":"sum","params":{"v":[{"from":"a.sum"},2]}})")
                .empty());
  }
  void unknownAgent() {
    expectIssue(R"({"id":"s","agent":"nope","task":"add"})", "s", "", "unknown agent 'nope'");
  }
  void unknownTask() {
    expectIssue(R"({"id":"s","agent":"test","task":"nope"})", "s", "", "unknown task 'nope'");
  }
  void plannedTask() {
    expectIssue(R"({"id":"s","agent":"test","task":"later"})", "s", "", "planned");
  }
  void unknownParam() {
    expectIssue(R"({"id":"s","agent":"test","task":"add","params":{"a":1,"c":2}})", "s", "c",
                "unknown parameter");
  }
  void missingRequired() {
    expectIssue(R"({"id":"s","agent":"test","task":"add","params":{}})", "s", "a", "required");
  }
  void wrongType() {
    expectIssue(R"({"id":"s","agent":"test","task":"add","params":{"a":"one"}})", "s", "a",
                "expected a number");
    expectIssue(R"({"id":"s","agent":"test","task":"sum","params":{"v":[[1,2],[3,4]]}})", "s", "v",
                "expected a vector");
  }
  void outOfRange() {
    expectIssue(R"({"id":"s","agent":"test","task":"add","params":{"a":1,"scale":11}})", "s",
                "scale", "out of range");
  }
  void badChoice() {
    expectIssue(R"({"id":"s","agent":"test","task":"expr","params":{"f":"x","method":"z"}})", "s",
                "method", "one of a, b");
  }
  void badExpression() {
    // (no raw string here: moc mis-reads an unbalanced parenthesis inside one)
    expectIssue("{\"id\":\"s\",\"agent\":\"test\",\"task\":\"expr\",\"params\":{\"f\":\"-k*(y\"}}",
                "s", "f", "position");
  }
  void missingLinkTarget() {
    expectIssue(R"({"id":"s","agent":"test","task":"add","params":{"a":{"from":"ghost.sum"}}})",
                "s", "a", "step 'ghost', which does not exist");
  }
  void unknownLinkOutput() {
    expectIssue(R"({"id":"a","agent":"test","task":"add","params":{"a":1}},
                   {"id":"s","agent":"test","task":"sum","params":{"v":[{"from":"a.total"}]}})",
                "s", "v[0]", "has no output 'total'");
  }
  void malformedLink() {
    expectIssue(R"({"id":"s","agent":"test","task":"add","params":{"a":{"from":"nodot"}}})", "s",
                "a", "bad link");
    expectIssue(
        "{\"id\":\"s\",\"agent\":\"test\",\"task\":\"add\",\"params\":{\"a\":{\"from\":\"a.x[1\"}}"
        "}",
        "s", "a", "missing ']'");
  }
  void selfLink() {
    expectIssue(R"({"id":"s","agent":"test","task":"add","params":{"a":{"from":"s.sum"}}})", "s",
                "a", "its own step");
  }
  void cycle() {
    auto found = issues(R"({"id":"a","agent":"test","task":"add","params":{"a":{"from":"c.sum"}}},
                           {"id":"b","agent":"test","task":"add","params":{"a":{"from":"a.sum"}}},
                           {"id":"c","agent":"test","task":"add","params":{"a":{"from":"b.sum"}}})");
    QCOMPARE(found.size(), size_t(1));
    QVERIFY2(found[0].message.find("cycle") != std::string::npos, found[0].describe().c_str());
    QVERIFY2(found[0].message.find("a -> ") != std::string::npos, found[0].describe().c_str());
  }
  void badSweep() {
    expectIssue(
        R"({"id":"s","agent":"test","task":"add","params":{"a":1},"sweep":{"param":"zz","values":[1]}})",
        "s", "sweep", "not a parameter");
    expectIssue(
        R"({"id":"s","agent":"test","task":"add","params":{"a":1},"sweep":{"param":"scale","values":[1, 50]}})",
        "s", "scale", "sweep value #2");
  }
  // Sweep paths and model input paths share the one path syntax (core/workflow/param_path.h):
  // an element of a list, and errors that name the path and the position.
  void sweepPathsIndexIntoLists() {
    QVERIFY(
        issues(
            R"({"id":"s","agent":"test","task":"sum","params":{"v":[1,2,3]},"sweep":{"param":"v[1]","values":[5,6]}})")
            .empty());
    expectIssue(
        R"({"id":"s","agent":"test","task":"sum","params":{"v":[1,2,3]},"sweep":{"param":"v[5]","values":[5]}})",
        "s", "sweep",
        "sweep parameter path 'v[5]', position 2: index 5 out of range for 'v' of size 3");
    expectIssue(
        R"({"id":"s","agent":"test","task":"sum","params":{"v":[1,2,3]},"sweep":{"param":"v[x]","values":[5]}})",
        "s", "sweep", "sweep parameter path 'v[x]', position 3: index 'x' is not an integer");
    // (no raw string here: moc mis-reads an unbalanced bracket inside one)
    expectIssue(
        "{\"id\":\"s\",\"agent\":\"test\",\"task\":\"add\",\"params\":{\"a\":{\"from\":\"p.x[1\"}}"
        "}",
        "s", "a", "path 'p.x[1', position 4: missing ']'");
  }
  void everyIssueIsReported() {
    auto found = issues(R"({"id":"a","agent":"test","task":"add","params":{"a":"x","zz":1}},
                           {"id":"b","agent":"nope","task":"add"})");
    QCOMPARE(found.size(), size_t(3));
  }
  void emptyWorkflow() {
    auto found = validateWorkflow(parseWorkflow(R"({"sciagents":1,"steps":[]})"), m_registry);
    QCOMPARE(found.size(), size_t(1));
  }
  void structuralErrors() {
    expectParseError("{", "invalid JSON");
    expectParseError("[]", "must be a JSON object");
    expectParseError(R"({"steps":[]})", "missing \"sciagents\"");
    expectParseError(R"({"sciagents":2,"steps":[]})", "unsupported workflow format");
    expectParseError(R"({"sciagents":1})", "needs \"steps\"");
    expectParseError(
        R"({"sciagents":1,"steps":[{"id":"a","agent":"test","task":"add"},{"id":"a","agent":"test","task":"add"}]})",
        "step 'a': duplicate step id");
    expectParseError(R"({"sciagents":1,"steps":[{"id":"1a","agent":"test","task":"add"}]})",
                     "needs an \"id\"");
    expectParseError(R"({"sciagents":1,"steps":[{"id":"a","task":"add"}]})", "missing \"agent\"");
    expectParseError(R"({"sciagents":1,"steps":[{"id":"a","agent":"t","task":"x","params":[]}]})",
                     "\"params\" must be an object");
    expectParseError(
        R"({"sciagents":1,"steps":[{"id":"a","agent":"t","task":"x","sweep":{"param":"a","values":{"linspace":[0,1,0]}}}]})",
        "sweep count");
    expectParseError(std::string(300, '[') + std::string(300, ']'), "deeper than");
  }
};

SCIAGENTS_TEST_GUILESS_MAIN(TestValidator)

}  // namespace test_validator
#include "test_validator.moc"
