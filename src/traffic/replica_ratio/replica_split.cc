#include "aviary/traffic/replica_split.h"

#include <algorithm>

namespace aviary::traffic {

ReplicaSplit replicaSplit(int32_t replicas, int32_t weight) {
  replicas = std::max(replicas, 0);
  weight = std::clamp(weight, 0, 100);
  if (weight == 0 || replicas == 0) return {replicas, 0};
  if (weight == 100) return {0, replicas};
  // ceil(replicas × weight / 100) in integers.
  int32_t canary = static_cast<int32_t>((static_cast<int64_t>(replicas) * weight + 99) / 100);
  if (replicas == 1) return {1, 1};
  canary = std::min(canary, replicas - 1);
  return {replicas - canary, canary};
}

}  // namespace aviary::traffic
