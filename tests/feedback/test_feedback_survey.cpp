// core/feedback/survey: the shipped definitions parse, bad definitions fail naming the question and
// field, answer sets are validated per type (required, option ids, ranges), responses serialise
// with a unique id, survey id + version and a timestamp.
#include "core/feedback/survey.h"
#include "core/util/error.h"

#include <QtTest>

#include <fstream>
#include <set>
#include <sstream>

#include "tests/test_main.h"

namespace test_feedback_survey {

using namespace sciagents::core;
using namespace sciagents::core::feedback;
using nlohmann::json;

namespace {
std::string sourceFile(const std::string& rel) {
  std::ifstream f(std::string(SCIAGENTS_SOURCE_DIR) + "/" + rel);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

std::string parseError(const std::string& text) {
  try {
    parseSurveyText(text, "test.json");
  } catch (const Error& e) {
    return e.what();
  }
  return "no error";
}

json patched(json base, const json& patch) {
  base.merge_patch(patch);
  return base;
}

// A complete, valid answer set for the final survey.
json finalAnswers() {
  return {{"satisfaction", 4},
          {"recommend", 9},
          {"docs_quality", "good"},
          {"examples_quality", "fair"},
          {"speed", "excellent"},
          {"reliability", "good"},
          {"resource_use", "good"},
          {"completeness", "poor"},
          {"production_use", {{"choice", "maybe"}, {"details", "once PDEs are faster"}}},
          {"feature_use_case", {{"choice", "no"}}}};
}
}  // namespace

class TestFeedbackSurvey : public QObject {
  Q_OBJECT

 private slots:
  void shippedSurveysParseWithTheSeedQuestions() {
    const auto& all = builtinSurveys();
    QCOMPARE(all.size(), std::size_t(3));
    std::set<std::string> types;
    for (const char* id : {"welcome", "midpoint", "final"}) {
      const Survey* s = findSurvey(all, id);
      QVERIFY2(s, id);
      // The compiled-in text is the file in resources/surveys.
      const Survey fromFile =
          parseSurveyText(sourceFile(std::string("resources/surveys/") + id + ".json"), id);
      QCOMPARE(fromFile.questions.size(), s->questions.size());
      for (const auto& q : s->questions) types.insert(std::string(questionTypeName(q.type)));
    }
    QCOMPARE(types, (std::set<std::string>{"single_choice", "multiple_choice", "ranking", "stars",
                                           "nps", "yes_no", "text"}));
    QCOMPARE(findSurvey(all, "welcome")->questions.size(), std::size_t(8));
    QVERIFY(findSurvey(all, "midpoint")->questions.size() >= 10);
    QCOMPARE(findSurvey(all, "final")->questions.size(), std::size_t(18));
    QCOMPARE(findSurvey(all, "final")->question("recommend")->metric, std::string("nps"));
    QCOMPARE(findSurvey(all, "welcome")->question("feature_priorities")->options.size(),
             std::size_t(6));
  }

  void badDefinitionsNameTheField() {
    QVERIFY(parseError("{").find("not valid JSON") != std::string::npos);
    QVERIFY(parseError(R"({"survey":"s","version":1,"title":"t","questions":[]})")
                .find("'questions' must be a non-empty array") != std::string::npos);
    const std::string e = parseError(
        R"({"survey":"s","version":1,"title":"t","questions":[{"id":"q1","type":"slider","text":"x"}]})");
    QVERIFY2(e.find("question 'q1'") != std::string::npos &&
                 e.find("type 'slider'") != std::string::npos,
             e.c_str());
    QVERIFY(
        parseError(
            R"({"survey":"s","version":1,"title":"t","questions":[{"id":"q","type":"single_choice","text":"x","options":[{"id":"a","text":"A"}]}]})")
            .find("at least two options") != std::string::npos);
    QVERIFY(
        parseError(
            R"({"survey":"s","version":1,"title":"t","questions":[{"id":"q","type":"text","text":"x"},{"id":"q","type":"text","text":"y"}]})")
            .find("'q' appears twice") != std::string::npos);
    QVERIFY(
        parseError(
            R"({"survey":"s","version":0,"title":"t","questions":[{"id":"q","type":"text","text":"x"}]})")
            .find("'version' must be a positive integer") != std::string::npos);
    QVERIFY(
        parseError(
            R"({"survey":"s","version":1,"title":"t","colour":1,"questions":[{"id":"q","type":"text","text":"x"}]})")
            .find("unknown field 'colour'") != std::string::npos);
  }

  void validAnswersPass() {
    const Survey& s = *findSurvey(builtinSurveys(), "final");
    const auto issues = validateAnswers(s, finalAnswers());
    QVERIFY2(issues.empty(), describe(issues).c_str());
  }

  void requiredAnswersAreEnforced() {
    const Survey& s = *findSurvey(builtinSurveys(), "final");
    json a = finalAnswers();
    a.erase("recommend");
    a["satisfaction"] = nullptr;
    const auto issues = validateAnswers(s, a);
    QCOMPARE(issues.size(), std::size_t(2));
    QCOMPARE(issues[0].question, std::string("satisfaction"));
    QCOMPARE(issues[1].question, std::string("recommend"));
    QCOMPARE(issues[1].message, std::string("an answer is required"));
    // Optional questions may stay unanswered (finalAnswers() answers no text question).
  }

