// Sweeps over several parameters (docs/workflow-format.md "Sweeps"): grid, zip and a design taken
// from another step; counts, ordering, the result table, repeated points computed once and served
// from the cache, seeds that follow a point's values, and errors naming the step and the sweep.
#include "core/workflow/workflow_engine.h"
#include "core/workflow/workflow_graph.h"
#include "core/workflow/workflow_json.h"
#include "core/workflow/workflow_validator.h"
#include "test_agents.h"

#include <QTemporaryDir>
#include <QtTest>

#include "tests/test_main.h"

namespace test_sweeps {

using namespace sciagents::core;
using sciagents::test::probe;
using sciagents::test::testRegistry;

class TestSweeps : public QObject {
  Q_OBJECT

 private:
  AgentRegistry m_registry = testRegistry();
  QTemporaryDir m_dir;

  RunOptions options(const std::string& cache = {}) {
    RunOptions o;
    o.threads = 3;
    o.use_cache = !cache.empty();
    o.cache_dir =
        m_dir.filePath(QString::fromStdString(cache.empty() ? "none" : cache)).toStdString();
    return o;
  }
  RunResult run(const std::string& json, const RunOptions& o) {
    return WorkflowEngine(m_registry).run(parseWorkflow(json), o);
  }
  static std::vector<double> numbers(const Value& list) {
    std::vector<double> out;
    for (const auto& v : list.asList()) out.push_back(v.asDouble());
    return out;
  }
  static std::vector<double> column(const Table& t, const std::string& name) {
    for (std::size_t c = 0; c < t.columns.size(); ++c)
      if (t.columns[c] == name) {
        const Vector& v = t.data[c].asVector();
        return {v.data(), v.data() + v.size()};
      }
    return {};
  }
  static std::string issues(const std::string& json, const AgentRegistry& registry) {
    std::string all;
    for (const auto& i : validateWorkflow(parseWorkflow(json), registry))
      all += i.describe() + "\n";
    return all;
  }

