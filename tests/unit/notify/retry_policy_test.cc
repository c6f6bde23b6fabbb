#include "aviary/notify/retry_policy.h"

#include <gtest/gtest.h>

namespace aviary::notify {
namespace {

using std::chrono::seconds;

Result<HttpAnswer> answered(long status) { return HttpAnswer{status, ""}; }

TEST(ClassifyAttempt, TwoHundredsAreSent) {
  EXPECT_EQ(classifyAttempt(answered(200)), AttemptOutcome::Sent);
  EXPECT_EQ(classifyAttempt(answered(204)), AttemptOutcome::Sent);
}

TEST(ClassifyAttempt, NoAnswerOrAnOverloadedEndpointIsWorthAnotherTry) {
  EXPECT_EQ(classifyAttempt(makeError(ErrorCode::Unavailable, "connection refused")), AttemptOutcome::Retryable);
  EXPECT_EQ(classifyAttempt(makeError(ErrorCode::Timeout, "no answer")), AttemptOutcome::Retryable);
  for (long status : {408L, 429L, 500L, 502L, 503L, 504L}) {
    EXPECT_EQ(classifyAttempt(answered(status)), AttemptOutcome::Retryable) << status;
  }
}

TEST(ClassifyAttempt, OtherAnswersWillNotImprove) {
  for (long status : {301L, 400L, 401L, 403L, 404L, 410L}) {
    EXPECT_EQ(classifyAttempt(answered(status)), AttemptOutcome::Rejected) << status;
  }
}

TEST(RetryPolicy, DefaultDoublesFromOneSecondForFiveAttempts) {
  RetryPolicy policy;
  EXPECT_EQ(policy.delayAfter(1), seconds(1));
  EXPECT_EQ(policy.delayAfter(2), seconds(2));
  EXPECT_EQ(policy.delayAfter(3), seconds(4));
  EXPECT_EQ(policy.delayAfter(4), seconds(8));
  EXPECT_FALSE(policy.delayAfter(5).has_value()) << "the fifth attempt was the last";
  EXPECT_FALSE(policy.delayAfter(0).has_value());
}

TEST(RetryPolicy, DelaysStopAtTheCap) {
  RetryPolicy policy;
  policy.maxAttempts = 10;
  policy.backoff.cap = seconds(5);
  EXPECT_EQ(policy.delayAfter(3), seconds(4));
  EXPECT_EQ(policy.delayAfter(4), seconds(5));
  EXPECT_EQ(policy.delayAfter(9), seconds(5));
  EXPECT_FALSE(policy.delayAfter(10).has_value());
}

TEST(RetryPolicy, OneAttemptMeansNoRetry) {
  RetryPolicy policy;
  policy.maxAttempts = 1;
  EXPECT_FALSE(policy.delayAfter(1).has_value());
}

}  // namespace
}  // namespace aviary::notify
