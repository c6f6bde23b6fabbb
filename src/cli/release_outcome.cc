#include "cli/release_outcome.h"

#include <algorithm>

namespace aviary::cli {

namespace {

bool observedCurrentSpec(const api::ModelRelease& release) {
  return release.status.observedGeneration == release.metadata.generation;
}

const api::Condition* degraded(const api::ModelReleaseStatus& status) {
  auto it = std::find_if(status.conditions.begin(), status.conditions.end(),
                         [](const api::Condition& c) { return c.type == "Degraded" && c.status == "True"; });
  return it == status.conditions.end() ? nullptr : &*it;
}

std::string because(const std::string& what, const std::string& message) {
  return message.empty() ? what : what + ": " + message;
}

}  // namespace

OutcomeJudgement judgeOutcome(const api::ModelRelease& release) {
  const auto& status = release.status;
  if (!observedCurrentSpec(release)) return {};
  if (status.phase == api::Phase::Invalid) return {Outcome::Failed, because("the spec is invalid", status.message)};
  if (status.phase == api::Phase::RolledBack) {
    const auto* cause = degraded(status);
    return {Outcome::Failed, because("rolled back to version " + status.stableVersion,
                                     cause ? cause->reason + ": " + cause->message : status.message)};
  }
  if (const auto* cause = degraded(status)) return {Outcome::Failed, because("degraded (" + cause->reason + ")", cause->message)};
  if (status.phase == api::Phase::Promoted && status.stableVersion == release.spec.model.version) {
    return {Outcome::Promoted, ""};
  }
  return {};
}

bool settled(const api::ModelRelease& release) {
  const auto phase = release.status.phase;
  return observedCurrentSpec(release) && (phase == api::Phase::Promoted || phase == api::Phase::RolledBack);
}

}  // namespace aviary::cli
