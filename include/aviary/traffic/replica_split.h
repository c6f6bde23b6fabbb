#pragma once
// Without a mesh, a traffic weight is realised as the share of the release's pods that run the canary
// (both versions sit behind the one root Service). Pure function; the planner may call it to size the
// Deployments it asks for, the replica-ratio router uses it to scale them.

#include <cstdint>

namespace aviary::traffic {

struct ReplicaSplit {
  int32_t stable = 0;
  int32_t canary = 0;
};

// canary = ceil(replicas × weight / 100), stable = replicas − canary, except:
//   weight 0 → no canary pod; weight 100 → no stable pod;
//   0 < weight < 100 keeps at least one stable pod: canary is cut to replicas − 1, and with a single
//   replica both versions run one pod (the canary must serve something to be measured).
// weight is clamped to 0..100, replicas below 0 count as 0.
ReplicaSplit replicaSplit(int32_t replicas, int32_t weight);

}  // namespace aviary::traffic
