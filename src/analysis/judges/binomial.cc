// Binomial tails without large log-factorials: Loader's (2000) saddle-point form of the probability
// ("Fast and accurate computation of binomial probabilities", the algorithm of R's dbinom), then a
// walk from term to term by the exact ratio P(k+1)/P(k) = (n − k)/(k + 1) · p/q.
#include <cmath>

#include "aviary/analysis/statistics.h"

namespace aviary::analysis::stats {

namespace {

// log(n!) − log(√(2π) (n/e)^n √n): Stirling's error, from lgamma where n is small (exact to ~1e-15
// absolute there) and its asymptotic series beyond.
double stirlingError(double n) {
  constexpr double S0 = 1.0 / 12, S1 = 1.0 / 360, S2 = 1.0 / 1260, S3 = 1.0 / 1680, S4 = 1.0 / 1188;
  if (n <= 15) return std::lgamma(n + 1) - (n + 0.5) * std::log(n) + n - 0.5 * std::log(2 * M_PI);
  const double nn = n * n;
  if (n > 500) return (S0 - S1 / nn) / n;
  if (n > 80) return (S0 - (S1 - S2 / nn) / nn) / n;
  if (n > 35) return (S0 - (S1 - (S2 - S3 / nn) / nn) / nn) / n;
  return (S0 - (S1 - (S2 - (S3 - S4 / nn) / nn) / nn) / nn) / n;
}

// x·log(x/m) + m − x, by its series where x ≈ m (the form that cancels catastrophically there).
double deviance(double x, double m) {
  if (std::fabs(x - m) < 0.1 * (x + m)) {
    double v = (x - m) / (x + m);
    double s = (x - m) * v, term = 2 * x * v;
    v *= v;
    for (int j = 1; j < 1000; ++j) {
      term *= v;
      const double next = s + term / (2 * j + 1);
      if (next == s) return next;
      s = next;
    }
    return s;
  }
  return x * std::log(x / m) + m - x;
}

// P(X = x), X ~ Binomial(n, p), q = 1 − p given separately so a tiny p or q keeps its precision.
double probability(double x, double n, double p, double q) {
  if (p == 0) return x == 0 ? 1 : 0;
  if (q == 0) return x == n ? 1 : 0;
  if (x == 0) return std::exp(p < 0.1 ? -deviance(n, n * q) - n * p : n * std::log(q));
  if (x == n) return std::exp(q < 0.1 ? -deviance(n, n * p) - n * q : n * std::log(p));
  const double logC = stirlingError(n) - stirlingError(x) - stirlingError(n - x) - deviance(x, n * p) - deviance(n - x, n * q);
  return std::exp(logC) / std::sqrt(2 * M_PI * x * (1 - x / n));
}

// Σ P(X = k) for k from x outward (step +1: up to n; −1: down to 0), until the terms stop mattering.
double walk(double x, double n, double p, double q, int step) {
  double term = probability(x, n, p, q), sum = term;
  for (double k = x; step > 0 ? k < n : k > 0; k += step) {
    term *= step > 0 ? (n - k) / (k + 1) * (p / q) : k / (n - k + 1) * (q / p);
    sum += term;
    if (term <= sum * 1e-17 && (step > 0 ? k + 1 > n * p : k - 1 < n * p)) break;  // past the mode, geometric from here
  }
  return sum;
}

// P(X ≥ x): summed from x up when x lies above the mean, else 1 − P(X ≤ x − 1) summed down.
double upperTail(double x, double n, double p, double q) {
  if (x <= 0) return 1;
  if (x > n) return 0;
  if (x > n * p) return std::fmin(1.0, walk(x, n, p, q, +1));
  return std::fmax(0.0, 1 - walk(x - 1, n, p, q, -1));
}

}  // namespace

double binomialUpperTail(double x, double n, double p) { return upperTail(std::round(x), std::round(n), p, 1 - p); }

double binomialProbability(double x, double n, double p) {
  const double k = std::round(x), whole = std::round(n);
  if (k < 0 || k > whole) return 0;
  return probability(k, whole, p, 1 - p);
}

double binomialLowerTail(double x, double n, double p) {
  // X ≤ x exactly when n − X ≥ n − x, and n − X ~ Binomial(n, 1 − p).
  const double whole = std::round(n);
  return upperTail(whole - std::round(x), whole, 1 - p, p);
}

}  // namespace aviary::analysis::stats
