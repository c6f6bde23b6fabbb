#include "aviary/runtime/backoff.h"

#include <algorithm>

namespace aviary::runtime {

Duration backoffDelay(const BackoffPolicy& policy, int failures) {
  if (failures <= 0 || policy.base <= Duration::zero()) return Duration::zero();
  Duration delay = policy.base;
  // Doubling stops at the cap, so large failure counts cannot overflow.
  for (int i = 1; i < failures && delay < policy.cap; ++i) delay *= 2;
  return std::min(delay, policy.cap);
}

Backoff::Backoff(BackoffPolicy policy, uint64_t seed) : policy_(policy), random_(seed) {}

Duration Backoff::next(const std::string& key) {
  int& count = failures_[key];
  if (count < 1'000'000) ++count;
  Duration delay = backoffDelay(policy_, count);
  if (policy_.jitter > 0 && delay > Duration::zero()) {
    std::uniform_real_distribution<double> fraction(0.0, std::min(policy_.jitter, 0.999));
    delay -= Duration(static_cast<Duration::rep>(static_cast<double>(delay.count()) * fraction(random_)));
  }
  return delay;
}

void Backoff::forget(const std::string& key) { failures_.erase(key); }

int Backoff::failures(const std::string& key) const {
  auto it = failures_.find(key);
  return it == failures_.end() ? 0 : it->second;
}

}  // namespace aviary::runtime
