#include "aviary/analysis/statistics.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

namespace aviary::analysis::stats {

double normalCdf(double z) { return 0.5 * std::erfc(-z / std::sqrt(2.0)); }

double normalQuantile(double p) {
  // Acklam's rational approximation, refined with one Newton step (|error| < 1e-12).
  static const double a[] = {-3.969683028665376e+01, 2.209460984245205e+02, -2.759285104469687e+02,
                             1.383577518672690e+02, -3.066479806614716e+01, 2.506628277459239e+00};
  static const double b[] = {-5.447609879822406e+01, 1.615858368580409e+02, -1.556989798598866e+02,
                             6.680131188771972e+01, -1.328068155288572e+01};
  static const double c[] = {-7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00,
                             -2.549732539343734e+00, 4.374664141464968e+00, 2.938163982698783e+00};
  static const double d[] = {7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00,
                             3.754408661907416e+00};
  if (p <= 0) return -std::numeric_limits<double>::infinity();
  if (p >= 1) return std::numeric_limits<double>::infinity();
  const double low = 0.02425;
  double x;
  if (p < low) {
    double q = std::sqrt(-2 * std::log(p));
    x = (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) /
        ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
  } else if (p <= 1 - low) {
    double q = p - 0.5, r = q * q;
    x = (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q /
        (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
  } else {
    double q = std::sqrt(-2 * std::log(1 - p));
    x = -(((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) /
        ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
  }
  double e = normalCdf(x) - p;
  double u = e * std::sqrt(2 * M_PI) * std::exp(x * x / 2);
  return x - u / (1 + x * u / 2);
}

namespace {

// Sum of the ranks of x in the combined sample (average ranks for ties) and the tie term Σ(t³ − t).
void rankSums(const std::vector<double>& x, const std::vector<double>& y, double& rankSumX, double& tieTerm) {
  struct Item {
    double value;
    bool fromX;
  };
  std::vector<Item> all;
  all.reserve(x.size() + y.size());
  for (double v : x) all.push_back({v, true});
  for (double v : y) all.push_back({v, false});
  std::sort(all.begin(), all.end(), [](const Item& l, const Item& r) { return l.value < r.value; });
  rankSumX = 0;
  tieTerm = 0;
  size_t i = 0;
  while (i < all.size()) {
    size_t j = i;
    while (j + 1 < all.size() && all[j + 1].value == all[i].value) ++j;
    double averageRank = (static_cast<double>(i) + static_cast<double>(j)) / 2.0 + 1.0;
    double t = static_cast<double>(j - i + 1);
    tieTerm += t * t * t - t;
    for (size_t k = i; k <= j; ++k) {
      if (all[k].fromX) rankSumX += averageRank;
    }
    i = j + 1;
  }
}

// The k-th smallest (0-based) pairwise difference x_i − y_j.
double kthDifference(std::vector<double>& diffs, size_t k) {
  std::nth_element(diffs.begin(), diffs.begin() + static_cast<std::ptrdiff_t>(k), diffs.end());
  return diffs[k];
}

}  // namespace

MannWhitneyResult mannWhitney(const std::vector<double>& x, const std::vector<double>& y, double confidence) {
  MannWhitneyResult r;
  const double n1 = static_cast<double>(x.size()), n2 = static_cast<double>(y.size()), n = n1 + n2;
  double rankSumX = 0, tieTerm = 0;
  rankSums(x, y, rankSumX, tieTerm);
  r.u = rankSumX - n1 * (n1 + 1) / 2;
  const double uMax = std::max(r.u, n1 * n2 - r.u);
  const double mu = n1 * n2 / 2;
  const double sigma = std::sqrt(n1 * n2 / 12 * ((n + 1) - tieTerm / (n * (n - 1))));
  if (sigma > 0) {
    const double z = (uMax - mu - 0.5) / sigma;
    r.pValue = std::min(1.0, std::erfc(z / std::sqrt(2.0)));  // 2·(1 − Φ(z)) without cancellation
  } else {
    r.pValue = 1;  // every value equal: no evidence of a difference
  }

  std::vector<double> diffs;
  diffs.reserve(x.size() * y.size());
  for (double a : x) {
    for (double b : y) diffs.push_back(a - b);
  }
  const size_t count = diffs.size();
  if (count % 2 == 1) {
    r.shift = kthDifference(diffs, count / 2);
  } else {
    r.shift = (kthDifference(diffs, count / 2 - 1) + kthDifference(diffs, count / 2)) / 2;
  }
  const double zc = normalQuantile(1 - (1 - confidence) / 2);
  double k = std::floor(static_cast<double>(count) / 2 - zc * std::sqrt(n1 * n2 * (n + 1) / 12));
  k = std::clamp(k, 1.0, static_cast<double>(count));
  r.ciLow = kthDifference(diffs, static_cast<size_t>(k) - 1);
  r.ciHigh = kthDifference(diffs, count - static_cast<size_t>(k));
  return r;
}

namespace {

// The hypergeometric law of the top-left cell of a 2x2 table with fixed margins, as probabilities
// relative to its mode, walked outward one table at a time by the exact ratio
//   P(x+1)/P(x) = (row1−x)(col1−x) / ((x+1)(row2−col1+x+1)).
// Extended precision keeps both the ratios (1e-19 each) and the range (far tails down to 1e-4900)
// exact enough that no table as probable as the observed one is lost, even at 10⁹ per row; the
// log-factorial form lost ties above ~2·10⁷ (lgamma of 3·10⁷ is 5·10⁸ with 1e-16 relative error).
class HypergeometricWalk {
 public:
  HypergeometricWalk(long row1, long row2, long col1)
      : row1_(row1), row2_(row2), col1_(col1), lo_(std::max(0L, col1 - row2)), hi_(std::min(row1, col1)) {
    const long double n = static_cast<long double>(row1 + row2);
    mode_ = std::clamp(static_cast<long>(std::floor((row1 + 1.0L) * (col1 + 1.0L) / (n + 2))), lo_, hi_);
  }
  long lo() const { return lo_; }
  long hi() const { return hi_; }
  long mode() const { return mode_; }
  // P(x+1)/P(x).
  long double up(long x) const {
    return (static_cast<long double>(row1_ - x) * static_cast<long double>(col1_ - x)) /
           (static_cast<long double>(x + 1) * static_cast<long double>(row2_ - col1_ + x + 1));
  }
  // P(x) / P(mode).
  long double relative(long x) const {
    long double w = 1;
    for (long k = mode_; k < x; ++k) w *= up(k);
    for (long k = mode_; k > x; --k) w /= up(k - 1);
    return w;
  }

 private:
  long row1_, row2_, col1_, lo_, hi_, mode_ = 0;
};

}  // namespace

double fisherExactTwoSided(long a, long b, long c, long d) {
  const HypergeometricWalk walk(a + b, c + d, a + c);
  const long double observed = walk.relative(a);
  const long double limit = observed * (1 + 1e-14L);  // ties at SciPy's relative tolerance
  // Tables far less probable than both the observed one and the mode change neither sum.
  const long double negligible = std::min(observed, 1.0L) * 1e-22L;
  long double total = 1, asExtreme = 1 <= limit ? 1 : 0;
  long double w = 1;
  for (long x = walk.mode(); x < walk.hi() && w >= negligible; ++x) {
    w *= walk.up(x);
    total += w;
    if (w <= limit) asExtreme += w;
  }
  w = 1;
  for (long x = walk.mode(); x > walk.lo() && w >= negligible; --x) {
    w /= walk.up(x - 1);
    total += w;
    if (w <= limit) asExtreme += w;
  }
  return static_cast<double>(std::min(1.0L, asExtreme / total));
}

double twoSidedNormalTail(double z) { return std::erfc(std::fabs(z) / std::sqrt(2.0)); }

TwoProportionResult twoProportionTest(double a, double n, double b, double m) {
  TwoProportionResult r;
  const double pooled = (a + b) / (n + m);
  const double smallestExpected = std::min({n * pooled, n * (1 - pooled), m * pooled, m * (1 - pooled)});
  if (smallestExpected < 5) {
    r.exact = true;
    r.z = std::numeric_limits<double>::quiet_NaN();
    r.pValue = fisherExactTwoSided(std::lround(a), std::lround(n - a), std::lround(b), std::lround(m - b));
    return r;
  }
  const double se = std::sqrt(pooled * (1 - pooled) * (1 / n + 1 / m));
  r.z = (a / n - b / m) / se;
  r.pValue = std::min(1.0, twoSidedNormalTail(r.z));
  return r;
}

double populationStabilityIndex(const std::vector<double>& actual, const std::vector<double>& expected,
                                double pseudoCount) {
  const size_t bins = std::min(actual.size(), expected.size());
  const double totalActual = std::accumulate(actual.begin(), actual.begin() + static_cast<std::ptrdiff_t>(bins), 0.0);
  const double totalExpected =
      std::accumulate(expected.begin(), expected.begin() + static_cast<std::ptrdiff_t>(bins), 0.0);
  const double smoothing = pseudoCount * static_cast<double>(bins);
  double psi = 0;
  for (size_t i = 0; i < bins; ++i) {
    const double pa = (actual[i] + pseudoCount) / (totalActual + smoothing);
    const double pe = (expected[i] + pseudoCount) / (totalExpected + smoothing);
    psi += (pa - pe) * std::log(pa / pe);
  }
  return psi;
}

double psiNoiseAllowance(size_t bins, double actualTotal, double expectedTotal, double confidence) {
  if (bins < 2 || !(actualTotal > 0) || !(expectedTotal > 0)) return 0;
  return chiSquareQuantile(confidence, static_cast<double>(bins - 1)) * (1 / actualTotal + 1 / expectedTotal);
}

double chiSquareQuantile(double p, double degreesOfFreedom) {
  // Wilson–Hilferty: (X/k)^(1/3) is close to normal; within 1% of the exact quantile for k ≥ 3 and
  // the confidences gates use, which is all a noise allowance needs.
  const double k = degreesOfFreedom, h = 2 / (9 * k);
  const double cube = 1 - h + normalQuantile(p) * std::sqrt(h);
  return k * std::max(0.0, cube * cube * cube);
}

}  // namespace aviary::analysis::stats
