#include "aviary/notify/notification.h"

namespace aviary::notify {

namespace {

// The version a change is about: the canary while there is one, else the one just promoted or rolled
// back, else the version the spec asks for.
std::string versionOf(const api::ModelRelease& before, const api::ModelReleaseStatus& written) {
  if (!written.canaryVersion.empty()) return written.canaryVersion;
  if (written.phase == api::Phase::RolledBack && !written.rolledBackVersion.empty()) return written.rolledBackVersion;
  if (written.phase == api::Phase::Promoted && !written.stableVersion.empty()) return written.stableVersion;
  return before.spec.model.version;
}

}  // namespace

Severity ReleaseNotification::severity() const {
  switch (phase) {
    case api::Phase::RollingBack:
    case api::Phase::RolledBack:
    case api::Phase::Invalid:
      return Severity::Warning;
    default:
      return Severity::Info;
  }
}

std::string ReleaseNotification::summary() const {
  const std::string v = "version " + version;
  switch (phase) {
    case api::Phase::Pending: return v + " pending";
    case api::Phase::Progressing: return v + " rolling out at " + std::to_string(weight) + "%";
    case api::Phase::Paused: return v + " paused at " + std::to_string(weight) + "%";
    case api::Phase::AwaitingApproval: return v + " awaiting approval at " + std::to_string(weight) + "%";
    case api::Phase::Promoted: return v + " promoted";
    case api::Phase::RollingBack: return v + " rolling back";
    case api::Phase::RolledBack: return v + " rolled back";
    case api::Phase::Invalid: return "spec invalid";
  }
  return api::phaseName(phase);
}

std::optional<ReleaseNotification> phaseChange(const api::ModelRelease& before, const api::ModelReleaseStatus& written,
                                               TimePoint now) {
  if (written.phase == before.status.phase) return std::nullopt;
  ReleaseNotification n;
  n.namespace_ = before.metadata.namespace_;
  n.release = before.metadata.name;
  n.model = before.spec.model.name;
  n.version = versionOf(before, written);
  n.phase = written.phase;
  n.previousPhase = before.status.phase;
  n.stableVersion = written.stableVersion;
  n.canaryVersion = written.canaryVersion;
  n.weight = written.canaryWeight;
  n.message = written.message;
  n.time = now;
  return n;
}

}  // namespace aviary::notify
