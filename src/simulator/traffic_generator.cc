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

TrafficGenerator::TrafficGenerator(double requestsPerSecond, std::uint64_t seed, double agreementTolerance)
    : requestsPerSecond_(requestsPerSecond), agreementTolerance_(agreementTolerance), rng_(seed) {}

namespace {

// Takes the whole requests owed (the epsilon keeps 0.1 × 10 from landing on 0.999… requests).
long takeWhole(double& owed) {
  auto count = static_cast<long>(std::floor(owed + 1e-9));
  owed = std::max(0.0, owed - static_cast<double>(count));
  return count;
}

}  // namespace

std::vector<Request> TrafficGenerator::generate(const ReleaseRouting& routing, double elapsedSeconds,
                                                const BehaviourStore& behaviours) {
  std::vector<Request> requests;
  if (elapsedSeconds <= 0) return requests;
  const TaggedTraffic tagged = behaviours.tagged(routing.ns, routing.release);
  // A routing built without rules (only versions) routes every request alike.
  const RuleRouting plainOnly{{}, routing.versions, routing.mirrored};
  const RuleRouting* plain = routing.rules.empty() ? &plainOnly : ruleFor(routing, {});
  if (plain) generateClass(routing, *plain, "", elapsedSeconds * (1 - tagged.share), behaviours, requests);
  if (tagged.share > 0) {
    const RuleRouting* rule = routing.rules.empty() ? &plainOnly : ruleFor(routing, {{tagged.header, tagged.value}});
    if (rule) generateClass(routing, *rule, "#tagged", elapsedSeconds * tagged.share, behaviours, requests);
  }
  return requests;
}

void TrafficGenerator::generateClass(const ReleaseRouting& routing, const RuleRouting& rule, const std::string& carryTag,
                                     double seconds, const BehaviourStore& behaviours, std::vector<Request>& out) {
  for (const VersionShare& v : rule.versions) {
    VersionKey key{routing.ns, routing.release, v.version};
    double& owed = carry_[VersionKey{key.ns, key.release, key.version + carryTag}];
    const Behaviour behaviour = behaviours.get(key);
    const double rate = behaviour.requestsPerSecond > 0 ? behaviour.requestsPerSecond : requestsPerSecond_;
    owed += rate * seconds * v.share;
    const long count = takeWhole(owed);
    for (long i = 0; i < count; ++i) {
      const std::uint64_t input = rng_();
      Request served = sample(v.version, behaviour, input);
      out.push_back(served);
      for (const VersionShare& m : rule.mirrored) {
        double& copies = carry_[VersionKey{key.ns, key.release, m.version + carryTag + "#mirror"}];
        copies += m.share;
        if (takeWhole(copies) == 0) continue;
        Request copy = sample(m.version, behaviours.get({key.ns, key.release, m.version}), input);
        copy.mirrored = true;
        copy.agrees = std::abs(copy.score - served.score) <= agreementTolerance_;
        out.push_back(copy);
      }
    }
  }
}

Request TrafficGenerator::sample(const std::string& version, const Behaviour& behaviour) {
  return sample(version, behaviour, rng_());
}

Request TrafficGenerator::sample(const std::string& version, const Behaviour& behaviour, std::uint64_t input) {
  Request r;
  r.version = version;
  r.code = std::uniform_real_distribution<double>(0, 1)(rng_) < behaviour.errorRate ? 500 : 200;
  r.latencySeconds = behaviour.latencyMs / 1000.0 * std::exp(kLatencySigma * std::normal_distribution<double>(0, 1)(rng_));
  double mean = std::clamp(kHealthyScoreMean + behaviour.predictionShift, 0.01, 0.99);
  std::mt19937_64 fromInput(input);
  double a = std::gamma_distribution<double>(mean * kScoreConcentration, 1)(fromInput);
  double b = std::gamma_distribution<double>((1 - mean) * kScoreConcentration, 1)(fromInput);
  r.score = a + b > 0 ? a / (a + b) : mean;
  return r;
}

}  // namespace aviary::simulator
