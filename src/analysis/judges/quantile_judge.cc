#include "analysis/judges/compare_judge.h"

#include "analysis/judges/exceedance.h"

namespace aviary::analysis {

Judgement QuantileJudge::compare(const MetricValue& canary, const MetricValue& baseline) const {
  auto both = bothHistograms(canary, baseline, "quantile");
  if (auto* end = std::get_if<Judgement>(&both)) return *end;
  auto counted = exceedance(std::get<BothHistograms>(both), spec_, std::nullopt);
  if (auto* end = std::get_if<Judgement>(&counted)) return *end;
  const auto& e = std::get<Exceedance>(counted);
  api::CompareSpec rates = spec_;  // the allowed ratio already moved the canary's bound
  rates.allowedIncrease.reset();
  rates.allowedDecrease.reset();
  Judgement j = compareRates(e.canary, e.baseline, rates);
  j.detail = e.describe() + ": " + j.detail;
  return j;
}

std::string QuantileJudge::describe() const { return describeAs("quantile"); }

}  // namespace aviary::analysis
