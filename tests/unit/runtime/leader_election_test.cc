// The lease decision is pure; the elector's rounds run against FakeKubeClient (a double with
// resourceVersion conflicts, not the API server). Hand-over between real processes is covered by
// tests/integration/runtime.
#include "aviary/runtime/leader_election.h"
#include "aviary/runtime/fenced_client.h"

#include <sstream>

#include <gtest/gtest.h>

#include "aviary/runtime/micro_time.h"
#include "mocks/k8s/fake_kube_client.h"

namespace aviary::runtime {
namespace {

using std::chrono::seconds;
using aviary::testing::FakeKubeClient;

TEST(DecideLease, CreatesWhenThereIsNoLease) {
  ManualClock clock;
  auto d = decideLease(std::nullopt, "a", seconds(15), clock.now());
  EXPECT_EQ(d.action, LeaseAction::Create);
  EXPECT_EQ(d.record.holderIdentity, "a");
  EXPECT_EQ(d.record.leaseDurationSeconds, 15);
  EXPECT_EQ(d.record.renewTime, clock.now());
  EXPECT_EQ(d.record.leaseTransitions, 0);
}

TEST(DecideLease, WaitsWhileAnotherHoldersLeaseIsValidAndTakesOverOnceExpired) {
  ManualClock clock;
  LeaseRecord theirs{"b", 15, clock.now(), clock.now(), 3};
  EXPECT_EQ(decideLease(theirs, "a", seconds(15), clock.now() + seconds(15)).action, LeaseAction::Wait)
      << "at exactly renewTime + duration it is still valid";
  auto d = decideLease(theirs, "a", seconds(15), clock.now() + seconds(16));
  EXPECT_EQ(d.action, LeaseAction::Acquire);
  EXPECT_EQ(d.record.holderIdentity, "a");
  EXPECT_EQ(d.record.leaseTransitions, 4);
  EXPECT_EQ(d.record.acquireTime, clock.now() + seconds(16));
}

TEST(DecideLease, ReleasedLeaseIsTakenAtOnce) {
  ManualClock clock;
  LeaseRecord released{"", 1, clock.now(), clock.now(), 2};
  EXPECT_EQ(decideLease(released, "a", seconds(15), clock.now()).action, LeaseAction::Acquire);
}

TEST(DecideLease, RenewKeepsAcquireTimeAndTransitions) {
  ManualClock clock;
  TimePoint acquired = clock.now();
  LeaseRecord mine{"a", 15, acquired, acquired, 5};
  auto d = decideLease(mine, "a", seconds(15), acquired + seconds(2));
  EXPECT_EQ(d.action, LeaseAction::Renew);
  EXPECT_EQ(d.record.acquireTime, acquired);
  EXPECT_EQ(d.record.renewTime, acquired + seconds(2));
  EXPECT_EQ(d.record.leaseTransitions, 5);
}

TEST(LeaseRecord, RoundTripsThroughTheLeaseSpecWithMicroTimes) {
  ManualClock clock;
  LeaseRecord record{"a", 15, clock.now(), clock.now() + std::chrono::milliseconds(1500), 2};
  nlohmann::json spec = leaseSpec(record);
  EXPECT_EQ(spec["renewTime"], formatMicroTime(clock.now() + std::chrono::milliseconds(1500)));
  LeaseRecord back = leaseRecordFromLease({{"spec", spec}});
  EXPECT_EQ(back.holderIdentity, "a");
  EXPECT_EQ(back.leaseDurationSeconds, 15);
  EXPECT_EQ(back.renewTime, record.renewTime);
  EXPECT_EQ(back.acquireTime, record.acquireTime);
  EXPECT_EQ(back.leaseTransitions, 2);
}

class LeaderElectorTest : public ::testing::Test {
 protected:
  LeaderElectorTest() : logger_(logs_, clock_, LogLevel::Debug) {}

  std::unique_ptr<LeaderElector> elector(const std::string& identity, LeaderCallbacks callbacks = {}) {
    LeaderElectionConfig config;
    config.namespace_ = "aviary-system";
    config.identity = identity;
    return std::make_unique<LeaderElector>(client_, clock_, logger_, config, std::move(callbacks));
  }
  LeaseRecord stored() {
    auto lease = client_.get(k8s::resources::kLeases, "aviary-system", "aviary-operator");
    EXPECT_TRUE(lease.ok());
    return leaseRecordFromLease(lease.ok() ? *lease : nlohmann::json::object());
  }

