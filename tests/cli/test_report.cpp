// `sciagents report` (docs/report.md): examples run through the CLI, their reports checked for
// structure (every step, the workflow graph, Sobol bars with whiskers, histogram, ODE trajectory,
// provenance) and self-containedness (no scripts, no external references), then rendered by
// headless Chromium: the screenshot must show content and the console must stay silent.
// Chromium is a test dependency (installers/install-deps.sh): without it the test fails.
#include "cli_runner.h"

#include <QDir>
#include <QFile>
#include <QImage>
#include <QProcess>
#include <QRegularExpression>
#include <QSet>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QtTest/QtTest>

#include <fstream>
#include <sstream>

#include "tests/test_main.h"

namespace test_report {

using sciagents::test::CliRun;
using sciagents::test::runCli;
using sciagents::test::sourcePath;
using json = nlohmann::json;

namespace {
std::string readText(const QString& path) {
  std::ifstream in(path.toStdString(), std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

int countOf(const std::string& text, const std::string& what) {
  int n = 0;
  for (auto p = text.find(what); p != std::string::npos; p = text.find(what, p + 1)) ++n;
  return n;
}

QString chromiumBinary() {
  for (const char* name : {"chromium", "chromium-browser", "google-chrome"}) {
    const QString p = QStandardPaths::findExecutable(QString::fromLatin1(name));
    if (!p.isEmpty()) return p;
  }
  return {};
}

struct ChromiumRun {
  bool finished = false;
  int exit_code = -1;
  QString out, err;
};

ChromiumRun runChromium(const QStringList& args) {
  QProcess p;
  p.start(chromiumBinary(), args);
  ChromiumRun r;
  // Generous: Chromium starts slowly on a loaded machine.
  r.finished = p.waitForFinished(240000);
  if (!r.finished) {
    p.kill();
    p.waitForFinished();
  }
  r.exit_code = p.exitCode();
  r.out = QString::fromUtf8(p.readAllStandardOutput());
  r.err = QString::fromUtf8(p.readAllStandardError());
  return r;
}
}  // namespace

class TestReport : public QObject {
  Q_OBJECT
  QTemporaryDir m_tmp;

  // Runs the example and makes its report; returns the report's path ("" on failure, reported).
  QString makeReport(const QString& example) {
    const QString base = example.left(example.size() - QStringLiteral(".workflow.json").size());
    const QString result = m_tmp.filePath(base + ".json");
    const QString html = m_tmp.filePath(base + ".html");
    if (QFile::exists(html)) return html;
    const CliRun run = runCli({"run", sourcePath("examples/" + example), "-o", result, "--progress",
                               "none", "--sidecar-min", "64"},
                              m_tmp.filePath("cache"), 600000);
    if (run.exit_code != 0) {
      qWarning("run %s: exit %d\n%s", qPrintable(example), run.exit_code, run.err.c_str());
      return {};
    }
    const CliRun rep = runCli({"report", result, "-o", html});
    if (rep.exit_code != 0 || !QFile::exists(html)) {
      qWarning("report %s: exit %d\n%s", qPrintable(example), rep.exit_code, rep.err.c_str());
      return {};
    }
    return html;
  }

 private slots:
  void initTestCase() { QVERIFY(m_tmp.isValid()); }

  void reportHasEveryStepAndNoExternalResources_data() {
    QTest::addColumn<QString>("example");
    QTest::newRow("uq-ode-sobol") << QStringLiteral("uq-ode-sobol.workflow.json");
    QTest::newRow("quickstart") << QStringLiteral("quickstart.workflow.json");
  }
  void reportHasEveryStepAndNoExternalResources() {
    QFETCH(QString, example);
    const QString html_file = makeReport(example);
    QVERIFY(!html_file.isEmpty());
    const std::string html = readText(html_file);
    std::ifstream wf(sourcePath("examples/" + example).toStdString());
    const json workflow = json::parse(wf);
    QVERIFY(html.rfind("<!DOCTYPE html>", 0) == 0);
    QVERIFY(html.find("</html>") != std::string::npos);
    for (const auto& step : workflow["steps"]) {
      const std::string id = step["id"].get<std::string>();
      QVERIFY2(html.find("id=\"step-" + id + "\"") != std::string::npos, id.c_str());
      // The step is a box in the graph.
      QVERIFY2(html.find(">" + id + "</text>") != std::string::npos, id.c_str());
    }
    QVERIFY(html.find("class=\"workflow-graph\"") != std::string::npos);
    QVERIFY(html.find("id=\"provenance\"") != std::string::npos);
    QVERIFY(html.find("agent versions") != std::string::npos);
    QVERIFY(countOf(html, "<svg") == countOf(html, "</svg>"));
    // Self-contained: no scripts, no external resources of any kind.
    for (const char* banned : {"<script", "src=", "<link", "@import", "<iframe", "<object",
                               "<embed", "href=\"http", "href=\"//", "url(http", "url(//"})
      QVERIFY2(html.find(banned) == std::string::npos, banned);
    const QRegularExpression href(QStringLiteral("href=\"([^\"]*)\""));
    for (auto it = href.globalMatch(QString::fromStdString(html)); it.hasNext();) {
      const QString target = it.next().captured(1);
      QVERIFY2(target.startsWith('#'), qPrintable(target));  // in-page links only
    }
    if (example == "uq-ode-sobol.workflow.json") {
      QVERIFY(countOf(html, "<svg") >= 4);  // graph, trajectory, histogram, Sobol bars
      QVERIFY2(countOf(html, "class=\"edge\"") == 2, "sim -> spread, sim -> sensitivity");
      QVERIFY(html.find("Sobol indices of sensitivity") != std::string::npos);
      QVERIFY2(countOf(html, "class=\"whisker\"") == 4, "S1 and ST of k and c");
      QVERIFY(html.find("spread: histogram</text>") != std::string::npos);
      QVERIFY(html.find("sim: solution against t") != std::string::npos);
      QVERIFY(html.find("lognormal") != std::string::npos);  // the params
    } else {
      QCOMPARE(countOf(html, "class=\"edge\""), 0);
      QVERIFY(html.find("condition") != std::string::npos);
    }
  }

  void reportRefusesBadInput() {
    CliRun r = runCli({"report", m_tmp.filePath("nothing.json"), "-o", m_tmp.filePath("x.html")});
    QCOMPARE(r.exit_code, 2);
    QVERIFY2(r.err.find("nothing.json") != std::string::npos, r.err.c_str());
    r = runCli({"report", sourcePath("examples/quickstart.workflow.json"), "-o",
                m_tmp.filePath("x.html")});
    QCOMPARE(r.exit_code, 2);
    QVERIFY2(r.err.find("is not a SciAgents result file") != std::string::npos, r.err.c_str());
    QCOMPARE(runCli({"report"}).exit_code, 2);
  }

  void chromiumRendersTheReport_data() { reportHasEveryStepAndNoExternalResources_data(); }
  void chromiumRendersTheReport() {
    QFETCH(QString, example);
    const QString chromium = chromiumBinary();
    if (chromium.isEmpty())
      QFAIL(
          "chromium is not installed: the report rendering test needs it (installers/"
          "install-deps.sh installs it; on Debian: apt-get install chromium)");
    const QString html_file = makeReport(example);
    QVERIFY(!html_file.isEmpty());
    const QString url = QUrl::fromLocalFile(html_file).toString();
    const QString profile = m_tmp.filePath("chromium-profile-" + example);
    const QString shot = m_tmp.filePath(example + ".png");
    const QStringList common = {"--headless",
                                "--no-sandbox",
                                "--disable-gpu",
                                "--no-first-run",
                                "--disable-dev-shm-usage",
                                "--disable-extensions",
                                "--user-data-dir=" + profile,
                                "--enable-logging=stderr",
                                "--v=0"};

    // The screenshot shows a page with content: many colours, a fair share of non-white.
    ChromiumRun r =
        runChromium(common + QStringList{"--screenshot=" + shot, "--window-size=1280,2000", url});
    QVERIFY2(r.finished, "chromium --screenshot did not finish within 240 s");
    QVERIFY2(QFile::exists(shot), qPrintable("no screenshot; chromium said:\n" + r.err));
    QImage image(shot);
    QVERIFY2(!image.isNull(), qPrintable(shot));
    QCOMPARE(image.width(), 1280);
    QSet<QRgb> colours;
    qint64 non_white = 0, pixels = 0;
    for (int y = 0; y < image.height(); y += 3)
      for (int x = 0; x < image.width(); x += 3) {
        const QRgb c = image.pixel(x, y);
        colours.insert(c);
        ++pixels;
        if (qRed(c) < 235 || qGreen(c) < 235 || qBlue(c) < 235) ++non_white;
      }
    QVERIFY2(colours.size() > 20, qPrintable(QString::number(colours.size()) + " colours"));
    QVERIFY2(non_white * 100 > pixels * 2,
             qPrintable(QString::number(non_white) + " of " + QString::number(pixels)));

    // Nothing on the console (a page without scripts should never log; Chromium logs console
    // messages to stderr as "INFO:CONSOLE:LINE] ..." with --enable-logging=stderr), and the DOM as
    // parsed holds the sections and the inline SVG.
    r = runChromium(common + QStringList{"--dump-dom", url});
    QVERIFY2(r.finished, "chromium --dump-dom did not finish within 240 s");
    for (const QString& line : r.err.split('\n'))
      QVERIFY2(!line.contains(":CONSOLE"), qPrintable(line));  // INFO:CONSOLE:1] or CONSOLE(1)
    QVERIFY2(r.out.contains("id=\"provenance\""), qPrintable(r.out.left(400) + "\n" + r.err));
    QVERIFY(r.out.contains("<svg"));
    QVERIFY(r.out.contains("workflow-graph"));
  }
};

SCIAGENTS_TEST_GUILESS_MAIN(TestReport)
}  // namespace test_report
#include "test_report.moc"
