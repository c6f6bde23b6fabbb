#include "analysis/judges/compare_judge.h"

#include <numeric>

#include "aviary/analysis/statistics.h"
#include "analysis/judges/format.h"
#include "analysis/judges/judge_inputs.h"
#include "analysis/judges/value_shapes.h"

namespace aviary::analysis {

Judgement PsiJudge::compare(const MetricValue& canary, const MetricValue& baseline) const {
  auto both = bothHistograms(canary, baseline, "psi");
  if (auto* end = std::get_if<Judgement>(&both)) return *end;
  const auto& histograms = std::get<BothHistograms>(both);
  Judgement j;
  const auto canaryBins = binCounts(histograms.canary), baselineBins = binCounts(histograms.baseline);
  const double canaryTotal = std::accumulate(canaryBins.begin(), canaryBins.end(), 0.0);
  const double baselineTotal = std::accumulate(baselineBins.begin(), baselineBins.end(), 0.0);
  const int32_t minSamples = api::minSamplesFor(spec_);
  if (canaryTotal < minSamples || baselineTotal < minSamples) {
    j.verdict = api::Verdict::Inconclusive;
    j.detail = "too few observations: canary " + fmt(canaryTotal) + ", baseline " + fmt(baselineTotal) + " (need " +
               std::to_string(minSamples) + ")";
    return j;
  }
  const double psi = stats::populationStabilityIndex(canaryBins, baselineBins);
  const double maxPsi = spec_.maxPsi.value_or(kDefaultMaxPsi);
  const double noise = stats::psiNoiseAllowance(canaryBins.size(), canaryTotal, baselineTotal, spec_.confidence);
  const double limit = std::max(maxPsi, noise);
  j.value = psi;
  j.verdict = psi > limit ? api::Verdict::Fail : api::Verdict::Pass;
  j.detail = "psi=" + fmt(psi) + (psi > limit ? " > " : " <= ") + "max " + fmt(maxPsi) + " (chance level " +
             fmt(noise) + ") over " + std::to_string(canaryBins.size()) + " buckets";
  return j;
}

std::string PsiJudge::describe() const {
  return "psi max " + fmt(spec_.maxPsi.value_or(kDefaultMaxPsi)) + " confidence " + fmt(gateConfidence_);
}

}  // namespace aviary::analysis
