// With the replica ratio the pods are the split: a rollback's Deployment writes go out at once, so
// taking traffic off the canary waits for one round trip, not one per Deployment (and not for the
// canary Service's write, which follows). A write that fails among them fails the pass without
// holding back the others. Towards the canary they go one by one.

#include <condition_variable>
#include <mutex>

#include "aviary/common/urgent_scope.h"
#include "aviary/workload/names.h"
#include "unit/controller/reconciler_fixture.h"

namespace aviary::controller::testing {
namespace {

using ::testing::_;
using ::testing::AnyNumber;

// Callers arrive one by one; each waits (at most `patience`) until `expected` of them are in.
class Rendezvous {
 public:
  explicit Rendezvous(int expected) : expected_(expected) {}

  // Whether every expected caller arrived while this one waited.
  bool arriveAndWait(std::chrono::milliseconds patience = std::chrono::milliseconds(1000)) {
    std::unique_lock lock(mutex_);
    ++arrived_;
    allIn_.notify_all();
    return allIn_.wait_for(lock, patience, [this] { return arrived_ >= expected_; });
  }

 private:
  const int expected_;
  int arrived_ = 0;
  std::mutex mutex_;
  std::condition_variable allIn_;
};

// Four replicas, 25% at the first step, then an indefinite pause; no trafficRouting: the replica ratio.
Json ratioRelease(const std::string& version) {
  Json release = releaseObject(version);
  release["spec"]["replicas"] = 4;
  release["spec"]["strategy"]["canary"].erase("trafficRouting");
  release["spec"]["strategy"]["canary"]["steps"] = Json::parse(R"([{"setWeight": 25}, {"pause": {}}])");
  return release;
}

class RollbackWritesTest : public ReconcilerTest {
 protected:
  void SetUp() override {
    ReconcilerTest::SetUp();
    server.seed(resources::kModelReleases, ratioRelease("1"));
    settle();
    ASSERT_EQ(phase(), "Promoted") << status().dump();
  }

  std::string phase() { return status().value("phase", ""); }
  int replicas(const std::string& version) {
    return server.stored(resources::kDeployments, kNs, workload::deploymentName(kName, version))["spec"].value("replicas", -1);
  }
  bool exists(const std::string& version) {
    return server.has(resources::kDeployments, kNs, workload::deploymentName(kName, version));
  }

