// The rollback fast path: one traffic write to stable, canary removed after (the workload writes at
// once), the RolledBack hold.

#include "planner_fixture.h"

namespace aviary::release::testing {
namespace {

using std::chrono::seconds;

struct RollbackCase {
  const char* name;
  bool ratio;
  int32_t weight;  // canary weight when the rollback happens
  int setTraffic;     // route writes planned (the replica ratio has no route: its pods are the split)
  bool trafficLeaves;  // the canary was taking traffic
};

class RollbackFastPathTest : public PlannerTest, public ::testing::WithParamInterface<RollbackCase> {};

TEST_P(RollbackFastPathTest, OneTrafficWriteThenTheCanaryGoes) {
  const RollbackCase& c = GetParam();
  release = canaryRelease({weightStep(c.weight), pauseStep(std::nullopt)}, c.ratio);
  promotedAt("6");
  pass();
  pass();
  ASSERT_EQ(release.status.canaryWeight, c.weight);
  request(RequestKind::Abort, "r1", "abort");
  Plan p = pass();
  EXPECT_EQ(static_cast<int>(actionsOf<SetTraffic>(p).size()), c.setTraffic) << describeAll(p);
  if (c.setTraffic > 0) {
    EXPECT_EQ(indexOf<SetTraffic>(p), 0) << describeAll(p);
    EXPECT_EQ(actionsOf<SetTraffic>(p)[0], (SetTraffic{"6", "", 0}));
  }
  EXPECT_LT(indexOf<SetTraffic>(p), indexOf<DeleteDeployment>(p));
  // Traffic leaves the canary: the Deployment writes after the route's may go at once.
  EXPECT_EQ(p.trafficLeavesCanary, c.trafficLeaves);
  EXPECT_EQ(p.usersMove, c.trafficLeaves);  // the stable version stays: only the canary's users move
  EXPECT_EQ(actionsOf<DeleteDeployment>(p), (std::vector<DeleteDeployment>{{"7"}}));
  EXPECT_EQ(observed.deployments["6"].desiredReplicas, 4);
  EXPECT_EQ(p.status.phase, api::Phase::RolledBack);
  EXPECT_EQ(p.status.canaryWeight, 0);
  EXPECT_EQ(actionsOf<StopAnalysis>(p), (std::vector<StopAnalysis>{{""}}));
}

INSTANTIATE_TEST_SUITE_P(Routers, RollbackFastPathTest,
                         ::testing::Values(RollbackCase{"MeshAt30", false, 30, 1, true},
                                           RollbackCase{"MeshAt100", false, 100, 1, true},
                                           RollbackCase{"RatioAt50", true, 50, 0, true},
                                           RollbackCase{"MeshAtZeroMovesNoTraffic", false, 0, 0, false}),
                         [](const auto& info) { return std::string(info.param.name); });

class RollbackTest : public PlannerTest {
 protected:
  void SetUp() override {
    release = canaryRelease({weightStep(30), analysisStep(), weightStep(60)});
    promotedAt("6");
    pass();
    pass();
    verdict("7/step-1", AnalysisPhase::Fail, "error-rate 0.2 > 0.01");
  }
};

TEST_F(RollbackTest, NeverWalksBackThroughSteps) {
  Plan p = pass();
  auto traffic = actionsOf<SetTraffic>(p);
  ASSERT_EQ(traffic.size(), 1u);
  EXPECT_EQ(traffic[0].canaryWeight, 0);
  EXPECT_EQ(p.status.currentStepIndex, 0);
  EXPECT_EQ(p.status.history.back().outcome, "RolledBack");
  EXPECT_TRUE(hasEvent(p, "RolledBack"));
  auto records = queuedRecords(p);
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(records[0].event, "rolledBack");
  EXPECT_EQ(records[0].removeAlias, "challenger");
}

TEST_F(RollbackTest, RolledBackVersionIsNotRestartedUntilTheSpecChanges) {
  pass();
  for (int i = 0; i < 3; ++i) {
    clock.advance(std::chrono::minutes(10));
    Plan p = pass();
    EXPECT_EQ(p.status.phase, api::Phase::RolledBack);
    EXPECT_TRUE(p.actions.empty()) << describeAll(p);
    EXPECT_EQ(condition(p.status, "Degraded")->status, "True");  // the cause stays visible
    EXPECT_EQ(condition(p.status, "Degraded")->reason, "AnalysisFailed");
  }
  release.spec.replicas = 5;
  release.metadata.generation += 1;
  Plan restarted = pass();
  EXPECT_EQ(restarted.status.phase, api::Phase::Progressing);
  EXPECT_EQ(restarted.status.canaryVersion, "7");
  EXPECT_EQ(condition(restarted.status, "Degraded")->status, "False");
}

TEST_F(RollbackTest, ANewVersionAfterARollbackStarts) {
  pass();
  release.spec.model.version = "8";
  release.metadata.generation += 1;
  Plan p = pass();
  EXPECT_EQ(p.status.canaryVersion, "8");
  EXPECT_EQ(p.status.rolledBackVersion, "");
}

TEST_F(RollbackTest, RouterDownHoldsInRollingBackThenFinishesWithOneWrite) {
  observed.router = RouterState{false, "HTTPRoute ml/fraud-scorer not found", std::nullopt, std::nullopt, std::nullopt};
  Plan held = pass();
  EXPECT_EQ(held.status.phase, api::Phase::RollingBack);
  EXPECT_TRUE(actionsOf<SetTraffic>(held).empty());
  EXPECT_TRUE(actionsOf<DeleteDeployment>(held).empty());  // the canary still takes traffic
  EXPECT_EQ(held.requeueAfter, kRouterRetryDelay);
  EXPECT_EQ(condition(held.status, "Degraded")->reason, "AnalysisFailed");
  clock.advance(kRouterRetryDelay);
  Plan stillHeld = pass();
  EXPECT_EQ(stillHeld.status.phase, api::Phase::RollingBack);
  observed.router = RouterState{};
  Plan done = pass();
  EXPECT_EQ(done.status.phase, api::Phase::RolledBack);
  EXPECT_EQ(actionsOf<SetTraffic>(done), (std::vector<SetTraffic>{{"6", "", 0}}));
  EXPECT_EQ(condition(done.status, "Degraded")->reason, "AnalysisFailed");
  EXPECT_EQ(recordEvents(done), (std::vector<std::string>{"rolledBack"}));
}

TEST_F(RollbackTest, ManualRollbackSettingStopsInsteadOfRollingBack) {
  release.spec.rollback.automatic = false;
  Plan p = pass();
  EXPECT_EQ(p.status.phase, api::Phase::Paused);
  EXPECT_TRUE(actionsOf<SetTraffic>(p).empty());
  EXPECT_TRUE(hasEvent(p, "Paused"));
  EXPECT_EQ(actionsOf<RecordEvent>(p)[0].type, EventType::Warning);
  EXPECT_TRUE(pass().actions.empty());  // stopped: nothing repeats
}

}  // namespace
}  // namespace aviary::release::testing
