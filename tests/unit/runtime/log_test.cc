#include "aviary/runtime/log.h"

#include <sstream>

#include <gtest/gtest.h>

#include "aviary/runtime/micro_time.h"

namespace aviary::runtime {
namespace {

TEST(MicroTime, SixFractionalDigitsInUtc) {
  TimePoint t;
  ASSERT_TRUE(parseRfc3339("2026-11-22T07:30:05Z", t));
  EXPECT_EQ(formatMicroTime(t), "2026-11-22T07:30:05.000000Z");
  EXPECT_EQ(formatMicroTime(t + std::chrono::microseconds(123456)), "2026-11-22T07:30:05.123456Z");
  TimePoint back;
  ASSERT_TRUE(parseRfc3339(formatMicroTime(t + std::chrono::milliseconds(250)), back));
  EXPECT_EQ(back, t + std::chrono::milliseconds(250));
}

TEST(Logger, WritesOneJsonObjectPerLineWithFieldsAfterTheFixedOnes) {
  ManualClock clock;
  std::ostringstream out;
  Logger logger(out, clock, LogLevel::Info);
  logger.info("reconciled", {{"release", "ml/fraud"}, {"msg", "ignored: reserved"}});
  logger.debug("hidden");
  logger.error("failed", {{"error", std::string("bad \xff byte")}});
  std::istringstream lines(out.str());
  std::string line;
  std::vector<nlohmann::json> parsed;
  while (std::getline(lines, line)) parsed.push_back(nlohmann::json::parse(line));
  ASSERT_EQ(parsed.size(), 2u);
  EXPECT_EQ(parsed[0]["level"], "info");
  EXPECT_EQ(parsed[0]["msg"], "reconciled");
  EXPECT_EQ(parsed[0]["release"], "ml/fraud");
  EXPECT_EQ(parsed[0]["ts"], formatMicroTime(clock.now()));
  EXPECT_EQ(out.str().rfind("{\"ts\":", 0), 0u) << "ts first, for humans reading the raw lines";
  EXPECT_EQ(parsed[1]["level"], "error");
}

TEST(LogLevel, ParsesKnownNamesAndRejectsOthers) {
  EXPECT_EQ(*parseLogLevel("DEBUG"), LogLevel::Debug);
  EXPECT_EQ(*parseLogLevel("warning"), LogLevel::Warn);
  EXPECT_FALSE(parseLogLevel("loud").ok());
}

}  // namespace
}  // namespace aviary::runtime
