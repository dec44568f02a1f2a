// The one parameter/link path syntax (core/workflow/param_path.h): parsing, get, set with its
// create-missing rules, erase, errors naming the path and the position, and the entry points that
// use it (links, sweeps, step-model inputs).
#include "core/agent/task_spec.h"
#include "core/util/error.h"
#include "core/workflow/link.h"
#include "core/workflow/param_path.h"
#include "core/workflow/step_model.h"
#include "core/workflow/sweep.h"

#include <QtTest/QtTest>

#include "tests/test_main.h"

namespace test_param_path {

using namespace sciagents::core;
using nlohmann::json;

namespace {
std::string parseError(const std::string& text) {
  std::string err;
  const auto p = ParamPath::parse(text, &err);
  return p ? std::string("(parsed)") : err;
}
}  // namespace

class TestParamPath : public QObject {
  Q_OBJECT
 private slots:
  void parsesKeysAndIndices() {
    const auto p = ParamPath::parse("step.param.key[2][-1].x");
    QVERIFY(p.has_value());
    QCOMPARE(p->size(), std::size_t(6));
    const auto& s = p->segments();
    QCOMPARE(s[0].key, std::string("step"));
    QCOMPARE(s[1].key, std::string("param"));
    QCOMPARE(s[2].key, std::string("key"));
    QVERIFY(s[3].is_index);
    QCOMPARE(s[3].index, std::int64_t(2));
    QCOMPARE(s[3].position, std::size_t(14));
    QVERIFY(s[4].is_index);
    QCOMPARE(s[4].index, std::int64_t(-1));
    QCOMPARE(s[5].key, std::string("x"));
    QCOMPARE(p->head(), std::string("step"));
    const ParamPath t = p->tail(1);
    QCOMPARE(t.text(), std::string("param.key[2][-1].x"));
    QCOMPARE(t.head(), std::string("param"));
    QCOMPARE(t.segments()[2].position, std::size_t(9));
  }

  void malformedPathsNameThePosition() {
    QCOMPARE(parseError("a.b[x]"),
             std::string("path 'a.b[x]', position 5: index 'x' is not an integer"));
    QCOMPARE(parseError("a.b[1"), std::string("path 'a.b[1', position 4: missing ']'"));
    QCOMPARE(parseError("a..b"),
             std::string("path 'a..b', position 3: a name is missing before '.'"));
    QCOMPARE(parseError("a."), std::string("path 'a.', position 3: a name is missing at the end"));
    QCOMPARE(parseError("[1]"),
             std::string("path '[1]', position 1: a name is missing before '['"));
    QCOMPARE(parseError("a[1]b"), std::string("path 'a[1]b', position 5: unexpected 'b'"));
    QCOMPARE(parseError(""), std::string("path '', position 1: the path is empty"));
    QCOMPARE(parseError("a[ 1]"),
             std::string("path 'a[ 1]', position 3: index ' 1' is not an integer"));
    QVERIFY_THROWS_EXCEPTION(Error, ParamPath::parseOrThrow("a[]"));
  }

  void getsValues() {
    const json j = json::parse(R"({"a":{"b":[10,{"x":5},30]},"k":1})");
    QCOMPARE(valueAtPath(j, ParamPath::parseOrThrow("a.b[1].x"))->get<int>(), 5);
    QCOMPARE(valueAtPath(j, ParamPath::parseOrThrow("a.b[-1]"))->get<int>(), 30);
    std::string err;
    QVERIFY(!valueAtPath(j, ParamPath::parseOrThrow("a.b[3]"), &err));
    QCOMPARE(err, std::string("path 'a.b[3]', position 4: index 3 out of range for 'b' of size 3"));
    QVERIFY(!valueAtPath(j, ParamPath::parseOrThrow("a.c"), &err));
    QCOMPARE(err, std::string("path 'a.c', position 3: no value 'c'"));
    QVERIFY(!valueAtPath(j, ParamPath::parseOrThrow("k[0]"), &err));
    QCOMPARE(err, std::string("path 'k[0]', position 2: 'k' is not a list"));
  }

  void setsWithCreateMissingRules() {
    json j = json::parse(R"({"b":[1,2,3],"c":{"x":1},"n":null,"s":"text"})");
    std::string err;
    QVERIFY(setAtPath(j, ParamPath::parseOrThrow("b[1]"), 7, &err));
    QCOMPARE(j["b"], json::parse("[1,7,3]"));
    QVERIFY(!j.contains("b[1]"));
    QVERIFY(setAtPath(j, ParamPath::parseOrThrow("c.y.z"), 2, &err));  // missing keys are created
    QCOMPARE(j["c"], json::parse(R"({"x":1,"y":{"z":2}})"));
    QVERIFY(setAtPath(j, ParamPath::parseOrThrow("n.k"), 3, &err));  // a null becomes an object
    QCOMPARE(j["n"], json::parse(R"({"k":3})"));
    const json before = j;
    QVERIFY(!setAtPath(j, ParamPath::parseOrThrow("b[3]"), 1, &err));  // lists never grow
    QCOMPARE(err, std::string("path 'b[3]', position 2: index 3 out of range for 'b' of size 3"));
    QVERIFY(!setAtPath(j, ParamPath::parseOrThrow("new.list[0]"), 1, &err));  // nor get created
    QCOMPARE(err, std::string("path 'new.list[0]', position 9: 'list' does not exist (an index "
                              "never creates a list)"));
    QVERIFY(!setAtPath(j, ParamPath::parseOrThrow("s.k"), 1, &err));
    QCOMPARE(err,
             std::string("path 's.k', position 3: 'k' is inside a value that is not an object"));
    QCOMPARE(j, before);  // a failed set changes nothing
  }

