// A workflow as a Python script (issue 20, item 2; core/workflow/python_export.h) and
// `sciagents export-python`. Without the `sciagents` module: the scripts are parsed by
// /usr/bin/python3 (ast.parse), their add_step() arguments evaluated back with ast.literal_eval by
// tests/cli/python_export_check.py and compared with the workflow's JSON (types included: 1 stays
// an int, 1.0 a float), and run against tests/cli/fake_sciagents (a stand-in that records the
// steps). Every example and every tutorial workflow is exported that way. The scripts run with
// the real module in tests/python/test_export_python_e2e.py.
#include "cli_runner.h"

#include "core/workflow/python_export.h"
#include "core/workflow/workflow_json.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest/QtTest>

#include <cmath>
#include <cstdio>
#include <fstream>
#include <limits>
#include <sstream>

#include "tests/test_main.h"

namespace test_python_export {

using sciagents::test::CliRun;
using sciagents::test::runCli;
using sciagents::test::sourcePath;
using json = nlohmann::json;
using ordered_json = nlohmann::ordered_json;
namespace core = sciagents::core;

// moc sees this declaration only: its tokenizer does not know raw string literals.
#ifdef Q_MOC_RUN
class TestPythonExport : public QObject {
  Q_OBJECT

 private slots:
  void initTestCase();
  void floatsAsPythonRepr();
  void literals();
  void edgeCasesRoundTrip();
  void layoutIsReadable();
  void headerAndDescriptions();
  void scriptFileNames();
  void everyExampleAndTutorial();
  void cli();
};
#else
namespace {

const QString kPython = QStringLiteral("/usr/bin/python3");

std::string readText(const QString& path) {
  std::ifstream in(path.toStdString(), std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

bool writeText(const QString& path, const std::string& text) {
  std::ofstream out(path.toStdString(), std::ios::binary);
  out << text;
  return bool(out);
}

CliRun runPython(const QStringList& args, const QString& pythonpath = {}) {
  QProcess p;
  auto env = QProcessEnvironment::systemEnvironment();
  env.remove(QStringLiteral("PYTHONPATH"));
  if (!pythonpath.isEmpty()) env.insert(QStringLiteral("PYTHONPATH"), pythonpath);
  env.insert(QStringLiteral("PYTHONDONTWRITEBYTECODE"), QStringLiteral("1"));
  p.setProcessEnvironment(env);
  p.start(kPython, args);
  return sciagents::test::finishProcess(p, 60000);
}

// The workflow as the script must rebuild it: name and steps of Workflow::toJson().
json expectedDoc(const core::Workflow& wf) {
  json j = wf.toJson();
  return {{"name", j["name"]}, {"steps", j["steps"]}};
}

// Writes `script`, checks that Python parses it and that the workflow it builds (literal_eval of
// every argument) is exactly `wf`, then runs it against the fake module and compares what it
// recorded. `what` names the case in messages.
void checkScript(const QString& dir, const std::string& script, const core::Workflow& wf,
                 const QString& what) {
  const QString file = QDir(dir).filePath(QFileInfo(what).completeBaseName() + ".py");
  QVERIFY(writeText(file, script));
  // Valid Python.
  const CliRun parsed = runPython(
      {"-c", "import ast,sys; ast.parse(open(sys.argv[1], encoding='utf-8').read())", file});
  QVERIFY2(parsed.exit_code == 0, qPrintable(what + ": " + QString::fromStdString(parsed.err)));
  // The params literals evaluate back to the params JSON, exactly.
  const CliRun checked = runPython({sourcePath("tests/cli/python_export_check.py"), file});
  QVERIFY2(checked.exit_code == 0, qPrintable(what + ": " + QString::fromStdString(checked.err)));
  const json got = json::parse(checked.out);
  const json want = expectedDoc(wf);
  QVERIFY2(got["name"] == want["name"], qPrintable(what));
  QVERIFY2(got["steps"].size() == want["steps"].size(), qPrintable(what));
  for (std::size_t i = 0; i < want["steps"].size(); ++i) {
    const json& g = got["steps"][i];
    const json& w = want["steps"][i];
    const QString where = what + " step " + QString::fromStdString(w["id"].get<std::string>());
    QVERIFY2(g["id"] == w["id"] && g["agent"] == w["agent"] && g["task"] == w["task"],
             qPrintable(where));
    QVERIFY2(g["params"] == w["params"], qPrintable(where + ": params differ"));
    // dump() of nlohmann's sorted objects: the same text also means the same number types.
    QVERIFY2(g["params"].dump() == w["params"].dump(),
             qPrintable(where + ": " + QString::fromStdString(g["params"].dump()) + " vs " +
                        QString::fromStdString(w["params"].dump())));
    QVERIFY2(g.contains("sweep") == w.contains("sweep"), qPrintable(where + ": sweep"));
    if (w.contains("sweep"))
      QVERIFY2(g["sweep"].dump() == w["sweep"].dump(), qPrintable(where + ": sweep differs"));
  }
  QVERIFY2(got["tail"] == json::array({"result = wf.run()", "print(result.summary())",
                                       "if len(sys.argv) > 1:\n    result.save(sys.argv[1])",
                                       "sys.exit(0 if result.ok else 1)"}),
           qPrintable(what + ": " + QString::fromStdString(got["tail"].dump())));
  // Run against the stand-in module: what add_step received is the workflow.
  const QString saved = file + ".json";
  const CliRun ran = runPython({file, saved}, sourcePath("tests/cli/fake_sciagents"));
  QVERIFY2(ran.exit_code == 0, qPrintable(what + ": " + QString::fromStdString(ran.err)));
  QVERIFY2(ran.out.find("fake sciagents") != std::string::npos, qPrintable(what));
  const json recorded = json::parse(readText(saved));
  QVERIFY2(recorded["steps"].dump() == want["steps"].dump(), qPrintable(what + ": run differs"));
  QCOMPARE(recorded["name"], want["name"]);
  QCOMPARE(recorded["run_kwargs"],
           json::parse(R"({"threads": 0, "set": null, "cache": true, "seed": 0})"));
}

// The script `sciagents export-python FILE` writes, made here through the core.
std::string exportOf(const QString& path, core::WorkflowFile* file_out = nullptr) {
  const std::string text = readText(path);
  core::WorkflowFile file = core::parseWorkflowFile(text);
  core::PythonExportOptions o;
  o.source = QFileInfo(path).fileName().toStdString();
  o.key_order = ordered_json::parse(text);
  if (file_out) *file_out = file;
  return core::exportPython(file, o);
}

// examples/**/*.workflow.json and the workflow of every tutorial (resources/tutorials/*.json,
// "example": a file of examples/).
QStringList workflowFiles(QStringList* tutorials = nullptr) {
  QStringList files;
  QDir examples(sourcePath("examples"));
  for (const QString& sub : {QString("."), QString("nested"), QString("external")})
    for (const QString& f :
         QDir(examples.filePath(sub)).entryList({"*.workflow.json"}, QDir::Files, QDir::Name))
      files << QDir::cleanPath(examples.filePath(sub + "/" + f));
  QDir tut(sourcePath("resources/tutorials"));
  for (const QString& t : tut.entryList({"*.json"}, QDir::Files, QDir::Name)) {
    const json j = json::parse(readText(tut.filePath(t)));
    if (!j.contains("example")) continue;
    const QString wf = examples.filePath(QString::fromStdString(j["example"].get<std::string>()));
    if (tutorials) *tutorials << wf;
    if (!files.contains(wf)) files << wf;
  }
  return files;
}

}  // namespace

class TestPythonExport : public QObject {
  Q_OBJECT

 private slots:
  void initTestCase() {
    QVERIFY2(QFile::exists(kPython), "the scripts are checked with /usr/bin/python3");
    QVERIFY(m_tmp.isValid());
  }

  // Floats are written as Python's repr writes them: shortest round trip, the same notation.
  void floatsAsPythonRepr() {
    const std::vector<double> values = {0.1,
                                        1e-300,
                                        1.0,
                                        -1.0,
                                        0.0,
                                        -0.0,
                                        2.5,
                                        100.0,
                                        0.1 + 0.2,
                                        1e15,
                                        1e16,
                                        123456789012345678.0,
                                        1e22,
                                        0.0001,
                                        0.00001,
                                        1.5e-7,
                                        -3.25e-5,
                                        5e-324,
                                        std::numeric_limits<double>::max(),
                                        std::numeric_limits<double>::min(),
                                        1.0 / 3.0,
                                        6.02214076e23,
                                        9007199254740993.0,
                                        299792458.0};
    QStringList hex;
    for (double d : values) {
      char buf[64];
      std::snprintf(buf, sizeof buf, "%a", d);
      hex << QString::fromLatin1(buf);
    }
    const CliRun r = runPython(
        QStringList{"-c", "import sys\nfor h in sys.argv[1:]: print(repr(float.fromhex(h)))"} +
        hex);
    QCOMPARE(r.exit_code, 0);
    const QStringList lines = QString::fromStdString(r.out).split('\n', Qt::SkipEmptyParts);
    QCOMPARE(lines.size(), int(values.size()));
    for (std::size_t i = 0; i < values.size(); ++i)
      QCOMPARE(QString::fromStdString(core::pythonFloat(values[i])), lines[int(i)]);
    // Not JSON: written as None, as JSON dumps them.
    QCOMPARE(core::pythonFloat(std::nan("")), std::string("None"));
    QCOMPARE(core::pythonFloat(-std::numeric_limits<double>::infinity()), std::string("None"));
  }

  void literals() {
    QCOMPARE(core::pythonLiteral(json(true)), std::string("True"));
    QCOMPARE(core::pythonLiteral(json(false)), std::string("False"));
    QCOMPARE(core::pythonLiteral(json(nullptr)), std::string("None"));
    QCOMPARE(core::pythonLiteral(json::object()), std::string("{}"));
    QCOMPARE(core::pythonLiteral(json::array()), std::string("[]"));
    QCOMPARE(core::pythonLiteral(json::parse("[1, 1.0, -7, 18446744073709551615]")),
             std::string("[1, 1.0, -7, 18446744073709551615]"));
    QCOMPARE(core::pythonLiteral(json::parse(R"({"b": {"from": "fit.x[0]"}, "a": []})")),
             std::string(R"({"a": [], "b": {"from": "fit.x[0]"}})"));
    QCOMPARE(core::pythonString("say \"hi\" \\ n\n\t"), std::string(R"("say \"hi\" \\ n\n\t")"));
    QCOMPARE(core::pythonString("µ ≤ 😀 Ω"), std::string("\"µ ≤ 😀 Ω\""));  // kept as written
    // Invisible or reordering characters are escaped; bytes that are not UTF-8 become U+FFFD.
    QCOMPARE(core::pythonString("a\u202Eb\u200Bc\x7f\x01"),
             std::string(R"("a\u202eb\u200bc\x7f\x01")"));
    QCOMPARE(core::pythonString("\xC3\x28 \xFF"), std::string(R"("\ufffd( \ufffd")"));
  }

  // Every kind of value, evaluated back by Python, is exactly the params JSON.
  void edgeCasesRoundTrip() {
    const json params = json::parse(R"({
      "true": true, "false": false, "null": null,
      "empty_dict": {}, "empty_list": [], "nested_empty": [[], {}, [[]]],
      "floats": [0.1, 1e-300, 1.0, -0.0, 1e16, 1.7976931348623157e308, 5e-324, 0.30000000000000004],
      "ints": [0, -1, 9223372036854775807, 18446744073709551615, -9223372036854775808],
      "strings": ["quote \" and ' and \"\"\"", "back\\slash \\n", "tab\tnewline\ncr\r",
                  "unicode µ ≤ Ω 😀 ∂y/∂t", "bidi \u202e \u2066 zw \u200b bom \ufeff", "", "{\"from\": 1}"],
      "constants": {"k": {"from": "fit.x[0]"}, "c": [{"from": "p.x[0]"}, {"from": "q.y[-1]"}]},
      "b": [{"from": "p.x[0]"}, 2.5, [{"from": "q.x[1]"}]],
      "keys with spaces": {"ключ": 1, "\"quoted\"": 2, "": 3},
      "long": [0.125, 0.25, 0.375, 0.5, 0.625, 0.75, 0.875, 1.0, 1.125, 1.25, 1.375, 1.5, 1.625,
               1.75, 1.875, 2.0, 2.125, 2.25, 2.375, 2.5, 2.625, 2.75, 2.875, 3.0, 3.125, 3.25],
      "matrix": [[1.5, 2.5, 3.5, 4.5, 5.5, 6.5, 7.5, 8.5, 9.5, 10.5, 11.5, 12.5, 13.5, 14.5],
                 [1.5, 2.5, 3.5, 4.5, 5.5, 6.5, 7.5, 8.5, 9.5, 10.5, 11.5, 12.5, 13.5, 14.5]],
      "objective": "100*(x2 - x1^2)^2 + (1 - x1)^2 + 100*(x3 - x2^2)^2 + (1 - x2)^2 + 100*(x4 - x3^2)^2 + (1 - x3)^2 + µ*(x5 - x4^2)^2 + 😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀",
      "no_spaces": ""
    })");
    const auto wf = core::workflowFromJson(json::parse(R"({"sciagents": 1,
      "name": "Edge \"cases\" with \\ and \"\"\" and ünïcödé",
      "steps": [
        {"id": "p", "agent": "optimization", "task": "minimize", "params": {}},
        {"id": "q", "agent": "optimization", "task": "minimize", "params": {"x0": [1]},
         "sweep": {"param": "x0[0]", "values": [0.1, true, null, "s", {"from": "p.x"}]}},
        {"id": "lin", "agent": "a", "task": "t", "params": {},
         "sweep": {"param": "constants.k", "values": {"linspace": [0.1, 1e-300, 5]}}},
        {"id": "grid", "agent": "a", "task": "t", "params": {"x": 1},
         "sweep": {"grid": [{"param": "a", "values": [1, 2]},
                            {"param": "b", "values": {"logspace": [-3, 0, 4]}}]}},
        {"id": "zip", "agent": "a", "task": "t", "params": {"x": 1},
         "sweep": {"zip": [{"param": "a", "values": [1, 2]}, {"param": "b", "values": [3.5, 4.5]}]}},
        {"id": "design", "agent": "a", "task": "t", "params": {"x": 1},
         "sweep": {"design": {"from": "p.x"}, "params": ["a", "b[0]"]}}
      ]})"));
    core::Workflow w = wf;
    w.steps[0].params = params;
    // A long string without spaces, backslashes at the split: split between characters.
    w.steps[0].params["no_spaces"] = std::string(150, 'x') + std::string(40, '\\') + "µ😀";
    checkScript(m_tmp.path(), core::exportPython(w), w, "edge-cases");
    // With the file's key order as a hint (as the CLI gives it) the content is the same.
    core::PythonExportOptions o;
    o.key_order = ordered_json::parse(R"({"steps": [{"id": "p", "params": {"strings": 1,
                                          "floats": 1, "b": 1, "zzz": 1}}]})");
    const std::string hinted = core::exportPython(w, o);
    QVERIFY(hinted.find("\"strings\": [") < hinted.find("\"floats\": ["));
    QVERIFY(hinted.find("\"floats\": [") < hinted.find("\"b\": ["));
    QVERIFY(hinted.find("\"b\": [") < hinted.find("\"constants\": {"));  // others sorted after
    checkScript(m_tmp.path(), hinted, w, "edge-cases-hinted");
    // A name too long for one line: split over lines of its own, the same name back.
    w.name = "A long workflow name, " + std::string(120, 'n') + " \"with quotes\" and µ";
    const std::string long_name = core::exportPython(w);
    QVERIFY(long_name.find("wf = sciagents.Workflow(\n    name=(\n") != std::string::npos);
    checkScript(m_tmp.path(), long_name, w, "edge-cases-long-name");
  }

