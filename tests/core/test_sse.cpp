// The Server-Sent Events codec of core/util/sse.h: what the server encodes, both clients parse
// back, whatever the chunking; multi-line data, comments (keep-alives), CRLF and CR line ends,
// Last-Event-ID tracking and the end of a stream without its final blank line.
#include "core/util/sse.h"

#include <QtTest/QtTest>

#include <string>
#include <vector>

#include "tests/test_main.h"

namespace test_sse {

using sciagents::core::encodeSseComment;
using sciagents::core::encodeSseEvent;
using sciagents::core::SseEvent;
using sciagents::core::SseParser;

namespace {

// Feeds `stream` in pieces of `chunk` bytes (0: all at once), then ends it.
std::vector<SseEvent> parseChunked(const std::string& stream, std::size_t chunk,
                                   SseParser* parser = nullptr) {
  SseParser local;
  SseParser& p = parser ? *parser : local;
  std::vector<SseEvent> all;
  const std::size_t step = chunk == 0 ? std::max<std::size_t>(1, stream.size()) : chunk;
  for (std::size_t i = 0; i < stream.size(); i += step) {
    auto got = p.feed(std::string_view(stream).substr(i, step));
    all.insert(all.end(), got.begin(), got.end());
  }
  auto rest = p.finish();
  all.insert(all.end(), rest.begin(), rest.end());
  return all;
}

}  // namespace

class TestSse : public QObject {
  Q_OBJECT

 private slots:
  void encodesTheServersFrames() {
    QCOMPARE(encodeSseEvent("7", "state", R"({"state":"running"})"),
             std::string("id: 7\nevent: state\ndata: {\"state\":\"running\"}\n\n"));
    QCOMPARE(encodeSseEvent("", "", "x"), std::string("data: x\n\n"));
    QCOMPARE(encodeSseEvent("1", "m", "a\nb\r\nc\rd"),
             std::string("id: 1\nevent: m\ndata: a\ndata: b\ndata: c\ndata: d\n\n"));
    QCOMPARE(encodeSseComment("keep-alive"), std::string(": keep-alive\n\n"));
    QCOMPARE(encodeSseComment("a\nb"), std::string(": a b\n\n"));
  }

  void roundTripsAtEveryChunkSize() {
    const std::vector<SseEvent> sent = {
        {"1", "state", R"({"state":"queued","fraction":0})"},
        {"2", "metric", "{\"x\":1,\n\"y\":2}"},
        {"3", "progress", ""},
        {"4", "done", R"({"state":"succeeded"})"},
    };
    std::string stream;
    for (const auto& e : sent) stream += encodeSseEvent(e) + encodeSseComment("keep-alive");
    for (std::size_t chunk : {0, 1, 2, 3, 5, 7, 64}) {
      const auto got = parseChunked(stream, chunk);
      QCOMPARE(got.size(), sent.size());
      for (std::size_t i = 0; i < sent.size(); ++i) {
        QCOMPARE(got[i].id, sent[i].id);
        QCOMPARE(got[i].type, sent[i].type);
        QCOMPARE(got[i].data, sent[i].data);
      }
    }
  }

  void crlfCrAndCommentsOneByteAtATime() {
    SseParser p;
    const std::string stream =
        ": keep-alive\r\n\r\nid: 1\r\nevent: state\r\ndata: {\"state\":\"running\"}\r\n\r\n"
        "id: 2\nevent: metric\ndata: {\"x\":1,\ndata: \"y\":2}\n\n"
        "id: 3\revent: done\rdata:{}\r\r";
    const auto all = parseChunked(stream, 1, &p);
    QCOMPARE(all.size(), std::size_t(3));
    QCOMPARE(all[0].type, std::string("state"));
    QCOMPARE(all[0].data, std::string("{\"state\":\"running\"}"));
    QCOMPARE(all[1].type, std::string("metric"));
    QCOMPARE(all[1].data, std::string("{\"x\":1,\n\"y\":2}"));
    QCOMPARE(all[2].type, std::string("done"));
    QCOMPARE(all[2].data, std::string("{}"));  // "data:{}": the space after ':' is optional
    QCOMPARE(p.lastEventId(), std::string("3"));
  }

  void crAtAChunkEndWaitsForItsLf() {
    SseParser p;
    QVERIFY(p.feed("data: a\r").empty());
    QVERIFY(p.feed("\n").empty());  // CRLF is one line end, not a line end and a blank line
    const auto got = p.feed("\r\n");
    QCOMPARE(got.size(), std::size_t(1));
    QCOMPARE(got[0].data, std::string("a"));
  }

  void eventsWithoutDataAndUnknownFieldsAreSkipped() {
    const auto got = parseChunked("event: x\n\nretry: 10\nfoo: bar\ndata\n\n", 0);
    QCOMPARE(got.size(), std::size_t(1));
    QCOMPARE(got[0].type, std::string("message"));
    QCOMPARE(got[0].data, std::string());  // "data" without a colon: one empty data line
  }

  void idPersistsAcrossEvents() {
    const auto got = parseChunked("id: 5\ndata: a\n\ndata: b\n\nid:\ndata: c\n\n", 0);
    QCOMPARE(got.size(), std::size_t(3));
    QCOMPARE(got[0].id, std::string("5"));
    QCOMPARE(got[1].id, std::string("5"));  // the last event id stays until a new one
    QCOMPARE(got[2].id, std::string());     // an empty id field resets it
  }

  void streamEndingWithoutBlankLine() {
    SseParser p;
    QVERIFY(p.feed("id: 9\nevent: done\ndata: {\"state\":\"failed\"}").empty());
    const auto got = p.finish();
    QCOMPARE(got.size(), std::size_t(1));
    QCOMPARE(got[0].type, std::string("done"));
    QCOMPARE(got[0].data, std::string("{\"state\":\"failed\"}"));
    QCOMPARE(p.lastEventId(), std::string("9"));
    QVERIFY(p.finish().empty());
  }

  void byteOrderMarkIsDropped() {
    const auto got = parseChunked(
        "\xEF\xBB\xBF"
        "data: x\n\n",
        1);
    QCOMPARE(got.size(), std::size_t(1));
    QCOMPARE(got[0].data, std::string("x"));
  }
};

SCIAGENTS_TEST_GUILESS_MAIN(TestSse)

}  // namespace test_sse
#include "test_sse.moc"
