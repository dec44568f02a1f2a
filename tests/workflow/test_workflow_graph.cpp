// The step dependency graph (core/workflow/workflow_graph.h): edges from links, step references
// and step-reference models, topological order, cycles named step by step, upstream/downstream.
#include "core/workflow/workflow.h"
#include "core/workflow/workflow_graph.h"

#include <QtTest/QtTest>

#include "tests/test_main.h"

namespace test_workflow_graph {

using namespace sciagents::core;

namespace {
Workflow workflow(const std::string& steps) {
  return parseWorkflow(R"({"sciagents":1,"steps":[)" + steps + "]}");
}
std::vector<std::string> ids(const WorkflowGraph& g, const std::vector<std::size_t>& idx) {
  std::vector<std::string> out;
  for (auto i : idx) out.push_back(g.id(i));
  return out;
}
using Ids = std::vector<std::string>;
}  // namespace

class TestWorkflowGraph : public QObject {
  Q_OBJECT
 private slots:
  void edgesFromEveryKindOfReference() {
    const Workflow w = workflow(R"(
      {"id":"c","agent":"t","task":"x","params":{"v":[{"from":"a.sum"},{"from":"b.pair[-1]"}]}},
      {"id":"a","agent":"t","task":"x","params":{}},
      {"id":"b","agent":"t","task":"x","params":{"s":{"step":"a"}}},
      {"id":"d","agent":"t","task":"x","params":{"model":{"step":"b","input":"a","output":"sum"},
                                                "k":{"from":"ghost.x"},"self":{"from":"d.x"},"bad":{"from":"oops"}}})");
    const WorkflowGraph g(w);
    QCOMPARE(g.size(), std::size_t(4));
    QCOMPARE(ids(g, g.upstream(0)), (Ids{"a", "b"}));
    QCOMPARE(ids(g, g.upstream(2)), (Ids{"a"}));
    QCOMPARE(ids(g, g.upstream(3)), (Ids{"b"}));  // missing, self and malformed are not edges
    QCOMPARE(ids(g, g.downstream(1)), (Ids{"c", "b"}));
    QCOMPARE(ids(g, g.downstream(2)), (Ids{"c", "d"}));
    // Every reference as written, with where it sits and what it names.
    QCOMPARE(g.references().size(), std::size_t(7));
    const auto& model = g.references()[3];
    QCOMPARE(model.from, std::string("d"));
    QCOMPARE(model.param, std::string("bad"));
    QCOMPARE(model.to, std::string());  // malformed
    bool found_model = false;
    for (const auto& r : g.references())
      if (r.kind == StepReference::Kind::ModelRef) {
        found_model = true;
        QCOMPARE(r.to, std::string("b"));
        QCOMPARE(r.param, std::string("model"));
      }
    QVERIFY(found_model);
    QCOMPARE(g.references()[1].param, std::string("v[1]"));
  }

  void topologicalOrderAndClosures() {
    const Workflow w = workflow(R"(
      {"id":"c","agent":"t","task":"x","params":{"v":[{"from":"a.sum"},{"from":"b.sum"}]}},
      {"id":"a","agent":"t","task":"x","params":{}},
      {"id":"b","agent":"t","task":"x","params":{"s":{"from":"a.sum"}}},
      {"id":"e","agent":"t","task":"x","params":{}})");
    const WorkflowGraph g(w);
    const auto order = g.topologicalOrder();
    QVERIFY(order.has_value());
    QCOMPARE(ids(g, *order), (Ids{"a", "b", "c", "e"}));
    QCOMPARE(g.allUpstream("c"), (std::set<std::string>{"a", "b"}));
    QCOMPARE(g.allDownstream("a"), (std::set<std::string>{"b", "c"}));
    QCOMPARE(g.allDownstream("nope"), std::set<std::string>{});
    QVERIFY(g.dependsOn("c", "a"));
    QVERIFY(!g.dependsOn("a", "c"));
    QVERIFY(g.wouldCreateCycle("c", "a"));  // a reading from c closes a -> b -> c -> a
    QVERIFY(g.wouldCreateCycle("e", "e"));
    QVERIFY(!g.wouldCreateCycle("a", "e"));
    QVERIFY(g.cycles().empty());
  }

  void cyclesAreNamed() {
    const Workflow w = workflow(R"(
      {"id":"a","agent":"t","task":"x","params":{"a":{"from":"c.sum"}}},
      {"id":"b","agent":"t","task":"x","params":{"a":{"from":"a.sum"}}},
      {"id":"c","agent":"t","task":"x","params":{"a":{"from":"b.sum"}}},
      {"id":"d","agent":"t","task":"x","params":{"a":{"from":"a.sum"}}},
      {"id":"x","agent":"t","task":"x","params":{"a":{"step":"y"}}},
      {"id":"y","agent":"t","task":"x","params":{"a":{"from":"x.sum"}}})");
    const WorkflowGraph g(w);
    QVERIFY(!g.topologicalOrder().has_value());
    const auto cycles = g.cycles();
    QCOMPARE(cycles.size(), std::size_t(2));
    QCOMPARE(cycles[0].step, std::string("b"));
    QCOMPARE(cycles[0].describe(), std::string("a -> c -> b -> a"));
    QCOMPARE(cycles[1].describe(), std::string("x -> y -> x"));
  }

  void longChainsDoNotOverflow() {
    std::string steps;
    const int n = 20000;
    for (int i = 0; i < n; ++i) {
      const std::string id = "\"s" + std::to_string(i) + "\"";
      const std::string params =
          i ? "{\"a\":{\"from\":\"s" + std::to_string(i - 1) + ".y\"}}" : std::string("{}");
      steps += std::string(i ? "," : "") + "{\"id\":" + id +
               ",\"agent\":\"t\",\"task\":\"x\",\"params\":" + params + "}";
    }
    const WorkflowGraph g(workflow(steps));
    QVERIFY(g.cycles().empty());
    QCOMPARE(g.topologicalOrder()->size(), std::size_t(n));
    QCOMPARE(g.allUpstream("s" + std::to_string(n - 1)).size(), std::size_t(n - 1));
  }
};

SCIAGENTS_TEST_GUILESS_MAIN(TestWorkflowGraph)

}  // namespace test_workflow_graph
#include "test_workflow_graph.moc"
