#include "analysis/judges/compare_judge.h"

#include <cmath>

#include "aviary/analysis/statistics.h"
#include "analysis/judges/direction.h"
#include "analysis/judges/format.h"

namespace aviary::analysis {

Judgement ProportionJudge::compare(const MetricValue& canary, const MetricValue& baseline) const {
  Judgement j;
  const auto* c = std::get_if<Counts>(&canary);
  const auto* b = std::get_if<Counts>(&baseline);
  if (std::holds_alternative<NoData>(canary) || std::holds_alternative<NoData>(baseline)) {
    j.verdict = api::Verdict::NoData;
    j.detail = "no data";
    return j;
  }
  if (!c || !b) {
    j.verdict = api::Verdict::Error;
    j.detail = "proportion needs event/total counts, got canary " + describeShape(canary) + ", baseline " +
               describeShape(baseline);
    return j;
  }
  if (!(c->total >= spec_.minSamples) || !(b->total >= spec_.minSamples) || c->events > c->total ||
      b->events > b->total || c->events < 0 || b->events < 0) {
    j.verdict = api::Verdict::Inconclusive;
    j.detail = "too few or inconsistent counts: canary " + fmt(c->events) + "/" + fmt(c->total) + ", baseline " +
               fmt(b->events) + "/" + fmt(b->total) + " (need " + std::to_string(spec_.minSamples) + " in total)";
    return j;
  }
  const double canaryRate = c->events / c->total, baselineRate = b->events / b->total;
  j.value = canaryRate;
  j.baseline = baselineRate;
  const auto test = stats::twoProportionTest(c->events, c->total, b->events, b->total);
  const double alpha = 1 - spec_.confidence;
  Difference d;
  d.significantlyHigher = test.pValue < alpha && canaryRate > baselineRate;
  d.significantlyLower = test.pValue < alpha && canaryRate < baselineRate;
  d.ratio = safeRatio(canaryRate, baselineRate);
  j.verdict = classify(d, spec_);
  j.detail = "canary=" + fmt(canaryRate) + " baseline=" + fmt(baselineRate) + " p=" + fmt(test.pValue) +
             (test.exact ? " (fisher)" : " z=" + fmt(test.z)) + " ratio=" + fmt(d.ratio);
  return j;
}

std::string ProportionJudge::describe() const {
  return std::string("proportion ") + directionName(spec_.direction) + " confidence " + fmt(spec_.confidence);
}

}  // namespace aviary::analysis
