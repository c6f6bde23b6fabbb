#include "aviary/dashboard/release_feed.h"

#include <gtest/gtest.h>

#include "unit/dashboard/dashboard_fixtures.h"

namespace aviary::dashboard {
namespace {

using testing::release;

runtime::ObjectPtr object(nlohmann::json json) { return std::make_shared<const nlohmann::json>(std::move(json)); }

TEST(ReleaseFeedTest, InformerEventsUpdateTheReleasesTheirHistoryAndTheVersion) {
  ManualClock clock;
  ReleaseFeed feed(clock);
  auto handler = feed.handler();
  const uint64_t start = feed.version();

  handler.onAdd(object(release("ml", "fraud", "Progressing", 10)));
  handler.onAdd(object(release("a", "first")));
  EXPECT_GT(feed.version(), start);
  ASSERT_EQ(feed.releases().size(), 2u);
  EXPECT_EQ(runtime::objectKey(*feed.releases()[0]), "a/first") << "ordered by key";

  const uint64_t beforeUpdate = feed.version();
  handler.onUpdate(nullptr, object(release("ml", "fraud", "Progressing", 50)));
  EXPECT_GT(feed.version(), beforeUpdate);
  EXPECT_EQ((*feed.release("ml/fraud"))["status"]["canaryWeight"], 50);
  EXPECT_EQ(feed.history("ml/fraud")["traffic"].size(), 2u);

  handler.onDelete(object(release("ml", "fraud")));
  EXPECT_EQ(feed.release("ml/fraud"), nullptr);
  EXPECT_TRUE(feed.history("ml/fraud")["traffic"].empty());
}

TEST(ReleaseFeedTest, WaitForChangeReturnsAtOnceWhenTheCallerIsBehind) {
  ManualClock clock;
  ReleaseFeed feed(clock);
  feed.upsert(object(release("ml", "fraud")));
  // Behind: no wait, whatever the timeout (a unit test never sleeps).
  EXPECT_EQ(feed.waitForChange(feed.version() - 1, std::chrono::hours(1)), feed.version());
  // Current, zero timeout: the current version, at once.
  EXPECT_EQ(feed.waitForChange(feed.version(), Duration::zero()), feed.version());
  // Closed (shutting down): even a current caller's hour-long wait returns at once.
  feed.close();
  EXPECT_EQ(feed.waitForChange(feed.version(), std::chrono::hours(1)), feed.version());
}

}  // namespace
}  // namespace aviary::dashboard
