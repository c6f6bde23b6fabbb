#include "aviary/common/duration.h"

#include <gtest/gtest.h>

namespace aviary {
namespace {

using namespace std::chrono_literals;

TEST(ParseDuration, AcceptsGoStyleDurations) {
  EXPECT_EQ(parseDuration("30s").value(), Duration(30s));
  EXPECT_EQ(parseDuration("2m").value(), Duration(2min));
  EXPECT_EQ(parseDuration("1h30m").value(), Duration(90min));
  EXPECT_EQ(parseDuration("500ms").value(), Duration(500));
  EXPECT_EQ(parseDuration("1.5h").value(), Duration(90min));
  EXPECT_EQ(parseDuration("0").value(), Duration(0));
}

TEST(ParseDuration, RejectsMalformedInputWithReason) {
  for (const char* bad : {"", "30", "s", "3x", "-5s", "1..5s", "5 s", "1h30"}) {
    auto r = parseDuration(bad);
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_EQ(r.error().code, ErrorCode::InvalidSpec);
    EXPECT_NE(r.error().message.find("invalid duration"), std::string::npos);
  }
}

TEST(FormatDuration, RoundTrips) {
  EXPECT_EQ(formatDuration(Duration(90min)), "1h30m");
  EXPECT_EQ(formatDuration(Duration(45s)), "45s");
  EXPECT_EQ(formatDuration(Duration(250)), "250ms");
  EXPECT_EQ(formatDuration(Duration(1500)), "1.5s");
  EXPECT_EQ(formatDuration(Duration(0)), "0s");
}

}  // namespace
}  // namespace aviary
