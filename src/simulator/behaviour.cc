// Behaviour values: JSON parsing with range checks, and the thread-safe store.

#include "aviary/simulator/behaviour.h"

#include <cctype>
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

Result<std::pair<std::pair<std::string, std::string>, TaggedTraffic>> parseTaggedTraffic(const nlohmann::json& body) {
  if (!body.is_object()) return makeError(ErrorCode::InvalidSpec, "the body must be a JSON object");
  auto ns = requiredString(body, "namespace");
  if (!ns) return ns.error();
  auto release = requiredString(body, "release");
  if (!release) return release.error();
  if (!body.contains("headerShare")) return makeError(ErrorCode::InvalidSpec, "headerShare: required without version");
  TaggedTraffic tagged;
  if (auto s = optionalNumber(body, "headerShare", 0, 1, tagged.share); !s) return s.error();
  if (body.contains("header")) {
    const auto& header = body["header"];
    auto name = requiredString(header, "name");
    if (!name) return makeError(ErrorCode::InvalidSpec, "header." + name.error().message);
    auto value = requiredString(header, "value");
    if (!value) return makeError(ErrorCode::InvalidSpec, "header." + value.error().message);
    tagged.header = *name;
    for (char& c : tagged.header) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    tagged.value = *value;
  }
  return std::make_pair(std::make_pair(*ns, *release), tagged);
}

nlohmann::json taggedTrafficToJson(const std::string& ns, const std::string& release, const TaggedTraffic& t) {
  return {{"namespace", ns}, {"release", release}, {"headerShare", t.share},
          {"header", {{"name", t.header}, {"value", t.value}}}};
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

void BehaviourStore::setDefaultTagged(const TaggedTraffic& tagged) {
  std::lock_guard lock(mutex_);
  defaultTagged_ = tagged;
}

void BehaviourStore::setTagged(const std::string& ns, const std::string& release, const TaggedTraffic& tagged) {
  std::lock_guard lock(mutex_);
  tagged_[{ns, release}] = tagged;
}

TaggedTraffic BehaviourStore::tagged(const std::string& ns, const std::string& release) const {
  std::lock_guard lock(mutex_);
  auto it = tagged_.find({ns, release});
  return it == tagged_.end() ? defaultTagged_ : it->second;
}

}  // namespace aviary::simulator
