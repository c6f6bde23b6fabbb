#pragma once
// The run outbox: status.decisionRecords wait until MLflow has each rollout's run complete, so an
// MLflow outage or an operator restart delays the record but never loses or repeats a reading.
// Per record, in order: find-or-create the run (found again by its aviary.release_uid and
// aviary.rollout tags, so a restart never creates a second), tag the model version with
// aviary.run_id, log the params once, log the unsent points in batches (the record's sentPoints is
// the high-water mark, advanced only after MLflow acknowledges a batch), tag the timeline, and once
// the rollout ended: the outcome tags, decision-record.json and the run's end status. The first
// failure stops the drain and backs off like the registry outbox (outbox.h: retryDelay).

#include <optional>
#include <string>
#include <vector>

#include "aviary/api/model_release.h"
#include "aviary/common/clock.h"
#include "aviary/registry/model_registry.h"
#include "aviary/registry/run_tracker.h"

namespace aviary::registry {

inline constexpr size_t kMaxMetricsPerBatch = 1000;  // MLflow's log-batch limits
inline constexpr size_t kMaxTagsPerBatch = 100;

struct RunSyncResult {
  int batches = 0;                  // log-batch calls that carried metrics
  std::optional<TimePoint> retryAt;  // when a failed record is due again
  std::string lastError;
};

// experiment name of a release: aviary/<namespace>/<name>
std::string experimentName(const api::ObjectMeta& release);

// The metrics of points[from, to), at most kMaxMetricsPerBatch: fills `out` and returns where it stopped.
size_t metricBatch(const std::vector<api::RecordPoint>& points, size_t from, std::vector<MetricPoint>& out);

// Tags the record's events and outcome give the run (approvals with identity and comment, requests,
// step timings, outcome, reason, time to decision).
std::map<std::string, std::string> eventTags(const api::DecisionRecordStatus& record, size_t fromEvent);
std::map<std::string, std::string> outcomeTags(const api::DecisionRecordStatus& record);
std::map<std::string, std::string> runParams(const api::DecisionRecordStatus& record, const api::ModelRelease& release);

RunSyncResult syncRuns(std::vector<api::DecisionRecordStatus>& records, const api::ModelRelease& release,
                       RunTracker& runs, ModelRegistry& registry, TimePoint now);

}  // namespace aviary::registry
