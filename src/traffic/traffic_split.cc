#include "aviary/traffic/router.h"

namespace aviary::traffic {

RouteTarget routeTarget(const api::ModelRelease& release) {
  RouteTarget target;
  target.release = workload::releaseRef(release);
  if (release.spec.strategy.canary) target.routing = release.spec.strategy.canary->trafficRouting;
  target.replicas = release.spec.replicas;
  target.stableVersion = release.status.stableVersion;
  target.canaryVersion = release.status.canaryVersion;
  return target;
}

Status validateSplit(const TrafficSplit& split) {
  if (split.canaryWeight < 0 || split.canaryWeight > 100) {
    return makeError(ErrorCode::InvalidSpec, "canary weight " + std::to_string(split.canaryWeight) + " is outside 0..100");
  }
  if (split.mirrorPercent < 0 || split.mirrorPercent > 100) {
    return makeError(ErrorCode::InvalidSpec, "mirror percent " + std::to_string(split.mirrorPercent) + " is outside 0..100");
  }
  if (split.canaryVersion.empty() && split.canaryWeight != 0) {
    return makeError(ErrorCode::InvalidSpec, "canary weight " + std::to_string(split.canaryWeight) + " without a canary version");
  }
  if (split.canaryVersion.empty() && (split.mirrorPercent != 0 || !split.headerRoutes.empty())) {
    return makeError(ErrorCode::InvalidSpec, "a mirror or header route without a canary version");
  }
  return okStatus();
}

}  // namespace aviary::traffic
