#pragma once
// Without a mesh, a traffic weight is realised as the share of the release's pods that run the canary
// (both versions sit behind the one root Service). Pure function, the one rule for it: the planner sizes
// the Deployments with it, the replica-ratio router scales them with it.

#include <cstdint>

namespace aviary::release {

struct ReplicaSplit {
  int32_t stable = 0;
  int32_t canary = 0;
};

// canary = ceil(replicas × weight / 100), stable = replicas − canary, except:
//   weight 0 → no canary pod; weight 100 → no stable pod;
//   0 < weight < 100 keeps at least one stable pod: canary is cut to replicas − 1, and with a single
//   replica both versions run one pod (the canary must serve something to be measured);
//   replicas 0 (a release scaled to zero) → no pod at any weight: nothing starts that was not asked for.
// weight is clamped to 0..100, replicas below 0 count as 0.
ReplicaSplit replicaSplit(int32_t replicas, int32_t weight);

}  // namespace aviary::release
