#include <gtest/gtest.h>

#include <cmath>

#include "aviary/analysis/judge.h"

namespace aviary::analysis {
namespace {

api::Gate thresholdGate(std::optional<double> min, std::optional<double> max) {
  api::Gate g;
  g.name = "error-rate";
  g.threshold = api::Threshold{min, max};
  return g;
}

struct Case {
  const char* name;
  MetricValue value;
  api::Verdict want;
};

TEST(ThresholdJudge, Table) {
  auto judge = makeJudge(thresholdGate(std::nullopt, 0.01));
  const Case cases[] = {
      {"below max", Scalar{0.005}, api::Verdict::Pass},
      {"at max", Scalar{0.01}, api::Verdict::Pass},
      {"above max", Scalar{0.3}, api::Verdict::Fail},
      {"no series", NoData{}, api::Verdict::NoData},
      {"NaN from 0/0", Scalar{std::nan("")}, api::Verdict::NoData},
      {"samples use the mean", Samples{{0.0, 0.02, 0.04}}, api::Verdict::Fail},
      {"counts use the rate", Counts{3, 1000}, api::Verdict::Pass},
      {"counts with no traffic", Counts{0, 0}, api::Verdict::NoData},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(judge->judge(c.value, nullptr).verdict, c.want) << c.name;
  }
}

TEST(ThresholdJudge, ReportsValueAndBound) {
  auto judge = makeJudge(thresholdGate(0.9, std::nullopt));
  auto j = judge->judge(Scalar{0.8}, nullptr);
  EXPECT_EQ(j.verdict, api::Verdict::Fail);
  ASSERT_TRUE(j.value);
  EXPECT_DOUBLE_EQ(*j.value, 0.8);
  EXPECT_EQ(j.detail, "value=0.8 < min 0.9");
  EXPECT_EQ(judge->describe(), "threshold min 0.9");
  EXPECT_FALSE(judge->needsBaseline());
}

}  // namespace
}  // namespace aviary::analysis