  void eachTypeChecksItsShape() {
    const Survey& w = *findSurvey(builtinSurveys(), "welcome");
    const Survey& m = *findSurvey(builtinSurveys(), "midpoint");
    const Survey& f = *findSurvey(builtinSurveys(), "final");
    auto msg = [](const Survey& s, json answers, const std::string& q) {
      for (const auto& i : validateAnswers(s, answers))
        if (i.question == q) return i.message;
      return std::string();
    };
    json base = finalAnswers();
    QVERIFY(msg(f, patched(base, {{"recommend", 11}}), "recommend").find("0..10, got 11") !=
            std::string::npos);
    QVERIFY(msg(f, patched(base, {{"recommend", 7.5}}), "recommend").find("expected an integer") !=
            std::string::npos);
    QVERIFY(msg(f, patched(base, {{"satisfaction", 0}}), "satisfaction").find("1..5") !=
            std::string::npos);
    QVERIFY(msg(f, patched(base, {{"speed", "warp"}}), "speed").find("'warp' is not an option") !=
            std::string::npos);
    QVERIFY(msg(f, patched(base, {{"production_use", {{"choice", "perhaps"}}}}), "production_use")
                .find("not a choice") != std::string::npos);
    QVERIFY(msg(f, patched(base, {{"feature_use_case", {{"choice", "yes"}, {"details", "x"}}}}),
                "feature_use_case")
                .find("unknown member 'details'") != std::string::npos);  // no details box there
    QVERIFY(msg(f, patched(base, {{"pain_point", std::string(2001, 'x')}}), "pain_point")
                .find("exceeds 2000") != std::string::npos);
    // ranking: all options, each once
    json wa = {{"field", "physics"},
               {"install_method", "docker"},
               {"install_problems", {{"choice", "no"}}},
               {"feature_priorities",
                {"ode_pde", "optimization", "linear_algebra", "ml", "workflows", "profiling"}}};
    QVERIFY2(validateAnswers(w, wa).empty(), describe(validateAnswers(w, wa)).c_str());
    wa["feature_priorities"] = {"ode_pde", "optimization"};
    QVERIFY(msg(w, wa, "feature_priorities").find("must order all 6 options") != std::string::npos);
    wa["feature_priorities"] = {"ode_pde", "ode_pde",   "linear_algebra",
                                "ml",      "workflows", "profiling"};
    QVERIFY(msg(w, wa, "feature_priorities").find("appears twice") != std::string::npos);
    // multiple choice
    json ma = {{"usage_count", "1-5"},
               {"created_workflows", {{"choice", "yes"}}},
               {"performance_ok", {{"choice", "yes"}}},
               {"errors", {{"choice", "no"}}},
               {"continue", "yes"},
               {"agents_used", {"ode_pde", "uq"}}};
    QVERIFY2(validateAnswers(m, ma).empty(), describe(validateAnswers(m, ma)).c_str());
    ma["agents_used"] = {"ode_pde", "teleport"};
    QVERIFY(msg(m, ma, "agents_used").find("'teleport' is not an option") != std::string::npos);
    // unknown question ids and a non-object answer set
    QVERIFY(msg(f, patched(base, {{"colour", "red"}}), "colour").find("has no question") !=
            std::string::npos);
    QCOMPARE(validateAnswers(f, json::array()).size(), std::size_t(1));
  }

  void responsesCarryIdVersionAndTime() {
    const Survey& s = *findSurvey(builtinSurveys(), "final");
    const std::string id = newResponseId();
    QCOMPARE(id.size(), std::size_t(32));
    QVERIFY(isResponseId(id));
    QVERIFY(newResponseId() != id);
    const json r = makeResponse(s, finalAnswers(), id, 1'795'000'000'000'000LL, "test 1.0");
    QCOMPARE(r["response_id"].get<std::string>(), id);
    QCOMPARE(r["survey"].get<std::string>(), std::string("final"));
    QCOMPARE(r["version"].get<int>(), 1);
    QCOMPARE(r["submitted_at"].get<std::string>(), std::string("2026-11-18T11:06:40.000000Z"));
    QCOMPARE(r["answers"]["recommend"].get<int>(), 9);
    QVERIFY2(validateResponse(r, builtinSurveys()).empty(),
             describe(validateResponse(r, builtinSurveys())).c_str());
    // Invalid answers never make a response.
    json bad = finalAnswers();
    bad["recommend"] = -1;
    QVERIFY_THROWS_EXCEPTION(Error, makeResponse(s, bad, id, 0, "t"));
    QVERIFY_THROWS_EXCEPTION(Error, makeResponse(s, finalAnswers(), "NOT-HEX", 0, "t"));
    // The server's checks of the envelope.
    json r2 = r;
    r2["version"] = 2;
    QVERIFY(describe(validateResponse(r2, builtinSurveys())).find("'version' must be 1") !=
            std::string::npos);
    r2 = r;
    r2["survey"] = "exit";
    QVERIFY(describe(validateResponse(r2, builtinSurveys())).find("unknown survey 'exit'") !=
            std::string::npos);
  }
};

SCIAGENTS_TEST_GUILESS_MAIN(TestFeedbackSurvey)

}  // namespace test_feedback_survey
#include "test_feedback_survey.moc"
