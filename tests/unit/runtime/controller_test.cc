#include "aviary/runtime/controller.h"

#include <future>
#include <map>
#include <sstream>
#include <stdexcept>

#include <gtest/gtest.h>

namespace aviary::runtime {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

// Answers each key from a script of outcomes, recording the calls.
class ScriptedReconciler : public Reconciler {
 public:
  std::map<std::string, std::vector<Result<ReconcileOutcome>>> script;
  std::vector<std::string> calls;
  bool throwOnce = false;

  Result<ReconcileOutcome> reconcile(const std::string& key) override {
    calls.push_back(key);
    if (throwOnce) {
      throwOnce = false;
      throw std::runtime_error("boom");
    }
    auto& outcomes = script[key];
    if (outcomes.empty()) return ReconcileOutcome{};
    auto next = outcomes.front();
    outcomes.erase(outcomes.begin());
    return next;
  }
};

class ControllerTest : public ::testing::Test {
 protected:
  ControllerTest() : logger_(logs_, clock_), queue_(clock_, noTimerThread()) {}
  static WorkQueueOptions noTimerThread() {
    WorkQueueOptions options;
    options.timerThread = false;
    return options;
  }

  ManualClock clock_;
  std::ostringstream logs_;
  Logger logger_;
  WorkQueue queue_;
  ScriptedReconciler reconciler_;
};

TEST_F(ControllerTest, ErrorsAreRetriedWithGrowingBackoffAndSuccessForgetsIt) {
  reconciler_.script["ml/a"] = {makeError(ErrorCode::Unavailable, "down"), makeError(ErrorCode::Unavailable, "down"),
                                ReconcileOutcome{}};
  Controller controller(queue_, reconciler_, logger_);
  queue_.add("ml/a");
  ASSERT_TRUE(controller.processNextItem());
  EXPECT_EQ(queue_.len(), 0u);
  EXPECT_EQ(queue_.numRequeues("ml/a"), 1);
  clock_.advance(milliseconds(5));
  queue_.promoteDue();
  ASSERT_TRUE(controller.processNextItem());
  EXPECT_EQ(queue_.numRequeues("ml/a"), 2);
  clock_.advance(milliseconds(5));
  queue_.promoteDue();
  EXPECT_EQ(queue_.len(), 0u) << "second retry waits 10 ms, not 5";
  clock_.advance(milliseconds(5));
  queue_.promoteDue();
  ASSERT_TRUE(controller.processNextItem());
  EXPECT_EQ(queue_.numRequeues("ml/a"), 0);
  EXPECT_EQ(controller.failures(), 2u);
  EXPECT_EQ(controller.reconciles(), 3u);
  EXPECT_NE(logs_.str().find("\"msg\":\"reconcile failed\""), std::string::npos);
}

TEST_F(ControllerTest, RequeueAfterLooksAgainAfterThatDelay) {
  reconciler_.script["ml/a"] = {ReconcileOutcome{seconds(30)}};
  Controller controller(queue_, reconciler_, logger_);
  queue_.add("ml/a");
  ASSERT_TRUE(controller.processNextItem());
  clock_.advance(seconds(29));
  queue_.promoteDue();
  EXPECT_EQ(queue_.len(), 0u);
  clock_.advance(seconds(1));
  queue_.promoteDue();
  EXPECT_EQ(queue_.len(), 1u);
}

TEST_F(ControllerTest, AThrowingReconcilerIsTreatedAsAnErrorNotACrash) {
  reconciler_.throwOnce = true;
  Controller controller(queue_, reconciler_, logger_);
  queue_.add("ml/a");
  ASSERT_TRUE(controller.processNextItem());
  EXPECT_EQ(controller.failures(), 1u);
  EXPECT_EQ(queue_.delayedLen(), 1u);
  EXPECT_NE(logs_.str().find("reconcile threw: boom"), std::string::npos);
}

TEST_F(ControllerTest, WorkersExitWhenTheQueueShutsDown) {
  Controller controller(queue_, reconciler_, logger_, {"test", 3});
  controller.start();
  queue_.add("ml/a");
  controller.shutDown();  // joins the three workers: returns only if each saw the shutdown
  EXPECT_FALSE(controller.processNextItem());
}

// A worker kept for keys added first reconciles a woken key while the other worker is busy.
TEST_F(ControllerTest, AKeyAddedFirstDoesNotWaitForABusyWorker) {
  class Blocking : public Reconciler {
   public:
    std::promise<void> release;
    std::shared_future<void> released{release.get_future().share()};
    std::promise<std::string> woken;
    Result<ReconcileOutcome> reconcile(const std::string& key) override {
      if (key == "ml/slow") released.wait();
      if (key == "ml/woken") woken.set_value(key);
      return ReconcileOutcome{};
    }
  } blocking;
  Controller controller(queue_, blocking, logger_, {"test", 1, 1});
  controller.start();
  queue_.add("ml/slow");
  std::this_thread::sleep_for(milliseconds(20));  // the one worker is in ml/slow
  queue_.add("ml/waiting");
  queue_.addFirst("ml/woken");
  auto woken = blocking.woken.get_future();
  EXPECT_EQ(woken.wait_for(seconds(10)), std::future_status::ready) << "waited for the busy worker";
  blocking.release.set_value();
  controller.shutDown();
}

}  // namespace
}  // namespace aviary::runtime
