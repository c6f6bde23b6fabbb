#pragma once
// Turning a gate's measurements into the gate's verdict, with Argo Rollouts' semantics:
// failureLimit (default 0), inconclusiveLimit (default 0), consecutiveErrorLimit (default 4), count,
// interval and initialDelay. "No data" is its own outcome, never pass or fail: until the gate's first
// data the first 5 no-data looks are retried without counting, later ones count toward
// inconclusiveLimit. A sequential judge's gate with a count also passes once its decision is "pass".
// Pure functions over api::GateStatus: the operator keeps that in status.gates[].

#include <optional>
#include <string>
#include <vector>

#include "aviary/analysis/judge.h"
#include "aviary/api/model_release.h"
#include "aviary/common/clock.h"

namespace aviary::analysis {

// Where a gate stands after its latest measurement.
enum class GateState { Running, Passed, Failed, Inconclusive, Errored };
const char* gateStateName(GateState state);

struct GateTiming {
  Duration interval{30'000};
  Duration initialDelay{0};
  // Measurements to take before the gate passes. nullopt: run until the stage ends (background
  // analysis); such a gate never passes on its own, it can only fail.
  std::optional<int32_t> count;
};

// The gate's timing from its spec, the analysis-wide interval, and whether it runs in a step (where
// a gate without `count` takes one measurement) or in the background (until stopped).
GateTiming gateTiming(const api::Gate& gate, const api::AnalysisSpec& analysis, bool background);

// A fresh status for a gate starting now.
api::GateStatus startGate(const api::Gate& gate, const std::string& judgeDescription, const GateTiming& timing,
                          TimePoint now);

// Whether the gate's next measurement is due at `now`.
bool measurementDue(const api::GateStatus& status, TimePoint now);

// Records one judgement taken at `now`, updates the counters, schedules the next measurement and keeps
// the last kMaxMeasurements. Returns the gate's state afterwards.
inline constexpr size_t kMaxMeasurements = 10;
GateState recordMeasurement(api::GateStatus& status, const api::Gate& gate, const GateTiming& timing,
                            const Judgement& judgement, TimePoint now);

// The state of a gate from its counters alone (used after a restart too).
GateState gateState(const api::GateStatus& status, const api::Gate& gate, const GateTiming& timing);

// Combining a stage's gates. Without a score: all must pass (any failure fails at once, so a rollback
// never waits for slower gates). With passScore: Kayenta-style score = passed / finished × 100 over the
// gates that finished, 0 when a critical gate failed; ≥ passScore passes, ≥ marginalScore is
// Inconclusive, lower fails.
struct StageVerdict {
  GateState state = GateState::Running;
  std::optional<double> score;
  std::string message;  // names the deciding gates and their numbers
};
StageVerdict combineGates(const std::vector<api::GateStatus>& statuses, const std::vector<const api::Gate*>& gates,
                          const std::vector<GateState>& states, const api::AnalysisSpec& analysis);

}  // namespace aviary::analysis
