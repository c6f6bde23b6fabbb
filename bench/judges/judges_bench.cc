// The decision-quality benchmark of the canary judges (docs/gates.md, "Choosing a judge"): Monte Carlo
// trials of simulated canaries, judged by the project's own judges exactly as the operator builds them
// from a gate spec (makeJudge), look after look. Prints a Markdown table, then one line
//   JUDGES false_rollback=… detect_2pp_within3=… detect_2pp_p95_intervals=… … (planned looks: …_spending=…)
// Usage: judges_bench [--trials N] [--seed S]   (bench/judges/run.sh runs it with the SciPy reference)
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <random>
#include <string>
#include <vector>

#include "aviary/analysis/judge.h"

namespace aviary::analysis {
namespace {

using Random = std::mt19937_64;

// --- What a look sees -------------------------------------------------------------------------

// The canary's and the baseline's measurement at the next look (cumulative for sequential judges).
using LookSource = std::function<std::pair<MetricValue, MetricValue>(Random&, bool sequential)>;

// 100 req/s, 10% on the canary, 30 s between looks (the scenario).
constexpr double kCanaryPerLook = 300, kBaselinePerLook = 2700;

// Cumulative counts since the stage began (what {{elapsed}} queries return) and this look's window.
struct CountStream {
  double rate;
  double perLook;
  Counts cumulative;
  Counts window;
  void look(Random& random) {
    const auto requests = std::poisson_distribution<long>(perLook)(random);
    const auto events = std::binomial_distribution<long>(requests, rate)(random);
    window = {static_cast<double>(events), static_cast<double>(requests)};
    cumulative.events += window.events;
    cumulative.total += window.total;
  }
};

// Latency histograms (Prometheus-style buckets in seconds) of a lognormal, drawn bucket by bucket.
const std::vector<double> kLatencyBounds = {0.025, 0.05, 0.075, 0.1, 0.125, 0.15, 0.2, 0.25, 0.3, 0.4, 0.5, 0.75, 1.0, 2.5, INFINITY};

struct HistogramStream {
  double medianSeconds;
  double sigma;
  double perLook;
  std::vector<double> cumulativeBins = std::vector<double>(kLatencyBounds.size(), 0.0);
  std::vector<double> windowBins = std::vector<double>(kLatencyBounds.size(), 0.0);

