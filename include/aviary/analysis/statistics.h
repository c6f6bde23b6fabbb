#pragma once
// Statistical building blocks used by the judges; pure functions, tested against SciPy fixtures.

#include <cstddef>
#include <vector>

namespace aviary::analysis::stats {

double normalCdf(double z);
double normalQuantile(double p);  // inverse CDF, p in (0,1)

struct MannWhitneyResult {
  double u = 0;            // U statistic of the first sample (canary)
  double pValue = 1;       // two-sided, normal approximation with tie and continuity corrections
  double shift = 0;        // Hodges–Lehmann estimate of canary − baseline
  double ciLow = 0;        // confidence interval of the shift
  double ciHigh = 0;
};
// x: canary, y: baseline; both non-empty.
MannWhitneyResult mannWhitney(const std::vector<double>& x, const std::vector<double>& y, double confidence);

struct TwoProportionResult {
  double pValue = 1;       // two-sided
  double z = 0;            // NaN when the exact test was used
  bool exact = false;      // Fisher's exact test (small counts)
};
// a events out of n (canary) versus b out of m (baseline).
TwoProportionResult twoProportionTest(double a, double n, double b, double m);
// 2x2 table [[a,b],[c,d]]; tables as probable as the observed one within SciPy's relative 1e-14
// count as extreme. Exact to ~1e-13 relative for margins up to 10⁹ and p down to 1e-300.
double fisherExactTwoSided(long a, long b, long c, long d);
// P(|Z| ≥ |z|) for a standard normal Z, from erfc (no cancellation: exact far into the tail).
double twoSidedNormalTail(double z);

// Binomial(n, p) tails for whole x and n (the exact one-sided tests of a conditional binomial):
// P(X ≥ x) and P(X ≤ x). Each term from Loader's saddle-point form of the probability (no large
// log-factorials), the tail summed outward from x or taken as the complement of the other side:
// ~1e-13 relative to SciPy for n up to 10⁹ and tails down to 1e-300.
double binomialUpperTail(double x, double n, double p);
double binomialLowerTail(double x, double n, double p);
// P(X = x), X ~ Binomial(n, p) (the tails' derivative in p: d/dp P(X ≥ x) = n·P(Y = x − 1), Y ~ Binomial(n − 1, p)).
double binomialProbability(double x, double n, double p);

// Population stability index between two distributions over the same bins (counts per bin).
// Every bin gets pseudoCount added on both sides (Jeffreys' ½ by default), so an empty bin is a small
// probability estimated from the sample size instead of a fixed floor.
double populationStabilityIndex(const std::vector<double>& actual, const std::vector<double>& expected,
                                double pseudoCount = 0.5);
// The PSI that two samples of one distribution reach by chance with probability 1 − confidence:
// PSI ≈ χ²(bins − 1)·(1/n₁ + 1/n₂) under no shift (it is the symmetrised KL divergence, twice a
// G-statistic per observation).
double psiNoiseAllowance(std::size_t bins, double actualTotal, double expectedTotal, double confidence);
// The p-quantile of a χ² distribution (Wilson–Hilferty approximation).
double chiSquareQuantile(double p, double degreesOfFreedom);

}  // namespace aviary::analysis::stats
