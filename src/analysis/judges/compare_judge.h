#pragma once
// The canary-versus-baseline judges. They share the spec, the need for a baseline measurement (its
// absence is an Error: the provider failed to fetch it) and the final direction rule (direction.h).

#include "aviary/analysis/judge.h"

namespace aviary::analysis {

// How many fixed-horizon looks share a gate's false-alarm budget 1 − confidence (its count).
struct LookCorrection {
  int32_t looks = 1;
};

class CompareJudge : public Judge {
 public:
  // The spec's confidence is the gate's; each look is tested at 1 − (1 − confidence)/looks.
  CompareJudge(const api::CompareSpec& spec, LookCorrection looks = {});
  Judgement judge(const MetricValue& canary, const MetricValue* baseline) const final;
  bool needsBaseline() const final { return true; }

 protected:
  virtual Judgement compare(const MetricValue& canary, const MetricValue& baseline) const = 0;
  // "proportion increase confidence 0.95" (+ " per look 0.9917 over 6 looks" when corrected).
  std::string describeAs(const std::string& test) const;
  api::CompareSpec spec_;  // confidence: the per-look level
  LookCorrection looks_;
  double gateConfidence_;
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

// The fixed-horizon rate comparison both the proportion and the quantile judge make once their
// inputs are event/total counts; `tolerance` is the spec with the ratio limits that apply to rates.
Judgement compareRates(const Counts& canary, const Counts& baseline, const api::CompareSpec& tolerance);

// Canary versus baseline latency (or any histogram): the share of canary requests above
// allowedIncrease × the baseline's bucket bound nearest the pooled `quantile`, against the baseline's
// share above that bound, compared as rates (docs/gates.md). For direction decrease, the shares below.
class QuantileJudge final : public CompareJudge {
 public:
  using CompareJudge::CompareJudge;
  std::string describe() const override;

 private:
  Judgement compare(const MetricValue& canary, const MetricValue& baseline) const override;
};

// Prediction drift: the population stability index between the canary's and the baseline's
// histograms (the same `le` buckets, e.g. model_prediction_score_bucket), with Jeffreys' ½ added to
// every bin. Fails when it exceeds both maxPsi (default 0.2, the usual "significant shift" line; 0.1
// is "moderate") and what two samples of one distribution of these sizes reach by chance at the
// look's confidence (psiNoiseAllowance). Fewer than minSamples observations on either side (default
// 500): Inconclusive.
class PsiJudge final : public CompareJudge {
 public:
  using CompareJudge::CompareJudge;
  std::string describe() const override;
  static constexpr double kDefaultMaxPsi = 0.2;

 private:
  Judgement compare(const MetricValue& canary, const MetricValue& baseline) const override;
};

}  // namespace aviary::analysis