  double cdf(double x) const {
    if (std::isinf(x)) return 1;
    return 0.5 * std::erfc(-(std::log(x) - std::log(medianSeconds)) / (sigma * std::sqrt(2.0)));
  }
  void look(Random& random) {
    long left = std::poisson_distribution<long>(perLook)(random);
    double below = 0;
    for (size_t i = 0; i < kLatencyBounds.size(); ++i) {
      const double p = cdf(kLatencyBounds[i]) - below, rest = 1 - below;
      const long n = (i + 1 == kLatencyBounds.size() || rest <= 0) ? left
                     : std::binomial_distribution<long>(left, std::clamp(p / rest, 0.0, 1.0))(random);
      windowBins[i] = static_cast<double>(n);
      cumulativeBins[i] += static_cast<double>(n);
      left -= n;
      below += p;
    }
  }
  static Histogram asHistogram(const std::vector<double>& bins) {
    Histogram h;
    double sum = 0;
    for (size_t i = 0; i < bins.size(); ++i) h.buckets.push_back({kLatencyBounds[i], sum += bins[i]});
    return h;
  }
};

// Prediction scores in ten bins: the baseline uniform, the canary tilted by exp(θ·bin).
std::vector<double> scoreShares(double theta) {
  std::vector<double> shares(10);
  double sum = 0;
  for (size_t i = 0; i < shares.size(); ++i) sum += shares[i] = std::exp(theta * static_cast<double>(i));
  for (double& s : shares) s /= sum;
  return shares;
}

double truePsi(double theta) {
  const auto q = scoreShares(theta), p = scoreShares(0);
  double psi = 0;
  for (size_t i = 0; i < q.size(); ++i) psi += (q[i] - p[i]) * std::log(q[i] / p[i]);
  return psi;
}

double thetaForPsi(double target) {
  double lo = 0, hi = 2;
  for (int i = 0; i < 100; ++i) ((truePsi((lo + hi) / 2) < target) ? lo : hi) = (lo + hi) / 2;
  return (lo + hi) / 2;
}

LookSource predictionScores(double theta) {
  return [theta](Random& random, bool) {
    auto draw = [&](const std::vector<double>& shares) {
      Histogram h;
      std::discrete_distribution<int> bin(shares.begin(), shares.end());
      std::vector<double> counts(shares.size(), 0.0);
      for (int i = 0; i < 1000; ++i) counts[static_cast<size_t>(bin(random))] += 1;
      double sum = 0;
      for (size_t i = 0; i < counts.size(); ++i) {
        h.buckets.push_back({i + 1 == counts.size() ? INFINITY : 0.1 * static_cast<double>(i + 1), sum += counts[i]});
      }
      return h;
    };
    return std::make_pair(MetricValue{draw(scoreShares(theta))}, MetricValue{draw(scoreShares(0))});
  };
}

// --- Gates as users write them ---------------------------------------------------------------

api::Gate compareGate(api::CompareTest test, bool sequential, double confidence, std::optional<int32_t> count) {
  api::Gate gate;
  gate.name = "bench";
  api::CompareSpec spec;
  spec.test = test;
  spec.sequential = sequential;
  spec.confidence = confidence;
  gate.compare = spec;
  gate.count = count;
  return gate;
}

// A sequential gate with planned looks: 1 − confidence spent front-loaded over maxLooks looks.
api::Gate plannedGate(api::CompareTest test, double confidence, int32_t maxLooks) {
  api::Gate gate = compareGate(test, true, confidence, std::nullopt);
  gate.compare->spending = api::Spending::FrontLoaded;
  gate.compare->maxLooks = maxLooks;
  return gate;
}

// --- One rollout: looks until the judge fails or the looks run out ---------------------------

// Returns the look at which the gate failed (1-based), 0 when it never did. A sequential judge that
// concludes "pass" ends the rollout early too (counted as not failed).

int firstFailure(const Judge& judge, const LookSource& source, int looks, Random& random) {
  api::SequentialState state;
  for (int k = 1; k <= looks; ++k) {
    auto [canary, baseline] = source(random, judge.sequential());
    const Judgement j = judge.sequential() ? judge.judgeLook(canary, &baseline, state) : judge.judge(canary, &baseline);
    if (j.verdict == api::Verdict::Fail) return k;
    if (judge.sequential() && state.decision == "pass") return 0;
  }
  return 0;
}

// lookSeconds: looks every 30 s by default; a sequential judge may look more often at no cost.
LookSource errorRates(double canaryRate, double baselineRate, double lookSeconds = 30) {
  const double scale = lookSeconds / 30;
  auto streams = std::make_shared<std::pair<CountStream, CountStream>>(
      CountStream{canaryRate, kCanaryPerLook * scale, {}, {}}, CountStream{baselineRate, kBaselinePerLook * scale, {}, {}});
  return [streams](Random& random, bool sequential) {
    streams->first.look(random);
    streams->second.look(random);
    if (sequential) return std::make_pair(MetricValue{streams->first.cumulative}, MetricValue{streams->second.cumulative});
    return std::make_pair(MetricValue{streams->first.window}, MetricValue{streams->second.window});
  };
}

LookSource latencies(double canaryMedian, double baselineMedian) {
  auto streams = std::make_shared<std::pair<HistogramStream, HistogramStream>>(
      HistogramStream{canaryMedian, 0.5, kCanaryPerLook}, HistogramStream{baselineMedian, 0.5, kBaselinePerLook});
  return [streams](Random& random, bool sequential) {
    streams->first.look(random);
    streams->second.look(random);
    const auto& c = sequential ? streams->first.cumulativeBins : streams->first.windowBins;
    const auto& b = sequential ? streams->second.cumulativeBins : streams->second.windowBins;
    return std::make_pair(MetricValue{HistogramStream::asHistogram(c)}, MetricValue{HistogramStream::asHistogram(b)});
  };
}

// Latency points as a range query returns them (one per 15 s step of a 30 s window: 2 per look is
// too few for a test, so the judge gets the per-request latencies of a 1% sample: 3 and 27 points).
LookSource latencyPoints(double canaryMedian, double baselineMedian) {
  return [=](Random& random, bool) {
    auto draw = [&](double median, int n) {
      std::lognormal_distribution<double> d(std::log(median), 0.5);
      Samples s;
      for (int i = 0; i < n; ++i) s.values.push_back(d(random));
      return s;
    };
    return std::make_pair(MetricValue{draw(canaryMedian, 30)}, MetricValue{draw(baselineMedian, 30)});
  };
}

// --- Scenarios ---------------------------------------------------------------------------------

struct Rates {
  double failed = 0;           // share of trials whose gate failed within the looks
  double within3 = 0;          // share failed within 90 s (3 looks of 30 s)
  double p95Looks = INFINITY;  // 95th percentile of the look that failed (∞: fewer than 95% failed)
};

Rates run(const api::Gate& gate, const std::function<LookSource()>& scenario, int looks, int trials, uint64_t seed,
          int looksIn90s) {
  const auto judge = makeJudge(gate);
  Random random(seed);
  std::vector<int> failedAt;
  int within3 = 0;
  for (int t = 0; t < trials; ++t) {
    const int k = firstFailure(*judge, scenario(), looks, random);
    failedAt.push_back(k ? k : looks + 1000);
    if (k && k <= looksIn90s) ++within3;
  }
  std::sort(failedAt.begin(), failedAt.end());
  Rates r;
  r.failed = static_cast<double>(std::count_if(failedAt.begin(), failedAt.end(), [&](int k) { return k <= looks; })) / trials;
  r.within3 = static_cast<double>(within3) / trials;
  const int p95 = failedAt[static_cast<size_t>(std::ceil(0.95 * trials)) - 1];
  if (p95 <= looks) r.p95Looks = p95;
  return r;
}

std::string percent(double v) {
  char b[32];
  std::snprintf(b, sizeof b, "%.2f%%", 100 * v);
  return b;
}

std::string looksText(double v) { return std::isinf(v) ? std::string("—") : std::to_string(static_cast<int>(v)); }

}  // namespace
}  // namespace aviary::analysis