  FakeKubeClient client_;
  ManualClock clock_;
  std::ostringstream logs_;
  Logger logger_;
};

TEST_F(LeaderElectorTest, FirstCandidateCreatesTheLeaseSecondWaitsThenTakesOverWhenExpired) {
  std::vector<std::string> seenByB;
  auto a = elector("a");
  LeaderCallbacks watchLeader;
  watchLeader.onNewLeader = [&](const std::string& id) { seenByB.push_back(id); };
  auto b = elector("b", watchLeader);
  EXPECT_EQ(a->tryAcquireOrRenew().value(), true);
  EXPECT_EQ(b->tryAcquireOrRenew().value(), false);
  EXPECT_EQ(seenByB, std::vector<std::string>{"a"});

  clock_.advance(seconds(10));
  EXPECT_EQ(a->tryAcquireOrRenew().value(), true);  // renewed at +10 s
  clock_.advance(seconds(10));
  EXPECT_EQ(b->tryAcquireOrRenew().value(), false) << "renewed 10 s ago: still valid";
  clock_.advance(seconds(6));
  EXPECT_EQ(b->tryAcquireOrRenew().value(), true) << "16 s since the last renew of a 15 s lease";
  EXPECT_EQ(stored().holderIdentity, "b");
  EXPECT_EQ(stored().leaseTransitions, 1);
  EXPECT_EQ(a->tryAcquireOrRenew().value(), false) << "a finds b holding it";
}

TEST_F(LeaderElectorTest, ReleaseClearsTheHolderSoAnotherTakesOverWithoutWaiting) {
  auto a = elector("a");
  auto b = elector("b");
  ASSERT_TRUE(a->tryAcquireOrRenew().value());
  ASSERT_TRUE(a->release().ok());
  EXPECT_EQ(stored().holderIdentity, "");
  EXPECT_EQ(stored().leaseDurationSeconds, 1);
  EXPECT_TRUE(b->tryAcquireOrRenew().value());
  // Releasing a Lease someone else holds is a no-op.
  ASSERT_TRUE(a->release().ok());
  EXPECT_EQ(stored().holderIdentity, "b");
}

TEST_F(LeaderElectorTest, HoldsTheLeaseOnlyWithinTheRenewDeadlineOfTheLastRenew) {
  auto a = elector("a");
  EXPECT_FALSE(a->holdsLease()) << "never renewed";
  ASSERT_TRUE(a->renewStep());
  EXPECT_TRUE(a->holdsLease());
  clock_.advance(seconds(9));
  EXPECT_TRUE(a->holdsLease()) << "9 s of a 10 s renew deadline";
  clock_.advance(seconds(2));
  EXPECT_FALSE(a->holdsLease()) << "a pause past the renew deadline: no writes, before any renew round";
  ASSERT_TRUE(a->renewStep());
  EXPECT_TRUE(a->holdsLease());
  clock_.advance(seconds(16));
  auto b = elector("b");
  ASSERT_TRUE(b->tryAcquireOrRenew().value());
  EXPECT_FALSE(a->holdsLease());
  EXPECT_FALSE(a->renewStep()) << "b holds it now";
  EXPECT_FALSE(a->holdsLease());
}

TEST_F(LeaderElectorTest, TheRenewDeadlineRunsOnTheMonotonicClockNotTheWallClock) {
  auto a = elector("a");
  ASSERT_TRUE(a->renewStep());
  clock_.set(clock_.now() + seconds(60));  // NTP steps the system time forward
  EXPECT_TRUE(a->holdsLease()) << "a wall-clock jump is not a pause";
  clock_.set(clock_.now() - seconds(3600));  // and back
  clock_.advance(seconds(11));
  EXPECT_FALSE(a->holdsLease()) << "11 s did pass on the monotonic clock";
}

TEST(FencedClient, WritesPassOnlyWhileThePredicateHolds) {
  FakeKubeClient inner;
  bool open = true;
  FencedClient fenced(inner, [&] { return open; }, "not the leader");
  nlohmann::json cm = {{"apiVersion", "v1"}, {"kind", "ConfigMap"}, {"metadata", {{"name", "x"}, {"namespace", "ns"}}}};
  ASSERT_TRUE(fenced.create(k8s::resources::kServices, "ns", cm).ok());
  open = false;
  auto refused = fenced.create(k8s::resources::kServices, "ns", cm);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, ErrorCode::Unavailable);
  EXPECT_NE(refused.error().message.find("not the leader"), std::string::npos);
  EXPECT_FALSE(fenced.update(k8s::resources::kServices, "ns", cm).ok());
  EXPECT_FALSE(fenced.updateStatus(k8s::resources::kServices, "ns", cm).ok());
  EXPECT_FALSE(fenced.patch(k8s::resources::kServices, "ns", "x", k8s::PatchType::Merge, nlohmann::json::object()).ok());
  EXPECT_FALSE(fenced.remove(k8s::resources::kServices, "ns", "x").ok());
  EXPECT_EQ(inner.calls("create"), 1);
  EXPECT_EQ(inner.calls("update") + inner.calls("patch") + inner.calls("delete") + inner.calls("remove"), 0);
  EXPECT_TRUE(fenced.get(k8s::resources::kServices, "ns", "x").ok()) << "reads pass";
}

TEST_F(LeaderElectorTest, ConflictRereadsAndDecidesAgain) {
  auto a = elector("a");
  ASSERT_TRUE(a->tryAcquireOrRenew().value());
  client_.failNext("update", makeError(ErrorCode::Conflict, "the object has been modified"));
  EXPECT_EQ(a->tryAcquireOrRenew().value(), true);
  EXPECT_EQ(client_.calls("get"), 3) << "one read for the create, two for the conflicted renew";
}

TEST_F(LeaderElectorTest, RenewFailuresAreToleratedUntilTheRenewDeadline) {
  auto a = elector("a");
  ASSERT_TRUE(a->tryAcquireOrRenew().value());
  ASSERT_TRUE(a->renewStep());
  for (int i = 0; i < 5; ++i) client_.failNext("get", makeError(ErrorCode::Unavailable, "connection refused"));
  clock_.advance(seconds(2));
  EXPECT_TRUE(a->renewStep()) << "2 s without renew < 10 s deadline";
  clock_.advance(seconds(8));
  EXPECT_TRUE(a->renewStep()) << "exactly at the deadline";
  clock_.advance(seconds(1));
  EXPECT_FALSE(a->renewStep()) << "11 s without renew: step down";
}

TEST_F(LeaderElectorTest, RenewStepStepsDownAtOnceWhenAnotherHolderTookOver) {
  auto a = elector("a");
  auto b = elector("b");
  ASSERT_TRUE(a->tryAcquireOrRenew().value());
  ASSERT_TRUE(a->renewStep());
  clock_.advance(seconds(16));
  ASSERT_TRUE(b->tryAcquireOrRenew().value());
  EXPECT_FALSE(a->renewStep());
}

}  // namespace
}  // namespace aviary::runtime
