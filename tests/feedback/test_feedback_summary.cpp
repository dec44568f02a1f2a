// core/feedback/feedback_summary: NPS and mean satisfaction on a fixture of known answers
// (expected values computed by hand), per-option counts, mean ranks.
#include "core/feedback/feedback_summary.h"

#include <QtTest>

#include "tests/test_main.h"

namespace test_feedback_summary {

using namespace sciagents::core::feedback;
using nlohmann::json;

class TestFeedbackSummary : public QObject {
  Q_OBJECT

 private slots:
  void npsDefinition() {
    QVERIFY(!netPromoterScore({}).has_value());
    QCOMPARE(*netPromoterScore({10, 10}), 100.0);
    QCOMPARE(*netPromoterScore({0, 6}), -100.0);
    QCOMPARE(*netPromoterScore({7, 8}), 0.0);
    QCOMPARE(*netPromoterScore({9, 6, 8, 7}), 0.0);  // 1 promoter, 1 detractor of 4
  }

  void fixtureOfTenResponses() {
    // recommend:    10 9 9 8 7 6 5 10 3 9 -> promoters 5, passives 2, detractors 3 of 10
    //               NPS = (5 - 3) / 10 * 100 = 20
    // satisfaction: 5 4 4 3 5 2 1 5 2 4   -> 35 / 10 = 3.5
    // speed:        excellent x2, good x5, fair x2, poor x1 (poor once)
    const int rec[] = {10, 9, 9, 8, 7, 6, 5, 10, 3, 9};
    const int sat[] = {5, 4, 4, 3, 5, 2, 1, 5, 2, 4};
    const char* speed[] = {"good", "good", "excellent", "fair", "good",
                           "poor", "good", "excellent", "fair", "good"};
    std::vector<json> responses;
    for (int i = 0; i < 10; ++i)
      responses.push_back(
          {{"survey", "final"},
           {"version", 1},
           {"answers", {{"recommend", rec[i]}, {"satisfaction", sat[i]}, {"speed", speed[i]}}}});
    // Another survey's NPS question is not a headline metric; an unknown survey is only counted.
    responses.push_back(
        {{"survey", "midpoint"}, {"version", 1}, {"answers", {{"early_recommend", 0}}}});
    responses.push_back({{"survey", "final"}, {"version", 9}, {"answers", {{"recommend", 0}}}});
    // Welcome ranking: two responses; ode_pde ranked 1 and 2 -> mean rank 1.5.
    responses.push_back(
        {{"survey", "welcome"},
         {"version", 1},
         {"answers",
          {{"feature_priorities",
            {"ode_pde", "optimization", "linear_algebra", "ml", "workflows", "profiling"}}}}});
    responses.push_back(
        {{"survey", "welcome"},
         {"version", 1},
         {"answers",
          {{"feature_priorities",
            {"ml", "ode_pde", "linear_algebra", "optimization", "workflows", "profiling"}}}}});
    const json s = summarize(builtinSurveys(), responses, 3);
    QCOMPARE(s["responses"].get<int>(), 14);
    QCOMPARE(s["unknown"].get<int>(), 1);
    QCOMPARE(s["analytics_events"].get<int>(), 3);
    QCOMPARE(s["nps"]["n"].get<int>(), 10);
    QCOMPARE(s["nps"]["promoters"].get<int>(), 5);
    QCOMPARE(s["nps"]["passives"].get<int>(), 2);
    QCOMPARE(s["nps"]["detractors"].get<int>(), 3);
    QCOMPARE(s["nps"]["score"].get<double>(), 20.0);
    QCOMPARE(s["mean_satisfaction"].get<double>(), 3.5);
    const json& q = s["surveys"]["final"]["questions"];
    QCOMPARE(s["surveys"]["final"]["responses"].get<int>(), 10);
    QCOMPARE(q["speed"]["counts"], json({{"excellent", 2}, {"good", 5}, {"fair", 2}, {"poor", 1}}));
    QCOMPARE(q["speed"]["answered"].get<int>(), 10);
    QCOMPARE(q["reliability"]["answered"].get<int>(), 0);
    QCOMPARE(q["satisfaction"]["counts"], json({{"1", 1}, {"2", 2}, {"3", 1}, {"4", 3}, {"5", 3}}));
    QCOMPARE(s["surveys"]["midpoint"]["questions"]["early_recommend"]["nps"]["score"].get<double>(),
             -100.0);
    const json& mr = s["surveys"]["welcome"]["questions"]["feature_priorities"]["mean_rank"];
    QCOMPARE(mr["ode_pde"].get<double>(), 1.5);
    QCOMPARE(mr["profiling"].get<double>(), 6.0);
  }

  void emptyStoreHasNoScores() {
    const json s = summarize(builtinSurveys(), {}, 0);
    QVERIFY(s["nps"]["score"].is_null());
    QVERIFY(s["mean_satisfaction"].is_null());
    QCOMPARE(s["responses"].get<int>(), 0);
  }
};

SCIAGENTS_TEST_GUILESS_MAIN(TestFeedbackSummary)

}  // namespace test_feedback_summary
#include "test_feedback_summary.moc"
