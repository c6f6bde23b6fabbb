#include "analysis/judges/compare_judge.h"

#include "aviary/analysis/statistics.h"
#include "analysis/judges/direction.h"
#include "analysis/judges/format.h"
#include "analysis/judges/value_shapes.h"

namespace aviary::analysis {

Judgement MannWhitneyJudge::compare(const MetricValue& canary, const MetricValue& baseline) const {
  Judgement j;
  const auto x = samplesOf(canary), y = samplesOf(baseline);
  if (x.empty() || y.empty()) {
    j.verdict = api::Verdict::NoData;
    j.detail = "no data (canary " + describeShape(canary) + ", baseline " + describeShape(baseline) + ")";
    return j;
  }
  j.value = meanOf(x);
  j.baseline = meanOf(y);
  const auto minSamples = static_cast<size_t>(api::minSamplesFor(spec_));
  if (x.size() < minSamples || y.size() < minSamples) {
    j.verdict = api::Verdict::Inconclusive;
    j.detail = "too few samples: canary " + std::to_string(x.size()) + ", baseline " + std::to_string(y.size()) +
               " (need " + std::to_string(minSamples) + ")";
    return j;
  }
  const auto test = stats::mannWhitney(x, y, spec_.confidence);
  const double alpha = 1 - spec_.confidence;
  Difference d;
  d.significantlyHigher = test.pValue < alpha && test.ciLow > 0;
  d.significantlyLower = test.pValue < alpha && test.ciHigh < 0;
  d.ratio = safeRatio(*j.value, *j.baseline);
  j.verdict = classify(d, spec_);
  j.detail = "p=" + fmt(test.pValue) + " shift=" + fmt(test.shift) + " ci=[" + fmt(test.ciLow) + "," +
             fmt(test.ciHigh) + "] ratio=" + fmt(d.ratio);
  return j;
}

std::string MannWhitneyJudge::describe() const {
  return describeAs("mann-whitney");
}

}  // namespace aviary::analysis
