#pragma once
// Client-side rate limit: a token bucket of `burst` tokens refilled at `qps` per second, like
// client-go's flowcontrol limiter. reserve() never blocks; it says how long the caller must wait, so
// the math is tested with a ManualClock and the waiting is the caller's.
// Thread-safety: reserve may be called from any thread.

#include <mutex>

#include "aviary/common/clock.h"

namespace aviary::k8s {

class TokenBucket {
 public:
  // qps <= 0 disables the limit. clock must outlive the bucket. Starts full.
  TokenBucket(double qps, int burst, const Clock& clock);

  // Takes one token (the bucket may go into debt) and returns the wait before the caller may proceed:
  // zero while tokens remain, then 1/qps apart.
  // urgent: ahead of the queue. The token is taken all the same (the ordinary callers after it wait
  // for it), but the caller waits only for the debt beyond `burst` tokens, so urgent requests
  // overrun the rate by at most one burst and a flood of them is paced again.
  Duration reserve(bool urgent = false);

 private:
  double qps_;
  double burst_;
  const Clock& clock_;
  std::mutex mutex_;
  double tokens_;
  TimePoint last_;
};

}  // namespace aviary::k8s
