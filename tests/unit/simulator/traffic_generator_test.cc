// TrafficGenerator: exact long-run splits, and outcomes that follow each version's Behaviour.

#include "aviary/simulator/traffic_generator.h"

#include <algorithm>
#include <gtest/gtest.h>

namespace aviary::simulator {
namespace {

ReleaseRouting split(double stable, double canary) {
  return {"ml", "fraud", {{"1", stable}, {"2", canary}}, ""};
}

std::map<std::string, int> countByVersion(const std::vector<Request>& requests) {
  std::map<std::string, int> counts;
  for (const Request& r : requests) ++counts[r.version];
  return counts;
}

TEST(TrafficGenerator, SplitsTheRateByShareWhateverTheTickLength) {
  BehaviourStore healthy;
  TrafficGenerator generator(50, 7);
  std::vector<Request> all;
  for (int i = 0; i < 40; ++i) {  // 10 s in quarter seconds: 1.25 canary requests per tick
    auto tick = generator.generate(split(0.9, 0.1), 0.25, healthy);
    all.insert(all.end(), tick.begin(), tick.end());
  }
  auto counts = countByVersion(all);
  EXPECT_EQ(counts["1"], 450);
  EXPECT_EQ(counts["2"], 50);
}

TEST(TrafficGenerator, AVersionsBehaviourMaySetTheReleasesRate) {
  BehaviourStore busy;
  Behaviour fast = kHealthy;
  fast.requestsPerSecond = 1000;
  busy.set({"ml", "fraud", "1"}, fast);
  busy.set({"ml", "fraud", "2"}, fast);
  TrafficGenerator generator(50, 7);
  auto counts = countByVersion(generator.generate(split(0.9, 0.1), 3, busy));
  EXPECT_EQ(counts["1"], 2700);
  EXPECT_EQ(counts["2"], 300);
}

TEST(TrafficGenerator, ZeroShareOrZeroTimeGeneratesNothing) {
  BehaviourStore healthy;
  TrafficGenerator generator(50, 7);
  EXPECT_EQ(countByVersion(generator.generate(split(1, 0), 2, healthy))["2"], 0);
  EXPECT_TRUE(generator.generate(split(0.5, 0.5), 0, healthy).empty());
  EXPECT_TRUE(generator.generate(ReleaseRouting{"ml", "fraud", {}, "no route"}, 1, healthy).empty());
}

TEST(TrafficGenerator, PartialSharesGenerateOnlyTheRoutedPart) {
  BehaviourStore healthy;
  TrafficGenerator generator(100, 7);
  EXPECT_EQ(generator.generate(ReleaseRouting{"ml", "fraud", {{"1", 0.8}}, ""}, 1, healthy).size(), 80u);
}

TEST(TrafficGenerator, ErrorRateFollowsTheVersionsBehaviour) {
  BehaviourStore behaviours;
  behaviours.set({"ml", "fraud", "2"}, Behaviour{0.3, 30, 0});
  TrafficGenerator generator(10'000, 11);
  auto requests = generator.generate(split(0.5, 0.5), 2, behaviours);
  int errors1 = 0, errors2 = 0, total1 = 0, total2 = 0;
  for (const Request& r : requests) {
    EXPECT_TRUE(r.code == 200 || r.code == 500);
    (r.version == "1" ? total1 : total2)++;
    if (r.code == 500) (r.version == "1" ? errors1 : errors2)++;
  }
  ASSERT_EQ(total1, 10'000);
  ASSERT_EQ(total2, 10'000);
  EXPECT_NEAR(errors2 / 10'000.0, 0.3, 0.02);
  EXPECT_LT(errors1 / 10'000.0, 0.004);  // healthy: 0.001
}

double median(std::vector<double> values) {
  std::nth_element(values.begin(), values.begin() + values.size() / 2, values.end());
  return values[values.size() / 2];
}

TEST(TrafficGenerator, LatencyCentresOnTheConfiguredMedianWithJitter) {
  TrafficGenerator generator(1, 3);
  std::vector<double> latencies;
  for (int i = 0; i < 5000; ++i) latencies.push_back(generator.sample("1", Behaviour{0, 120, 0}).latencySeconds);
  EXPECT_NEAR(median(latencies), 0.120, 0.006);
  auto [low, high] = std::minmax_element(latencies.begin(), latencies.end());
  EXPECT_LT(*low, 0.1);   // jitter both ways
  EXPECT_GT(*high, 0.15);
}

TEST(TrafficGenerator, PredictionScoresAreInUnitRangeAndShiftWithTheBehaviour) {
  TrafficGenerator generator(1, 5);
  double healthySum = 0, shiftedSum = 0;
  for (int i = 0; i < 5000; ++i) {
    Request healthy = generator.sample("1", kHealthy);
    Request shifted = generator.sample("2", Behaviour{0, 30, 0.2});
    ASSERT_GE(healthy.score, 0.0);
    ASSERT_LE(healthy.score, 1.0);
    healthySum += healthy.score;
    shiftedSum += shifted.score;
  }
  EXPECT_NEAR(healthySum / 5000, 0.3, 0.01);
  EXPECT_NEAR(shiftedSum / 5000, 0.5, 0.01);
}

TEST(TrafficGenerator, SameSeedReplaysTheSameRequests) {
  BehaviourStore healthy;
  TrafficGenerator a(50, 42), b(50, 42), c(50, 43);
  auto first = a.generate(split(0.5, 0.5), 1, healthy);
  auto second = b.generate(split(0.5, 0.5), 1, healthy);
  auto other = c.generate(split(0.5, 0.5), 1, healthy);
  ASSERT_EQ(first.size(), second.size());
  for (std::size_t i = 0; i < first.size(); ++i) {
    EXPECT_EQ(first[i].latencySeconds, second[i].latencySeconds);
    EXPECT_EQ(first[i].score, second[i].score);
  }
  EXPECT_NE(first[0].latencySeconds, other[0].latencySeconds);
}

}  // namespace
}  // namespace aviary::simulator
