#include "aviary/dashboard/release_history.h"

namespace aviary::dashboard {

namespace {

using Json = nlohmann::json;

template <typename T>
void pushBounded(std::deque<T>& ring, T value, std::size_t limit) {
  ring.push_back(std::move(value));
  while (ring.size() > limit) ring.pop_front();
}

std::optional<double> number(const Json& object, const char* field) {
  auto it = object.find(field);
  if (it == object.end() || !it->is_number()) return std::nullopt;
  return it->get<double>();
}

}  // namespace

bool ReleaseHistory::TrafficPoint::sameRouting(const TrafficPoint& other) const {
  return weight == other.weight && mirror == other.mirror && headerRoutes == other.headerRoutes && step == other.step &&
         phase == other.phase;
}

ReleaseHistory::ReleaseHistory(const Clock& clock, HistoryLimits limits) : clock_(clock), limits_(limits) {}

void ReleaseHistory::observe(const Json& release) {
  const Json metadata = release.value("metadata", Json::object());
  const std::string key = metadata.value("namespace", std::string()) + "/" + metadata.value("name", std::string());
  const Json status = release.value("status", Json::object());

  TrafficPoint point;
  point.time = clock_.now();
  point.weight = status.value("canaryWeight", 0);
  point.mirror = status.value("mirrorPercent", 0);
  point.headerRoutes = static_cast<int>(status.value("headerRoutes", Json::array()).size());
  point.step = status.value("currentStepIndex", 0);
  point.phase = status.value("phase", std::string("Pending"));

  std::lock_guard lock(mutex_);
  Rollout& rollout = rollouts_[key];
  const std::string startedAt = status.value("rolloutStartedAt", std::string());
  if (startedAt != rollout.startedAt) rollout = Rollout{startedAt, {}, {}};
  if (rollout.traffic.empty() || !rollout.traffic.back().sameRouting(point)) {
    pushBounded(rollout.traffic, std::move(point), limits_.trafficPoints);
  }
  recordMeasurements(rollout, status.value("gates", Json::array()));
}

void ReleaseHistory::recordMeasurements(Rollout& rollout, const Json& gates) {
  for (const Json& gate : gates) {
    const std::string name = gate.value("name", std::string());
    auto ring = rollout.gates.find(name);
    if (ring == rollout.gates.end()) {
      if (rollout.gates.size() >= limits_.gatesPerRelease) continue;
      ring = rollout.gates.emplace(name, std::deque<MeasurementPoint>{}).first;
    }
    const std::string stage = gate.value("stage", std::string());
    for (const Json& measurement : gate.value("measurements", Json::array())) {
      MeasurementPoint point;
      point.time = measurement.value("time", std::string());
      // Status lists them oldest first and RFC 3339 UTC times order as text: only newer ones are new.
      if (!ring->second.empty() && point.time <= ring->second.back().time) continue;
      point.stage = stage;
      point.verdict = measurement.value("verdict", std::string());
      point.value = number(measurement, "value");
      point.baseline = number(measurement, "baseline");
      point.detail = measurement.value("detail", std::string()).substr(0, limits_.detailChars);
      pushBounded(ring->second, std::move(point), limits_.measurementsPerGate);
    }
  }
}

void ReleaseHistory::forget(const std::string& key) {
  std::lock_guard lock(mutex_);
  rollouts_.erase(key);
}

Json ReleaseHistory::json(const std::string& key) const {
  Json out = {{"rolloutStartedAt", ""}, {"traffic", Json::array()}, {"gates", Json::object()}};
  std::lock_guard lock(mutex_);
  auto it = rollouts_.find(key);
  if (it == rollouts_.end()) return out;
  const Rollout& rollout = it->second;
  out["rolloutStartedAt"] = rollout.startedAt;
  for (const TrafficPoint& point : rollout.traffic) {
    out["traffic"].push_back({{"time", formatRfc3339(point.time)},
                              {"weight", point.weight},
                              {"mirror", point.mirror},
                              {"headerRoutes", point.headerRoutes},
                              {"step", point.step},
                              {"phase", point.phase}});
  }
  for (const auto& [name, ring] : rollout.gates) {
    Json points = Json::array();
    for (const MeasurementPoint& point : ring) {
      Json entry = {{"time", point.time}, {"stage", point.stage}, {"verdict", point.verdict}, {"detail", point.detail}};
      if (point.value) entry["value"] = *point.value;
      if (point.baseline) entry["baseline"] = *point.baseline;
      points.push_back(std::move(entry));
    }
    out["gates"][name] = std::move(points);
  }
  return out;
}

std::size_t ReleaseHistory::releases() const {
  std::lock_guard lock(mutex_);
  return rollouts_.size();
}

}  // namespace aviary::dashboard