  // The layout: params one key per line, short lists on one line, sweep after the params.
  void layoutIsReadable() {
    const std::string text = R"({"sciagents": 1, "name": "Decay rate from data, then simulate",
      "steps": [
        {"id": "fit", "agent": "optimization", "task": "minimize",
         "params": {"objective": "(exp(-5*k) - 0.1)^2", "variables": ["k"], "x0": [1.0],
                    "bounds": [[0.01, 10]], "method": "auto"}},
        {"id": "sim", "agent": "ode_pde", "task": "ivp",
         "params": {"rhs": ["-k*y"], "states": ["y"], "y0": [1.0], "t_span": [0, 5],
                    "constants": {"k": {"from": "fit.x[0]"}},
                    "t_eval": {"linspace": [0, 5, 101]}, "rtol": 1e-8, "atol": 1e-10},
         "sweep": {"param": "y0[0]", "values": [0.5, 1.0, 2.0]}}]})";
    core::PythonExportOptions o;
    o.source = "decay.workflow.json";
    o.key_order = ordered_json::parse(text);
    const std::string script = core::exportPython(core::parseWorkflow(text), o);
    const std::string body = script.substr(script.find("import sys"));
    QCOMPARE(QString::fromStdString(body), QString::fromStdString(R"(import sys

import sciagents

wf = sciagents.Workflow(name="Decay rate from data, then simulate")

wf.add_step("fit", "optimization.minimize", params={
    "objective": "(exp(-5*k) - 0.1)^2",
    "variables": ["k"],
    "x0": [1.0],
    "bounds": [[0.01, 10]],
    "method": "auto",
})

wf.add_step("sim", "ode_pde.ivp", params={
    "rhs": ["-k*y"],
    "states": ["y"],
    "y0": [1.0],
    "t_span": [0, 5],
    "constants": {"k": {"from": "fit.x[0]"}},
    "t_eval": {"linspace": [0, 5, 101]},
    "rtol": 1e-08,
    "atol": 1e-10,
}, sweep={"param": "y0[0]", "values": [0.5, 1.0, 2.0]})

result = wf.run()
print(result.summary())
if len(sys.argv) > 1:
    result.save(sys.argv[1])
sys.exit(0 if result.ok else 1)
)"));
    // The header: the workflow's name, the source, how to run it, the module's docs.
    QVERIFY(script.rfind("#!/usr/bin/env python3\n\"\"\"Decay rate from data, then simulate\n",
                         0) == 0);
    for (const char* s : {"decay.workflow.json", "python3 decay.py [result.json]", "docs/python.md",
                          "`sciagents` Python module"})
      QVERIFY2(script.find(s) != std::string::npos, s);
    // Long lists are filled line by line within 100 columns.
    QCOMPARE(
        QString::fromStdString(core::pythonLiteralBlock(json::parse(
            "[1.5, 2.5, 3.5, 4.5, 5.5, 6.5, 7.5, 8.5, 9.5, 10.5, 11.5, 12.5, 13.5, 14.5, 15.5, "
            "16.5, 17.5, 18.5, 19.5, 20.5, 21.5, 22.5, 23.5, 24.5, 25.5]"))),
        QString("[\n    1.5, 2.5, 3.5, 4.5, 5.5, 6.5, 7.5, 8.5, 9.5, 10.5, 11.5, 12.5, 13.5, "
                "14.5, 15.5, 16.5, 17.5,\n    18.5, 19.5, 20.5, 21.5, 22.5, 23.5, 24.5, "
                "25.5,\n]"));
  }

  // Descriptions go to the header (workflow) and to comments (steps); the name is escaped in the
  // docstring.
  void headerAndDescriptions() {
    core::WorkflowFile f = core::workflowFileFromJson(json::parse(R"({"sciagents": 1,
      "name": "Say \"\"\"hi\"\"\" \\ done",
      "description": "First line.\nSecond \"line\" with \\ backslash.",
      "steps": [{"id": "s", "agent": "a", "task": "t", "description": "Step\rnote\nmore", "params": {}}]})"));
    const std::string script = core::exportPython(f);
    QVERIFY(script.find("# Step note\n# more\nwf.add_step(\"s\"") != std::string::npos);
    const QString file = m_tmp.filePath("header.py");
    QVERIFY(writeText(file, script));
    const CliRun r = runPython({sourcePath("tests/cli/python_export_check.py"), file});
    QVERIFY2(r.exit_code == 0, r.err.c_str());
    const std::string doc = json::parse(r.out)["docstring"].get<std::string>();
    QVERIFY2(doc.rfind("Say \"\"\"hi\"\"\" \\ done\n\nFirst line.\nSecond \"line\" with \\ "
                       "backslash.\n",
                       0) == 0,
             doc.c_str());
    QVERIFY(doc.find("python3 Say_hi_done.py [result.json]") != std::string::npos);
    // Steps reading files by relative path: the header says where to run it from.
    QVERIFY(script.find("relative paths") == std::string::npos);
    const std::string external = exportOf(sourcePath("examples/external-sobol.workflow.json"));
    QVERIFY(external.find("relative paths") != std::string::npos);
    QVERIFY(external.find("folder\nof external-sobol.workflow.json") != std::string::npos ||
            external.find("folder of\nexternal-sobol.workflow.json") != std::string::npos ||
            external.find("folder of external-sobol.workflow.json") != std::string::npos);
  }

  void scriptFileNames() {
    QCOMPARE(core::pythonScriptFileName("x", "decay.workflow.json"), std::string("decay.py"));
    QCOMPARE(core::pythonScriptFileName("x", "/a/b/c.json"), std::string("c.py"));
    QCOMPARE(core::pythonScriptFileName("x", "plain"), std::string("plain.py"));
    QCOMPARE(core::pythonScriptFileName("Decay rate: from data, then simulate"),
             std::string("Decay_rate_from_data_then_simulate.py"));
    QCOMPARE(core::pythonScriptFileName("  ", ""), std::string("workflow.py"));
    QCOMPARE(core::pythonScriptFileName("Ünïcode név"), std::string("Ünïcode_név.py"));
  }

  // Every example and every tutorial workflow: valid Python, params back exactly, runs.
  void everyExampleAndTutorial() {
    QStringList tutorials;
    const QStringList files = workflowFiles(&tutorials);
    QVERIFY(files.size() >= 50);
    QVERIFY(tutorials.size() >= 7);
    for (const QString& t : tutorials) QVERIFY2(QFile::exists(t), qPrintable(t));
    for (const QString& path : files) {
      core::WorkflowFile file;
      const std::string script = exportOf(path, &file);
      checkScript(m_tmp.path(), script, file.workflow, QFileInfo(path).fileName());
      if (QTest::currentTestFailed()) return;
    }
  }

  // sciagents export-python: the same script, validate's messages and exit codes.
  void cli() {
    const QString example = sourcePath("examples/tutorial-chain-steps.workflow.json");
    CliRun r = runCli({"export-python", example});
    QCOMPARE(r.exit_code, 0);
    QVERIFY(r.err.empty());
    QCOMPARE(QString::fromStdString(r.out), QString::fromStdString(exportOf(example)));
    r = runCli({"export-python", example, "-o", "-"});
    QCOMPARE(r.exit_code, 0);
    QCOMPARE(QString::fromStdString(r.out), QString::fromStdString(exportOf(example)));
    // -o: the file, its own name in the usage line.
    const QString out = m_tmp.filePath("chain.py");
    r = runCli({"export-python", example, "-o", out});
    QCOMPARE(r.exit_code, 0);
    QCOMPARE(QString::fromStdString(r.out), "wrote " + out + "\n");
    const std::string written = readText(out);
    QVERIFY(written.find("Usage: python3 chain.py [result.json]") != std::string::npos);
    core::WorkflowFile file;
    (void)exportOf(example, &file);
    checkScript(m_tmp.path(), written, file.workflow, "chain-cli");
    r = runCli({"export-python", example, "-o", m_tmp.filePath("quiet.py"), "--quiet"});
    QCOMPARE(r.exit_code, 0);
    QVERIFY(r.out.empty());
    // --set: the overridden value in the script.
    r = runCli({"export-python", sourcePath("examples/quickstart.workflow.json"), "--set",
                "solve.b=[7, 9]"});
    QCOMPARE(r.exit_code, 0);
    QVERIFY2(r.out.find("\"b\": [7, 9],") != std::string::npos, r.out.c_str());
    // Invalid workflows: validate's messages on stderr, exit 2, nothing on stdout.
    for (const char* broken : {"missing-param", "cycle", "invalid-json", "not-a-workflow",
                               "out-of-range", "missing-link-target"}) {
      const QString bad = sourcePath(QString("tests/cli/broken/%1.workflow.json").arg(broken));
      const CliRun e = runCli({"export-python", bad});
      const CliRun v = runCli({"validate", bad});
      QCOMPARE(e.exit_code, 2);
      QCOMPARE(v.exit_code, 2);
      QVERIFY(e.out.empty());
      QCOMPARE(QString::fromStdString(e.err), QString::fromStdString(v.err));
    }
    r = runCli({"export-python", m_tmp.filePath("no-such.workflow.json")});
    QCOMPARE(r.exit_code, 2);
    QVERIFY(r.err.find("cannot read workflow file") != std::string::npos);
    // Usage.
    r = runCli({"export-python"});
    QCOMPARE(r.exit_code, 2);
    QVERIFY(r.err.find("export-python expects one workflow file") != std::string::npos);
    r = runCli({"export-python", "--help"});
    QCOMPARE(r.exit_code, 0);
    QVERIFY(r.out.find("Usage: sciagents export-python FILE.workflow.json") != std::string::npos);
    QVERIFY(runCli({"--help"}).out.find("export-python FILE") != std::string::npos);
    // Where the script cannot go: a folder (2), a missing folder (1).
    r = runCli({"export-python", example, "-o", m_tmp.path()});
    QCOMPARE(r.exit_code, 2);
    QVERIFY(r.err.find("it is a directory") != std::string::npos);
    r = runCli({"export-python", example, "-o", m_tmp.filePath("missing/dir/x.py")});
    QCOMPARE(r.exit_code, 1);
    QVERIFY(r.err.find("cannot write script") != std::string::npos);
  }

 private:
  QTemporaryDir m_tmp;
};

#endif  // Q_MOC_RUN

SCIAGENTS_TEST_GUILESS_MAIN(TestPythonExport)

}  // namespace test_python_export

#include "test_python_export.moc"
