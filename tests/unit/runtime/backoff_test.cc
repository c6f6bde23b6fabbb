#include "aviary/runtime/backoff.h"

#include <set>

#include <gtest/gtest.h>

namespace aviary::runtime {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

TEST(BackoffDelay, DoublesFromBaseAndStopsAtCap) {
  BackoffPolicy policy{milliseconds(5), seconds(10), 0};
  EXPECT_EQ(backoffDelay(policy, 1), milliseconds(5));
  EXPECT_EQ(backoffDelay(policy, 2), milliseconds(10));
  EXPECT_EQ(backoffDelay(policy, 3), milliseconds(20));
  EXPECT_EQ(backoffDelay(policy, 11), milliseconds(5120));
  EXPECT_EQ(backoffDelay(policy, 12), seconds(10));
  EXPECT_EQ(backoffDelay(policy, 1'000'000), seconds(10));
  EXPECT_EQ(backoffDelay(policy, 0), milliseconds(0));
}

TEST(Backoff, CountsPerKeyAndForgetStartsOver) {
  Backoff backoff({milliseconds(100), seconds(1), 0});
  EXPECT_EQ(backoff.next("ns/a"), milliseconds(100));
  EXPECT_EQ(backoff.next("ns/a"), milliseconds(200));
  EXPECT_EQ(backoff.next("ns/b"), milliseconds(100));
  EXPECT_EQ(backoff.failures("ns/a"), 2);
  for (int i = 0; i < 10; ++i) backoff.next("ns/a");
  EXPECT_EQ(backoff.next("ns/a"), seconds(1));
  backoff.forget("ns/a");
  EXPECT_EQ(backoff.failures("ns/a"), 0);
  EXPECT_EQ(backoff.next("ns/a"), milliseconds(100));
  EXPECT_EQ(backoff.failures("ns/b"), 1);
}

TEST(Backoff, JitterStaysWithinItsFractionAndVaries) {
  Backoff backoff({milliseconds(1000), seconds(1), 0.5}, /*seed=*/42);
  std::set<Duration::rep> seen;
  for (int i = 0; i < 50; ++i) {
    Duration d = backoff.next("k");  // at the cap from the first call: base == cap
    EXPECT_LE(d, milliseconds(1000));
    EXPECT_GT(d, milliseconds(500));
    seen.insert(d.count());
  }
  EXPECT_GT(seen.size(), 10u);
}

}  // namespace
}  // namespace aviary::runtime
