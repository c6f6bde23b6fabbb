// How many pods each version runs at a canary weight.

#include <algorithm>

#include "release/plan_context.h"

namespace aviary::release {
namespace {

int32_t ceilShare(int32_t replicas, int32_t weight) { return (replicas * weight + 99) / 100; }

}  // namespace

ReplicaPlan canaryReplicaPlan(const api::ModelReleaseSpec& spec, int32_t weight) {
  const int32_t replicas = std::max(0, spec.replicas);
  weight = std::clamp(weight, 0, 100);
  if (usesReplicaRatio(spec)) {
    // The pods are the split (both versions sit behind the root Service). The same contract as
    // traffic::replicaSplit, which the replica-ratio router applies: weight 0 → no canary pod,
    // 100 → no stable pod, in between at least one stable pod, and with a single replica both run one.
    if (weight == 0) return {replicas, 0};
    if (weight == 100) return {0, replicas};
    int32_t canary = std::clamp(ceilShare(replicas, weight), 1, std::max(1, replicas - 1));
    return {std::max(1, replicas - canary), canary};
  }
  // A mesh routes by weight, so pods need not follow it. Like Argo Rollouts without
  // dynamicStableScale, the stable version keeps its full size: a rollback is then a route change
  // with no pod to start. The canary runs its weight's share, and at least one pod so it can become
  // Available (and be measured) before traffic reaches it.
  return {replicas, std::max(1, ceilShare(replicas, weight))};
}

}  // namespace aviary::release
