#pragma once
#include "aviary/analysis/judge.h"

namespace aviary::analysis {

// Pass when min ≤ value ≤ max (either bound optional). The value is a scalar, the mean of samples, or
// events/total of counts.
class ThresholdJudge final : public Judge {
 public:
  explicit ThresholdJudge(api::Threshold threshold);
  Judgement judge(const MetricValue& canary, const MetricValue* baseline) const override;
  bool needsBaseline() const override { return false; }
  std::string describe() const override;

 private:
  api::Threshold threshold_;
};

}  // namespace aviary::analysis
