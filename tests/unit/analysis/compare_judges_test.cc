#include <gtest/gtest.h>

#include <random>

#include "aviary/analysis/judge.h"

namespace aviary::analysis {
namespace {

api::Gate compareGate(api::CompareTest test, api::Direction direction = api::Direction::Increase) {
  api::Gate g;
  g.name = "compare";
  g.compare = api::CompareSpec{};
  g.compare->test = test;
  g.compare->direction = direction;
  g.compare->confidence = 0.98;
  return g;
}

Samples normalSamples(double mean, double sd, int n, unsigned seed) {
  std::mt19937 rng(seed);
  std::normal_distribution<double> dist(mean, sd);
  Samples s;
  for (int i = 0; i < n; ++i) s.values.push_back(dist(rng));
  return s;
}

TEST(MannWhitneyJudge, SlowerCanaryFailsAnIncreaseGate) {
  auto judge = makeJudge(compareGate(api::CompareTest::MannWhitney));
  MetricValue canary = normalSamples(150, 10, 60, 1), baseline = normalSamples(100, 10, 60, 2);
  auto j = judge->judge(canary, &baseline);
  EXPECT_EQ(j.verdict, api::Verdict::Fail) << j.detail;
  EXPECT_NEAR(*j.value, 150, 5);
  EXPECT_NEAR(*j.baseline, 100, 5);
}

TEST(MannWhitneyJudge, SimilarCanaryPasses) {
  auto judge = makeJudge(compareGate(api::CompareTest::MannWhitney));
  MetricValue canary = normalSamples(100, 10, 60, 3), baseline = normalSamples(100, 10, 60, 4);
  EXPECT_EQ(judge->judge(canary, &baseline).verdict, api::Verdict::Pass);
}

TEST(MannWhitneyJudge, FasterCanaryPassesAnIncreaseGateButFailsEither) {
  MetricValue canary = normalSamples(70, 10, 60, 5), baseline = normalSamples(100, 10, 60, 6);
  EXPECT_EQ(makeJudge(compareGate(api::CompareTest::MannWhitney))->judge(canary, &baseline).verdict, api::Verdict::Pass);
  EXPECT_EQ(makeJudge(compareGate(api::CompareTest::MannWhitney, api::Direction::Either))->judge(canary, &baseline).verdict,
            api::Verdict::Fail);
}

TEST(MannWhitneyJudge, AllowedIncreaseToleratesASmallSignificantShift) {
  auto gate = compareGate(api::CompareTest::MannWhitney);
  gate.compare->allowedIncrease = 1.2;
  MetricValue canary = normalSamples(110, 3, 80, 7), baseline = normalSamples(100, 3, 80, 8);
  auto j = makeJudge(gate)->judge(canary, &baseline);
  EXPECT_EQ(j.verdict, api::Verdict::Pass) << j.detail;
}

TEST(MannWhitneyJudge, EdgeCases) {
  auto judge = makeJudge(compareGate(api::CompareTest::MannWhitney));
  MetricValue few = Samples{{1, 2, 3}}, many = normalSamples(10, 1, 40, 9);
  EXPECT_EQ(judge->judge(few, &many).verdict, api::Verdict::Inconclusive);
  MetricValue equal = Samples{std::vector<double>(40, 7.0)};
  EXPECT_EQ(judge->judge(equal, &equal).verdict, api::Verdict::Pass);
  MetricValue none = NoData{};
  EXPECT_EQ(judge->judge(none, &many).verdict, api::Verdict::NoData);
  EXPECT_EQ(judge->judge(many, nullptr).verdict, api::Verdict::Error);
  MetricValue nans = Samples{{std::nan(""), std::nan("")}};
  EXPECT_EQ(judge->judge(nans, &many).verdict, api::Verdict::NoData);
}

TEST(ProportionJudge, HighErrorRateFails) {
  auto judge = makeJudge(compareGate(api::CompareTest::Proportion));
  MetricValue canary = Counts{300, 1000}, baseline = Counts{1, 1000};
  auto j = judge->judge(canary, &baseline);
  EXPECT_EQ(j.verdict, api::Verdict::Fail) << j.detail;
  EXPECT_DOUBLE_EQ(*j.value, 0.3);
}

TEST(ProportionJudge, ComparableRatesPass) {
  auto judge = makeJudge(compareGate(api::CompareTest::Proportion));
  MetricValue canary = Counts{12, 1000}, baseline = Counts{10, 1000};
  EXPECT_EQ(judge->judge(canary, &baseline).verdict, api::Verdict::Pass);
}

TEST(ProportionJudge, SmallCountsUseTheExactTest) {
  auto judge = makeJudge(compareGate(api::CompareTest::Proportion));
  MetricValue canary = Counts{9, 30}, baseline = Counts{0, 30};
  auto j = judge->judge(canary, &baseline);
  EXPECT_EQ(j.verdict, api::Verdict::Fail) << j.detail;
  EXPECT_NE(j.detail.find("fisher"), std::string::npos);
}

TEST(ProportionJudge, WrongShapesAndTooLittleTraffic) {
  auto judge = makeJudge(compareGate(api::CompareTest::Proportion));
  MetricValue scalar = Scalar{0.1}, counts = Counts{1, 1000}, tiny = Counts{1, 5};
  EXPECT_EQ(judge->judge(scalar, &counts).verdict, api::Verdict::Error);
  EXPECT_EQ(judge->judge(tiny, &counts).verdict, api::Verdict::Inconclusive);
  MetricValue inconsistent = Counts{50, 10};
  EXPECT_EQ(judge->judge(inconsistent, &counts).verdict, api::Verdict::Inconclusive);
}

Histogram histogram(std::vector<double> perBin) {
  const double bounds[] = {0.1, 0.2, 0.3, 0.5, 0.8, INFINITY};
  Histogram h;
  double cumulative = 0;
  for (size_t i = 0; i < perBin.size(); ++i) {
    cumulative += perBin[i];
    h.buckets.push_back({bounds[i], cumulative});
  }
  return h;
}

TEST(PsiJudge, ShiftedPredictionsFail) {
  auto judge = makeJudge(compareGate(api::CompareTest::Psi));
  MetricValue canary = histogram({50, 100, 200, 300, 250, 100}), baseline = histogram({250, 300, 200, 150, 70, 30});
  auto j = judge->judge(canary, &baseline);
  EXPECT_EQ(j.verdict, api::Verdict::Fail) << j.detail;
  EXPECT_GT(*j.value, 0.2);
}

TEST(PsiJudge, NeedsFiveHundredPerSideUnlessTold) {
  auto judge = makeJudge(compareGate(api::CompareTest::Psi));
  MetricValue canary = histogram({5, 10, 20, 30, 25, 10}), baseline = histogram({25, 30, 20, 15, 7, 3});
  EXPECT_EQ(judge->judge(canary, &baseline).verdict, api::Verdict::Inconclusive);
}

TEST(PsiJudge, ChanceDifferencesOfSmallSamplesDoNotFail) {
  // 60 vs 60 predictions of one distribution: a PSI above 0.2 happens by chance at this size, so the
  // judge holds it to what chance reaches (χ²₅ at 0.95 × (1/60 + 1/60) = 0.37).
  auto gate = compareGate(api::CompareTest::Psi);
  gate.compare->minSamples = 20;
  auto judge = makeJudge(gate);
  MetricValue canary = histogram({6, 14, 10, 12, 14, 4}), baseline = histogram({12, 8, 14, 8, 10, 8});
  auto j = judge->judge(canary, &baseline);
  EXPECT_GT(*j.value, 0.2) << j.detail;
  EXPECT_EQ(j.verdict, api::Verdict::Pass) << j.detail;
}

TEST(PsiJudge, SimilarPredictionsPassEvenWithEmptyBuckets) {
  auto judge = makeJudge(compareGate(api::CompareTest::Psi));
  MetricValue canary = histogram({240, 310, 210, 140, 100, 0}), baseline = histogram({250, 300, 200, 150, 100, 0});
  auto j = judge->judge(canary, &baseline);
  EXPECT_EQ(j.verdict, api::Verdict::Pass) << j.detail;
  EXPECT_LT(*j.value, 0.01);
}

TEST(PsiJudge, MismatchedBucketsAreAnError) {
  auto judge = makeJudge(compareGate(api::CompareTest::Psi));
  Histogram other = histogram({25, 30, 20, 15, 10, 0});
  other.buckets[0].upperBound = 0.05;
  MetricValue canary = histogram({25, 30, 20, 15, 10, 0}), baseline = other;
  EXPECT_EQ(judge->judge(canary, &baseline).verdict, api::Verdict::Error);
  MetricValue few = histogram({1, 1, 1, 1, 1, 1});
  EXPECT_EQ(judge->judge(few, &canary).verdict, api::Verdict::Inconclusive);
}

}  // namespace
}  // namespace aviary::analysis
