#include "aviary/server/review_cache.h"

#include <gtest/gtest.h>

#include "unit/server/fake_reviewers.h"

namespace aviary::server {
namespace {

using namespace std::chrono_literals;

class ReviewCacheTest : public ::testing::Test {
 protected:
  ReviewCacheTest() {
    tokens_.users["alice-token"] = {"alice", {"release-managers"}};
    access_.grants.insert("alice patch ml/fraud");
  }

  ReviewCacheOptions options(std::size_t maxEntries = 16) {
    ReviewCacheOptions o;
    o.allowedTtl = 10s;
    o.deniedTtl = 2s;
    o.maxEntries = maxEntries;
    return o;
  }

  const approval::Identity alice_{"alice", {"release-managers"}};
  ManualClock clock_;
  testing::FakeTokens tokens_;
  testing::FakeAccess access_;
};

TEST_F(ReviewCacheTest, AnAuthenticatedTokenIsReviewedOnceWithinTheTtl) {
  auto cached = cacheTokenReviews(tokens_, clock_, options());
  for (int i = 0; i < 5; ++i) {
    auto verdict = cached->authenticate("alice-token");
    ASSERT_TRUE(verdict.ok());
    EXPECT_TRUE(verdict->authenticated);
    EXPECT_EQ(verdict->identity.username, "alice");
    clock_.advance(1s);
  }
  EXPECT_EQ(tokens_.seen.size(), 1u);
  clock_.advance(6s);  // 11 s after the review
  ASSERT_TRUE(cached->authenticate("alice-token").ok());
  EXPECT_EQ(tokens_.seen.size(), 2u) << "an expired answer is asked again";
}

TEST_F(ReviewCacheTest, ARefusedTokenIsKeptOnlyTheShorterTtl) {
  auto cached = cacheTokenReviews(tokens_, clock_, options());
  EXPECT_FALSE(cached->authenticate("stolen").value().authenticated);
  clock_.advance(1s);
  EXPECT_FALSE(cached->authenticate("stolen").value().authenticated);
  EXPECT_EQ(tokens_.seen.size(), 1u);
  clock_.advance(1s);
  tokens_.users["stolen"] = {"mallory", {}};  // say, the token was just created
  EXPECT_TRUE(cached->authenticate("stolen").value().authenticated);
  EXPECT_EQ(tokens_.seen.size(), 2u);
}

TEST_F(ReviewCacheTest, ErrorsAreNeverCached) {
  auto cached = cacheTokenReviews(tokens_, clock_, options());
  tokens_.outage = makeError(ErrorCode::Unavailable, "connection refused");
  EXPECT_FALSE(cached->authenticate("alice-token").ok());
  tokens_.outage.reset();
  EXPECT_TRUE(cached->authenticate("alice-token").value().authenticated);
  EXPECT_EQ(tokens_.seen.size(), 2u);

  auto access = cacheAccessReviews(access_, clock_, options());
  access_.outage = makeError(ErrorCode::Unavailable, "connection refused");
  EXPECT_FALSE(access->review(alice_, {"patch", "ml", "fraud"}).ok());
  access_.outage.reset();
  EXPECT_TRUE(access->review(alice_, {"patch", "ml", "fraud"}).value().allowed);
  EXPECT_EQ(access_.asked.size(), 2u);
}

TEST_F(ReviewCacheTest, DistinctTokensAreDistinctEntries) {
  tokens_.users["bob-token"] = {"bob", {}};
  auto cached = cacheTokenReviews(tokens_, clock_, options());
  EXPECT_EQ(cached->authenticate("alice-token").value().identity.username, "alice");
  EXPECT_EQ(cached->authenticate("bob-token").value().identity.username, "bob");
  EXPECT_EQ(cached->authenticate("alice-token").value().identity.username, "alice");
  EXPECT_EQ(tokens_.seen.size(), 2u);
}

TEST_F(ReviewCacheTest, AccessAnswersAreKeyedByEveryAttribute) {
  auto cached = cacheAccessReviews(access_, clock_, options());
  EXPECT_TRUE(cached->review(alice_, {"patch", "ml", "fraud"}).value().allowed);
  EXPECT_TRUE(cached->review(alice_, {"patch", "ml", "fraud"}).value().allowed);
  EXPECT_EQ(access_.asked.size(), 1u);
  // Another verb, namespace, release, user or group set is another question.
  EXPECT_FALSE(cached->review(alice_, {"approve", "ml", "fraud"}).value().allowed);
  EXPECT_FALSE(cached->review(alice_, {"patch", "ops", "fraud"}).value().allowed);
  EXPECT_FALSE(cached->review(alice_, {"patch", "ml", "fraudx"}).value().allowed);
  EXPECT_FALSE(cached->review({"bob", {"release-managers"}}, {"patch", "ml", "fraud"}).value().allowed);
  EXPECT_TRUE(cached->review({"alice", {}}, {"patch", "ml", "fraud"}).value().allowed);
  EXPECT_EQ(access_.asked.size(), 6u);
  // Names that run together differently never share a key.
  EXPECT_FALSE(cached->review({"alice", {"release-managers"}}, {"patch", "mlf", "raud"}).value().allowed);
  EXPECT_EQ(access_.asked.size(), 7u);
}

TEST_F(ReviewCacheTest, ADenialExpiresSoonSoANewGrantShows) {
  auto cached = cacheAccessReviews(access_, clock_, options());
  EXPECT_FALSE(cached->review(alice_, {"approve", "ml", "fraud"}).value().allowed);
  access_.grants.insert("alice approve ml/fraud");
  clock_.advance(1s);
  EXPECT_FALSE(cached->review(alice_, {"approve", "ml", "fraud"}).value().allowed) << "still the cached denial";
  clock_.advance(1s);
  EXPECT_TRUE(cached->review(alice_, {"approve", "ml", "fraud"}).value().allowed);
  EXPECT_EQ(access_.asked.size(), 2u);
}

TEST_F(ReviewCacheTest, ByDefaultOnlyPositiveAnswersAreKept) {
  auto tokens = cacheTokenReviews(tokens_, clock_);
  auto access = cacheAccessReviews(access_, clock_);
  for (int i = 0; i < 2; ++i) {
    EXPECT_FALSE(tokens->authenticate("stolen").value().authenticated);
    EXPECT_FALSE(access->review(alice_, {"approve", "ml", "fraud"}).value().allowed);
    EXPECT_TRUE(tokens->authenticate("alice-token").value().authenticated);
    EXPECT_TRUE(access->review(alice_, {"patch", "ml", "fraud"}).value().allowed);
  }
  EXPECT_EQ(tokens_.seen.size(), 3u);  // the refused token twice, alice's once
  EXPECT_EQ(access_.asked.size(), 3u);
  clock_.advance(std::chrono::seconds(10));
  EXPECT_TRUE(access->review(alice_, {"patch", "ml", "fraud"}).value().allowed);
  EXPECT_EQ(access_.asked.size(), 4u) << "10 s later the allowed answer is asked again";
}

TEST_F(ReviewCacheTest, ZeroTtlsCacheNothing) {
  ReviewCacheOptions none;
  none.allowedTtl = 0s;
  none.deniedTtl = 0s;
  auto cached = cacheAccessReviews(access_, clock_, none);
  for (int i = 0; i < 3; ++i) EXPECT_TRUE(cached->review(alice_, {"patch", "ml", "fraud"}).value().allowed);
  EXPECT_EQ(access_.asked.size(), 3u);
}

TEST_F(ReviewCacheTest, TheCacheIsBoundedAndDropsTheSoonestToExpire) {
  auto cached = cacheAccessReviews(access_, clock_, options(2));
  EXPECT_FALSE(cached->review(alice_, {"get", "ml", "a"}).value().allowed);  // denied: expires in 2 s
  EXPECT_TRUE(cached->review(alice_, {"patch", "ml", "fraud"}).value().allowed);  // 10 s
  EXPECT_FALSE(cached->review(alice_, {"get", "ml", "b"}).value().allowed);  // full: "a" goes
  EXPECT_EQ(access_.asked.size(), 3u);
  EXPECT_TRUE(cached->review(alice_, {"patch", "ml", "fraud"}).value().allowed);
  EXPECT_FALSE(cached->review(alice_, {"get", "ml", "b"}).value().allowed);
  EXPECT_EQ(access_.asked.size(), 3u) << "the two kept answers are still served";
  EXPECT_FALSE(cached->review(alice_, {"get", "ml", "a"}).value().allowed);
  EXPECT_EQ(access_.asked.size(), 4u) << "the dropped answer is asked again";
}

}  // namespace
}  // namespace aviary::server
