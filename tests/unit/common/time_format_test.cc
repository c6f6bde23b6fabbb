#include <gtest/gtest.h>

#include "aviary/common/clock.h"

namespace aviary {
namespace {

TEST(Rfc3339, FormatsAndParsesUtc) {
  TimePoint t;
  ASSERT_TRUE(parseRfc3339("2026-11-22T07:30:05Z", t));
  EXPECT_EQ(formatRfc3339(t), "2026-11-22T07:30:05Z");
}

TEST(Rfc3339, HandlesFractionsAndOffsets) {
  TimePoint a, b;
  ASSERT_TRUE(parseRfc3339("2026-11-22T09:30:05.250+02:00", a));
  ASSERT_TRUE(parseRfc3339("2026-11-22T07:30:05.25Z", b));
  EXPECT_EQ(a, b);
}

TEST(Rfc3339, RejectsMalformed) {
  TimePoint t;
  for (const char* bad : {"", "2026-11-22", "2026-11-22T07:30:05", "2026-13-01T00:00:00Z", "2026-11-22T07:30:05Zjunk",
                          "2026-11-22T07:30:05."}) {
    EXPECT_FALSE(parseRfc3339(bad, t)) << bad;
  }
}

}  // namespace
}  // namespace aviary
