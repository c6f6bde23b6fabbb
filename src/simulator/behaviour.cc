// Behaviour values: JSON parsing with range checks, and the thread-safe store.

#include "aviary/simulator/behaviour.h"

#include <cmath>

namespace aviary::simulator {
namespace {

constexpr double kHealthyScoreMean = 0.3;

Result<std::string> requiredString(const nlohmann::json& body, const char* field) {
  auto it = body.find(field);
  if (it == body.end() || !it->is_string() || it->get<std::string>().empty()) {
    return makeError(ErrorCode::InvalidSpec, std::string(field) + ": required (a non-empty string)");
  }
  return it->get<std::string>();
}

// Sets out from body[field] when present; InvalidSpec when it is not a number in [min, max].
Status optionalNumber(const nlohmann::json& body, const char* field, double min, double max, double& out) {
  auto it = body.find(field);
  if (it == body.end()) return okStatus();
  if (!it->is_number() || !std::isfinite(it->get<double>()) || it->get<double>() < min || it->get<double>() > max) {
    return makeError(ErrorCode::InvalidSpec, std::string(field) + ": must be a number in [" + std::to_string(min) +
                                                 ", " + std::to_string(max) + "]");
  }
  out = it->get<double>();
  return okStatus();
}

}  // namespace

Result<std::pair<VersionKey, Behaviour>> parseBehaviour(const nlohmann::json& body) {
  if (!body.is_object()) return makeError(ErrorCode::InvalidSpec, "the body must be a JSON object");
  auto ns = requiredString(body, "namespace");
  if (!ns) return ns.error();
  auto release = requiredString(body, "release");
  if (!release) return release.error();
  auto version = requiredString(body, "version");
  if (!version) return version.error();

  Behaviour b = kHealthy;
  for (Status s : {optionalNumber(body, "errorRate", 0, 1, b.errorRate),
                   optionalNumber(body, "latencyMs", 0.001, 600'000, b.latencyMs),
                   optionalNumber(body, "predictionShift", 0.01 - kHealthyScoreMean, 0.99 - kHealthyScoreMean,
                                  b.predictionShift),
                   optionalNumber(body, "requestsPerSecond", 0, 100'000, b.requestsPerSecond)}) {
    if (!s) return s.error();
  }
  return std::make_pair(VersionKey{*ns, *release, *version}, b);
}

nlohmann::json behaviourToJson(const VersionKey& key, const Behaviour& b) {
  return {{"namespace", key.ns},       {"release", key.release},   {"version", key.version},
          {"errorRate", b.errorRate},  {"latencyMs", b.latencyMs}, {"predictionShift", b.predictionShift},
          {"requestsPerSecond", b.requestsPerSecond}};
}

void BehaviourStore::set(const VersionKey& key, const Behaviour& behaviour) {
  std::lock_guard lock(mutex_);
  behaviours_[key] = behaviour;
}

bool BehaviourStore::reset(const VersionKey& key) {
  std::lock_guard lock(mutex_);
  return behaviours_.erase(key) > 0;
}

Behaviour BehaviourStore::get(const VersionKey& key) const {
  std::lock_guard lock(mutex_);
  auto it = behaviours_.find(key);
  return it == behaviours_.end() ? kHealthy : it->second;
}

std::vector<std::pair<VersionKey, Behaviour>> BehaviourStore::all() const {
  std::lock_guard lock(mutex_);
  return {behaviours_.begin(), behaviours_.end()};
}

}  // namespace aviary::simulator
