#pragma once
// The counts a quantile comparison judges, read from two histograms: how many requests of each side
// lie beyond a bucket bound. The baseline's bound b is the one nearest the pooled `quantile` (pooled,
// so under no difference its choice says nothing about which side a request came from); the
// canary's is allowedIncrease × b rounded outward to a bucket bound (for direction decrease:
// allowedDecrease × b, rounded down, counting requests at or below). If the canary is at most
// allowedIncrease times slower, its share beyond its bound cannot exceed the baseline's beyond b.

#include <optional>
#include <string>
#include <variant>

#include "analysis/judges/judge_inputs.h"

namespace aviary::analysis {

struct Exceedance {
  Counts canary;
  Counts baseline;
  double baselineBound = 0;
  double canaryBound = 0;
  std::string describe() const;  // "beyond 0.25 (canary: beyond 0.3)"
};

// boundary: the baseline bound chosen at an earlier look (sequential judges keep it); nullopt picks
// one from these histograms.
std::variant<Exceedance, Judgement> exceedance(const BothHistograms& histograms, const api::CompareSpec& spec,
                                               std::optional<double> boundary);

}  // namespace aviary::analysis