 private slots:
  // Every combination, the last axis fastest (itertools.product order); one table row per point.
  void gridRunsEveryCombinationInOrder() {
    auto r = run(R"({"sciagents":1,"steps":[
      {"id":"g","agent":"test","task":"add","params":{},
       "sweep":{"grid":[{"param":"a","values":[1,2,3]},{"param":"b","values":{"linspace":[10,20,2]}}]}}]})",
                 options());
    QCOMPARE(std::string(stepStatusName(r.status)), std::string("succeeded"));
    const StepResult& g = *r.step("g");
    QCOMPARE(g.points, std::size_t(6));
    QCOMPARE(numbers(g.outputs.at("sum")), (std::vector<double>{11, 21, 12, 22, 13, 23}));
    const Matrix& values = g.outputs.at("sweep_values").asMatrix();
    QCOMPARE(values.rows(), Eigen::Index(6));
    QCOMPARE(values.cols(), Eigen::Index(2));
    QCOMPARE(values(3, 0), 2.0);
    QCOMPARE(values(3, 1), 20.0);
    const Table& t = g.outputs.at("sweep_table").asTable();
    QCOMPARE(t.columns, (std::vector<std::string>{"a", "b", "pair[0]", "pair[1]", "sum"}));
    QCOMPARE(column(t, "pair[1]"), (std::vector<double>{10, 20, 10, 20, 10, 20}));
    QCOMPARE(column(t, "a"), (std::vector<double>{1, 1, 2, 2, 3, 3}));
    QCOMPARE(column(t, "sum"), (std::vector<double>{11, 21, 12, 22, 13, 23}));
    QCOMPARE(g.provenance["sweep"]["param"].get<std::string>(), std::string("grid a × b"));
    QCOMPARE(g.diagnostics.at("sweep_params").asList().size(), std::size_t(2));
    // A later step links into the swept outputs like any list.
    auto linked = run(R"({"sciagents":1,"steps":[
      {"id":"g","agent":"test","task":"add","params":{},
       "sweep":{"grid":[{"param":"a","values":[1,2]},{"param":"b","values":[10,20]}]}},
      {"id":"t","agent":"test","task":"sum","params":{"v":{"from":"g.sum"}}},
      {"id":"row","agent":"test","task":"sum","params":{"v":{"from":"g.sweep_values[-1]"}}}]})",
                      options());
    QCOMPARE(linked.step("t")->outputs.at("total").asDouble(), 11.0 + 21 + 12 + 22);
    QCOMPARE(linked.step("row")->outputs.at("total").asDouble(), 22.0);
  }

  // The i-th values of every list together; lists of different lengths are refused by name.
  void zipPairsTheLists() {
    auto r = run(R"({"sciagents":1,"steps":[
      {"id":"z","agent":"test","task":"add","params":{"scale":2},
       "sweep":{"zip":[{"param":"a","values":[1,2,3]},{"param":"b","values":[10,20,30]}]}}]})",
                 options());
    QCOMPARE(numbers(r.step("z")->outputs.at("sum")), (std::vector<double>{22, 44, 66}));
    QCOMPARE(r.step("z")->points, std::size_t(3));
    try {
      parseWorkflow(R"({"sciagents":1,"steps":[
        {"id":"z","agent":"test","task":"add","params":{},
         "sweep":{"zip":[{"param":"a","values":[1,2,3]},{"param":"b","values":[10,20]}]}}]})");
      QFAIL("a zip of unequal lists was accepted");
    } catch (const Error& e) {
      const std::string m = e.what();
      QVERIFY2(m.find("step 'z'") != std::string::npos, m.c_str());
      QVERIFY2(m.find("sweep zip #2 ('b') has 2 values but 'a' has 3") != std::string::npos,
               m.c_str());
    }
  }

  // The rows of another step's matrix are the points; a repeated row is computed once.
  void designTakesItsPointsFromAnotherStep() {
    probe().runs = 0;
    const std::string wf = R"({"sciagents":1,"steps":[
      {"id":"d","agent":"test","task":"add","params":{},
       "sweep":{"design":{"from":"lhs.m"},"params":["a","b"]}},
      {"id":"lhs","agent":"test","task":"matrix","params":{"m":[[1,10],[2,20],[1,10],[3,30]]}}]})";
    const Workflow w = parseWorkflow(wf);
    const WorkflowGraph graph(w);
    QCOMPARE(graph.upstream(0), (std::vector<std::size_t>{1}));  // the design is a dependency
    auto r = run(wf, options());
    QCOMPARE(std::string(stepStatusName(r.status)), std::string("succeeded"));
    const StepResult& d = *r.step("d");
    QCOMPARE(numbers(d.outputs.at("sum")), (std::vector<double>{11, 22, 11, 33}));
    QCOMPARE(probe().runs.load(), 3);  // 3 distinct points (the matrix step is not counted)
    QCOMPARE(d.cached_points, std::size_t(1));
    QCOMPARE(column(d.outputs.at("sweep_table").asTable(), "b"),
             (std::vector<double>{10, 20, 10, 30}));
    // A design whose columns do not match its params fails the step, naming it and the sweep.
    auto bad = run(R"({"sciagents":1,"steps":[
      {"id":"d","agent":"test","task":"add","params":{},
       "sweep":{"design":{"from":"lhs.m"},"params":["a"]}},
      {"id":"lhs","agent":"test","task":"matrix","params":{"m":[[1,10],[2,20]]}}]})",
                   options());
    QCOMPARE(std::string(stepStatusName(bad.step("d")->status)), std::string("failed"));
    const std::string err = bad.step("d")->error;
    QVERIFY2(err.find("step 'd'") != std::string::npos && err.find("sweep") != std::string::npos,
             err.c_str());
    QVERIFY2(err.find("has 2 columns but the sweep sets 1 params") != std::string::npos,
             err.c_str());
  }

  // A grid point repeated in the grid runs once; met again in a zip (another run, another order)
  // it comes from the cache, with the same seed.
  void repeatedPointsAreComputedOnceAndCached() {
    probe().runs = 0;
    const RunOptions o = options("repeat");
    auto first = run(R"({"sciagents":1,"steps":[
      {"id":"s","agent":"test","task":"seeded","params":{},
       "sweep":{"grid":[{"param":"x","values":[1,2,1]},{"param":"seed","values":[5]}]}},
      {"id":"g","agent":"test","task":"add","params":{},
       "sweep":{"grid":[{"param":"a","values":[1,2,1]},{"param":"b","values":[0,5]}]}}]})",
                     o);
    QCOMPARE(std::string(stepStatusName(first.status)), std::string("succeeded"));
    QCOMPARE(first.step("g")->points, std::size_t(6));
    QCOMPARE(first.step("g")->cached_points, std::size_t(2));  // (1,0) and (1,5) again
    QCOMPARE(numbers(first.step("g")->outputs.at("sum")), (std::vector<double>{1, 6, 2, 7, 1, 6}));
    QCOMPARE(probe().runs.load(), 4);
    probe().runs = 0;
    auto second = run(R"({"sciagents":1,"steps":[
      {"id":"g","agent":"test","task":"add","params":{},
       "sweep":{"zip":[{"param":"b","values":[5,0]},{"param":"a","values":[2,1]}]}}]})",
                      o);
    QCOMPARE(numbers(second.step("g")->outputs.at("sum")), (std::vector<double>{7, 1}));
    QVERIFY(second.step("g")->cached);  // both points were computed by the grid
    QCOMPARE(probe().runs.load(), 0);
    // Seeds follow values: a point's seed does not depend on where it stands in the sweep.
    auto a = run(R"({"sciagents":1,"steps":[{"id":"s","agent":"test","task":"seeded",
       "sweep":{"grid":[{"param":"x","values":[1,2,3]}]}}]})",
                 options());
    auto b = run(R"({"sciagents":1,"steps":[{"id":"s","agent":"test","task":"seeded",
       "sweep":{"zip":[{"param":"x","values":[3,1]}]}}]})",
                 options());
    const auto& sa = a.step("s")->outputs.at("seed").asList();
    const auto& sb = b.step("s")->outputs.at("seed").asList();
    QCOMPARE(sb[0].asInt(), sa[2].asInt());
    QCOMPARE(sb[1].asInt(), sa[0].asInt());
    QVERIFY(sa[0].asInt() != sa[1].asInt());
  }

  // The one path syntax in grid axes and design params: list elements and map keys.
  void pathsIndexIntoParams() {
    auto r = run(R"({"sciagents":1,"steps":[
      {"id":"s","agent":"test","task":"sum","params":{"v":[1,2,3]},
       "sweep":{"grid":[{"param":"v[0]","values":[0,10]},{"param":"v[-1]","values":[0,100]}]}},
      {"id":"m","agent":"test","task":"matrix","params":{"m":[[7],[8]]}},
      {"id":"d","agent":"test","task":"sum","params":{"v":[1,2]},
       "sweep":{"design":{"from":"m.m"},"params":["v[1]"]}}]})",
                 options());
    QCOMPARE(std::string(stepStatusName(r.status)), std::string("succeeded"));
    QCOMPARE(numbers(r.step("s")->outputs.at("total")), (std::vector<double>{2, 102, 12, 112}));
    QCOMPARE(numbers(r.step("d")->outputs.at("total")), (std::vector<double>{8, 9}));
  }

  // The validator names the step, the sweep and the point; designs are checked by the graph.
  void validatorNamesTheBadPoint() {
    const std::string range = issues(R"({"sciagents":1,"steps":[
      {"id":"g","agent":"test","task":"add","params":{"a":1},
       "sweep":{"grid":[{"param":"b","values":[1,2]},{"param":"scale","values":[1,50]}]}}]})",
                                     m_registry);
    QVERIFY2(range.find("step 'g'") != std::string::npos, range.c_str());
    QVERIFY2(range.find("sweep point #2 (b = 1, scale = 50)") != std::string::npos, range.c_str());
    const std::string unknown = issues(R"({"sciagents":1,"steps":[
      {"id":"g","agent":"test","task":"add","params":{"a":1},
       "sweep":{"zip":[{"param":"b","values":[1]},{"param":"nope.x","values":[1]}]}}]})",
                                       m_registry);
    QVERIFY2(unknown.find("sweep parameter 'nope.x' is not a parameter of test.add") !=
                 std::string::npos,
             unknown.c_str());
    const std::string missing = issues(R"({"sciagents":1,"steps":[
      {"id":"d","agent":"test","task":"add","params":{},
       "sweep":{"design":{"from":"lhs.m"},"params":["a"]}}]})",
                                       m_registry);
    QVERIFY2(
        missing.find("link 'lhs.m' names step 'lhs', which does not exist") != std::string::npos,
        missing.c_str());
    const std::string output = issues(R"({"sciagents":1,"steps":[
      {"id":"lhs","agent":"test","task":"matrix","params":{"m":[[1]]}},
      {"id":"d","agent":"test","task":"add","params":{},
       "sweep":{"design":{"from":"lhs.samples"},"params":["a"]}}]})",
                                      m_registry);
    QVERIFY2(output.find("has no output 'samples'") != std::string::npos, output.c_str());
    // Required params set by the sweep are not missing.
    QCOMPARE(issues(R"({"sciagents":1,"steps":[
      {"id":"g","agent":"test","task":"add","params":{},
       "sweep":{"zip":[{"param":"a","values":[1]}]}}]})",
                    m_registry),
             std::string());
    for (const char* bad : {R"({"grid":[]})", R"({"grid":[{"param":"a"}]})",
                            R"({"grid":[{"param":"a","values":[1]},{"param":"a","values":[2]}]})",
                            R"({"design":{"from":"x.y"}})", R"({"design":"x.y","params":["a"]})",
                            R"({"grid":[{"param":"a","values":[1]}],"param":"b"})"}) {
      const std::string wf =
          std::string(R"({"sciagents":1,"steps":[{"id":"g","agent":"test","task":"add","sweep":)") +
          bad + "}]}";
      QVERIFY_THROWS_EXCEPTION(Error, parseWorkflow(wf));
    }
  }

  // A workflow file keeps the sweep as written: ranges stay ranges, axes keep their order.
  void fileKeepsTheSweepAsWritten() {
    const std::string text = R"({"sciagents":1,"name":"w","steps":[
      {"id":"g","agent":"test","task":"add","params":{},
       "sweep":{"grid":[{"param":"b","values":{"linspace":[0,1,3]}},{"param":"a","values":[1,2]}]}},
      {"id":"d","agent":"test","task":"add","params":{},
       "sweep":{"design":{"from":"g.sweep_values"},"params":["b","a"]}}]})";
    const auto file = parseWorkflowFile(text);
    const auto j = nlohmann::json::parse(dumpWorkflowFile(file));
    QCOMPARE(
        j["steps"][0]["sweep"],
        nlohmann::json::parse(
            R"({"grid":[{"param":"b","values":{"linspace":[0.0,1.0,3]}},{"param":"a","values":[1,2]}]})"));
    QCOMPARE(j["steps"][1]["sweep"],
             nlohmann::json::parse(R"({"design":{"from":"g.sweep_values"},"params":["b","a"]})"));
    QCOMPARE(parseWorkflow(text).toJson()["steps"][0]["sweep"], j["steps"][0]["sweep"]);
    QCOMPARE(file.workflow.steps[0].sweep->pointCount(), std::size_t(6));
    QCOMPARE(file.workflow.steps[0].sweep->label(), std::string("grid b × a"));
  }
};

SCIAGENTS_TEST_MAIN(TestSweeps)

}  // namespace test_sweeps

#include "test_sweeps.moc"
