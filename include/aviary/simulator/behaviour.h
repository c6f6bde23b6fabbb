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

// The share of a release's requests that carry a header (a cohort of testers, set by the app), which
// a header route can send to the canary. Set per release by PUT /behaviour without "version":
// {"namespace","release","headerShare" 0..1, optional "header": {"name","value"}}; the default comes
// from the simulator's flags.
struct TaggedTraffic {
  std::string header = "x-cohort";  // lower case
  std::string value = "testers";
  double share = 0;

  bool operator==(const TaggedTraffic&) const = default;
};

// A PUT /behaviour body without "version": the release's tagged traffic. InvalidSpec names the field.
Result<std::pair<std::pair<std::string, std::string>, TaggedTraffic>> parseTaggedTraffic(const nlohmann::json& body);
nlohmann::json taggedTrafficToJson(const std::string& ns, const std::string& release, const TaggedTraffic& tagged);

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

  // Tagged traffic per release (namespace, release); releases without one get the default.
  void setDefaultTagged(const TaggedTraffic& tagged);
  void setTagged(const std::string& ns, const std::string& release, const TaggedTraffic& tagged);
  TaggedTraffic tagged(const std::string& ns, const std::string& release) const;

 private:
  mutable std::mutex mutex_;
  std::map<VersionKey, Behaviour> behaviours_;
  TaggedTraffic defaultTagged_;
  std::map<std::pair<std::string, std::string>, TaggedTraffic> tagged_;
};

}  // namespace aviary::simulator
