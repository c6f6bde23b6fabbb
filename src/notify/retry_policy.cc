#include "aviary/notify/retry_policy.h"

namespace aviary::notify {

AttemptOutcome classifyAttempt(const Result<HttpAnswer>& answer) {
  if (!answer.ok()) {
    // Refused by the egress policy or not a usable URL: the same attempt would be refused again.
    const ErrorCode code = answer.error().code;
    return code == ErrorCode::Forbidden || code == ErrorCode::InvalidSpec ? AttemptOutcome::Rejected
                                                                          : AttemptOutcome::Retryable;
  }
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
