#pragma once
// What a notification says: one phase change of one release, as a reconcile pass wrote it to status.
// Only changes the pass itself writes are notified, so an operator that restarts does not announce
// again what its predecessor already wrote (docs/notifications.md).

#include <cstdint>
#include <optional>
#include <string>

#include "aviary/api/model_release.h"
#include "aviary/common/clock.h"

namespace aviary::notify {

enum class Severity { Info, Warning };  // Warning: a rollback or an invalid spec

struct ReleaseNotification {
  std::string namespace_;
  std::string release;
  std::string model;
  std::string version;  // the version the change is about: the canary, the promoted or the rolled-back one
  api::Phase phase = api::Phase::Pending;
  api::Phase previousPhase = api::Phase::Pending;
  std::string stableVersion;
  std::string canaryVersion;
  int32_t weight = 0;  // percent of traffic on the canary
  std::string message;  // status.message
  TimePoint time;

  Severity severity() const;
  // One line for people, e.g. "version 7 promoted" or "version 8 rolled back". No markup.
  std::string summary() const;
};

// The phase change between `before` (the release as the pass read it) and `written` (the status the
// pass wrote); nullopt when the phase stayed the same. Pure.
std::optional<ReleaseNotification> phaseChange(const api::ModelRelease& before, const api::ModelReleaseStatus& written,
                                               TimePoint now);

}  // namespace aviary::notify
