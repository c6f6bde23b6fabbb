#pragma once
// Bookkeeping of a release's analysis stages in status.gates[]: which stages run (the entries' `stage`),
// running them through the AnalysisRunner, and starting/stopping them when the planner says so.
// A stage's entries stay after it finished (the measured values stay visible) until the next rollout.

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "aviary/analysis/analysis_runner.h"
#include "aviary/api/model_release.h"
#include "aviary/release/actions.h"
#include "aviary/release/observed.h"

namespace aviary::controller {

struct StagesResult {
  std::map<std::string, release::AnalysisVerdict> verdicts;  // by stage
  std::optional<TimePoint> nextDue;
  std::vector<analysis::TakenMeasurement> taken;
  bool lookPending = false;  // some stage's look is being fetched
};

// Runs every running stage in gates (those measuring the canary, or the stable version just switched
// to) and returns their verdicts; drops entries of versions no longer live (except the version just
// rolled back, whose values explain why). gates is updated in place.
StagesResult runStages(const analysis::AnalysisRunner& runner, const api::ModelRelease& release,
                       std::vector<api::GateStatus>& gates, TimePoint now);

// Starts a stage: runs it once now (its first measurement is due unless initialDelay says otherwise).
StagesResult startStage(const analysis::AnalysisRunner& runner, const api::ModelRelease& release,
                        const release::StartAnalysis& start, std::vector<api::GateStatus>& gates, TimePoint now);

// Stops a stage (an empty stage: all): its entries stay, marked stopped, until the next rollout.
void stopStage(const std::string& stage, std::vector<api::GateStatus>& gates);

}  // namespace aviary::controller
