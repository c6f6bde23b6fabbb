#include "analysis/judges/compare_judge.h"

#include "analysis/judges/direction.h"
#include "analysis/judges/format.h"

namespace aviary::analysis {

CompareJudge::CompareJudge(const api::CompareSpec& spec, LookCorrection looks)
    : spec_(spec), looks_(looks), gateConfidence_(spec.confidence) {
  spec_.confidence = 1 - (1 - spec.confidence) / looks.looks;
}

Judgement CompareJudge::judge(const MetricValue& canary, const MetricValue* baseline) const {
  if (!baseline) {
    Judgement j;
    j.verdict = api::Verdict::Error;
    j.detail = "no baseline measurement";
    return j;
  }
  return compare(canary, *baseline);
}

std::string CompareJudge::describeAs(const std::string& test) const {
  std::string text = test + " " + directionName(spec_.direction) + " confidence " + fmt(gateConfidence_);
  if (looks_.looks > 1) {
    text += " (per look " + fmt(spec_.confidence) + " over " + std::to_string(looks_.looks) + " looks)";
  }
  return text;
}

}  // namespace aviary::analysis
