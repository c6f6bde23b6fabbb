#pragma once
#include "aviary/analysis/judge.h"

namespace aviary::analysis {

// Prediction drift: the population stability index between the canary's and the baseline's
// histograms (the same `le` buckets, e.g. model_prediction_score_bucket). Fails above maxPsi
// (default 0.2, the usual "significant shift" line; 0.1 is "moderate"). Fewer than minSamples
// observations on either side: Inconclusive.
class PsiJudge final : public Judge {
 public:
  explicit PsiJudge(api::CompareSpec spec);
  Judgement judge(const MetricValue& canary, const MetricValue* baseline) const override;
  bool needsBaseline() const override { return true; }
  std::string describe() const override;

  static constexpr double kDefaultMaxPsi = 0.2;

 private:
  api::CompareSpec spec_;
};

}  // namespace aviary::analysis