  void erasesKeys() {
    json j = json::parse(R"({"c":{"x":1,"y":2},"b":[1,2]})");
    QVERIFY(eraseAtPath(j, ParamPath::parseOrThrow("c.x")));
    QCOMPARE(j["c"], json::parse(R"({"y":2})"));
    std::string err;
    QVERIFY(!eraseAtPath(j, ParamPath::parseOrThrow("c.x"), &err));
    QVERIFY(!eraseAtPath(j, ParamPath::parseOrThrow("b[0]"), &err));
    QCOMPARE(err, std::string("path 'b[0]', position 2: a list element cannot be removed"));
  }

  void setsResolvedValues() {
    Map m{{"y0", Vector(Vector::Constant(3, 1.0))},
          {"constants", Map{{"k", 1.0}}},
          {"items", List{Value(1.0), Value(2.0)}}};
    std::string err;
    QVERIFY2(setAtPath(m, ParamPath::parseOrThrow("y0[-1]"), Value(5.0), &err), err.c_str());
    QCOMPARE(m.at("y0").asVector()[2], 5.0);
    QVERIFY2(setAtPath(m, ParamPath::parseOrThrow("constants.k"), Value(2.5), &err), err.c_str());
    QCOMPARE(m.at("constants").asMap().at("k").asDouble(), 2.5);
    QVERIFY2(setAtPath(m, ParamPath::parseOrThrow("constants.new.deep"), Value(1.0), &err),
             err.c_str());
    QVERIFY2(setAtPath(m, ParamPath::parseOrThrow("items[1]"), Value(9.0), &err), err.c_str());
    QCOMPARE(m.at("items").asList()[1].asDouble(), 9.0);
    QVERIFY(!setAtPath(m, ParamPath::parseOrThrow("y0[3]"), Value(1.0), &err));
    QCOMPARE(err, std::string("path 'y0[3]', position 3: index 3 out of range for 'y0' of size 3"));
    QVERIFY(!setAtPath(m, ParamPath::parseOrThrow("missing[0]"), Value(1.0), &err));
    QVERIFY(!m.count("missing"));
  }

  // The entry points: a link, a sweep value, a step-model input path.
  void linksUseTheSameSyntax() {
    const auto ref = parseLinkRef("fit.x[0][-1]");
    QVERIFY(ref.has_value());
    QCOMPARE(ref->step, std::string("fit"));
    QCOMPARE(ref->output, std::string("x"));
    QCOMPARE(ref->indices, (std::vector<std::int64_t>{0, -1}));
    std::string err;
    QVERIFY(!parseLinkRef("fit.x[1", &err));
    QVERIFY2(err.find("bad link 'fit.x[1': path 'fit.x[1', position 6: missing ']'") == 0,
             err.c_str());
    QVERIFY(!parseLinkRef("fit.x.y", &err));
    QVERIFY2(err.find("position 7") != std::string::npos, err.c_str());
    QVERIFY(!parseLinkRef("nodot", &err));
    QVERIFY2(err.find("no output name") != std::string::npos, err.c_str());
  }

  void sweepsUseTheSameSyntax() {
    json params = json::parse(R"({"x0":[1,2,3],"constants":{"k":1}})");
    std::string err;
    QVERIFY2(applySweepValue(params, "x0[1]", 5, &err), err.c_str());
    QCOMPARE(params["x0"], json::parse("[1,5,3]"));
    QVERIFY(!params.contains("x0[1]"));
    QVERIFY2(applySweepValue(params, "constants.k", 2, &err), err.c_str());
    QCOMPARE(params["constants"]["k"], json(2));
    QVERIFY(!applySweepValue(params, "x0[7]", 5, &err));
    QCOMPARE(
        err,
        std::string(
            "sweep parameter path 'x0[7]', position 3: index 7 out of range for 'x0' of size 3"));
  }

  void stepModelInputsUseTheSameSyntax() {
    TaskSpec task;
    task.id = "t";
    task.params = {ParamSpec::make("y0", ParamType::Vector),
                   ParamSpec::make("constants", ParamType::Any)};
    const json raw = json::parse(R"({"y0":[1,2],"constants":{"k":{"a":[1,2]}}})");
    QCOMPARE(checkModelInputPath(raw, task, "y0[1]"), std::string());
    QCOMPARE(checkModelInputPath(raw, task, "constants.k.a[0]"), std::string());
    QVERIFY(checkModelInputPath(raw, task, "y0[2]").find("position 3: index 2 out of range") !=
            std::string::npos);
    QCOMPARE(checkModelInputPath(raw, task, "y0[x]"),
             std::string("input path 'y0[x]', position 4: index 'x' is not an integer"));
  }
};

SCIAGENTS_TEST_GUILESS_MAIN(TestParamPath)

}  // namespace test_param_path
#include "test_param_path.moc"
