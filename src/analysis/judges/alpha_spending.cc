#include "aviary/analysis/alpha_spending.h"

#include <cmath>

#include "aviary/analysis/statistics.h"

namespace aviary::analysis::spending {

namespace {

constexpr int32_t kFrontLooks = 3;
// Up to here the budget is split evenly: with fewer looks the 1/k tail would outweigh a front look.
constexpr int32_t kEvenUpTo = 2 * kFrontLooks;

// The event share q at which a tail (monotone in q, with its derivative) equals level: Newton's method
// on log(tail/level), kept inside a bracket that every evaluation narrows, bisecting when a step would
// leave it. The tails are exact, so a few steps give q to ~1e-13 relative.
struct TailAt {
  double value;
  double slope;
};
template <class Tail>
double solveShare(const Tail& tail, double level, double start) {
  double lo = 0, hi = 1, q = start;
  for (int i = 0; i < 200; ++i) {
    const TailAt t = tail(q);
    const double g = std::log(t.value / level);
    // The tail grows with q when its slope is positive: too small a tail means q is too low.
    (((g < 0) == (t.slope > 0)) ? lo : hi) = q;
    double next = q - g * t.value / t.slope;
    if (!(next > lo && next < hi) || !std::isfinite(next) || t.value <= 0) next = (lo + hi) / 2;
    if (std::fabs(next - q) <= 1e-14 * q || hi - lo <= 1e-15 * hi) return next;
    q = next;
  }
  return q;
}
}  // namespace

double lookAlpha(double alpha, int32_t look, int32_t maxLooks) {
  if (look < 1 || look > maxLooks) return 0;
  if (maxLooks <= kEvenUpTo) return alpha / maxLooks;
  if (look <= kFrontLooks) return alpha / (2 * kFrontLooks);
  double harmonic = 0;
  for (int32_t k = kFrontLooks + 1; k <= maxLooks; ++k) harmonic += 1.0 / k;
  return alpha / 2 / look / harmonic;
}

double eventShare(double s, double ratio) { return s * ratio / (s * ratio + 1 - s); }

double ratioForShare(double s, double q) { return q * (1 - s) / (s * (1 - q)); }

double pAbove(double x, double events, double s, double nullRatio) {
  return stats::binomialUpperTail(x, events, eventShare(s, nullRatio));
}

double pBelow(double x, double events, double s, double nullRatio) {
  return stats::binomialLowerTail(x, events, eventShare(s, nullRatio));
}

RatioInterval ratioInterval(double x, double events, double s, double level) {
  RatioInterval r;
  if (!(events > 0) || !(s > 0 && s < 1)) return r;
  const double estimate = x / events;
  if (x > 0) {
    const auto upper = [&](double q) {
      return TailAt{stats::binomialUpperTail(x, events, q), events * stats::binomialProbability(x - 1, events - 1, q)};
    };
    r.low = ratioForShare(s, solveShare(upper, level, estimate));
  }
  if (x < events) {
    const auto lower = [&](double q) {
      return TailAt{stats::binomialLowerTail(x, events, q), -events * stats::binomialProbability(x, events - 1, q)};
    };
    r.high = ratioForShare(s, solveShare(lower, level, estimate));
  }
  return r;
}

}  // namespace aviary::analysis::spending
