#pragma once
// Statistical building blocks used by the judges; pure functions, tested against SciPy fixtures.

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
double fisherExactTwoSided(long a, long b, long c, long d);  // 2x2 table [[a,b],[c,d]]

// Population stability index between two distributions over the same bins (counts per bin).
// Empty bins are smoothed with epsilon so the index stays finite.
double populationStabilityIndex(const std::vector<double>& actual, const std::vector<double>& expected,
                                double epsilon = 1e-4);

}  // namespace aviary::analysis::stats
