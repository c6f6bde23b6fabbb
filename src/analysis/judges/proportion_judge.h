#pragma once
#include "aviary/analysis/judge.h"

namespace aviary::analysis {

// Canary versus baseline event rates (errors out of requests): two-proportion z-test, Fisher's exact
// test when an expected cell count is below 5. A difference counts when p < 1 − confidence; it fails the
// gate in a watched direction when the rate ratio reaches allowedIncrease (or falls to allowedDecrease).
// Fewer than minSamples events in total (requests) on either side: Inconclusive.
class ProportionJudge final : public Judge {
 public:
  explicit ProportionJudge(api::CompareSpec spec);
  Judgement judge(const MetricValue& canary, const MetricValue* baseline) const override;
  bool needsBaseline() const override { return true; }
  std::string describe() const override;

 private:
  api::CompareSpec spec_;
};

}  // namespace aviary::analysis
