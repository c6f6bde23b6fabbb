#pragma once
// Synthetic requests: how many go to each version of a release, and how each one turns out (status
// code, latency, prediction score) given the version's Behaviour. Seeded, so a run can be replayed.
//
// Thread-safety: none; one TrafficGenerator belongs to the simulation loop.

#include <cstdint>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "aviary/simulator/behaviour.h"
#include "aviary/simulator/routing_state.h"

namespace aviary::simulator {

struct Request {
  std::string version;
  int code = 200;             // 200, or 500 for an error
  double latencySeconds = 0;
  double score = 0;           // the model's prediction, 0..1
  bool mirrored = false;      // a copy made by a mirror: its answer reaches nobody
  bool agrees = false;        // mirrored: its score is within the tolerance of the served copy's
};

class TrafficGenerator {
 public:
  // requestsPerSecond: per release, split across its versions by their shares. agreementTolerance:
  // a mirrored copy agrees with the served one when their scores differ by at most this.
  TrafficGenerator(double requestsPerSecond, std::uint64_t seed, double agreementTolerance = 0.05);

  // The requests of `elapsedSeconds` for one release. Counts are rate × elapsed × share, with the
  // fractional part carried into the next call, so over time each version gets exactly its share
  // (10% of 50 req/s for 10s is 50 requests, however the seconds are sliced). The release's tagged
  // share of requests carries its header and takes the rule that matches it. A rule's mirror copies
  // its mirrored share of the requests it takes (carried the same way): each copy has the same input
  // as the request it copies, so a version that behaves the same predicts the same.
  std::vector<Request> generate(const ReleaseRouting& routing, double elapsedSeconds, const BehaviourStore& behaviours);

  // One request's outcome: a 500 with probability errorRate; latency log-normal around latencyMs;
  // score Beta-distributed with mean 0.3 + predictionShift, drawn from the request's input (a seed).
  Request sample(const std::string& version, const Behaviour& behaviour);
  Request sample(const std::string& version, const Behaviour& behaviour, std::uint64_t input);

 private:
  // Requests of one class (headers) of a release: `seconds` of traffic at each version's rate (its
  // behaviour's requestsPerSecond, else the simulator's) times the class's share.
  void generateClass(const ReleaseRouting& routing, const RuleRouting& rule, const std::string& carryTag,
                     double seconds, const BehaviourStore& behaviours, std::vector<Request>& out);

  double requestsPerSecond_;
  double agreementTolerance_;
  std::mt19937_64 rng_;
  std::map<VersionKey, double> carry_;  // fractional requests owed to each version (and copies)
};

}  // namespace aviary::simulator
