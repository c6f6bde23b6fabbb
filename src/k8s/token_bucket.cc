#include "k8s/token_bucket.h"

#include <algorithm>
#include <chrono>

namespace aviary::k8s {

TokenBucket::TokenBucket(double qps, int burst, const Clock& clock)
    : qps_(qps), burst_(std::max(1, burst)), clock_(clock), tokens_(burst_), last_(clock.now()) {}

Duration TokenBucket::reserve(bool urgent) {
  if (qps_ <= 0) return Duration::zero();
  std::lock_guard<std::mutex> lock(mutex_);
  TimePoint now = clock_.now();
  // A wall clock stepping backwards must not drain the bucket; it just refills nothing.
  if (now > last_) {
    double elapsed = std::chrono::duration<double>(now - last_).count();
    tokens_ = std::min(burst_, tokens_ + elapsed * qps_);
    last_ = now;
  }
  tokens_ -= 1;
  const double debt = urgent ? -tokens_ - burst_ : -tokens_;
  if (debt <= 0) return Duration::zero();
  double waitSeconds = debt / qps_;
  return std::chrono::ceil<Duration>(std::chrono::duration<double>(waitSeconds));
}

}  // namespace aviary::k8s
