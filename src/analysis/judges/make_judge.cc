#include <cstdlib>

#include "aviary/analysis/judge.h"
#include "analysis/judges/compare_judge.h"
#include "analysis/judges/sequential_judges.h"
#include "analysis/judges/threshold_judge.h"

namespace aviary::analysis {

namespace {

// Each of `looks` fixed-horizon tests gets an equal share of the gate's false-alarm budget.
LookCorrection lookCorrection(const api::Gate& gate) {
  LookCorrection c;
  if (gate.count && *gate.count > 1) c.looks = *gate.count;
  return c;
}

JudgePtr makeCompareJudge(const api::CompareSpec& spec, const LookCorrection& looks, int32_t plannedLooks) {
  switch (spec.test) {
    case api::CompareTest::MannWhitney: return std::make_unique<MannWhitneyJudge>(spec, looks);
    case api::CompareTest::Proportion:
      if (spec.sequential) return std::make_unique<SequentialProportionJudge>(spec, plannedLooks);
      return std::make_unique<ProportionJudge>(spec, looks);
    case api::CompareTest::Psi: return std::make_unique<PsiJudge>(spec, looks);
    case api::CompareTest::Quantile:
      if (spec.sequential) return std::make_unique<SequentialQuantileJudge>(spec, plannedLooks);
      return std::make_unique<QuantileJudge>(spec, looks);
  }
  std::abort();  // the switch names every test
}

// A sequential judge with front-loaded spending plans its looks; 0 asks for the mixture.
int32_t plannedLooks(const api::Gate& gate) {
  if (!gate.compare || gate.compare->spending != api::Spending::FrontLoaded) return 0;
  return api::maxLooksFor(*gate.compare, gate.count);
}

}  // namespace

JudgePtr makeJudge(const api::Gate& gate) {
  if (gate.compare) return makeCompareJudge(*gate.compare, lookCorrection(gate), plannedLooks(gate));
  return std::make_unique<ThresholdJudge>(gate.threshold.value_or(api::Threshold{}));
}

}  // namespace aviary::analysis
