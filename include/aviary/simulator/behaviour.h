#pragma once
// How each model version behaves in the simulation, set at run time (PUT /behaviour) so a test can
// make a canary misbehave on purpose. A version nobody configured behaves healthy (kHealthy).
//
// Thread-safety: BehaviourStore may be used from any thread (HTTP handlers write, the traffic loop
// reads).

#include <map>
#include <mutex>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "aviary/common/result.h"

namespace aviary::simulator {

struct Behaviour {
  double errorRate = 0.001;     // probability that a request answers 500
  double latencyMs = 30;        // median latency; each request varies around it (log-normal jitter)
  double predictionShift = 0;   // added to the mean prediction score (0.3 when healthy)
  double requestsPerSecond = 0; // the release's traffic while this version serves; 0: the simulator's --rate

  bool operator==(const Behaviour&) const = default;
};

inline constexpr Behaviour kHealthy{};

struct VersionKey {
  std::string ns;
  std::string release;
  std::string version;

  auto operator<=>(const VersionKey&) const = default;
};

// {"namespace","release","version", optional "errorRate" 0..1, "latencyMs" > 0,
// "predictionShift" -0.29..0.69 (the mean score stays inside 0..1), "requestsPerSecond" 0..100000}; omitted fields keep the healthy
// default. InvalidSpec names the field.
Result<std::pair<VersionKey, Behaviour>> parseBehaviour(const nlohmann::json& body);
nlohmann::json behaviourToJson(const VersionKey& key, const Behaviour& behaviour);

class BehaviourStore {
 public:
  void set(const VersionKey& key, const Behaviour& behaviour);
  // Back to healthy. False when the version had no behaviour set.
  bool reset(const VersionKey& key);
  Behaviour get(const VersionKey& key) const;
  std::vector<std::pair<VersionKey, Behaviour>> all() const;

 private:
  mutable std::mutex mutex_;
  std::map<VersionKey, Behaviour> behaviours_;
};

}  // namespace aviary::simulator
