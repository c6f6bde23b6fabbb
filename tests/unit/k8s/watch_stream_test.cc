#include <gtest/gtest.h>

#include <random>

#include "k8s/watch_stream.h"

namespace aviary::k8s {
namespace {

// Three events, one with a multi-byte UTF-8 value and an embedded escaped newline, CRLF on one.
const std::string kStream =
    "{\"type\":\"ADDED\",\"object\":{\"metadata\":{\"name\":\"a\",\"resourceVersion\":\"1\"}}}\n"
    "{\"type\":\"MODIFIED\",\"object\":{\"metadata\":{\"name\":\"b\"},\"data\":{\"k\":\"h\\u00e9 \\n ü\"}}}\r\n"
    "\n"
    "{\"type\":\"BOOKMARK\",\"object\":{\"metadata\":{\"resourceVersion\":\"9\"}}}\n";

std::vector<std::string> frame(const std::vector<std::string_view>& chunks, size_t* pending = nullptr) {
  LineFramer framer;
  std::vector<std::string> lines;
  for (auto chunk : chunks) {
    EXPECT_TRUE(framer.feed(chunk, [&](std::string_view line) {
      lines.emplace_back(line);
      return true;
    }));
  }
  if (pending) *pending = framer.pending();
  return lines;
}

void expectTheThreeEvents(const std::vector<std::string>& lines) {
  ASSERT_EQ(lines.size(), 3u);
  auto added = parseWatchEvent(lines[0]);
  auto modified = parseWatchEvent(lines[1]);
  auto bookmark = parseWatchEvent(lines[2]);
  ASSERT_TRUE(added.ok() && modified.ok() && bookmark.ok());
  EXPECT_EQ(added->type, WatchEvent::Type::Added);
  EXPECT_EQ(modified->type, WatchEvent::Type::Modified);
  EXPECT_EQ(modified->object["data"]["k"], "h\u00e9 \n \u00fc");
  EXPECT_EQ(bookmark->type, WatchEvent::Type::Bookmark);
  EXPECT_EQ(bookmark->object["metadata"]["resourceVersion"], "9");
}

TEST(LineFramer, WholeStreamInOneChunk) { expectTheThreeEvents(frame({kStream})); }

TEST(LineFramer, EverySplitPointIntoTwoChunks) {
  for (size_t cut = 0; cut <= kStream.size(); ++cut) {
    std::string_view all(kStream);
    SCOPED_TRACE(cut);
    expectTheThreeEvents(frame({all.substr(0, cut), all.substr(cut)}));
  }
}

TEST(LineFramer, OneByteAtATime) {
  std::vector<std::string_view> bytes;
  for (size_t i = 0; i < kStream.size(); ++i) bytes.push_back(std::string_view(kStream).substr(i, 1));
  expectTheThreeEvents(frame(bytes));
}

TEST(LineFramer, RandomChunkingIncludingEmptyChunks) {
  std::mt19937 random(42);
  for (int round = 0; round < 200; ++round) {
    std::vector<std::string_view> chunks;
    std::string_view rest(kStream);
    while (!rest.empty()) {
      size_t n = std::min<size_t>(rest.size(), random() % 12);
      chunks.push_back(rest.substr(0, n));
      rest.remove_prefix(n);
    }
    expectTheThreeEvents(frame(chunks));
  }
}

TEST(LineFramer, UnfinishedLineIsHeldBackNotDelivered) {
  size_t pending = 0;
  auto lines = frame({"{\"type\":\"ADDED\",\"object\":{}}\n{\"type\":\"MOD"}, &pending);
  EXPECT_EQ(lines.size(), 1u);
  EXPECT_EQ(pending, std::string("{\"type\":\"MOD").size());
}

TEST(LineFramer, HandlerReturningFalseStopsTheFeed) {
  LineFramer framer;
  int seen = 0;
  EXPECT_FALSE(framer.feed(kStream, [&](std::string_view) { return ++seen < 2; }));
  EXPECT_EQ(seen, 2);
}

TEST(ParseWatchEvent, ErrorEventCarriesTheStatus) {
  auto event = parseWatchEvent(
      R"({"type":"ERROR","object":{"kind":"Status","code":410,"reason":"Expired","message":"too old resource version"}})");
  ASSERT_TRUE(event.ok());
  EXPECT_EQ(event->type, WatchEvent::Type::Error);
  EXPECT_EQ(event->object["code"], 410);
}

TEST(ParseWatchEvent, RejectsMalformedLines) {
  EXPECT_EQ(parseWatchEvent("not json").error().code, ErrorCode::ParseError);
  EXPECT_EQ(parseWatchEvent("[1,2]").error().code, ErrorCode::ParseError);
  EXPECT_EQ(parseWatchEvent(R"({"type":"ADDED"})").error().code, ErrorCode::ParseError);
  EXPECT_EQ(parseWatchEvent(R"({"type":"RENAMED","object":{}})").error().code, ErrorCode::ParseError);
}

}  // namespace
}  // namespace aviary::k8s
