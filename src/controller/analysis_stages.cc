#include "aviary/controller/analysis_stages.h"

#include <algorithm>
#include <set>

namespace aviary::controller {

namespace {

release::AnalysisPhase phaseOf(analysis::GateState state) {
  switch (state) {
    case analysis::GateState::Passed: return release::AnalysisPhase::Pass;
    case analysis::GateState::Failed: return release::AnalysisPhase::Fail;
    case analysis::GateState::Inconclusive: return release::AnalysisPhase::Inconclusive;
    case analysis::GateState::Errored: return release::AnalysisPhase::Error;
    case analysis::GateState::Running: break;
  }
  return release::AnalysisPhase::Running;
}

// Stage names are "<version>/<kind>" (release/actions.h).
std::string stageVersion(const std::string& stage) { return stage.substr(0, stage.find('/')); }
bool isBackground(const std::string& stage) { return stage.ends_with("/background"); }

// The version a stage measures and its baseline: the stable version, or — for the post-promotion
// analysis of a blue-green switch, when the measured version is already stable — the previous one.
analysis::AnalysisRunner::Versions stageVersions(const api::ModelRelease& release, const std::string& stage) {
  const std::string version = stageVersion(stage);
  const auto& s = release.status;
  return {version, version == s.stableVersion ? s.previousStableVersion : s.stableVersion};
}

// A stage belongs to the rollout in progress when it measures the canary, or the new stable version
// right after a blue-green switch.
bool current(const api::ModelRelease& release, const std::string& stage) {
  const std::string version = stageVersion(stage);
  if (version.empty()) return false;
  return version == release.status.canaryVersion || version == release.status.stableVersion;
}

// Entries stay visible while their version is live or was the one just rolled back.
bool kept(const api::ModelRelease& release, const api::GateStatus& g) {
  return current(release, g.stage) || (!g.stage.empty() && stageVersion(g.stage) == release.status.rolledBackVersion);
}

void eraseStage(const std::string& stage, std::vector<api::GateStatus>& gates) {
  gates.erase(std::remove_if(gates.begin(), gates.end(), [&](const api::GateStatus& g) { return g.stage == stage; }),
              gates.end());
}

void runOne(const analysis::AnalysisRunner& runner, const api::ModelRelease& release, const std::string& stage,
            const std::vector<std::string>& names, std::vector<api::GateStatus>& gates, TimePoint now,
            StagesResult& out) {
  std::vector<api::GateStatus> entries;
  for (const auto& g : gates) {
    if (g.stage == stage) entries.push_back(g);
  }
  auto result = runner.run(release, stage, stageVersions(release, stage), names, isBackground(stage), entries, now);
  for (auto& e : entries) e.stage = stage;
  eraseStage(stage, gates);
  gates.insert(gates.end(), entries.begin(), entries.end());
  out.verdicts[stage] = release::AnalysisVerdict{phaseOf(result.verdict.state), result.verdict.message};
  if (result.nextDue && (!out.nextDue || *result.nextDue < *out.nextDue)) out.nextDue = result.nextDue;
  out.taken.insert(out.taken.end(), result.taken.begin(), result.taken.end());
  out.lookPending = out.lookPending || result.lookPending;
}

}  // namespace

StagesResult runStages(const analysis::AnalysisRunner& runner, const api::ModelRelease& release,
                       std::vector<api::GateStatus>& gates, TimePoint now) {
  gates.erase(std::remove_if(gates.begin(), gates.end(), [&](const api::GateStatus& g) { return !kept(release, g); }),
              gates.end());
  std::map<std::string, std::vector<std::string>> stages;  // running stage → its gates, in order
  for (const auto& g : gates) {
    if (!g.stopped && current(release, g.stage)) stages[g.stage].push_back(g.name);
  }
  StagesResult out;
  for (const auto& [stage, names] : stages) runOne(runner, release, stage, names, gates, now, out);
  return out;
}

StagesResult startStage(const analysis::AnalysisRunner& runner, const api::ModelRelease& release,
                        const release::StartAnalysis& start, std::vector<api::GateStatus>& gates, TimePoint now) {
  StagesResult out;
  // A stage starts afresh (a retried rollout of the same version reuses its stage names).
  eraseStage(start.stage, gates);
  runOne(runner, release, start.stage, start.gates, gates, now, out);
  return out;
}

void stopStage(const std::string& stage, std::vector<api::GateStatus>& gates) {
  for (auto& g : gates) {
    if (stage.empty() || g.stage == stage) g.stopped = true;
  }
}

}  // namespace aviary::controller
