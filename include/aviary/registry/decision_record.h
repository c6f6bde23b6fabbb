#pragma once
// The decision record of a rollout (docs/audit.md): what it was decided with, what the gates saw,
// who approved or asked for what, and how it ended. recordPass() folds one reconcile pass into
// status.decisionRecords (pure: the same inputs always give the same record); decisionRecordJson()
// renders a record as the versioned decision-record.json artifact. Thread-safety: pure functions.

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "aviary/api/model_release.h"
#include "aviary/common/clock.h"

namespace aviary::registry {

inline constexpr const char* kDecisionRecordSchema = "aviary.dev/decision-record/v1";
inline constexpr size_t kMaxDecisionRecords = 3;  // rollouts kept in status
inline constexpr size_t kMaxRecordPoints = 500;   // readings per record in status
inline constexpr size_t kMaxRecordEvents = 200;   // timeline entries per record

// A gate measurement taken this pass, with the analysis stage it belongs to ("7/step-2").
struct GateReading {
  std::string gate;
  std::string stage;
  api::Measurement measurement;
  std::optional<api::SequentialState> sequential;  // the gate's counts after this reading (sequential judges)
};

// The message of a request event whose request named no requester (docs/audit.md).
inline constexpr const char* kUnverifiedRequester = "unverified: the request names no requester";

// A manual request the operator acted on: what (promote, abort …) and who asked, as the request's
// aviary.dev/requested-by annotation names them ("" for a request that names nobody: unverified).
struct HandledRequest {
  std::string action;
  std::string requestedBy;
};

// What a pass saw and did, beyond the status it computed.
struct PassFacts {
  std::vector<GateReading> readings;
  std::vector<api::ApprovalRecord> approvals;  // taken in this pass (accepted or not)
  std::vector<HandledRequest> requests;        // manual requests handled this pass
};

// The status of the gate named `gate` (the running one when a stopped one shares its name), or null.
const api::GateStatus* gateOf(const std::vector<api::GateStatus>& gates, const std::string& gate);

// Folds a pass into next.decisionRecords: opens a record when a rollout starts (a new canary
// version, or a new rolloutStartedAt for a retry), appends its readings, steps, phase changes,
// approvals and requests, and closes it with the outcome the history says (Promoted, RolledBack,
// Aborted, Superseded). `before` is the release as the pass read it.
void recordPass(const api::ModelRelease& before, api::ModelReleaseStatus& next, const PassFacts& facts, TimePoint now);

// The record as decision-record.json (schema kDecisionRecordSchema, documented in docs/audit.md).
nlohmann::json decisionRecordJson(const api::DecisionRecordStatus& record, const api::ModelRelease& release);

// Complete: the rollout ended, no reading was dropped and (when a run is kept) MLflow has all of it.
bool recordComplete(const api::DecisionRecordStatus& record, bool mlflowConfigured);

// MLflow's run status for an outcome: FINISHED (Promoted), FAILED (RolledBack), KILLED (Aborted,
// Superseded); RUNNING while the rollout has no outcome.
std::string runStatus(const std::string& outcome);

// The metric key of a point's field: "gate/<gate>/<field>", or "canary_weight".
std::string metricKey(const api::RecordPoint& point, const std::string& field);

// A verdict as a chartable number: pass 1, inconclusive 0, fail -1, error -2, no data -3.
double verdictScore(api::Verdict verdict);

// A step of the spec as the timeline names it ("setWeight 20", "analysis error-rate,latency", …).
std::string describeStep(const api::ModelReleaseSpec& spec, int32_t index);

}  // namespace aviary::registry
