#pragma once
#include "aviary/analysis/judge.h"

namespace aviary::analysis {

// Canary versus baseline sample sets (e.g. latency points): two-sided Mann-Whitney U test with the
// Hodges–Lehmann shift and its confidence interval, as Kayenta's judge does. A difference counts when
// p < 1 − confidence and the interval excludes 0; it fails the gate in a watched direction when the mean
// ratio reaches allowedIncrease (or falls to allowedDecrease). Fewer than minSamples points on either
// side: Inconclusive.
class MannWhitneyJudge final : public Judge {
 public:
  explicit MannWhitneyJudge(api::CompareSpec spec);
  Judgement judge(const MetricValue& canary, const MetricValue* baseline) const override;
  bool needsBaseline() const override { return true; }
  std::string describe() const override;

 private:
  api::CompareSpec spec_;
};

}  // namespace aviary::analysis
