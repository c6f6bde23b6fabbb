#include "analysis/judges/sequential_judges.h"

#include "analysis/judges/exceedance.h"
#include "analysis/judges/format.h"

namespace aviary::analysis {

std::variant<BothCounts, Judgement> SequentialProportionJudge::cumulativeCounts(const MetricValue& canary,
                                                                                const MetricValue& baseline,
                                                                                api::SequentialState&) const {
  return bothCounts(canary, baseline, "proportion");
}

std::string SequentialProportionJudge::describe() const { return describeAs("proportion"); }

std::variant<BothCounts, Judgement> SequentialQuantileJudge::cumulativeCounts(const MetricValue& canary,
                                                                              const MetricValue& baseline,
                                                                              api::SequentialState& state) const {
  auto both = bothHistograms(canary, baseline, "quantile");
  if (auto* end = std::get_if<Judgement>(&both)) return *end;
  const auto& histograms = std::get<BothHistograms>(both);
  if (!state.boundary) {
    const auto total = [](const Histogram& h) { return h.buckets.empty() ? 0.0 : h.buckets.back().cumulativeCount; };
    const double pooled = total(histograms.canary) + total(histograms.baseline);
    const int32_t minSamples = api::minSamplesFor(spec_);
    if (pooled < minSamples) {
      return lookEnded(api::Verdict::NoData,
                       "choosing the bucket bound after " + std::to_string(minSamples) + " observations, have " + fmt(pooled));
    }
  }
  auto counted = exceedance(histograms, spec_, state.boundary);
  if (auto* end = std::get_if<Judgement>(&counted)) return *end;
  const auto& e = std::get<Exceedance>(counted);
  state.boundary = e.baselineBound;
  return BothCounts{e.canary, e.baseline};
}

std::string SequentialQuantileJudge::describe() const {
  return describeAs("quantile " + fmt(spec_.quantile));
}

}  // namespace aviary::analysis
