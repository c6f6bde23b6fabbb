// How many pods each version runs at a canary weight.

#include <algorithm>

#include "aviary/release/replica_split.h"
#include "release/plan_context.h"

namespace aviary::release {
namespace {

int32_t ceilShare(int32_t replicas, int32_t weight) {
  return static_cast<int32_t>((static_cast<int64_t>(replicas) * weight + 99) / 100);
}

}  // namespace

ReplicaSplit replicaSplit(int32_t replicas, int32_t weight) {
  replicas = std::max(replicas, 0);
  weight = std::clamp(weight, 0, 100);
  if (weight == 0 || replicas == 0) return {replicas, 0};
  if (weight == 100) return {0, replicas};
  if (replicas == 1) return {1, 1};
  const int32_t canary = std::min(ceilShare(replicas, weight), replicas - 1);
  return {replicas - canary, canary};
}

ReplicaSplit canaryReplicaPlan(const api::ModelReleaseSpec& spec, int32_t weight) {
  if (splitsByReplicas(spec)) return replicaSplit(spec.replicas, weight);  // the pods are the split
  // A mesh routes by weight, so pods need not follow it. Like Argo Rollouts without
  // dynamicStableScale, the stable version keeps its full size: a rollback is then a route change
  // with no pod to start. The canary runs its weight's share, and at least one pod so it can become
  // Available (and be measured) before traffic reaches it — unless the release is scaled to zero.
  const int32_t replicas = std::max(0, spec.replicas);
  if (replicas == 0) return {0, 0};
  return {replicas, std::max(1, ceilShare(replicas, std::clamp(weight, 0, 100)))};
}

}  // namespace aviary::release
