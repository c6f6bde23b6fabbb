// TrafficMetrics: requests land in the right counters and histogram buckets of the exposition.

#include "aviary/simulator/traffic_metrics.h"

#include <gtest/gtest.h>

#include "unit/simulator/exposition_lines.h"

namespace aviary::simulator {
namespace {

TEST(TrafficMetrics, CountsRequestsByVersionAndCode) {
  telemetry::MetricsRegistry registry;
  TrafficMetrics metrics(registry);
  metrics.record("ml", "fraud", {{"1", 200, 0.03, 0.3}, {"1", 500, 0.03, 0.3}, {"1", 200, 0.03, 0.3}, {"2", 200, 0.03, 0.3}});
  std::string text = registry.render();
  EXPECT_TRUE(hasLine(text, R"(model_requests_total{namespace="ml",release="fraud",version="1",code="200",mirrored="false"} 2)")) << text;
  EXPECT_TRUE(hasLine(text, R"(model_requests_total{namespace="ml",release="fraud",version="1",code="500",mirrored="false"} 1)"));
  EXPECT_TRUE(hasLine(text, R"(model_requests_total{namespace="ml",release="fraud",version="2",code="200",mirrored="false"} 1)"));
  EXPECT_TRUE(hasLine(text, R"(model_requests_total{namespace="ml",release="fraud",version="2",code="500",mirrored="false"} 0)"))
      << "the error series exists before the first error";
}

TEST(TrafficMetrics, LatencyAndScoreHistogramsAreCumulativeOverTheirBuckets) {
  telemetry::MetricsRegistry registry;
  TrafficMetrics metrics(registry);
  metrics.record("ml", "fraud", {{"2", 200, 0.004, 0.12}, {"2", 200, 0.04, 0.12}, {"2", 500, 0.6, 0.97}});
  std::string text = registry.render();
  const std::string labels = R"(namespace="ml",release="fraud",version="2",mirrored="false")";
  EXPECT_TRUE(hasLine(text, "model_request_duration_seconds_bucket{" + labels + R"(,le="0.005"} 1)")) << text;
  EXPECT_TRUE(hasLine(text, "model_request_duration_seconds_bucket{" + labels + R"(,le="0.03"} 1)"));
  EXPECT_TRUE(hasLine(text, "model_request_duration_seconds_bucket{" + labels + R"(,le="0.05"} 2)"));
  EXPECT_TRUE(hasLine(text, "model_request_duration_seconds_bucket{" + labels + R"(,le="0.5"} 2)"));
  EXPECT_TRUE(hasLine(text, "model_request_duration_seconds_bucket{" + labels + R"(,le="0.75"} 3)"));
  EXPECT_TRUE(hasLine(text, "model_request_duration_seconds_bucket{" + labels + R"(,le="+Inf"} 3)"));
  EXPECT_TRUE(hasLine(text, "model_request_duration_seconds_count{" + labels + "} 3"));
  EXPECT_TRUE(hasLine(text, "model_prediction_score_bucket{" + labels + R"(,le="0.1"} 0)"));
  EXPECT_TRUE(hasLine(text, "model_prediction_score_bucket{" + labels + R"(,le="0.15"} 2)"));
  EXPECT_TRUE(hasLine(text, "model_prediction_score_bucket{" + labels + R"(,le="0.95"} 2)"));
  EXPECT_TRUE(hasLine(text, "model_prediction_score_bucket{" + labels + R"(,le="1"} 3)"));
  EXPECT_TRUE(hasLine(text, "model_prediction_score_count{" + labels + "} 3"));
}

TEST(TrafficMetrics, BucketsAreIncreasingAndScoreBucketsEndAtOne) {
  auto latency = TrafficMetrics::latencyBuckets();
  EXPECT_TRUE(std::is_sorted(latency.begin(), latency.end()));
  auto score = TrafficMetrics::scoreBuckets();
  ASSERT_EQ(score.size(), 20u);
  EXPECT_DOUBLE_EQ(score.front(), 0.05);
  EXPECT_DOUBLE_EQ(score.back(), 1.0);
}

}  // namespace
}  // namespace aviary::simulator
