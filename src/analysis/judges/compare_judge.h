#pragma once
// The canary-versus-baseline judges. They share the spec, the need for a baseline measurement (its
// absence is an Error: the provider failed to fetch it) and the final direction rule (direction.h).

#include "aviary/analysis/judge.h"

namespace aviary::analysis {

class CompareJudge : public Judge {
 public:
  explicit CompareJudge(api::CompareSpec spec) : spec_(spec) {}
  Judgement judge(const MetricValue& canary, const MetricValue* baseline) const final;
  bool needsBaseline() const final { return true; }

 protected:
  virtual Judgement compare(const MetricValue& canary, const MetricValue& baseline) const = 0;
  api::CompareSpec spec_;
};

// Canary versus baseline sample sets (e.g. latency points): two-sided Mann-Whitney U test with the
// Hodges–Lehmann shift and its confidence interval, as Kayenta's judge does. A difference counts when
// p < 1 − confidence and the interval excludes 0; it fails the gate in a watched direction when the mean
// ratio reaches allowedIncrease (or falls to allowedDecrease). Fewer than minSamples points on either
// side: Inconclusive.
class MannWhitneyJudge final : public CompareJudge {
 public:
  using CompareJudge::CompareJudge;
  std::string describe() const override;

 private:
  Judgement compare(const MetricValue& canary, const MetricValue& baseline) const override;
};

// Canary versus baseline event rates (errors out of requests): two-proportion z-test, Fisher's exact
// test when an expected cell count is below 5. Same significance and effect-size rule as above.
// Fewer than minSamples requests on either side: Inconclusive.
class ProportionJudge final : public CompareJudge {
 public:
  using CompareJudge::CompareJudge;
  std::string describe() const override;

 private:
  Judgement compare(const MetricValue& canary, const MetricValue& baseline) const override;
};

// Prediction drift: the population stability index between the canary's and the baseline's
// histograms (the same `le` buckets, e.g. model_prediction_score_bucket). Fails above maxPsi
// (default 0.2, the usual "significant shift" line; 0.1 is "moderate"). Fewer than minSamples
// observations on either side: Inconclusive.
class PsiJudge final : public CompareJudge {
 public:
  using CompareJudge::CompareJudge;
  std::string describe() const override;
  static constexpr double kDefaultMaxPsi = 0.2;

 private:
  Judgement compare(const MetricValue& canary, const MetricValue& baseline) const override;
};

}  // namespace aviary::analysis
