// Advice on valid specs: which PromQL ratios answer no data when nothing happened.
#include "aviary/api/advice.h"

#include <gtest/gtest.h>

namespace aviary::api {
namespace {

TEST(Advice, RatiosWithoutAFallbackCanVanish) {
  EXPECT_TRUE(ratioCanVanish("sum(rate(errors[1m])) / sum(rate(requests[1m]))"));
  EXPECT_TRUE(ratioCanVanish("sum(rate(r{code=~\"5..\"}[1m]))/sum(rate(r[1m]))"));
  EXPECT_FALSE(ratioCanVanish("(sum(rate(errors[1m])) or vector(0)) / sum(rate(requests[1m]))"));
  // A slash inside label matchers, ranges or strings is not a division.
  EXPECT_FALSE(ratioCanVanish("sum(rate(r{path=\"/predict\"}[1m]))"));
  EXPECT_FALSE(ratioCanVanish("sum(rate(r{path=~'/a/b'}[1m]))"));
  EXPECT_FALSE(ratioCanVanish("sum(increase(errors[{{elapsed}}]))"));
}

TEST(Advice, NamesTheGateQuery) {
  ModelRelease release;
  Gate ratio;
  ratio.name = "errors";
  ratio.prometheus = PrometheusProvider{};
  ratio.prometheus->query = "a / b";
  Gate plain = ratio;
  plain.prometheus->query = "a";
  release.spec.analysis.gates = {plain, ratio};
  auto advice = advise(release);
  ASSERT_EQ(advice.size(), 1u);
  EXPECT_EQ(advice[0].path, "spec.analysis.gates[1].prometheus.query");
}

}  // namespace
}  // namespace aviary::api
