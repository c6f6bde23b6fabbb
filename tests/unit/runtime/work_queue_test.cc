#include "aviary/runtime/work_queue.h"

#include <atomic>
#include <chrono>
#include <future>
#include <map>
#include <thread>

#include <gtest/gtest.h>

namespace aviary::runtime {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

WorkQueueOptions manualTimer() {
  WorkQueueOptions options;
  options.timerThread = false;
  return options;
}

TEST(DelayingQueueCore, HandsOutDueKeysInTimeOrder) {
  ManualClock clock;
  DelayingQueueCore core;
  MonotonicTime t0 = clock.monotonicNow();
  core.schedule("c", t0 + seconds(3));
  core.schedule("a", t0 + seconds(1));
  core.schedule("b", t0 + seconds(2));
  core.schedule("a2", t0 + seconds(1));
  EXPECT_EQ(core.nextReadyAt(), t0 + seconds(1));
  EXPECT_TRUE(core.popDue(t0).empty());
  EXPECT_EQ(core.popDue(t0 + seconds(2)), (std::vector<std::string>{"a", "a2", "b"}));
  EXPECT_EQ(core.size(), 1u);
  EXPECT_EQ(core.popDue(t0 + seconds(10)), (std::vector<std::string>{"c"}));
  EXPECT_FALSE(core.nextReadyAt().has_value());
}

TEST(DelayingQueueCore, SchedulingAKeyAgainKeepsTheEarlierTime) {
  MonotonicTime t0{};
  DelayingQueueCore core;
  core.schedule("k", t0 + seconds(5));
  core.schedule("k", t0 + seconds(9));  // later: ignored
  EXPECT_EQ(core.nextReadyAt(), t0 + seconds(5));
  core.schedule("k", t0 + seconds(1));  // sooner: wins
  EXPECT_EQ(core.size(), 1u);
  EXPECT_EQ(core.popDue(t0 + seconds(1)), (std::vector<std::string>{"k"}));
  // The superseded 5 s entry must not hand the key out a second time.
  EXPECT_TRUE(core.popDue(t0 + seconds(6)).empty());
  EXPECT_EQ(core.size(), 0u);
}

TEST(WorkQueue, AddDeduplicatesWaitingKeys) {
  ManualClock clock;
  WorkQueue queue(clock, manualTimer());
  queue.add("ns/a");
  queue.add("ns/b");
  queue.add("ns/a");
  EXPECT_EQ(queue.len(), 2u);
  EXPECT_EQ(queue.get(), "ns/a");
  EXPECT_EQ(queue.get(), "ns/b");
  EXPECT_EQ(queue.len(), 0u);
}

TEST(WorkQueue, KeyAddedWhileProcessingIsHandedOutAgainOnlyAfterDone) {
  ManualClock clock;
  WorkQueue queue(clock, manualTimer());
  queue.add("ns/a");
  auto key = queue.get();
  ASSERT_EQ(key, "ns/a");
  queue.add("ns/a");
  queue.add("ns/a");
  EXPECT_EQ(queue.len(), 0u) << "held by a worker: must not be queued for another";
  queue.done("ns/a");
  EXPECT_EQ(queue.len(), 1u);
  EXPECT_EQ(queue.get(), "ns/a");
  queue.done("ns/a");
  EXPECT_EQ(queue.len(), 0u);
}

TEST(WorkQueue, NoKeyIsProcessedByTwoWorkersAtOnce) {
  ManualClock clock;
  WorkQueue queue(clock, manualTimer());
  std::mutex mutex;
  std::map<std::string, int> inFlight;
  std::atomic<int> overlaps{0};
  std::atomic<int> processed{0};
  std::vector<std::thread> workers;
  for (int w = 0; w < 4; ++w) {
    workers.emplace_back([&] {
      while (auto key = queue.get()) {
        {
          std::lock_guard lock(mutex);
          if (++inFlight[*key] > 1) ++overlaps;
        }
        std::this_thread::yield();
        {
          std::lock_guard lock(mutex);
          --inFlight[*key];
        }
        ++processed;
        queue.done(*key);
      }
    });
  }
  // Keep re-adding three keys while the workers churn, so each key is often re-added mid-processing.
  // No cap on the adds: on a loaded machine the workers may take long to get 3000 done (a stuck
  // queue is caught by ctest's timeout).
  for (int i = 0; processed.load() < 3000; ++i) queue.add("ns/k" + std::to_string(i % 3));
  queue.shutDownWithDrain();
  for (auto& t : workers) t.join();
  EXPECT_EQ(overlaps.load(), 0);
  EXPECT_GE(processed.load(), 3000);
}

TEST(WorkQueue, RateLimitedDelayGrowsPerKeyUpToTheCapAndForgetResets) {
  ManualClock clock;
  WorkQueueOptions options = manualTimer();
  options.backoff = {milliseconds(5), seconds(10), 0};
  WorkQueue queue(clock, options);
  std::vector<Duration> delays;
  for (int attempt = 0; attempt < 14; ++attempt) {
    queue.addRateLimited("ns/a");
    Duration waited{0};
    while (queue.len() == 0) {
      clock.advance(milliseconds(5));
      waited += milliseconds(5);
      queue.promoteDue();
    }
    delays.push_back(waited);
    ASSERT_EQ(queue.get(), "ns/a");
    queue.done("ns/a");
  }
  EXPECT_EQ(delays[0], milliseconds(5));
  EXPECT_EQ(delays[1], milliseconds(10));
  EXPECT_EQ(delays[4], milliseconds(80));
  EXPECT_EQ(delays[11], seconds(10));
  EXPECT_EQ(delays[13], seconds(10));
  EXPECT_EQ(queue.numRequeues("ns/a"), 14);
  queue.forget("ns/a");
  EXPECT_EQ(queue.numRequeues("ns/a"), 0);
  queue.addRateLimited("ns/a");
  clock.advance(milliseconds(5));
  queue.promoteDue();
  EXPECT_EQ(queue.len(), 1u);
}

TEST(WorkQueue, DelayedKeysArriveInDueOrderAndDedupWithQueuedOnes) {
  ManualClock clock;
  WorkQueue queue(clock, manualTimer());
  queue.addAfter("ns/late", seconds(30));
  queue.addAfter("ns/early", seconds(10));
  queue.addAfter("ns/now", Duration::zero());  // no delay: queued at once
  EXPECT_EQ(queue.len(), 1u);
  EXPECT_EQ(queue.delayedLen(), 2u);
  clock.advance(seconds(10));
  queue.promoteDue();
  EXPECT_EQ(queue.get(), "ns/now");
  EXPECT_EQ(queue.get(), "ns/early");
  queue.add("ns/late");  // queued now and also due later: handed out once per queueing, never twice
  clock.advance(seconds(20));
  queue.promoteDue();
  EXPECT_EQ(queue.len(), 1u);
}

TEST(WorkQueue, AddFirstJumpsTheQueueOnceAndAfterTheWorkerIsDone) {
  ManualClock clock;
  WorkQueue queue(clock, manualTimer());
  for (const char* key : {"ns/a", "ns/b", "ns/c"}) queue.add(key);
  queue.addFirst("ns/c");  // already waiting: moved ahead, not queued twice
  queue.addFirst("ns/d");
  queue.addFirst("ns/c");
  EXPECT_EQ(queue.len(), 4u);
  EXPECT_EQ(queue.get(), "ns/c");  // keys added first come in the order they were added
  EXPECT_EQ(queue.get(), "ns/d");
  queue.addFirst("ns/c");  // in a worker's hands: first once done
  queue.done("ns/c");
  EXPECT_EQ(queue.get(), "ns/c");
  EXPECT_EQ(queue.get(), "ns/a");
  EXPECT_EQ(queue.get(), "ns/b");
  EXPECT_EQ(queue.len(), 0u);
}

TEST(WorkQueue, GetFirstHandsOutOnlyKeysAddedFirstAndNeitherWaiterLosesAWakeUp) {
  ManualClock clock;
  WorkQueue queue(clock, manualTimer());
  auto first = std::async(std::launch::async, [&] { return queue.getFirst(); });
  auto any = std::async(std::launch::async, [&] { return queue.get(); });
  std::this_thread::sleep_for(milliseconds(20));  // both wait
  queue.add("ns/plain");
  ASSERT_EQ(any.wait_for(seconds(10)), std::future_status::ready) << "the plain key's wake-up went to getFirst";
  EXPECT_EQ(any.get(), "ns/plain");
  EXPECT_EQ(first.wait_for(milliseconds(50)), std::future_status::timeout) << "getFirst took a plain key";

  queue.addFirst("ns/woken");
  ASSERT_EQ(first.wait_for(seconds(10)), std::future_status::ready);
  EXPECT_EQ(first.get(), "ns/woken");

  queue.add("ns/b");
  auto next = std::async(std::launch::async, [&] { return queue.getFirst(); });
  EXPECT_EQ(next.wait_for(milliseconds(50)), std::future_status::timeout);
  queue.shutDown();
  ASSERT_EQ(next.wait_for(seconds(10)), std::future_status::ready);
  EXPECT_FALSE(next.get().has_value());
}

TEST(WorkQueue, DelaysRunOnTheMonotonicClockNotTheWallClock) {
  ManualClock clock;
  WorkQueue queue(clock, manualTimer());
  queue.addAfter("ns/a", seconds(30));
  clock.set(clock.now() - std::chrono::hours(1));  // the system time is set back an hour
  clock.advance(seconds(30));
  queue.promoteDue();
  EXPECT_EQ(queue.len(), 1u) << "due after 30 s, whatever the wall clock says";
  queue.addAfter("ns/b", seconds(30));
  clock.set(clock.now() + std::chrono::hours(1));  // and forward
  queue.promoteDue();
  EXPECT_EQ(queue.delayedLen(), 1u) << "not due early either";
}

TEST(WorkQueue, DepthObserverFollowsEveryChangeOfTheWaitingKeys) {
  ManualClock clock;
  std::vector<size_t> depths;
  WorkQueueOptions options = manualTimer();
  options.onDepth = [&depths](size_t depth) { depths.push_back(depth); };
  WorkQueue queue(clock, options);
  queue.add("ml/a");
  queue.add("ml/a");  // deduplicated: no change
  queue.add("ml/b");
  auto a = queue.get();
  queue.add("ml/a");  // in a worker's hands: waits for done
  queue.done(*a);     // queued again
  queue.addAfter("ml/c", seconds(1));
  clock.advance(seconds(1));
  queue.promoteDue();
  queue.shutDown();
  EXPECT_EQ(depths, (std::vector<size_t>{1, 2, 1, 2, 3, 0}));
}

TEST(WorkQueue, ShutDownWakesWaitersAndIgnoresNewKeys) {
  ManualClock clock;
  WorkQueue queue(clock, manualTimer());
  auto waiter = std::async(std::launch::async, [&] { return queue.get(); });
  queue.shutDown();
  ASSERT_EQ(waiter.wait_for(seconds(10)), std::future_status::ready);
  EXPECT_FALSE(waiter.get().has_value());
  queue.add("ns/a");
  queue.addAfter("ns/b", seconds(1));
  EXPECT_EQ(queue.len(), 0u);
  EXPECT_EQ(queue.delayedLen(), 0u);
  EXPECT_TRUE(queue.shuttingDown());
}

TEST(WorkQueue, ShutDownWithDrainWaitsForInFlightWork) {
  ManualClock clock;
  WorkQueue queue(clock, manualTimer());
  queue.add("ns/a");
  ASSERT_EQ(queue.get(), "ns/a");
  std::atomic<bool> drained{false};
  std::thread stopper([&] {
    queue.shutDownWithDrain();
    drained = true;
  });
  // The drain cannot finish while ns/a is held; done() releases it.
  EXPECT_FALSE(drained.load());
  queue.done("ns/a");
  stopper.join();
  EXPECT_TRUE(drained.load());
}

TEST(WorkQueue, TimerThreadDeliversDelayedKeysOnTheRealClock) {
  SystemClock clock;
  WorkQueue queue(clock);
  queue.addAfter("ns/b", milliseconds(40));
  queue.addAfter("ns/a", milliseconds(20));
  auto start = std::chrono::steady_clock::now();
  EXPECT_EQ(queue.get(), "ns/a");
  EXPECT_EQ(queue.get(), "ns/b");
  EXPECT_GE(std::chrono::steady_clock::now() - start, milliseconds(35));
}

}  // namespace
}  // namespace aviary::runtime
