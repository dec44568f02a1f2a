// Lossless round trip of *.workflow.json through WorkflowFile (used by Studio's save).
#include "core/util/error.h"
#include "core/workflow/workflow_json.h"

#include <QtTest/QtTest>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "tests/test_main.h"

namespace test_workflow_json {

using namespace sciagents::core;
using nlohmann::json;

namespace {
std::string readText(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}
}  // namespace

class TestWorkflowJson : public QObject {
  Q_OBJECT
 private slots:
  void everyExampleRoundTrips() {
    int n = 0;
    for (const auto& e : std::filesystem::directory_iterator(SCIAGENTS_SOURCE_DIR "/examples")) {
      const std::string name = e.path().filename().string();
      if (name.size() < 14 || name.substr(name.size() - 14) != ".workflow.json") continue;
      const std::string text = readText(e.path());
      const WorkflowFile f = parseWorkflowFile(text);
      const json back = json::parse(dumpWorkflowFile(f));
      json original = json::parse(text);
      if (!original.contains("name")) original["name"] = "";
      QVERIFY2(back == original, name.c_str());
      ++n;
    }
    QVERIFY(n > 10);
  }

  void keepsUiDescriptionAndSweepForm() {
    const std::string text =
        "{\"sciagents\": 1, \"name\": \"w\", \"description\": \"d\", \"ui\": {\"zoom\": 1.5},"
        " \"steps\": [{\"id\": \"a\", \"agent\": \"integration\", \"task\": \"quad\", "
        "\"description\": \"first\","
        " \"params\": {\"f\": \"x^2\", \"a\": 0, \"b\": {\"from\": \"c.value\"}},"
        " \"sweep\": {\"param\": \"a\", \"values\": {\"linspace\": [0, 1, 3]}}, \"ui\": {\"x\": "
        "10, \"y\": -20.5}}]}";
    const WorkflowFile f = parseWorkflowFile(text);
    QCOMPARE(f.workflow.steps.size(), std::size_t(1));
    QVERIFY(f.workflow.steps[0].sweep.has_value());
    QCOMPARE(f.workflow.steps[0].sweep->values.size(), std::size_t(3));
    QVERIFY(f.extras("a") != nullptr);
    QCOMPARE(f.extras("a")->ui["x"].get<double>(), 10.0);
    QCOMPARE(json::parse(dumpWorkflowFile(f)), json::parse(text));
    // Key order of the file form is the documented one.
    const std::string dumped = dumpWorkflowFile(f);
    QVERIFY(dumped.find("\"sciagents\"") < dumped.find("\"steps\""));
    QVERIFY(dumped.find("\"id\"") < dumped.find("\"agent\""));
  }

  void structuralErrorsAsParseWorkflow() {
    QVERIFY_THROWS_EXCEPTION(Error,
                             parseWorkflowFile("{\"sciagents\": 1, \"steps\": [{\"id\": \"a\"}]}"));
    QVERIFY_THROWS_EXCEPTION(Error, parseWorkflowFile("{not json"));
  }
};

SCIAGENTS_TEST_GUILESS_MAIN(TestWorkflowJson)

}  // namespace test_workflow_json
#include "test_workflow_json.moc"
