#pragma once
// Replica-ratio router, for clusters without a mesh: the root Service selects every version of the
// release, so the split is the share of pods each version runs. setRoutes scales the stable and canary
// Deployments to replicaSplit(spec.replicas, weight) through a WorkloadApplier (the one that grows goes
// first, so capacity never dips); it writes no route object. getRoutes reports the pod share.

#include "aviary/traffic/router.h"

namespace aviary::traffic {

RouterPtr makeReplicaRatioRouter(k8s::Client& client);

}  // namespace aviary::traffic
