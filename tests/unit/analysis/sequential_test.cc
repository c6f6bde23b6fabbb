// The anytime-valid rate-ratio test and the sequential judges: validity under the null at every
// horizon (simulated), a p-value that never increases, detection, early pass and the confidence
// sequence, and the judges' handling of cumulative counts.
#include <gtest/gtest.h>

#include <random>

#include "aviary/analysis/sequential_rate_test.h"
#include "analysis/judges/sequential_judges.h"
#include "unit/analysis/simulated_counts.h"

namespace aviary::analysis {
namespace {

using testing::Arm;
using Traffic = testing::SimulatedCounts;

api::CompareSpec sequentialSpec(double confidence = 0.95) {
  api::CompareSpec spec;
  spec.test = api::CompareTest::Proportion;
  spec.sequential = true;
  spec.confidence = confidence;
  return spec;
}

// Looks until the judge fails or `looks` are done; returns the look that failed (0: never).
int firstFailure(const Judge& judge, Traffic& traffic, int looks, api::SequentialState& state) {
  for (int k = 1; k <= looks; ++k) {
    traffic.look();
    auto canary = traffic.canary(), baseline = traffic.baseline();
    if (judge.judgeLook(canary, &baseline, state).verdict == api::Verdict::Fail) return k;
  }
  return 0;
}

TEST(SequentialRateTest, HealthyCanaryFailsAtMostAlphaOverAHundredLooks) {
  // 1% errors on both sides, 10% of 100 req/s on the canary, 30 s looks; the traffic share moves
  // from 10% to 50% halfway, as a setWeight between two analysis steps would.
  const SequentialProportionJudge judge(sequentialSpec(0.95));
  const int trials = 2000;
  int failedBy10 = 0, failedBy100 = 0;
  for (int t = 0; t < trials; ++t) {
    Traffic traffic({0.01, 300}, {0.01, 2700}, 1000 + t);
    api::SequentialState state;
    int failed = firstFailure(judge, traffic, 50, state);
    if (!failed) {
      traffic.setShare(1500, 1500);
      failed = firstFailure(judge, traffic, 50, state);
      if (failed) failed += 50;
    }
    if (failed && failed <= 10) ++failedBy10;
    if (failed) ++failedBy100;
  }
  // α = 0.05 with room for simulation noise (3 standard errors of 2,000 trials ≈ 0.015).
  EXPECT_LE(failedBy10, failedBy100);
  EXPECT_LT(failedBy100 / double(trials), 0.05 + 0.015) << failedBy100;
}

TEST(SequentialRateTest, PValueNeverIncreases) {
  const SequentialProportionJudge judge(sequentialSpec());
  Traffic traffic({0.012, 300}, {0.01, 2700}, 7);
  api::SequentialState state;
  double previous = 1;
  for (int k = 0; k < 200; ++k) {
    traffic.look();
    auto canary = traffic.canary(), baseline = traffic.baseline();
    judge.judgeLook(canary, &baseline, state);
    EXPECT_LE(state.pValue, previous);
    previous = state.pValue;
  }
}

TEST(SequentialRateTest, TwoPercentagePointsMoreErrorsAreCaughtWithinAFewLooks) {
  // 1% → 3% at 10% of 100 req/s, 30 s looks.
  const SequentialProportionJudge judge(sequentialSpec());
  int caughtBy3 = 0, caughtBy6 = 0;
  for (int t = 0; t < 500; ++t) {
    Traffic traffic({0.03, 300}, {0.01, 2700}, 50000 + t);
    api::SequentialState state;
    const int failed = firstFailure(judge, traffic, 6, state);
    if (failed && failed <= 3) ++caughtBy3;
    if (failed) ++caughtBy6;
  }
  EXPECT_GT(caughtBy3, 400);  // ≥ 80%: the benchmark reports the exact rate (bench/judges)
  EXPECT_GT(caughtBy6, 490);
}

TEST(SequentialRateTest, PassesEarlyOnceEveryHarmfulRatioIsExcluded) {
  auto spec = sequentialSpec();
  spec.allowedIncrease = 1.5;
  const SequentialProportionJudge judge(spec);
  Traffic traffic({0.01, 3000}, {0.01, 3000}, 11);
  api::SequentialState state;
  int look = 0;
  while (state.decision.empty() && look < 100) {
    traffic.look();
    ++look;
    auto canary = traffic.canary(), baseline = traffic.baseline();
    EXPECT_EQ(judge.judgeLook(canary, &baseline, state).verdict, api::Verdict::Pass);
  }
  EXPECT_EQ(state.decision, "pass") << state.reason;
  ASSERT_TRUE(state.ratioHigh.has_value());
  EXPECT_LE(*state.ratioHigh, 1.5);
}

TEST(SequentialRateTest, ConfidenceSequenceHoldsTheTrueRatio) {
  const SequentialProportionJudge judge(sequentialSpec());
  Traffic traffic({0.04, 1000}, {0.02, 1000}, 5);  // true ratio 2
  api::SequentialState state;
  for (int k = 0; k < 40; ++k) {
    traffic.look();
    auto canary = traffic.canary(), baseline = traffic.baseline();
    judge.judgeLook(canary, &baseline, state);
  }
  EXPECT_EQ(state.decision, "fail");
  ASSERT_TRUE(state.ratioLow.has_value());
  EXPECT_LT(*state.ratioLow, 2.0);
  EXPECT_GT(state.ratioHigh.value_or(INFINITY), 2.0);
}

TEST(SequentialRateTest, DecreaseGatesWatchTheOtherSide) {
  auto spec = sequentialSpec();
  spec.direction = api::Direction::Decrease;  // e.g. conversions: fewer is harm
  const SequentialProportionJudge judge(spec);
  Traffic traffic({0.05, 1000}, {0.10, 1000}, 3);
  api::SequentialState state;
  EXPECT_GT(firstFailure(judge, traffic, 20, state), 0);
  Traffic higher({0.2, 1000}, {0.10, 1000}, 4);
  api::SequentialState other;
  EXPECT_EQ(firstFailure(judge, higher, 20, other), 0);
}

TEST(SequentialRateTest, GridHoldsTheNullRatiosAndIsAscending) {
  const auto grid = sequential::ratioGrid({1.2, 0.9});
  EXPECT_TRUE(std::is_sorted(grid.begin(), grid.end()));
  EXPECT_NEAR(grid[sequential::gridIndex(grid, 1.2)], 1.2, 1e-12);
  EXPECT_NEAR(grid[sequential::gridIndex(grid, 0.9)], 0.9, 1e-12);
}

TEST(SequentialProportionJudge, JudgesOnlyWhatArrivedSinceTheLastLook) {
  const SequentialProportionJudge judge(sequentialSpec());
  api::SequentialState state;
  MetricValue canary = Counts{1, 100}, baseline = Counts{10, 1000};
  EXPECT_EQ(judge.judgeLook(canary, &baseline, state).verdict, api::Verdict::Pass);
  EXPECT_EQ(state.looks, 1);
  // The same cumulative counts again: nothing new, no look.
  auto again = judge.judgeLook(canary, &baseline, state);
  EXPECT_EQ(again.verdict, api::Verdict::NoData) << again.detail;
  EXPECT_EQ(state.looks, 1);
  // A counter that went down (a series vanished) adds nothing and does not break the look.
  MetricValue fewer = Counts{0, 50}, more = Counts{20, 2000};
  EXPECT_EQ(judge.judgeLook(fewer, &more, state).verdict, api::Verdict::NoData);
}

TEST(SequentialProportionJudge, BadInputIsNeverAPass) {
  const SequentialProportionJudge judge(sequentialSpec());
  api::SequentialState state;
  MetricValue none = NoData{}, counts = Counts{1, 10}, scalar = Scalar{0.5}, broken = Counts{20, 10};
  EXPECT_EQ(judge.judgeLook(none, &counts, state).verdict, api::Verdict::NoData);
  EXPECT_EQ(judge.judgeLook(scalar, &counts, state).verdict, api::Verdict::Error);
  EXPECT_EQ(judge.judgeLook(broken, &counts, state).verdict, api::Verdict::Error);
  EXPECT_EQ(judge.judgeLook(counts, nullptr, state).verdict, api::Verdict::Error);
  EXPECT_EQ(state.looks, 0);
}

Histogram latencies(const std::vector<double>& cumulative) {
  static const double bounds[] = {0.05, 0.1, 0.2, 0.3, 0.4, 0.6, 1.0, INFINITY};
  Histogram h;
  for (size_t i = 0; i < cumulative.size(); ++i) h.buckets.push_back({bounds[i], cumulative[i]});
  return h;
}

TEST(SequentialQuantileJudge, KeepsTheBoundChosenAtTheFirstLook) {
  auto spec = sequentialSpec();
  spec.test = api::CompareTest::Quantile;
  spec.quantile = 0.5;
  spec.allowedIncrease = 1.5;  // the canary's bound: 1.5 × 0.2 = 0.3
  const SequentialQuantileJudge judge(spec);
  api::SequentialState state;
  MetricValue canary = latencies({0, 10, 40, 80, 90, 95, 100, 100});
  MetricValue baseline = latencies({0, 100, 500, 800, 900, 950, 1000, 1000});
  auto j = judge.judgeLook(canary, &baseline, state);
  EXPECT_EQ(j.verdict, api::Verdict::Pass) << j.detail;
  ASSERT_TRUE(state.boundary.has_value());
  EXPECT_DOUBLE_EQ(*state.boundary, 0.2);
  // canary beyond 0.3: 20 of 100; baseline beyond 0.2: 500 of 1000.
  EXPECT_DOUBLE_EQ(state.canary.events, 20);
  EXPECT_DOUBLE_EQ(state.baseline.events, 500);
}

TEST(SequentialQuantileJudge, ASlowerCanaryFails) {
  auto spec = sequentialSpec();
  spec.test = api::CompareTest::Quantile;
  const SequentialQuantileJudge judge(spec);
  api::SequentialState state;
  Judgement j;
  for (int k = 1; k <= 5 && j.verdict != api::Verdict::Fail; ++k) {
    MetricValue canary = latencies({0, 10.0 * k, 30.0 * k, 60.0 * k, 80.0 * k, 90.0 * k, 100.0 * k, 100.0 * k});
    MetricValue baseline = latencies({0, 100.0 * k, 500.0 * k, 800.0 * k, 900.0 * k, 950.0 * k, 1000.0 * k, 1000.0 * k});
    j = judge.judgeLook(canary, &baseline, state);
  }
  EXPECT_EQ(j.verdict, api::Verdict::Fail) << j.detail;
}

TEST(SequentialQuantileJudge, WaitsForEnoughObservationsAndNamesAMissingBound) {
  auto spec = sequentialSpec();
  spec.test = api::CompareTest::Quantile;
  spec.allowedIncrease = 3;  // 3 × 0.6 = 1.8: no bucket bound that high
  const SequentialQuantileJudge judge(spec);
  api::SequentialState state;
  MetricValue few = latencies({0, 1, 2, 3, 4, 5, 6, 6});
  EXPECT_EQ(judge.judgeLook(few, &few, state).verdict, api::Verdict::NoData);
  MetricValue slow = latencies({0, 0, 0, 0, 10, 60, 100, 100});
  auto j = judge.judgeLook(slow, &slow, state);
  EXPECT_EQ(j.verdict, api::Verdict::Error);
  EXPECT_NE(j.detail.find("no bucket bound"), std::string::npos) << j.detail;
}

}  // namespace
}  // namespace aviary::analysis
