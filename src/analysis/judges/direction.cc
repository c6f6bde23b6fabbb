#include "analysis/judges/direction.h"

#include <limits>

namespace aviary::analysis {

api::Verdict classify(const Difference& d, const api::CompareSpec& spec) {
  const bool watchIncrease = spec.direction != api::Direction::Decrease;
  const bool watchDecrease = spec.direction != api::Direction::Increase;
  if (watchIncrease && d.significantlyHigher && d.ratio >= spec.allowedIncrease.value_or(1.0)) return api::Verdict::Fail;
  if (watchDecrease && d.significantlyLower && d.ratio <= spec.allowedDecrease.value_or(1.0)) return api::Verdict::Fail;
  return api::Verdict::Pass;
}

const char* directionName(api::Direction direction) {
  switch (direction) {
    case api::Direction::Increase: return "increase";
    case api::Direction::Decrease: return "decrease";
    case api::Direction::Either: return "either";
  }
  return "?";
}

double safeRatio(double canary, double baseline) {
  if (baseline == 0) return canary == 0 ? 1 : std::numeric_limits<double>::infinity();
  return canary / baseline;
}

}  // namespace aviary::analysis
