// Request counts per version (with carried fractions) and per-request sampling.

#include "aviary/simulator/traffic_generator.h"

#include <algorithm>
#include <cmath>

namespace aviary::simulator {
namespace {

constexpr double kHealthyScoreMean = 0.3;
// Spread of the Beta distribution of scores: a + b. 20 gives a standard deviation of ~0.1 at 0.3.
constexpr double kScoreConcentration = 20;
// Sigma of the log-normal latency jitter: p99 ≈ 1.6 × the median.
constexpr double kLatencySigma = 0.2;

}  // namespace

TrafficGenerator::TrafficGenerator(double requestsPerSecond, std::uint64_t seed)
    : requestsPerSecond_(requestsPerSecond), rng_(seed) {}

std::vector<Request> TrafficGenerator::generate(const ReleaseRouting& routing, double elapsedSeconds,
                                                const BehaviourStore& behaviours) {
  std::vector<Request> requests;
  if (elapsedSeconds <= 0) return requests;
  for (const VersionShare& v : routing.versions) {
    VersionKey key{routing.ns, routing.release, v.version};
    double& owed = carry_[key];
    Behaviour behaviour = behaviours.get(key);
    const double rate = behaviour.requestsPerSecond > 0 ? behaviour.requestsPerSecond : requestsPerSecond_;
    owed += rate * elapsedSeconds * v.share;
    // The epsilon keeps 0.1 × 10 from landing on 0.999… requests.
    auto count = static_cast<long>(std::floor(owed + 1e-9));
    owed = std::max(0.0, owed - static_cast<double>(count));
    for (long i = 0; i < count; ++i) requests.push_back(sample(v.version, behaviour));
  }
  return requests;
}

Request TrafficGenerator::sample(const std::string& version, const Behaviour& behaviour) {
  Request r;
  r.version = version;
  r.code = std::uniform_real_distribution<double>(0, 1)(rng_) < behaviour.errorRate ? 500 : 200;
  r.latencySeconds = behaviour.latencyMs / 1000.0 * std::exp(kLatencySigma * std::normal_distribution<double>(0, 1)(rng_));
  double mean = std::clamp(kHealthyScoreMean + behaviour.predictionShift, 0.01, 0.99);
  double a = std::gamma_distribution<double>(mean * kScoreConcentration, 1)(rng_);
  double b = std::gamma_distribution<double>((1 - mean) * kScoreConcentration, 1)(rng_);
  r.score = a + b > 0 ? a / (a + b) : mean;
  return r;
}

}  // namespace aviary::simulator
