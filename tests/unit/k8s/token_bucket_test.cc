#include <gtest/gtest.h>

#include "k8s/token_bucket.h"

namespace aviary::k8s {
namespace {

using std::chrono::milliseconds;

TEST(TokenBucket, BurstIsFreeThenOnePerInterval) {
  ManualClock clock;
  TokenBucket bucket(10, 3, clock);  // 10 qps: a token every 100 ms
  EXPECT_EQ(bucket.reserve(), milliseconds(0));
  EXPECT_EQ(bucket.reserve(), milliseconds(0));
  EXPECT_EQ(bucket.reserve(), milliseconds(0));
  EXPECT_EQ(bucket.reserve(), milliseconds(100));
  // Reservations queue up: the next caller waits behind the previous one.
  EXPECT_EQ(bucket.reserve(), milliseconds(200));
}

TEST(TokenBucket, RefillsWithTimeButNeverAboveBurst) {
  ManualClock clock;
  TokenBucket bucket(10, 2, clock);
  EXPECT_EQ(bucket.reserve(), milliseconds(0));
  EXPECT_EQ(bucket.reserve(), milliseconds(0));
  clock.advance(milliseconds(50));
  EXPECT_EQ(bucket.reserve(), milliseconds(50));  // half a token back
  clock.advance(std::chrono::hours(1));
  EXPECT_EQ(bucket.reserve(), milliseconds(0));
  EXPECT_EQ(bucket.reserve(), milliseconds(0));
  EXPECT_EQ(bucket.reserve(), milliseconds(100));  // an hour idle still buys only `burst`
}

TEST(TokenBucket, ClockSteppingBackDoesNotRefillOrDrain) {
  ManualClock clock;
  TokenBucket bucket(1, 1, clock);
  EXPECT_EQ(bucket.reserve(), milliseconds(0));
  clock.advance(-std::chrono::seconds(30));
  EXPECT_EQ(bucket.reserve(), milliseconds(1000));
}

TEST(TokenBucket, AnUrgentRequestGoesAheadOfTheQueueAndTheOthersWaitForItsToken) {
  ManualClock clock;
  TokenBucket bucket(10, 2, clock);
  EXPECT_EQ(bucket.reserve(), milliseconds(0));
  EXPECT_EQ(bucket.reserve(), milliseconds(0));
  EXPECT_EQ(bucket.reserve(), milliseconds(100));
  EXPECT_EQ(bucket.reserve(/*urgent=*/true), milliseconds(0)) << "ahead of the one waiting 100 ms";
  EXPECT_EQ(bucket.reserve(), milliseconds(300)) << "behind the urgent request's token too";
}

TEST(TokenBucket, UrgentRequestsOverrunTheRateByAtMostOneBurst) {
  ManualClock clock;
  TokenBucket bucket(10, 2, clock);
  EXPECT_EQ(bucket.reserve(true), milliseconds(0));
  EXPECT_EQ(bucket.reserve(true), milliseconds(0));  // the bucket's own burst
  EXPECT_EQ(bucket.reserve(true), milliseconds(0));
  EXPECT_EQ(bucket.reserve(true), milliseconds(0));  // one burst beyond it
  EXPECT_EQ(bucket.reserve(true), milliseconds(100));
  EXPECT_EQ(bucket.reserve(), milliseconds(400)) << "an ordinary request waits out all of the debt";
}

TEST(TokenBucket, ZeroQpsMeansUnlimited) {
  ManualClock clock;
  TokenBucket bucket(0, 1, clock);
  for (int i = 0; i < 1000; ++i) ASSERT_EQ(bucket.reserve(), milliseconds(0));
}

}  // namespace
}  // namespace aviary::k8s
