#include "analysis/judges/compare_judge.h"

#include <cmath>

#include "aviary/analysis/statistics.h"
#include "analysis/judges/direction.h"
#include "analysis/judges/format.h"
#include "analysis/judges/judge_inputs.h"

namespace aviary::analysis {

Judgement compareRates(const Counts& c, const Counts& b, const api::CompareSpec& spec) {
  Judgement j;
  const int32_t minSamples = api::minSamplesFor(spec);
  if (!(c.total >= minSamples) || !(b.total >= minSamples) || !consistent(c) || !consistent(b)) {
    j.verdict = api::Verdict::Inconclusive;
    j.detail = "too few or inconsistent counts: canary " + fmt(c.events) + "/" + fmt(c.total) + ", baseline " +
               fmt(b.events) + "/" + fmt(b.total) + " (need " + std::to_string(minSamples) + " in total)";
    return j;
  }
  const double canaryRate = c.events / c.total, baselineRate = b.events / b.total;
  j.value = canaryRate;
  j.baseline = baselineRate;
  const auto test = stats::twoProportionTest(c.events, c.total, b.events, b.total);
  const double alpha = 1 - spec.confidence;
  Difference d;
  d.significantlyHigher = test.pValue < alpha && canaryRate > baselineRate;
  d.significantlyLower = test.pValue < alpha && canaryRate < baselineRate;
  d.ratio = safeRatio(canaryRate, baselineRate);
  j.verdict = classify(d, spec);
  j.detail = "canary=" + fmt(canaryRate) + " baseline=" + fmt(baselineRate) + " p=" + fmt(test.pValue) +
             (test.exact ? " (fisher)" : " z=" + fmt(test.z)) + " ratio=" + fmt(d.ratio);
  return j;
}

Judgement ProportionJudge::compare(const MetricValue& canary, const MetricValue& baseline) const {
  auto both = bothCounts(canary, baseline, "proportion");
  if (auto* end = std::get_if<Judgement>(&both)) return *end;
  const auto& counts = std::get<BothCounts>(both);
  return compareRates(counts.canary, counts.baseline, spec_);
}

std::string ProportionJudge::describe() const { return describeAs("proportion"); }

}  // namespace aviary::analysis
