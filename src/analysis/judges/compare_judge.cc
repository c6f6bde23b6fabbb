#include "analysis/judges/compare_judge.h"

namespace aviary::analysis {

Judgement CompareJudge::judge(const MetricValue& canary, const MetricValue* baseline) const {
  if (!baseline) {
    Judgement j;
    j.verdict = api::Verdict::Error;
    j.detail = "no baseline measurement";
    return j;
  }
  return compare(canary, *baseline);
}

}  // namespace aviary::analysis
