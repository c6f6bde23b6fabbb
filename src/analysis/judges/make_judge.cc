#include "aviary/analysis/judge.h"
#include "analysis/judges/compare_judge.h"
#include "analysis/judges/threshold_judge.h"

namespace aviary::analysis {

JudgePtr makeJudge(const api::Gate& gate) {
  if (gate.compare) {
    switch (gate.compare->test) {
      case api::CompareTest::MannWhitney: return std::make_unique<MannWhitneyJudge>(*gate.compare);
      case api::CompareTest::Proportion: return std::make_unique<ProportionJudge>(*gate.compare);
      case api::CompareTest::Psi: return std::make_unique<PsiJudge>(*gate.compare);
    }
  }
  return std::make_unique<ThresholdJudge>(gate.threshold.value_or(api::Threshold{}));
}

}  // namespace aviary::analysis
