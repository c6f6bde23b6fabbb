#pragma once
// A sequential test for a planned number of looks (docs/gates.md, "Planned looks"): the stage's
// false-rollback budget α = 1 − confidence is split into one level α_k per look k = 1…K with
// Σ α_k ≤ α, and look k runs an exact one-sided test of the cumulative counts at level α_k. By the
// union bound, a healthy canary is rolled back at some look with probability at most Σ α_k ≤ α,
// whatever the dependence between the looks. Pure functions; the judge keeps its state in
// status.gates[].sequential.
//
// The test: given the E events of both arms so far, the canary's count X is Binomial(E, q) with
// q = s·ρ / (s·ρ + 1 − s), s the canary's share of the requests and ρ the ratio of the two rates
// (the conditional law of two Poisson counts, the model of sequential_rate_test.h). It is
// increasing in ρ, so the test of ρ = ρ₀ is valid for every ρ ≤ ρ₀ (and mirrored for ρ ≥ ρ₀).

#include <cstdint>
#include <optional>

namespace aviary::analysis::spending {

// The front-loaded schedule: with K ≤ 6 planned looks, α/K each; otherwise α/6 for each of the first
// three looks (most regressions worth a rollback show within them) and the other α/2 over looks 4…K
// in proportion to 1/k (so no later look gets more than an earlier one). 0 beyond K (the budget is
// spent). look is 1-based.
double lookAlpha(double alpha, int32_t look, int32_t maxLooks);

// The canary's share of the events when its share of the requests is s and the rate ratio is ratio.
double eventShare(double requestShare, double ratio);
// Its inverse: the rate ratio at which the canary's expected share of the events is q.
double ratioForShare(double requestShare, double eventShare);

// One-sided exact p-values of the canary's x events out of `events` in both arms, canary request
// share s: against "ratio ≤ null" (harm above: P(X ≥ x)) and against "ratio ≥ null" (P(X ≤ x)).
double pAbove(double x, double events, double requestShare, double nullRatio);
double pBelow(double x, double events, double requestShare, double nullRatio);

// The exact (Clopper–Pearson) bounds of the rate ratio at one look, each side at level `level`:
// low is the ratio at which pAbove = level (nullopt when x = 0), high where pBelow = level (nullopt
// when x = events).
struct RatioInterval {
  std::optional<double> low;
  std::optional<double> high;
};
RatioInterval ratioInterval(double x, double events, double requestShare, double level);

}  // namespace aviary::analysis::spending
