#pragma once
// Exponential per-key backoff: the delay before retrying key after its n-th consecutive failure is
// base * 2^(n-1), capped; forget(key) after a success starts the key over. Used by the work queue's
// addRateLimited and by the informer's and leader elector's reconnect loops.
// Thread-safety: none; the owner (work queue, informer loop) serialises calls.

#include <cstdint>
#include <random>
#include <string>
#include <unordered_map>

#include "aviary/common/clock.h"

namespace aviary::runtime {

struct BackoffPolicy {
  Duration base = std::chrono::milliseconds(5);
  Duration cap = std::chrono::seconds(10);
  // Fraction of the delay randomised away, in [0, 1): 0.2 gives a delay in [0.8·d, d]. Spreads the
  // reconnects of many clients after a server restart; 0 keeps delays exact (for tests).
  double jitter = 0;
};

// The delay after `failures` consecutive failures (failures ≥ 1), before jitter: base·2^(failures-1),
// never above cap. Pure.
Duration backoffDelay(const BackoffPolicy& policy, int failures);

class Backoff {
 public:
  explicit Backoff(BackoffPolicy policy = {}, uint64_t seed = std::random_device{}());

  // Counts one more failure of key and returns the delay before its retry.
  Duration next(const std::string& key);
  // The key succeeded: its next failure starts again at base.
  void forget(const std::string& key);
  // Consecutive failures counted for key (0 when unknown).
  int failures(const std::string& key) const;

  const BackoffPolicy& policy() const { return policy_; }

 private:
  BackoffPolicy policy_;
  std::unordered_map<std::string, int> failures_;
  std::mt19937_64 random_;
};

}  // namespace aviary::runtime
