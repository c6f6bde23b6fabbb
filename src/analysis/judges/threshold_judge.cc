#include "analysis/judges/threshold_judge.h"

#include "analysis/judges/format.h"
#include "analysis/judges/value_shapes.h"

namespace aviary::analysis {

ThresholdJudge::ThresholdJudge(api::Threshold threshold) : threshold_(threshold) {}

Judgement ThresholdJudge::judge(const MetricValue& canary, const MetricValue*) const {
  Judgement j;
  auto value = scalarOf(canary);
  if (!value) {
    j.verdict = api::Verdict::NoData;
    j.detail = "no data (" + describeShape(canary) + ")";
    return j;
  }
  j.value = *value;
  const bool belowMin = threshold_.min && *value < *threshold_.min;
  const bool aboveMax = threshold_.max && *value > *threshold_.max;
  j.verdict = belowMin || aboveMax ? api::Verdict::Fail : api::Verdict::Pass;
  j.detail = "value=" + fmt(*value) + (belowMin ? " < min " + fmt(*threshold_.min) : "") +
             (aboveMax ? " > max " + fmt(*threshold_.max) : "");
  return j;
}

std::string ThresholdJudge::describe() const {
  std::string s = "threshold";
  if (threshold_.min) s += " min " + fmt(*threshold_.min);
  if (threshold_.max) s += " max " + fmt(*threshold_.max);
  return s;
}

}  // namespace aviary::analysis
