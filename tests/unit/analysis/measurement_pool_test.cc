// The measurement pool: one fetch per look however often it is asked for, bounded, cancellation that
// drops a fetch in flight, unclaimed values dropped, and real worker threads waking the release.

#include "aviary/analysis/measurement_pool.h"

#include <gtest/gtest.h>

#include <condition_variable>
#include <mutex>

namespace aviary::analysis {
namespace {

using namespace std::chrono_literals;

MeasurementKey look(const std::string& release, const std::string& stage = "2/analysis-1", const std::string& dueAt = "t0") {
  return {release, stage, "error-rate", dueAt, "2", "1"};
}

class MeasurementPoolTest : public ::testing::Test {
 protected:
  // A fetch that counts its runs and answers a scalar.
  FetchWork work(double value) {
    return [this, value] {
      ++fetches;
      FetchedValues v;
      v.canary = MetricValue{Scalar{value}};
      v.startedAt = v.readyAt = clock.now();
      return v;
    };
  }

  ManualClock clock;
  int fetches = 0;
  std::vector<std::string> woken;
  std::vector<size_t> pendingSeen;
  MeasurementPool pool{clock, {0, 3, [this](const std::string& key, bool) { woken.push_back(key); },
                               [this](size_t n) { pendingSeen.push_back(n); }}};
};

double scalarOf(const std::optional<FetchedValues>& values) { return std::get<Scalar>(*values->canary).value; }

TEST_F(MeasurementPoolTest, ALookIsFetchedOnceAndTakenOnce) {
  EXPECT_FALSE(pool.take(look("ml/a"), work(0.1)));
  EXPECT_FALSE(pool.take(look("ml/a"), work(0.9))) << "still queued: not queued twice";
  EXPECT_EQ(pool.runQueued(), 1u);
  EXPECT_EQ(fetches, 1);
  EXPECT_EQ(woken, (std::vector<std::string>{"ml/a"}));
  auto values = pool.take(look("ml/a"), work(0.9));
  ASSERT_TRUE(values);
  EXPECT_EQ(scalarOf(values), 0.1);
  EXPECT_FALSE(pool.take(look("ml/a"), work(0.9))) << "taken: the same key again is a new look";
  EXPECT_EQ(pool.pending(), 1u);
  EXPECT_EQ(pendingSeen.back(), 1u);
}

TEST_F(MeasurementPoolTest, AtMostMaxQueuedLooksWait) {
  for (const char* release : {"ml/a", "ml/b", "ml/c", "ml/d"}) EXPECT_FALSE(pool.take(look(release), work(0)));
  EXPECT_EQ(pool.pending(), 3u);
  EXPECT_EQ(pool.runQueued(), 3u);
  EXPECT_FALSE(pool.take(look("ml/d"), work(0))) << "refused while full, queued once there is room";
  EXPECT_EQ(pool.runQueued(), 1u);
  EXPECT_TRUE(pool.take(look("ml/d"), work(0)));
}

TEST_F(MeasurementPoolTest, CancellingAStageDropsItsWaitingLooksOnly) {
  pool.take(look("ml/a", "2/analysis-1"), work(0));
  pool.take(look("ml/a", "2/background"), work(0));
  pool.take(look("ml/b", "2/analysis-1"), work(0));
  pool.cancel("ml/a", "2/analysis-1");
  EXPECT_EQ(pool.runQueued(), 2u);
  pool.cancel("ml/b", "");
  EXPECT_FALSE(pool.take(look("ml/b", "2/analysis-1"), work(0))) << "cancelled values are gone: a new look";
  EXPECT_TRUE(pool.take(look("ml/a", "2/background"), work(0)));
}

TEST_F(MeasurementPoolTest, AFetchCancelledInFlightIsDroppedAndWakesNobody) {
  pool.take(look("ml/a"), [this] {
    pool.cancel("ml/a", "");  // the stage is aborted while Prometheus answers
    return FetchedValues{};
  });
  EXPECT_EQ(pool.runQueued(), 1u);
  EXPECT_TRUE(woken.empty());
  EXPECT_EQ(pool.pending(), 0u);
  EXPECT_FALSE(pool.take(look("ml/a"), work(0)));
}

TEST_F(MeasurementPoolTest, ValuesNobodyTakesAreDroppedAfterTheirTtl) {
  pool.take(look("ml/a"), work(0.1));
  pool.runQueued();
  clock.advance(MeasurementPool::kUnclaimedTtl + 1s);
  EXPECT_FALSE(pool.take(look("ml/b"), work(0)));  // any call sweeps
  EXPECT_FALSE(pool.take(look("ml/a"), work(0.2))) << "dropped: fetched anew";
  pool.runQueued();
  EXPECT_EQ(scalarOf(pool.take(look("ml/a"), work(0))), 0.2);
}

TEST(MeasurementPoolThreads, WorkersFetchAndWakeTheRelease) {
  SystemClock clock;
  std::mutex mutex;
  std::condition_variable changed;
  std::vector<std::string> woken;
  MeasurementPool pool{clock, {2, 100, [&](const std::string& key, bool) {
                                 std::lock_guard lock(mutex);
                                 woken.push_back(key);
                                 changed.notify_all();
                               }, {}}};
  for (const char* release : {"ml/a", "ml/b", "ml/c"}) {
    pool.take(look(release), [&clock] {
      FetchedValues v;
      v.canary = MetricValue{Scalar{1}};
      v.startedAt = v.readyAt = clock.now();
      return v;
    });
  }
  std::unique_lock lock(mutex);
  ASSERT_TRUE(changed.wait_for(lock, 10s, [&] { return woken.size() == 3; }));
  lock.unlock();
  for (const char* release : {"ml/a", "ml/b", "ml/c"}) EXPECT_TRUE(pool.take(look(release), {}));
  pool.shutDown();
  EXPECT_FALSE(pool.take(look("ml/d"), {})) << "a stopped pool takes no look";
}

}  // namespace
}  // namespace aviary::analysis
