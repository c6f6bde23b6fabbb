#pragma once
// The dashboard's memory of each live rollout beyond what status keeps (status holds the last 10
// measurements per gate): every traffic change (weight, mirror share, header routes, step, phase) and
// every gate measurement since the rollout began, in bounded rings per release (docs/dashboard.md
// gives the memory cost). Fed with each new state of a release (the informer's events); a release's
// rings restart when a new rollout starts (status.rolloutStartedAt changes) and go when it is deleted.
// Past rollouts are not kept here: their outcome is in status.history and the registry's records.
//
// Thread-safety: every method may be called from several threads at once. Ownership: the clock must
// outlive the history.

#include <cstddef>
#include <deque>
#include <map>
#include <mutex>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "aviary/common/clock.h"

namespace aviary::dashboard {

// The defaults bound a release's rings to about 120 × 90 B of traffic points and 120 × 230 B per gate
// (docs/dashboard.md): a routing change happens once per step or phase, a measurement once per gate
// interval (120 looks: an hour at the default 30 s interval).
struct HistoryLimits {
  std::size_t trafficPoints = 120;        // per release
  std::size_t measurementsPerGate = 120;  // per gate of a release
  std::size_t gatesPerRelease = 8;        // further gates are not recorded
  std::size_t detailChars = 64;           // a measurement's detail text is cut to this
};

class ReleaseHistory {
 public:
  explicit ReleaseHistory(const Clock& clock, HistoryLimits limits = {});

  // Records what is new in this state of a release (a ModelRelease object): a traffic point when the
  // routing, step or phase differs from the last one (stamped with the clock: status carries no time
  // per weight change), and the measurements newer than those already kept.
  void observe(const nlohmann::json& release);
  // Drops the release ("namespace/name").
  void forget(const std::string& key);

  // {"rolloutStartedAt": "...", "traffic": [{"time","weight","mirror","headerRoutes","step","phase"}...],
  //  "gates": {"<gate>": [{"time","stage","verdict","value"?,"baseline"?,"detail"}...]}}, oldest first;
  // empty rings for a release never seen.
  nlohmann::json json(const std::string& key) const;
  std::size_t releases() const;

 private:
  struct TrafficPoint {
    TimePoint time;
    int weight = 0;
    int mirror = 0;
    int headerRoutes = 0;
    int step = 0;
    std::string phase;
    bool sameRouting(const TrafficPoint& other) const;
  };
  struct MeasurementPoint {
    std::string time;  // RFC 3339 as the operator wrote it: also the order and the dedup key
    std::string stage;
    std::string verdict;
    std::optional<double> value;
    std::optional<double> baseline;
    std::string detail;
  };
  struct Rollout {
    std::string startedAt;
    std::deque<TrafficPoint> traffic;
    std::map<std::string, std::deque<MeasurementPoint>> gates;
  };

  void recordMeasurements(Rollout& rollout, const nlohmann::json& gates);

  const Clock& clock_;
  const HistoryLimits limits_;
  mutable std::mutex mutex_;
  std::map<std::string, Rollout> rollouts_;  // by "namespace/name"
};

}  // namespace aviary::dashboard
