#include "release/plan_context.h"

#include <algorithm>

namespace aviary::release {

void PlanContext::requeueAfter(Duration d) {
  if (d < Duration::zero()) d = Duration::zero();
  if (!requeue || d < *requeue) requeue = d;
}

void PlanContext::event(EventType type, std::string reason, std::string message) {
  actions.push_back(RecordEvent{type, std::move(reason), std::move(message)});
}

void PlanContext::setDegraded(std::string reason, std::string message) {
  degraded = std::make_pair(std::move(reason), std::move(message));
}

void PlanContext::enterStep(int32_t index) {
  next.currentStepIndex = index;
  next.stepStartedAt = nowText();
}

void PlanContext::addHistory(const std::string& version, const std::string& outcome, std::string message) {
  next.history.push_back(api::HistoryEntry{version, outcome, nowText(), std::move(message)});
  if (next.history.size() > kMaxHistory) {
    next.history.erase(next.history.begin(), next.history.end() - static_cast<std::ptrdiff_t>(kMaxHistory));
  }
}

Duration PlanContext::since(const std::string& rfc3339) const {
  TimePoint then;
  if (rfc3339.empty() || !parseRfc3339(rfc3339, then)) return Duration::zero();
  return std::chrono::duration_cast<Duration>(now - then);
}

const DeploymentState& PlanContext::deployment(const std::string& version) const {
  static const DeploymentState kMissing{};
  auto it = observed.deployments.find(version);
  return it == observed.deployments.end() ? kMissing : it->second;
}

std::optional<AnalysisVerdict> PlanContext::verdict(const std::string& stage) const {
  auto it = observed.analyses.find(stage);
  if (it == observed.analyses.end()) return std::nullopt;
  return it->second;
}

bool rolloutActive(const api::ModelReleaseStatus& status, const api::ModelReleaseSpec& spec) {
  bool movingPhase = status.phase == api::Phase::Progressing || status.phase == api::Phase::Paused ||
                     status.phase == api::Phase::AwaitingApproval;
  return movingPhase && (!status.canaryVersion.empty() || blueGreenVerifying(status, spec));
}

}  // namespace aviary::release