int main(int argc, char** argv) {
  using namespace aviary::analysis;
  using aviary::api::CompareTest;
  int trials = 10000;
  uint64_t seed = 20261204;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string flag = argv[i];
    if (flag == "--trials") trials = std::atoi(argv[i + 1]);
    else if (flag == "--seed") seed = std::strtoull(argv[i + 1], nullptr, 10);
    else {
      std::fprintf(stderr, "usage: judges_bench [--trials N] [--seed S]\n");
      return 2;
    }
  }
  const auto healthyErrors = [] { return errorRates(0.01, 0.01); };
  const auto plus2pp = [] { return errorRates(0.03, 0.01); };
  const auto healthyLatency = [] { return latencies(0.1, 0.1); };
  const auto slower20 = [] { return latencies(0.12, 0.1); };
  const auto healthyPoints = [] { return latencyPoints(0.1, 0.1); };
  const auto slowerPoints = [] { return latencyPoints(0.12, 0.1); };

  std::printf("| judge | scenario | looks | trials | failed (rolled back) | within 90 s | p95 looks to fail |\n");
  std::printf("|---|---|---|---|---|---|---|\n");
  double worstSequentialFalse95 = 0, worstSequentialFalse99 = 0, worstFixedFalse = 0;
  auto row = [&](const char* name, const aviary::api::Gate& gate, const char* scenarioName,
                 const std::function<LookSource()>& scenario, int looks, int n, int looksIn90s = 3) {
    const Rates r = run(gate, scenario, looks, n, seed, looksIn90s);
    std::printf("| %s | %s | %d | %d | %s | %s | %s |\n", name, scenarioName, looks, n, percent(r.failed).c_str(),
                percent(r.within3).c_str(), looksText(r.p95Looks).c_str());
    return r;
  };
  for (double confidence : {0.95, 0.99}) {
    const auto seqProportion = compareGate(CompareTest::Proportion, true, confidence, std::nullopt);
    const auto seqQuantile = compareGate(CompareTest::Quantile, true, confidence, std::nullopt);
    const std::string c = confidence == 0.95 ? " 0.95" : " 0.99";
    for (int looks : {20, 100}) {
      const Rates a = row(("sequential proportion" + c).c_str(), seqProportion, "healthy errors 1% vs 1%", healthyErrors, looks, trials);
      const Rates b = row(("sequential quantile" + c).c_str(), seqQuantile, "healthy latency lognormal σ 0.5", healthyLatency, looks, trials);
      double& worst = confidence == 0.95 ? worstSequentialFalse95 : worstSequentialFalse99;
      worst = std::max({worst, a.failed, b.failed});
    }
  }
  // Fixed-horizon judges as users run them today: every look a fresh test (background gate), and with
  // count = looks (each look at confidence spread over the count).
  for (int looks : {20, 100}) {
    const Rates a = row("fixed proportion 0.95, every look", compareGate(CompareTest::Proportion, false, 0.95, std::nullopt),
                        "healthy errors 1% vs 1%", healthyErrors, looks, trials);
    row("fixed proportion 0.95, count = looks", compareGate(CompareTest::Proportion, false, 0.95, looks),
        "healthy errors 1% vs 1%", healthyErrors, looks, trials);
    row("fixed mann-whitney 0.95, every look", compareGate(CompareTest::MannWhitney, false, 0.95, std::nullopt),
        "healthy latency lognormal σ 0.5", healthyPoints, looks, std::min(trials, 2000));
    worstFixedFalse = std::max(worstFixedFalse, a.failed);
  }
  const auto seq95 = compareGate(CompareTest::Proportion, true, 0.95, std::nullopt);
  const auto seq99 = compareGate(CompareTest::Proportion, true, 0.99, std::nullopt);
  const Rates detect95 = row("sequential proportion 0.95", seq95, "+2 pp errors (1% → 3%)", plus2pp, 20, trials);
  const Rates detect99 = row("sequential proportion 0.99", seq99, "+2 pp errors (1% → 3%)", plus2pp, 20, trials);
  const Rates detect95Often = row("sequential proportion 0.95", seq95, "+2 pp errors, looks every 10 s",
                                  [] { return errorRates(0.03, 0.01, 10); }, 60, trials, 9);
  const Rates fixedDetect = row("fixed proportion 0.95, every look", compareGate(CompareTest::Proportion, false, 0.95, std::nullopt),
                                "+2 pp errors (1% → 3%)", plus2pp, 20, trials);
  const Rates latency95 = row("sequential quantile 0.95", compareGate(CompareTest::Quantile, true, 0.95, std::nullopt),
                              "+20% median latency", slower20, 20, trials);
  row("fixed mann-whitney 0.95, every look", compareGate(CompareTest::MannWhitney, false, 0.95, std::nullopt),
      "+20% median latency", slowerPoints, 20, std::min(trials, 2000));

  // Planned looks (spending: front-loaded, maxLooks 100): valid up to 100 looks, not beyond.
  double worstPlannedFalse95 = 0, worstPlannedFalse99 = 0;
  for (double confidence : {0.95, 0.99}) {
    const std::string c = confidence == 0.95 ? " 0.95" : " 0.99";
    double& worst = confidence == 0.95 ? worstPlannedFalse95 : worstPlannedFalse99;
    for (int looks : {20, 100}) {
      const Rates a = row(("planned proportion" + c + ", maxLooks 100").c_str(), plannedGate(CompareTest::Proportion, confidence, 100),
                          "healthy errors 1% vs 1%", healthyErrors, looks, trials);
      worst = std::max(worst, a.failed);
    }
  }
  const Rates plannedQuantileNull = row("planned quantile 0.95, maxLooks 100", plannedGate(CompareTest::Quantile, 0.95, 100),
                                        "healthy latency lognormal σ 0.5", healthyLatency, 100, trials);
  worstPlannedFalse95 = std::max(worstPlannedFalse95, plannedQuantileNull.failed);
  const Rates plannedDetect95 = row("planned proportion 0.95, maxLooks 100", plannedGate(CompareTest::Proportion, 0.95, 100),
                                    "+2 pp errors (1% → 3%)", plus2pp, 20, trials);
  const Rates plannedDetect99 = row("planned proportion 0.99, maxLooks 100", plannedGate(CompareTest::Proportion, 0.99, 100),
                                    "+2 pp errors (1% → 3%)", plus2pp, 20, trials);
  const Rates plannedDetect20 = row("planned proportion 0.95, maxLooks 20", plannedGate(CompareTest::Proportion, 0.95, 20),
                                    "+2 pp errors (1% → 3%)", plus2pp, 20, trials);
  const Rates plannedLatency = row("planned quantile 0.95, maxLooks 100", plannedGate(CompareTest::Quantile, 0.95, 100),
                                   "+20% median latency", slower20, 20, trials);

  // PSI: 1,000 predictions per side, one look; the true PSI of the shifted score is 0.25.
  const double shift = thetaForPsi(0.25);
  const Rates psiNull = row("psi max 0.2", compareGate(CompareTest::Psi, false, 0.95, std::nullopt), "same predictions, 1,000 per side",
                            [] { return predictionScores(0.0); }, 1, trials);
  const Rates psiShift = row("psi max 0.2", compareGate(CompareTest::Psi, false, 0.95, std::nullopt), "true PSI 0.25, 1,000 per side",
                             [shift] { return predictionScores(shift); }, 1, trials);
  std::printf("\nJUDGES false_rollback=%.4f false_rollback_95=%.4f fixed_false_rollback=%.4f detect_2pp_within3=%.4f detect_2pp_p95_intervals=%s "
              "detect_2pp_within3_99=%.4f detect_2pp_within90s_10s_looks=%.4f detect_2pp_within3_fixed=%.4f detect_latency20_within3=%.4f detect_latency20_p95_intervals=%s "
              "psi_false=%.4f psi_detect=%.4f false_rollback_spending=%.4f false_rollback_spending_99=%.4f "
              "detect_2pp_within3_spending=%.4f detect_2pp_p95_intervals_spending=%s detect_2pp_within3_spending_99=%.4f "
              "detect_2pp_within3_spending_20=%.4f detect_latency20_within3_spending=%.4f trials=%d\n",
              worstSequentialFalse99, worstSequentialFalse95, worstFixedFalse, detect95.within3, looksText(detect95.p95Looks).c_str(),
              detect99.within3, detect95Often.within3, fixedDetect.within3, latency95.within3, looksText(latency95.p95Looks).c_str(), psiNull.failed, psiShift.failed,
              worstPlannedFalse95, worstPlannedFalse99, plannedDetect95.within3, looksText(plannedDetect95.p95Looks).c_str(),
              plannedDetect99.within3, plannedDetect20.within3, plannedLatency.within3, trials);
  return 0;
}
