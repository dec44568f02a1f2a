// The report generator on hand-made results (core/report/html_report.h): names and text from a
// workflow are escaped (a step id or param holding markup cannot inject a script), failed steps
// show their error, long vectors become line plots, large matrices are truncated, time series are
// plotted, and a result without "workflow_spec" or "run" (an older file) still gives a page.
#include "core/report/html_report.h"
#include "core/report/svg_plot.h"
#include "core/workflow/result_comparison.h"

#include <QtTest/QtTest>

#include <string>

#include "tests/test_main.h"

namespace test_html_report {

using namespace sciagents::core;

namespace {
int occurrences(const std::string& text, const std::string& what) {
  int n = 0;
  for (auto p = text.find(what); p != std::string::npos; p = text.find(what, p + 1)) ++n;
  return n;
}

RunResult handMadeResult() {
  RunResult r;
  r.workflow = "hand <made>";
  r.status = StepStatus::Failed;
  StepResult a;
  a.id = "a";
  a.agent = "linear_algebra";
  a.task = "solve";
  a.status = StepStatus::Succeeded;
  Vector longv(200);
  for (Eigen::Index i = 0; i < longv.size(); ++i) longv[i] = std::sin(0.1 * static_cast<double>(i));
  a.outputs["long"] = Value(longv);
  a.outputs["big"] = Value(Matrix(Matrix::Constant(40, 30, 1.5)));
  TimeSeries ts;
  ts.t = Vector::LinSpaced(5, 0, 1);
  ts.values = Matrix::Ones(5, 2);
  ts.names = {"p", "q"};
  a.outputs["traj"] = Value(ts);
  a.outputs["note"] = Value(std::string("<script>alert(1)</script>"));
  r.steps.push_back(a);
  StepResult b;
  b.id = "b";
  b.agent = "ode_pde";
  b.task = "ivp";
  b.status = StepStatus::Failed;
  b.error = "step 'b': rhs <bad> & worse";
  r.steps.push_back(b);
  r.workflow_spec = {{"sciagents", 1},
                     {"name", "hand <made>"},
                     {"steps",
                      {{{"id", "a"},
                        {"agent", "linear_algebra"},
                        {"task", "solve"},
                        {"params", {{"A", "</pre><script>x()</script>"}}}},
                       {{"id", "b"},
                        {"agent", "ode_pde"},
                        {"task", "ivp"},
                        {"params", {{"y0", {{"from", "a.x[0]"}}}}}}}}};
  return r;
}
}  // namespace

class TestHtmlReport : public QObject {
  Q_OBJECT

 private slots:
  void markupFromTheWorkflowIsEscaped() {
    const std::string html = report::htmlReport(handMadeResult());
    QVERIFY(html.find("<script") == std::string::npos);
    QVERIFY(html.find("&lt;script&gt;alert(1)&lt;/script&gt;") != std::string::npos);
    QVERIFY(html.find("&lt;/pre&gt;&lt;script&gt;x()") != std::string::npos);
    QVERIFY(html.find("<title>hand &lt;made&gt; - SciAgents report</title>") != std::string::npos);
  }

  void failedStepsShowTheirErrorAndTheGraphItsLink() {
    const std::string html = report::htmlReport(handMadeResult());
    QVERIFY(html.find("rhs &lt;bad&gt; &amp; worse") != std::string::npos);
    QVERIFY(html.find("<span class=\"status failed\">failed</span>") != std::string::npos);
    QCOMPARE(occurrences(html, "class=\"edge\""), 1);  // a -> b through the link
  }

  void arraysArePlottedOrTruncated() {
    const std::string html = report::htmlReport(handMadeResult());
    QVERIFY(html.find("vector of 200") != std::string::npos);
    QVERIFY(html.find("40 &times; 30, truncated") != std::string::npos);
    QVERIFY(html.find("time series, 5 times &times; 2 channels") != std::string::npos);
    // graph, the long vector, the time series
    QCOMPARE(occurrences(html, "<svg"), 3);
    QCOMPARE(occurrences(html, "</svg>"), 3);
  }

  void olderResultsStillGiveAPage() {
    RunResult r = handMadeResult();
    r.workflow_spec = nullptr;
    r.run_info = nullptr;
    const std::string html = report::htmlReport(r);
    QVERIFY(html.find("id=\"step-a\"") != std::string::npos);
    QVERIFY(html.find("not recorded in this result file") != std::string::npos);
    QVERIFY(html.find("written before run provenance was recorded") != std::string::npos);
    QCOMPARE(occurrences(html, "class=\"edge\""), 0);
  }

  void svgHelpers() {
    QCOMPARE(report::xmlEscape("a<b>&\"'"), std::string("a&lt;b&gt;&amp;&quot;&#39;"));
    QCOMPARE(report::shortNumber(0.45809961), std::string("0.4581"));
    QCOMPARE(report::shortNumber(4096), std::string("4096"));
    report::BarChart c;
    c.categories = {"k", "c"};
    c.series.push_back({"S1", {0.4, 0.5}, {std::make_pair(0.3, 0.5), std::nullopt}});
    const std::string svg = report::svgBarChart(c);
    QCOMPARE(occurrences(svg, "class=\"whisker\""), 1);
    QCOMPARE(occurrences(svg, "<rect x="), 2 + 0);  // two bars (the background has no x)
  }

  void comparisonNamesTheFirstDifference() {
    RunResult a = handMadeResult(), b = handMadeResult();
    QVERIFY(compareRunResults(a, b).identical());
    Vector v = b.steps[0].outputs["long"].asVector();
    v[7] += 1e-15;
    b.steps[0].outputs["long"] = Value(v);
    const auto c = compareRunResults(a, b);
    QVERIFY(!c.identical());
    QCOMPARE(c.differences.front().step, std::string("a"));
    QCOMPARE(c.differences.front().output, std::string("long"));
    QVERIFY2(c.differences.front().detail.rfind("[7]: was ", 0) == 0,
             c.differences.front().detail.c_str());
    a.steps[0].agent = b.steps[0].agent = "performance_profiler";  // measured: skipped
    const auto skipped = compareRunResults(a, b);
    QVERIFY(skipped.identical());
    QCOMPARE(skipped.skipped, std::vector<std::string>{"a"});
  }
};

SCIAGENTS_TEST_GUILESS_MAIN(TestHtmlReport)
}  // namespace test_html_report
#include "test_html_report.moc"
