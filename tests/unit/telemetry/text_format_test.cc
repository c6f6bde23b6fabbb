#include "telemetry/text_format.h"

#include <cmath>
#include <limits>

#include <gtest/gtest.h>

namespace aviary::telemetry::text {
namespace {

std::string escapedLabel(std::string_view value) {
  std::string out;
  appendEscapedLabelValue(out, value);
  return out;
}

std::string escapedHelp(std::string_view value) {
  std::string out;
  appendEscapedHelp(out, value);
  return out;
}

TEST(TextFormat, MetricNames) {
  EXPECT_TRUE(isValidMetricName("aviary_rollbacks_total"));
  EXPECT_TRUE(isValidMetricName(":recording:rule"));
  EXPECT_TRUE(isValidMetricName("_x9"));
  EXPECT_FALSE(isValidMetricName(""));
  EXPECT_FALSE(isValidMetricName("9lives"));
  EXPECT_FALSE(isValidMetricName("with-dash"));
  EXPECT_FALSE(isValidMetricName("with space"));
}

TEST(TextFormat, LabelNames) {
  EXPECT_TRUE(isValidLabelName("namespace"));
  EXPECT_TRUE(isValidLabelName("_private"));
  EXPECT_FALSE(isValidLabelName("__reserved"));
  EXPECT_FALSE(isValidLabelName("with:colon"));
  EXPECT_FALSE(isValidLabelName("1st"));
  EXPECT_FALSE(isValidLabelName(""));
}

TEST(TextFormat, HelpEscapesBackslashAndNewlineButNotQuotes) {
  EXPECT_EQ(escapedHelp("a\\b\nc \"q\""), "a\\\\b\\nc \"q\"");
}

TEST(TextFormat, LabelValueEscapesBackslashQuoteNewline) {
  EXPECT_EQ(escapedLabel("C:\\models\\\"v7\"\nnext"), "C:\\\\models\\\\\\\"v7\\\"\\nnext");
}

TEST(TextFormat, LabelValueKeepsValidUtf8AndReplacesInvalidBytes) {
  EXPECT_EQ(escapedLabel("modèle-✓-𝔸"), "modèle-✓-𝔸");
  EXPECT_EQ(escapedLabel("a\xFF" "b"), "a\xEF\xBF\xBD" "b");
  EXPECT_EQ(escapedLabel("\xC3"), "\xEF\xBF\xBD");                 // truncated sequence
  EXPECT_EQ(escapedLabel("\xC0\xAF"), "\xEF\xBF\xBD\xEF\xBF\xBD");  // overlong '/'
  EXPECT_EQ(escapedLabel("\xED\xA0\x80"), "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");  // a surrogate
}

TEST(TextFormat, NumbersAreShortestRoundTripInGoStyleWithPrometheusSpecialValues) {
  EXPECT_EQ(formatNumber(0), "0");
  EXPECT_EQ(formatNumber(42), "42");
  EXPECT_EQ(formatNumber(-1.5), "-1.5");
  EXPECT_EQ(formatNumber(0.1), "0.1");
  EXPECT_EQ(formatNumber(0.0005), "0.0005");
  EXPECT_EQ(formatNumber(0.0001), "0.0001");
  EXPECT_EQ(formatNumber(0.00001), "1e-05");
  EXPECT_EQ(formatNumber(1e-7), "1e-07");
  EXPECT_EQ(formatNumber(123456), "123456");
  EXPECT_EQ(formatNumber(1234567), "1.234567e+06");
  EXPECT_EQ(formatNumber(-2e6), "-2e+06");
  EXPECT_EQ(formatNumber(1e21), "1e+21");
  EXPECT_EQ(formatNumber(std::numeric_limits<double>::infinity()), "+Inf");
  EXPECT_EQ(formatNumber(-std::numeric_limits<double>::infinity()), "-Inf");
  EXPECT_EQ(formatNumber(std::nan("")), "NaN");
  double third = 1.0 / 3.0;
  EXPECT_EQ(std::stod(formatNumber(third)), third);
}

TEST(TextFormat, SampleLine) {
  std::string out;
  appendSample(out, "m", {}, {}, {}, {}, 1);
  appendSample(out, "m", {"a", "b"}, {"x", "y\"z"}, {}, {}, 2.5);
  appendSample(out, "m_bucket", {"a"}, {"x"}, "le", "+Inf", 3);
  appendSample(out, "m_bucket", {}, {}, "le", "0.5", 0);
  EXPECT_EQ(out,
            "m 1\n"
            "m{a=\"x\",b=\"y\\\"z\"} 2.5\n"
            "m_bucket{a=\"x\",le=\"+Inf\"} 3\n"
            "m_bucket{le=\"0.5\"} 0\n");
}

}  // namespace
}  // namespace aviary::telemetry::text
