// The sequential judge with planned looks (alpha_spending.h): the schedule never spends more than α,
// the exact tests and ratio bounds agree with SciPy (fixtures/spending.py → fixtures/spending.json),
// a healthy canary is rolled back at most α of the time at every horizon up to 100 looks (simulated,
// fixed seed), a +2 pp regression is caught within three looks, and the budget is never re-spent.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <random>

#include "aviary/analysis/alpha_spending.h"
#include "aviary/analysis/judge.h"
#include "aviary/analysis/statistics.h"
#include "unit/analysis/simulated_counts.h"

namespace aviary::analysis {
namespace {

nlohmann::json fixtures() {
  std::ifstream in(std::filesystem::path(AVIARY_TEST_DIR) / "fixtures" / "spending.json");
  return nlohmann::json::parse(in);
}

void expectRelative(double actual, double expected, double tolerance, const std::string& what) {
  if (expected == 0) {
    EXPECT_EQ(actual, 0) << what;
  } else {
    EXPECT_LE(std::fabs(actual - expected) / expected, tolerance) << what << ": " << actual << " vs " << expected;
  }
}

TEST(AlphaSpending, ScheduleSpendsAtMostAlphaAndFrontLoadsIt) {
  for (int32_t looks : {1, 2, 3, 4, 5, 6, 7, 8, 20, 100, 1000, 10000}) {
    for (double alpha : {0.05, 0.01, 0.001}) {
      double sum = 0, previous = INFINITY;
      for (int32_t k = 1; k <= looks; ++k) {
        const double level = spending::lookAlpha(alpha, k, looks);
        EXPECT_GT(level, 0) << looks << " " << k;
        EXPECT_LE(level, previous * (1 + 1e-15)) << "never increasing: look " << k << " of " << looks;
        previous = level;
        sum += level;
      }
      EXPECT_LE(sum, alpha * (1 + 1e-12)) << looks << " looks at " << alpha;
      EXPECT_GE(sum, alpha * (1 - 1e-12)) << "the whole budget is offered";
      EXPECT_EQ(spending::lookAlpha(alpha, looks + 1, looks), 0) << "nothing beyond the plan";
      EXPECT_EQ(spending::lookAlpha(alpha, 0, looks), 0);
      if (looks > 6) {
        EXPECT_NEAR(spending::lookAlpha(alpha, 1, looks) * 3, alpha / 2, 1e-15) << "half at the first three looks";
      }
    }
  }
}

TEST(AlphaSpending, BinomialTailsAgreeWithScipy) {
  for (const auto& c : fixtures()["binomial_tails"]) {
    const double x = c["x"], n = c["n"], p = c["p"];
    const std::string what = "x=" + std::to_string(x) + " n=" + std::to_string(n) + " p=" + std::to_string(p);
    expectRelative(stats::binomialUpperTail(x, n, p), c["upper"], 1e-11, "upper " + what);
    expectRelative(stats::binomialLowerTail(x, n, p), c["lower"], 1e-11, "lower " + what);
  }
}

TEST(AlphaSpending, RatioBoundsAgreeWithScipyClopperPearson) {
  for (const auto& c : fixtures()["ratio_intervals"]) {
    const auto r = spending::ratioInterval(c["x"], c["events"], c["share"], c["level"]);
    const std::string what = c.dump();
    ASSERT_EQ(r.low.has_value(), !c["low"].is_null()) << what;
    ASSERT_EQ(r.high.has_value(), !c["high"].is_null()) << what;
    if (r.low) expectRelative(*r.low, c["low"], 1e-9, "low " + what);
    if (r.high) expectRelative(*r.high, c["high"], 1e-9, "high " + what);
  }
}

TEST(AlphaSpending, TestsAreExactAtTheNullAndMonotoneInTheRatio) {
  // 20 of 108 events on a 10% canary: p of harm against ratio 1 is SciPy's binomial tail; a larger
  // tolerated ratio can only raise it (the composite null "ratio ≤ 1.5" is tested at its edge).
  const double p1 = spending::pAbove(20, 108, 0.1, 1.0), p15 = spending::pAbove(20, 108, 0.1, 1.5);
  EXPECT_NEAR(p1, 0.004990529488284271, 1e-15);
  EXPECT_GT(p15, p1);
  EXPECT_NEAR(spending::eventShare(0.1, 3.0), 0.25, 1e-15);
  EXPECT_NEAR(spending::ratioForShare(0.1, 0.25), 3.0, 1e-12);
}

// --- the judge, built from a gate spec as the operator builds it ------------------------------

api::Gate plannedGate(double confidence, std::optional<int32_t> maxLooks, std::optional<int32_t> count = std::nullopt,
                      api::Direction direction = api::Direction::Increase) {
  api::Gate gate;
  gate.name = "errors";
  api::CompareSpec spec;
  spec.test = api::CompareTest::Proportion;
  spec.sequential = true;
  spec.spending = api::Spending::FrontLoaded;
  spec.maxLooks = maxLooks;
  spec.confidence = confidence;
  spec.direction = direction;
  gate.compare = spec;
  gate.count = count;
  return gate;
}

using testing::Arm;
using Traffic = testing::SimulatedCounts;

// The look that failed (0: none within `looks`).
int firstFailure(const Judge& judge, Traffic& traffic, int looks, api::SequentialState& state) {
  for (int k = 1; k <= looks; ++k) {
    traffic.look();
    const auto canary = traffic.canary(), baseline = traffic.baseline();
    if (judge.judgeLook(canary, &baseline, state).verdict == api::Verdict::Fail) return k;
  }
  return 0;
}

TEST(PlannedLooksJudge, HealthyCanaryIsRolledBackAtMostAlphaAtEveryHorizon) {
  // 1% errors on both sides, 10% of 100 req/s on the canary, 30 s looks, 100 planned looks.
  const auto judge = makeJudge(plannedGate(0.95, 100));
  const int trials = 1500, horizon = 100;
  std::vector<int> failuresBy(horizon + 1, 0);
  for (int t = 0; t < trials; ++t) {
    Traffic traffic({0.01, 300}, {0.01, 2700}, 7000 + static_cast<uint64_t>(t));
    api::SequentialState state;
    const int failed = firstFailure(*judge, traffic, horizon, state);
    if (failed) {
      for (int h = failed; h <= horizon; ++h) ++failuresBy[static_cast<size_t>(h)];
    }
  }
  // The union bound holds exactly; the looks' strong correlation leaves it far from tight, so even
  // with 3 standard errors of 1,500 trials (≈ 0.017) on top, every horizon stays within α.
  for (int h = 1; h <= horizon; ++h) {
    EXPECT_LE(failuresBy[static_cast<size_t>(h)] / double(trials) + 0.017, 0.05 + 0.017) << "horizon " << h;
    EXPECT_LE(failuresBy[static_cast<size_t>(h)] / double(trials), 0.05) << "horizon " << h;
  }
}

TEST(PlannedLooksJudge, TwoPercentagePointsMoreErrorsAreCaughtWithinThreeLooks) {
  const auto judge = makeJudge(plannedGate(0.95, 100));
  const int trials = 1000;
  int within3 = 0;
  for (int t = 0; t < trials; ++t) {
    Traffic traffic({0.03, 300}, {0.01, 2700}, 90000 + static_cast<uint64_t>(t));
    api::SequentialState state;
    const int failed = firstFailure(*judge, traffic, 3, state);
    if (failed) ++within3;
  }
  EXPECT_GE(within3 / double(trials), 0.94) << within3;  // 96% over 10,000 trials in bench/judges
}

TEST(PlannedLooksJudge, AfterTheLastPlannedLookItPassesWithoutTestingAgain) {
  const auto judge = makeJudge(plannedGate(0.95, 3));
  Traffic healthy({0.01, 300}, {0.01, 2700}, 5);
  api::SequentialState state;
  ASSERT_EQ(firstFailure(*judge, healthy, 3, state), 0);
  EXPECT_EQ(state.looks, 3);
  EXPECT_EQ(state.maxLooks, 3);
  EXPECT_NEAR(state.alphaSpent, 0.05, 1e-15);
  // A tenfold regression after the plan: the budget is spent, so the gate cannot fail on it.
  Counts canary{state.canary.events + 300, state.canary.total + 300};
  Counts baseline{state.baseline.events + 27, state.baseline.total + 2700};
  const MetricValue c = canary, b = baseline;
  const Judgement j = judge->judgeLook(c, &b, state);
  EXPECT_EQ(j.verdict, api::Verdict::Pass);
  EXPECT_EQ(state.looks, 3);
  EXPECT_EQ(state.decision, "pass");
  EXPECT_EQ(state.reason, "no harm found over the 3 planned looks");
}

TEST(PlannedLooksJudge, ThePlanIsFixedAtTheFirstLookAndDefaultsToTheGatesCount) {
  const auto byCount = makeJudge(plannedGate(0.95, std::nullopt, 20));
  EXPECT_EQ(byCount->describe(), "proportion increase sequential confidence 0.95 front-loaded over 20 looks");
  EXPECT_EQ(makeJudge(plannedGate(0.95, std::nullopt))->describe(),
            "proportion increase sequential confidence 0.95 front-loaded over 100 looks");
  // A state planned for 5 looks keeps its plan though the spec now says 20.
  api::SequentialState state;
  state.maxLooks = 5;
  const MetricValue c = Counts{3, 300}, b = Counts{27, 2700};
  byCount->judgeLook(c, &b, state);
  EXPECT_EQ(state.maxLooks, 5);
  EXPECT_DOUBLE_EQ(state.alphaSpent, spending::lookAlpha(1 - 0.95, 1, 5));
}

TEST(PlannedLooksJudge, FailsWithTheReasonAndAPValueThatNeverIncreases) {
  const auto judge = makeJudge(plannedGate(0.95, 100));
  Traffic traffic({0.05, 300}, {0.01, 2700}, 11);
  api::SequentialState state;
  double previous = 1;
  int failedAt = 0;
  for (int k = 1; k <= 10 && !failedAt; ++k) {
    traffic.look();
    const auto canary = traffic.canary(), baseline = traffic.baseline();
    const Judgement j = judge->judgeLook(canary, &baseline, state);
    EXPECT_LE(state.pValue, previous);
    previous = state.pValue;
    if (j.verdict == api::Verdict::Fail) failedAt = k;
  }
  ASSERT_GT(failedAt, 0);
  EXPECT_LE(state.pValue, 0.05);
  EXPECT_EQ(state.decision, "fail");
  EXPECT_NE(state.reason.find("the canary/baseline ratio is above 1"), std::string::npos) << state.reason;
  ASSERT_TRUE(state.ratioLow.has_value());
  EXPECT_GT(*state.ratioLow, 1.0) << "the confidence sequence excludes no harm";
}

TEST(PlannedLooksJudge, PassesEarlyOnceEveryHarmfulRatioIsExcludedAndWatchesDecreases) {
  // Tolerating twice the baseline's errors, a healthy canary proves it is under that soon.
  auto gate = plannedGate(0.95, 100);
  gate.compare->allowedIncrease = 2.0;
  const auto tolerant = makeJudge(gate);
  Traffic healthy({0.01, 3000}, {0.01, 27000}, 3);
  api::SequentialState state;
  for (int k = 0; k < 10 && state.decision.empty(); ++k) {
    healthy.look();
    const auto canary = healthy.canary(), baseline = healthy.baseline();
    EXPECT_EQ(tolerant->judgeLook(canary, &baseline, state).verdict, api::Verdict::Pass);
  }
  EXPECT_EQ(state.decision, "pass");
  EXPECT_NE(state.reason.find("excludes every harmful ratio"), std::string::npos) << state.reason;
  EXPECT_TRUE(state.ratioHigh.has_value());

  // direction decrease: a canary that stopped producing events (a success metric) fails.
  const auto decrease = makeJudge(plannedGate(0.95, 100, std::nullopt, api::Direction::Decrease));
  Traffic quiet({0.002, 3000}, {0.05, 27000}, 4);
  api::SequentialState down;
  EXPECT_GT(firstFailure(*decrease, quiet, 5, down), 0);
  EXPECT_NE(down.reason.find("below 1"), std::string::npos) << down.reason;
}

TEST(PlannedLooksJudge, NoNewRequestsIsNoDataAndSpendsNothing) {
  const auto judge = makeJudge(plannedGate(0.95, 100));
  api::SequentialState state;
  const MetricValue c = Counts{3, 300}, b = Counts{27, 2700};
  judge->judgeLook(c, &b, state);
  const double spent = state.alphaSpent;
  EXPECT_EQ(judge->judgeLook(c, &b, state).verdict, api::Verdict::NoData);
  EXPECT_EQ(state.looks, 1);
  EXPECT_EQ(state.alphaSpent, spent);
}

}  // namespace
}  // namespace aviary::analysis
