#include "analysis/judges/exceedance.h"

#include <cmath>

#include "analysis/judges/format.h"

namespace aviary::analysis {

namespace {

double totalOf(const Histogram& h) { return h.buckets.empty() ? 0 : h.buckets.back().cumulativeCount; }

// Finite bounds only: +Inf bounds nothing.
size_t finiteBuckets(const Histogram& h) {
  size_t n = h.buckets.size();
  while (n > 0 && std::isinf(h.buckets[n - 1].upperBound)) --n;
  return n;
}

std::optional<size_t> nearestPooledQuantile(const BothHistograms& h, double quantile) {
  const double pooled = totalOf(h.canary) + totalOf(h.baseline);
  std::optional<size_t> best;
  double bestDistance = INFINITY;
  for (size_t i = 0; i < finiteBuckets(h.baseline); ++i) {
    const double share =
        (h.canary.buckets[i].cumulativeCount + h.baseline.buckets[i].cumulativeCount) / pooled;
    if (std::fabs(share - quantile) < bestDistance) {
      bestDistance = std::fabs(share - quantile);
      best = i;
    }
  }
  return best;
}

std::optional<size_t> boundIndex(const Histogram& h, double bound) {
  for (size_t i = 0; i < finiteBuckets(h); ++i) {
    if (std::fabs(h.buckets[i].upperBound - bound) <= 1e-12 * std::fabs(bound)) return i;
  }
  return std::nullopt;
}

// The canary's bound: the first bucket bound at or beyond ratio × b in the watched direction.
std::optional<size_t> canaryBoundIndex(const Histogram& h, double target, bool increase) {
  const double slack = 1e-9 * std::fabs(target);
  const size_t n = finiteBuckets(h);
  if (increase) {
    for (size_t i = 0; i < n; ++i) {
      if (h.buckets[i].upperBound >= target - slack) return i;
    }
  } else {
    for (size_t i = n; i-- > 0;) {
      if (h.buckets[i].upperBound <= target + slack) return i;
    }
  }
  return std::nullopt;
}

}  // namespace

std::string Exceedance::describe() const {
  return "beyond " + fmt(baselineBound) + (canaryBound != baselineBound ? " (canary: beyond " + fmt(canaryBound) + ")" : "");
}

std::variant<Exceedance, Judgement> exceedance(const BothHistograms& h, const api::CompareSpec& spec,
                                               std::optional<double> boundary) {
  const double canaryTotal = totalOf(h.canary), baselineTotal = totalOf(h.baseline);
  if (!(canaryTotal + baselineTotal > 0)) return lookEnded(api::Verdict::NoData, "no observations yet");
  std::optional<size_t> b = boundary ? boundIndex(h.baseline, *boundary) : nearestPooledQuantile(h, spec.quantile);
  if (!b) {
    return lookEnded(api::Verdict::Error, boundary ? "the bucket bound " + fmt(*boundary) + " chosen at the first look is gone"
                                                : "the histograms have no finite bucket bound");
  }
  const bool increase = spec.direction != api::Direction::Decrease;
  const double ratio = increase ? spec.allowedIncrease.value_or(1.0) : spec.allowedDecrease.value_or(1.0);
  const double baselineBound = h.baseline.buckets[*b].upperBound;
  auto c = canaryBoundIndex(h.canary, ratio * baselineBound, increase);
  if (!c) {
    return lookEnded(api::Verdict::Error, "no bucket bound " + std::string(increase ? "at or above " : "at or below ") +
                                           fmt(ratio * baselineBound) + " (" + fmt(ratio) + " × " + fmt(baselineBound) +
                                           "): add buckets or change the allowed ratio");
  }
  Exceedance e;
  e.baselineBound = baselineBound;
  e.canaryBound = h.canary.buckets[*c].upperBound;
  const double canaryAtOrBelow = h.canary.buckets[*c].cumulativeCount;
  const double baselineAtOrBelow = h.baseline.buckets[*b].cumulativeCount;
  e.canary = {increase ? canaryTotal - canaryAtOrBelow : canaryAtOrBelow, canaryTotal};
  e.baseline = {increase ? baselineTotal - baselineAtOrBelow : baselineAtOrBelow, baselineTotal};
  return e;
}

}  // namespace aviary::analysis
