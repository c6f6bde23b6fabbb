#include "aviary/dashboard/release_history.h"

#include <gtest/gtest.h>

#include "unit/dashboard/dashboard_fixtures.h"

namespace aviary::dashboard {
namespace {

using nlohmann::json;
using testing::measurement;
using testing::release;

json withGate(json object, const std::string& gate, const std::string& stage, json measurements) {
  object["status"]["gates"].push_back({{"name", gate}, {"stage", stage}, {"measurements", std::move(measurements)}});
  return object;
}

TEST(ReleaseHistoryTest, RecordsATrafficPointPerRoutingChangeStampedWithTheClock) {
  ManualClock clock;
  ReleaseHistory history(clock);
  const auto start = clock.now();
  history.observe(release("ml", "fraud", "Progressing", 10));
  clock.advance(std::chrono::seconds(5));
  history.observe(release("ml", "fraud", "Progressing", 10));  // unchanged: no point
  clock.advance(std::chrono::seconds(5));
  history.observe(release("ml", "fraud", "Progressing", 50));

  const json traffic = history.json("ml/fraud")["traffic"];
  ASSERT_EQ(traffic.size(), 2u) << traffic.dump();
  EXPECT_EQ(traffic[0]["weight"], 10);
  EXPECT_EQ(traffic[0]["time"], formatRfc3339(start));
  EXPECT_EQ(traffic[1]["weight"], 50);
  EXPECT_EQ(traffic[1]["time"], formatRfc3339(start + std::chrono::seconds(10)));
  EXPECT_EQ(traffic[1]["phase"], "Progressing");
}

TEST(ReleaseHistoryTest, KeepsEveryMeasurementBeyondStatusLastTenOnceEach) {
  ManualClock clock;
  ReleaseHistory history(clock);
  // Status keeps a sliding window: each state shows the latest ones, overlapping the previous state.
  history.observe(withGate(release("ml", "fraud"), "error-rate", "1/step-2",
                           {measurement("2024-05-01T09:00:10Z", 0.01), measurement("2024-05-01T09:00:20Z", 0.02)}));
  history.observe(withGate(release("ml", "fraud"), "error-rate", "1/step-2",
                           {measurement("2024-05-01T09:00:20Z", 0.02), measurement("2024-05-01T09:00:30Z", 0.05, "Fail")}));
  const json points = history.json("ml/fraud")["gates"]["error-rate"];
  ASSERT_EQ(points.size(), 3u) << points.dump();
  EXPECT_EQ(points[0]["value"], 0.01);
  EXPECT_EQ(points[2]["verdict"], "Fail");
  EXPECT_EQ(points[2]["stage"], "1/step-2");
  EXPECT_EQ(points[2]["detail"], "value 0.050000");
}

TEST(ReleaseHistoryTest, RingsAreBounded) {
  ManualClock clock;
  HistoryLimits limits;
  limits.trafficPoints = 3;
  limits.measurementsPerGate = 2;
  limits.gatesPerRelease = 1;
  limits.detailChars = 5;
  ReleaseHistory history(clock, limits);
  for (int weight = 1; weight <= 5; ++weight) history.observe(release("ml", "fraud", "Progressing", weight));
  json object = withGate(release("ml", "fraud", "Progressing", 5), "error-rate", "1/step-2",
                         {measurement("2024-05-01T09:00:10Z", 1), measurement("2024-05-01T09:00:20Z", 2),
                          measurement("2024-05-01T09:00:30Z", 3)});
  object = withGate(object, "latency", "1/step-2", {measurement("2024-05-01T09:00:10Z", 9)});
  history.observe(object);

  const json out = history.json("ml/fraud");
  ASSERT_EQ(out["traffic"].size(), 3u);
  EXPECT_EQ(out["traffic"][0]["weight"], 3) << "the oldest points go first";
  ASSERT_EQ(out["gates"]["error-rate"].size(), 2u);
  EXPECT_EQ(out["gates"]["error-rate"][0]["value"], 2);
  EXPECT_EQ(out["gates"]["error-rate"][0]["detail"], "value");
  EXPECT_FALSE(out["gates"].contains("latency")) << "past the gate limit nothing is recorded";
}

TEST(ReleaseHistoryTest, ANewRolloutStartsAfreshAndForgetDropsTheRelease) {
  ManualClock clock;
  ReleaseHistory history(clock);
  history.observe(withGate(release("ml", "fraud", "Progressing", 10), "error-rate", "1/step-2",
                           {measurement("2024-05-01T09:00:10Z", 0.01)}));
  history.observe(release("ml", "fraud", "Progressing", 10, "2024-05-02T09:00:00Z"));
  json out = history.json("ml/fraud");
  EXPECT_EQ(out["rolloutStartedAt"], "2024-05-02T09:00:00Z");
  EXPECT_EQ(out["traffic"].size(), 1u);
  EXPECT_TRUE(out["gates"].empty());

  history.observe(release("ml", "other"));
  EXPECT_EQ(history.releases(), 2u);
  history.forget("ml/fraud");
  EXPECT_EQ(history.releases(), 1u);
  EXPECT_EQ(history.json("ml/fraud"), json({{"rolloutStartedAt", ""}, {"traffic", json::array()}, {"gates", json::object()}}));
}

}  // namespace
}  // namespace aviary::dashboard