  void pausedAt25() {
    setVersion("2");
    settle();
    ASSERT_EQ(phase(), "Paused") << status().dump();
    ASSERT_EQ(replicas("1"), 3);
    ASSERT_EQ(replicas("2"), 1);
  }
};

TEST_F(RollbackWritesTest, ARollbacksDeploymentWritesGoOutAtOnce) {
  pausedAt25();
  Rendezvous bothDeployments(2);
  bool scaleSawDelete = false, deleteSawScale = false;
  ON_CALL(mockApplier, scaleDeployment).WillByDefault([&](auto&&... a) {
    scaleSawDelete = bothDeployments.arriveAndWait();
    return realApplier()->scaleDeployment(a...);
  });
  ON_CALL(mockApplier, deleteDeployment).WillByDefault([&](auto&&... a) {
    deleteSawScale = bothDeployments.arriveAndWait();
    return realApplier()->deleteDeployment(a...);
  });
  annotate("abort", "a1");
  ASSERT_TRUE(reconcile().ok());
  EXPECT_EQ(phase(), "RolledBack");
  EXPECT_TRUE(scaleSawDelete && deleteSawScale) << "the stable's scale-up and the canary's deletion were sent one after the other";
  EXPECT_EQ(replicas("1"), 4);
  EXPECT_FALSE(exists("2"));
}

// The writes that take traffic off the canary go ahead of the client's rate-limit queue, on whichever
// thread they are sent; the status write after them waits its turn.
TEST_F(RollbackWritesTest, ARollbacksDeploymentWritesAreUrgentAndItsStatusWriteIsNot) {
  pausedAt25();
  bool scaleUrgent = false, deleteUrgent = false, statusUrgent = true;
  ON_CALL(mockApplier, scaleDeployment).WillByDefault([&](auto&&... a) {
    scaleUrgent = UrgentScope::active();
    return realApplier()->scaleDeployment(a...);
  });
  ON_CALL(mockApplier, deleteDeployment).WillByDefault([&](auto&&... a) {
    deleteUrgent = UrgentScope::active();
    return realApplier()->deleteDeployment(a...);
  });
  annotate("abort", "a1");
  server.onPatch = [&](const k8s::ResourceType& type, const std::string& subresource) {
    if (type.key() == resources::kModelReleases.key() && subresource == "status") statusUrgent = UrgentScope::active();
  };
  ASSERT_TRUE(reconcile().ok());
  ASSERT_EQ(phase(), "RolledBack");
  EXPECT_TRUE(scaleUrgent) << "the stable's scale-up";
  EXPECT_TRUE(deleteUrgent) << "the canary's deletion";
  EXPECT_FALSE(statusUrgent);
}

// With the replica ratio the root Service carries the users: the canary Service's write moves no
// traffic, so it follows the Deployment writes instead of holding back the rollback's reaction.
TEST_F(RollbackWritesTest, ARollbacksCanaryServiceWriteFollowsItsDeploymentWritesAndIsNotUrgent) {
  pausedAt25();
  std::mutex mutex;
  std::vector<std::string> order;
  bool servicesUrgent = true;
  auto noted = [&](const std::string& what) {
    std::lock_guard lock(mutex);
    order.push_back(what);
  };
  ON_CALL(mockApplier, scaleDeployment).WillByDefault([&](auto&&... a) {
    auto done = realApplier()->scaleDeployment(a...);
    noted("scale");
    return done;
  });
  ON_CALL(mockApplier, deleteDeployment).WillByDefault([&](auto&&... a) {
    auto done = realApplier()->deleteDeployment(a...);
    noted("delete");
    return done;
  });
  ON_CALL(mockApplier, ensureServices).WillByDefault([&](auto&&... a) {
    servicesUrgent = UrgentScope::active();
    noted("services");
    return realApplier()->ensureServices(a...);
  });
  annotate("abort", "a1");
  ASSERT_TRUE(reconcile().ok());
  ASSERT_EQ(phase(), "RolledBack");
  ASSERT_EQ(order.size(), 3u) << ::testing::PrintToString(order);
  EXPECT_EQ(order.back(), "services") << ::testing::PrintToString(order);
  EXPECT_FALSE(servicesUrgent);
}

TEST_F(RollbackWritesTest, TowardsTheCanaryTheWritesWaitTheirTurn) {
  bool anyUrgent = false;
  ON_CALL(mockApplier, ensureDeployment).WillByDefault([&](auto&&... a) {
    anyUrgent = anyUrgent || UrgentScope::active();
    return realApplier()->ensureDeployment(a...);
  });
  ON_CALL(mockApplier, scaleDeployment).WillByDefault([&](auto&&... a) {
    anyUrgent = anyUrgent || UrgentScope::active();
    return realApplier()->scaleDeployment(a...);
  });
  pausedAt25();
  EXPECT_FALSE(anyUrgent);
}

TEST_F(RollbackWritesTest, AWriteFailingAmongThemFailsThePassAndTheOthersStillGoOut) {
  pausedAt25();
  EXPECT_CALL(mockApplier, scaleDeployment)
      .WillOnce([](auto&&...) -> Result<workload::WriteOutcome> { return makeError(ErrorCode::Unavailable, "apiserver went away"); })
      .WillRepeatedly([this](auto&&... a) { return realApplier()->scaleDeployment(a...); });
  EXPECT_CALL(events, record(_, _, _, _, _)).Times(AnyNumber());
  EXPECT_CALL(events, record(_, runtime::EventType::Warning, "ActionFailed", "ScaleDeployment(1 replicas=4)", "apiserver went away"));
  annotate("abort", "a1");
  auto failed = reconcile();
  ASSERT_FALSE(failed.ok());
  EXPECT_EQ(failed.error().code, ErrorCode::Unavailable);
  EXPECT_FALSE(exists("2")) << "the canary's deletion did not wait on the stable's scale-up";
  EXPECT_EQ(phase(), "Paused");  // nothing claimed: the next pass plans the rest again
  settle();
  EXPECT_EQ(phase(), "RolledBack");
  EXPECT_EQ(replicas("1"), 4);
}

TEST_F(RollbackWritesTest, TowardsTheCanaryAFailedScaleUpStopsTheScaleDown) {
  EXPECT_CALL(mockApplier, ensureDeployment)
      .WillOnce([](auto&&...) -> Result<workload::WriteOutcome> { return makeError(ErrorCode::Unavailable, "apiserver went away"); })
      .WillRepeatedly([this](auto&&... a) { return realApplier()->ensureDeployment(a...); });
  EXPECT_CALL(mockApplier, scaleDeployment).Times(0);
  setVersion("2");
  ASSERT_FALSE(reconcile().ok());
  EXPECT_EQ(replicas("1"), 4) << "the stable kept its pods while the canary had none";
  ::testing::Mock::VerifyAndClearExpectations(&mockApplier);
  settle();
  EXPECT_EQ(phase(), "Paused");
}

}  // namespace
}  // namespace aviary::controller::testing
