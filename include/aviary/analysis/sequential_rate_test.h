#pragma once
// An anytime-valid test of the ratio of two event rates (canary / baseline), for judges that look at
// cumulative counts again and again during a stage. Pure functions; the state they update is a
// handful of numbers kept in status.gates[].sequential (docs/gates.md, "Sequential judges").
//
// Model: in each batch (the requests between two looks) an event lands on the canary with
// probability q = s·ρ / (s·ρ + 1 − s), where s is the canary's share of the batch's requests and ρ the
// rate ratio — the conditional law of a Poisson split, so the traffic share may change from look to
// look. For every ratio ρ of a fixed grid the log-likelihood ratio against ρ = 1 is accumulated;
// likelihood ratios mixed over the grid points beyond a null ratio form a test supermartingale under
// that null (Ville: P(ever ≥ 1/α) ≤ α), also for the composite nulls "ρ ≤ ρ₀" and "ρ ≥ ρ₀" (the
// split is an exponential family in log ρ), and also when events are drawn without replacement
// (the hypergeometric is smaller than the binomial in convex order).

#include <optional>
#include <vector>

namespace aviary::analysis::sequential {

// The grid the likelihood is kept on: the null ratios (allowedIncrease / allowedDecrease, 1 when
// absent) times fixed multipliers from 1/5 to 5, ascending, without duplicates.
std::vector<double> ratioGrid(const std::vector<double>& nullRatios);

// Adds one batch (events and requests of each arm since the previous look) to logLikelihoods, one
// entry per grid ratio (resized to the grid when empty). A batch without requests on either arm adds
// nothing.
void addBatch(const std::vector<double>& grid, std::vector<double>& logLikelihoods, double canaryEvents,
              double canaryTotal, double baselineEvents, double baselineTotal);

// The e-value against the null "ρ ≤ grid[null]" (harm above it): the likelihood ratios of the grid
// points above the null, averaged with equal weights. 0 when no grid point lies above.
double eValueAbove(const std::vector<double>& logLikelihoods, size_t null);
// The e-value against "ρ ≥ grid[null]" from the grid points below it.
double eValueBelow(const std::vector<double>& logLikelihoods, size_t null);

// The index of a ratio in the grid (it must be one of the grid's null ratios).
size_t gridIndex(const std::vector<double>& grid, double ratio);

// A confidence sequence for ρ at level 1 − alpha, on the grid's resolution: low is the largest grid
// ratio rejected as too small (ρ > low), high the smallest rejected as too large (ρ < high); nullopt
// where no grid point is rejected on that side.
struct RatioBounds {
  std::optional<double> low;
  std::optional<double> high;
};
RatioBounds confidenceSequence(const std::vector<double>& grid, const std::vector<double>& logLikelihoods,
                               double alpha);

}  // namespace aviary::analysis::sequential
