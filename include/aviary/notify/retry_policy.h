#pragma once
// How often and when a failed webhook delivery is tried again. Pure: the notifier asks it after each
// failure, so the schedule is unit-tested without waiting.

#include <optional>

#include "aviary/common/clock.h"
#include "aviary/common/http_fetch.h"
#include "aviary/common/result.h"
#include "aviary/runtime/backoff.h"

namespace aviary::notify {

// What one attempt amounted to.
enum class AttemptOutcome {
  Sent,       // a 2xx answer
  Retryable,  // no answer, a timeout, 408, 429 or 5xx: the endpoint may recover
  Rejected,   // any other answer (a wrong URL, a refused payload), or a URL the egress policy or the
              // scheme check refuses (Forbidden, InvalidSpec): trying again would not help
};

AttemptOutcome classifyAttempt(const Result<HttpAnswer>& answer);

struct RetryPolicy {
  int maxAttempts = 5;  // the first try included
  // 1 s, 2 s, 4 s, 8 s between the five attempts: a short endpoint outage is bridged, a dead one is
  // given up on within a quarter of a minute.
  runtime::BackoffPolicy backoff{std::chrono::seconds(1), std::chrono::seconds(30), 0};

  // The wait before the next attempt after `failedAttempts` failed ones (≥ 1); nullopt when none is left.
  std::optional<Duration> delayAfter(int failedAttempts) const;
};

}  // namespace aviary::notify
