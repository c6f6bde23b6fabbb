#include "aviary/analysis/sequential_rate_test.h"

#include <algorithm>
#include <cmath>

namespace aviary::analysis::sequential {

namespace {

// Alternatives from a fifth to five times the null ratio: regressions worth a rollback are rarely
// smaller than +25%, and each extra point costs log(points) of evidence before the first rejection.
constexpr double kMultipliers[] = {0.2, 1.0 / 3, 0.5, 2.0 / 3, 0.8, 1.0, 1.25, 1.5, 2.0, 3.0, 5.0};
// e-values are reported up to here (exp(690)); beyond, every decision is already made.
constexpr double kMaxLogE = 690;

// log of the mean of exp(values[i] − reference) over [first, last).
double logMeanExp(const std::vector<double>& values, size_t first, size_t last, double reference) {
  if (first >= last) return -INFINITY;
  double top = -INFINITY;
  for (size_t i = first; i < last; ++i) top = std::max(top, values[i]);
  double sum = 0;
  for (size_t i = first; i < last; ++i) sum += std::exp(values[i] - top);
  return top + std::log(sum / static_cast<double>(last - first)) - reference;
}

double boundedExp(double logValue) { return std::exp(std::min(logValue, kMaxLogE)); }

}  // namespace

std::vector<double> ratioGrid(const std::vector<double>& nullRatios) {
  std::vector<double> grid;
  for (double null : nullRatios) {
    for (double m : kMultipliers) grid.push_back(null * m);
  }
  std::sort(grid.begin(), grid.end());
  grid.erase(std::unique(grid.begin(), grid.end(), [](double a, double b) { return std::fabs(a - b) <= 1e-12 * b; }),
             grid.end());
  return grid;
}

void addBatch(const std::vector<double>& grid, std::vector<double>& logLikelihoods, double canaryEvents,
              double canaryTotal, double baselineEvents, double baselineTotal) {
  if (logLikelihoods.size() != grid.size()) logLikelihoods.assign(grid.size(), 0.0);
  if (!(canaryTotal > 0) || !(baselineTotal > 0)) return;  // one arm alone says nothing about the ratio
  const double share = canaryTotal / (canaryTotal + baselineTotal);
  const double events = canaryEvents + baselineEvents;
  for (size_t k = 0; k < grid.size(); ++k) {
    // log of (q/s)^x · ((1−q)/(1−s))^(e−x) with q = sρ/(sρ + 1 − s): x·log ρ − e·log(1 + s(ρ − 1)).
    logLikelihoods[k] += canaryEvents * std::log(grid[k]) - events * std::log1p(share * (grid[k] - 1));
  }
}

double eValueAbove(const std::vector<double>& logLikelihoods, size_t null) {
  return boundedExp(logMeanExp(logLikelihoods, null + 1, logLikelihoods.size(), logLikelihoods[null]));
}

double eValueBelow(const std::vector<double>& logLikelihoods, size_t null) {
  return boundedExp(logMeanExp(logLikelihoods, 0, null, logLikelihoods[null]));
}

size_t gridIndex(const std::vector<double>& grid, double ratio) {
  size_t best = 0;
  for (size_t k = 1; k < grid.size(); ++k) {
    if (std::fabs(grid[k] - ratio) < std::fabs(grid[best] - ratio)) best = k;
  }
  return best;
}

RatioBounds confidenceSequence(const std::vector<double>& grid, const std::vector<double>& logLikelihoods,
                               double alpha) {
  RatioBounds bounds;
  if (logLikelihoods.size() != grid.size()) return bounds;
  const double reject = 2 / alpha;  // α/2 on each side
  for (size_t j = 0; j < grid.size(); ++j) {
    if (eValueAbove(logLikelihoods, j) >= reject) bounds.low = grid[j];
  }
  for (size_t j = grid.size(); j-- > 0;) {
    if (eValueBelow(logLikelihoods, j) >= reject) bounds.high = grid[j];
  }
  return bounds;
}

}  // namespace aviary::analysis::sequential
