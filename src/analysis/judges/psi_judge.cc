#include "analysis/judges/compare_judge.h"

#include <cmath>
#include <numeric>

#include "aviary/analysis/statistics.h"
#include "analysis/judges/format.h"
#include "analysis/judges/value_shapes.h"

namespace aviary::analysis {

namespace {

bool sameBuckets(const Histogram& a, const Histogram& b) {
  if (a.buckets.size() != b.buckets.size()) return false;
  for (size_t i = 0; i < a.buckets.size(); ++i) {
    const double x = a.buckets[i].upperBound, y = b.buckets[i].upperBound;
    if (!(x == y || (std::isinf(x) && std::isinf(y)))) return false;
  }
  return true;
}

}  // namespace

Judgement PsiJudge::compare(const MetricValue& canary, const MetricValue& baseline) const {
  Judgement j;
  if (std::holds_alternative<NoData>(canary) || std::holds_alternative<NoData>(baseline)) {
    j.verdict = api::Verdict::NoData;
    j.detail = "no data";
    return j;
  }
  const auto* c = std::get_if<Histogram>(&canary);
  const auto* b = std::get_if<Histogram>(&baseline);
  if (!c || !b) {
    j.verdict = api::Verdict::Error;
    j.detail = "psi needs histograms, got canary " + describeShape(canary) + ", baseline " + describeShape(baseline);
    return j;
  }
  if (!sameBuckets(*c, *b)) {
    j.verdict = api::Verdict::Error;
    j.detail = "canary and baseline histograms have different buckets";
    return j;
  }
  const auto canaryBins = binCounts(*c), baselineBins = binCounts(*b);
  const double canaryTotal = std::accumulate(canaryBins.begin(), canaryBins.end(), 0.0);
  const double baselineTotal = std::accumulate(baselineBins.begin(), baselineBins.end(), 0.0);
  if (canaryTotal < spec_.minSamples || baselineTotal < spec_.minSamples) {
    j.verdict = api::Verdict::Inconclusive;
    j.detail = "too few observations: canary " + fmt(canaryTotal) + ", baseline " + fmt(baselineTotal) + " (need " +
               std::to_string(spec_.minSamples) + ")";
    return j;
  }
  const double psi = stats::populationStabilityIndex(canaryBins, baselineBins);
  const double maxPsi = spec_.maxPsi.value_or(kDefaultMaxPsi);
  j.value = psi;
  j.verdict = psi > maxPsi ? api::Verdict::Fail : api::Verdict::Pass;
  j.detail = "psi=" + fmt(psi) + (psi > maxPsi ? " > " : " <= ") + "max " + fmt(maxPsi) + " over " +
             std::to_string(canaryBins.size()) + " buckets";
  return j;
}

std::string PsiJudge::describe() const { return "psi max " + fmt(spec_.maxPsi.value_or(kDefaultMaxPsi)); }

}  // namespace aviary::analysis
