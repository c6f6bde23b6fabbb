#include "aviary/notify/retry_policy.h"

namespace aviary::notify {

AttemptOutcome classifyAttempt(const Result<HttpAnswer>& answer) {
  if (!answer.ok()) return AttemptOutcome::Retryable;
  const long status = answer->status;
  if (status >= 200 && status < 300) return AttemptOutcome::Sent;
  if (status == 408 || status == 429 || status >= 500) return AttemptOutcome::Retryable;
  return AttemptOutcome::Rejected;
}

std::optional<Duration> RetryPolicy::delayAfter(int failedAttempts) const {
  if (failedAttempts < 1 || failedAttempts >= maxAttempts) return std::nullopt;
  return runtime::backoffDelay(backoff, failedAttempts);
}

}  // namespace aviary::notify
