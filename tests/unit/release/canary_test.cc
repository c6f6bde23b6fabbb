// The canary strategy: rollout start, waiting for pods, weights, pauses, promotion and scale-down.

#include "planner_fixture.h"

namespace aviary::release::testing {
namespace {

using std::chrono::minutes;
using std::chrono::seconds;

class CanaryTest : public PlannerTest {
 protected:
  void SetUp() override { promotedAt("6"); }
};

TEST_F(CanaryTest, NewVersionStartsARollout) {
  podsBecomeReady = false;
  Plan p = pass();
  EXPECT_EQ(p.status.phase, api::Phase::Progressing);
  EXPECT_EQ(p.status.canaryVersion, "7");
  EXPECT_EQ(p.status.stableVersion, "6");
  EXPECT_EQ(p.status.currentStepIndex, 0);
  EXPECT_EQ(p.status.rolloutStartedAt, formatRfc3339(clock.now()));
  EXPECT_EQ(p.status.stepStartedAt, formatRfc3339(clock.now()));
  auto records = queuedRecords(p);
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(records[0].event, "started");
  EXPECT_EQ(records[0].version, "7");
  EXPECT_EQ(records[0].alias, "challenger");
  EXPECT_EQ(actionsOf<EnsureDeployment>(p), (std::vector<EnsureDeployment>{{"7", 1}}));  // ceil(4 × 20%)
  EXPECT_EQ(actionsOf<EnsureServices>(p), (std::vector<EnsureServices>{{"6", "7"}}));
  EXPECT_TRUE(hasEvent(p, "Progressing"));
}

TEST_F(CanaryTest, NoTrafficBeforeTheCanaryIsAvailable) {
  podsBecomeReady = false;
  pass();
  clock.advance(seconds(100));
  Plan p = pass();
  EXPECT_TRUE(actionsOf<SetTraffic>(p).empty()) << describeAll(p);
  EXPECT_EQ(p.status.currentStepIndex, 0);
  EXPECT_EQ(p.status.canaryWeight, 0);
  EXPECT_EQ(p.requeueAfter, Duration(seconds(500)));  // what is left of the progress deadline
  EXPECT_NE(p.status.message.find("waiting for version 7"), std::string::npos);
}

TEST_F(CanaryTest, UpdatedButUnreadyPodsAreNotAvailable) {
  pass();
  observed.deployments["7"].availableReplicas = 0;  // running, not passing readiness
  Plan p = pass();
  EXPECT_TRUE(actionsOf<SetTraffic>(p).empty());
  EXPECT_EQ(p.status.currentStepIndex, 0);
}

TEST_F(CanaryTest, SetWeightShiftsTrafficAndAdvances) {
  pass();  // canary created, available in the fake cluster
  Plan p = pass();
  EXPECT_EQ(actionsOf<SetTraffic>(p), (std::vector<SetTraffic>{{"6", "7", 20}}));
  EXPECT_EQ(p.status.canaryWeight, 20);
  EXPECT_EQ(p.status.currentStepIndex, 1);
  EXPECT_EQ(p.status.phase, api::Phase::Paused);  // the next step is the 2m pause
}

TEST_F(CanaryTest, StepsAfterAWeightWaitUntilTheRouteCarriesIt) {
  release = canaryRelease({weightStep(20), analysisStep(), weightStep(50)});
  promotedAt("6");
  routerReportsWeight = true;
  observed.router.canaryWeight = 0;  // all traffic on the stable version
  pass();  // canary created
  Plan shifting = pass();
  EXPECT_EQ(actionsOf<SetTraffic>(shifting), (std::vector<SetTraffic>{{"6", "7", 20}}));
  EXPECT_TRUE(actionsOf<StartAnalysis>(shifting).empty()) << describeAll(shifting);
  EXPECT_EQ(shifting.status.currentStepIndex, 0);
  EXPECT_EQ(shifting.status.canaryWeight, 20);
  EXPECT_EQ(shifting.requeueAfter, kRouteSettleDelay);
  EXPECT_NE(shifting.status.message.find("shifting traffic to canary weight 20"), std::string::npos);
  Plan measuring = pass();  // the route reports 20 now
  EXPECT_TRUE(actionsOf<SetTraffic>(measuring).empty()) << describeAll(measuring);
  EXPECT_EQ(actionsOf<StartAnalysis>(measuring).size(), 1u);
  EXPECT_EQ(measuring.status.currentStepIndex, 1);
}

TEST_F(CanaryTest, AWeightFollowedByAWeightOrThePromotionDoesNotWaitForTheRoute) {
  release = canaryRelease({weightStep(20), weightStep(100)});
  promotedAt("6");
  routerReportsWeight = true;
  observed.router.canaryWeight = 0;
  pass();  // canary created
  Plan twenty = pass();
  EXPECT_EQ(actionsOf<SetTraffic>(twenty), (std::vector<SetTraffic>{{"6", "7", 20}}));
  EXPECT_EQ(twenty.status.currentStepIndex, 1) << "the next weight does not wait for the route";
  Plan promoted = pass();  // the canary's pods for 100% are there: 100 and the promotion, one route write
  EXPECT_EQ(actionsOf<SetTraffic>(promoted), (std::vector<SetTraffic>{{"7", "", 0}})) << describeAll(promoted);
  EXPECT_EQ(promoted.status.phase, api::Phase::Promoted);
}

TEST_F(CanaryTest, TheReplicaRatioMovesOnOnceThePodsAreThere) {
  release = canaryRelease({weightStep(20), analysisStep(), weightStep(50)}, /*ratio=*/true);
  release.spec.replicas = 1;
  promotedAt("6");
  observed.router.canaryWeight = 50;  // what the replica ratio reports for 1 canary pod beside 1 stable pod
  pass();  // canary created
  Plan p = pass();
  EXPECT_EQ(actionsOf<StartAnalysis>(p).size(), 1u) << describeAll(p);
  EXPECT_EQ(p.status.currentStepIndex, 1);
  // The pods are the split: no route write is planned beside the start (50% observed, 20% asked), so
  // the pass that starts the stage may wait for its first look (FirstLookHolds) with nothing to write.
  EXPECT_TRUE(actionsOf<SetTraffic>(p).empty()) << describeAll(p);
}

TEST_F(CanaryTest, TimedPauseRequeuesExactlyTheRemainingTime) {
  pass();
  Plan started = pass();
  EXPECT_EQ(started.requeueAfter, Duration(minutes(2)));
  clock.advance(seconds(45));
  Plan p = pass();
  EXPECT_EQ(p.requeueAfter, Duration(seconds(75)));
  EXPECT_TRUE(p.actions.empty()) << describeAll(p);
  EXPECT_EQ(p.status.currentStepIndex, 1);
}

TEST_F(CanaryTest, TimedPauseAdvancesWhenElapsedFromStepStartedAt) {
  pass();
  pass();
  clock.advance(minutes(2));
  Plan p = pass();
  EXPECT_EQ(p.status.currentStepIndex, 2);
  EXPECT_EQ(p.status.phase, api::Phase::Progressing);
  EXPECT_EQ(actionsOf<ScaleDeployment>(p), (std::vector<ScaleDeployment>{{"7", 2}}));  // pods for 50%
  EXPECT_TRUE(actionsOf<SetTraffic>(p).empty());
}

TEST_F(CanaryTest, EndOfStepsPromotes) {
  pass();
  pass();
  clock.advance(minutes(2));
  pass();                    // canary scaled for 50%
  Plan at50 = pass();        // SetTraffic 50, then promotion scales the canary to full size
  EXPECT_EQ(actionsOf<SetTraffic>(at50), (std::vector<SetTraffic>{{"6", "7", 50}}));
  EXPECT_EQ(actionsOf<ScaleDeployment>(at50), (std::vector<ScaleDeployment>{{"7", 4}}));
  Plan p = pass();
  EXPECT_EQ(p.status.phase, api::Phase::Promoted);
  EXPECT_EQ(p.status.stableVersion, "7");
  EXPECT_EQ(p.status.previousStableVersion, "6");
  EXPECT_EQ(p.status.canaryVersion, "");
  EXPECT_EQ(p.status.canaryWeight, 0);
  EXPECT_EQ(actionsOf<SetTraffic>(p), (std::vector<SetTraffic>{{"7", "", 0}}));
  EXPECT_EQ(actionsOf<EnsureServices>(p), (std::vector<EnsureServices>{{"7", ""}}));
  EXPECT_TRUE(actionsOf<DeleteDeployment>(p).empty());  // 6 stays warm until scaleDownAt
  EXPECT_EQ(p.status.scaleDownAt, formatRfc3339(clock.now() + seconds(30)));
  EXPECT_EQ(p.requeueAfter, Duration(seconds(30)));
  auto records = queuedRecords(p);
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(records[0].event, "promoted");
  EXPECT_EQ(records[0].alias, "champion");
  EXPECT_EQ(records[0].removeAlias, "challenger");
  EXPECT_EQ(p.status.history.back().version, "7");
  EXPECT_EQ(p.status.history.back().outcome, "Promoted");
  EXPECT_EQ(condition(p.status, "Ready")->status, "True");
}

TEST_F(CanaryTest, OldStableDeletedOnlyAfterScaleDownAt) {
  release.spec.strategy.canary->steps = {weightStep(100)};
  settle();
  ASSERT_EQ(release.status.phase, api::Phase::Promoted);
  clock.advance(seconds(29));
  Plan early = pass();
  EXPECT_TRUE(actionsOf<DeleteDeployment>(early).empty());
  EXPECT_EQ(early.requeueAfter, Duration(seconds(1)));
  clock.advance(seconds(1));
  Plan p = pass();
  EXPECT_EQ(actionsOf<DeleteDeployment>(p), (std::vector<DeleteDeployment>{{"6"}}));
  EXPECT_TRUE(pass().actions.empty());
}

TEST_F(CanaryTest, IndefinitePauseWaitsForPromote) {
  release.spec.strategy.canary->steps = {weightStep(20), pauseStep(std::nullopt), weightStep(60)};
  pass();
  Plan paused = pass();
  EXPECT_EQ(paused.status.phase, api::Phase::Paused);
  EXPECT_FALSE(paused.requeueAfter.has_value());
  clock.advance(std::chrono::hours(5));
  EXPECT_EQ(pass().status.phase, api::Phase::Paused);
  request(RequestKind::Promote, "r1", "promote");
  Plan p = pass();
  EXPECT_EQ(p.status.currentStepIndex, 2);
  EXPECT_EQ(p.status.phase, api::Phase::Progressing);
  EXPECT_TRUE(hasEvent(p, "StepSkipped"));
}

TEST_F(CanaryTest, ProgressDeadlineRollsBackAutomatically) {
  podsBecomeReady = false;
  pass();
  clock.advance(seconds(600));
  Plan p = pass();
  EXPECT_EQ(p.status.phase, api::Phase::RolledBack);
  EXPECT_EQ(p.status.rolledBackVersion, "7");
  EXPECT_EQ(condition(p.status, "Degraded")->reason, "ProgressDeadlineExceeded");
  EXPECT_EQ(actionsOf<DeleteDeployment>(p), (std::vector<DeleteDeployment>{{"7"}}));
}

TEST_F(CanaryTest, DeploymentProgressDeadlineFlagRollsBack) {
  podsBecomeReady = false;
  pass();
  observed.deployments["7"].progressDeadlineExceeded = true;
  Plan p = pass();
  EXPECT_EQ(p.status.phase, api::Phase::RolledBack);
  EXPECT_EQ(condition(p.status, "Degraded")->reason, "ProgressDeadlineExceeded");
}

TEST_F(CanaryTest, ProgressDeadlineWithoutAutomaticRollbackPauses) {
  release.spec.rollback.automatic = false;
  podsBecomeReady = false;
  pass();
  clock.advance(seconds(600));
  Plan p = pass();
  EXPECT_EQ(p.status.phase, api::Phase::Paused);
  EXPECT_EQ(p.status.canaryVersion, "7");
  EXPECT_EQ(condition(p.status, "Degraded")->status, "True");
  EXPECT_TRUE(actionsOf<DeleteDeployment>(p).empty());
}

TEST_F(CanaryTest, MissingRouteIsDegradedAndRetriedWithDelay) {
  pass();
  observed.router = RouterState{false, "HTTPRoute ml/fraud-scorer not found", std::nullopt, std::nullopt, std::nullopt};
  Plan p = pass();
  EXPECT_TRUE(actionsOf<SetTraffic>(p).empty());
  EXPECT_EQ(p.status.currentStepIndex, 0);
  EXPECT_EQ(p.status.canaryWeight, 0);
  EXPECT_EQ(condition(p.status, "Degraded")->reason, "TrafficRoutingFailed");
  EXPECT_EQ(condition(p.status, "Degraded")->message, "HTTPRoute ml/fraud-scorer not found");
  EXPECT_EQ(p.requeueAfter, kRouterRetryDelay);
  observed.router = RouterState{};
  Plan fixed = pass();
  EXPECT_EQ(actionsOf<SetTraffic>(fixed), (std::vector<SetTraffic>{{"6", "7", 20}}));
  EXPECT_EQ(condition(fixed.status, "Degraded")->status, "False");
}

TEST_F(CanaryTest, RouterDriftIsRepaired) {
  pass();
  pass();  // weight 20
  observed.router.canaryWeight = 0;  // someone edited the route
  Plan p = pass();
  EXPECT_EQ(actionsOf<SetTraffic>(p), (std::vector<SetTraffic>{{"6", "7", 20}}));
}

TEST_F(CanaryTest, NewerVersionSupersedesTheCanary) {
  pass();
  pass();  // 7 at 20%
  release.spec.model.version = "8";
  release.metadata.generation += 1;
  Plan p = pass();
  EXPECT_EQ(p.status.canaryVersion, "8");
  EXPECT_EQ(p.status.stableVersion, "6");
  EXPECT_EQ(p.status.currentStepIndex, 0);
  EXPECT_EQ(p.status.canaryWeight, 0);
  EXPECT_EQ(p.status.history.back().version, "7");
  EXPECT_EQ(p.status.history.back().outcome, "Superseded");
  EXPECT_EQ(actionsOf<DeleteDeployment>(p), (std::vector<DeleteDeployment>{{"7"}}));
  EXPECT_EQ(actionsOf<SetTraffic>(p), (std::vector<SetTraffic>{{"6", "8", 0}}));
  EXPECT_EQ(indexOf<SetTraffic>(p), 0);  // traffic leaves the old canary first
  EXPECT_EQ(recordEvents(p), (std::vector<std::string>{"started"}));
  EXPECT_TRUE(hasEvent(p, "Superseded"));
}

TEST_F(CanaryTest, SpecSetBackToStableAbortsTheCanary) {
  pass();
  pass();
  release.spec.model.version = "6";
  release.metadata.generation += 1;
  Plan p = pass();
  EXPECT_EQ(p.status.phase, api::Phase::RolledBack);
  EXPECT_EQ(p.status.rolledBackVersion, "7");
  EXPECT_EQ(p.status.history.back().outcome, "Aborted");
  EXPECT_EQ(actionsOf<SetTraffic>(p), (std::vector<SetTraffic>{{"6", "", 0}}));
  // and it stays there: 6 is stable and wanted
  EXPECT_TRUE(pass().actions.empty());
}

TEST_F(CanaryTest, MeshKeepsStableAtFullSize) {
  pass();
  pass();
  EXPECT_EQ(observed.deployments["6"].desiredReplicas, 4);
  EXPECT_EQ(observed.deployments["7"].desiredReplicas, 1);
}

TEST_F(CanaryTest, StepsAlreadySatisfiedRunInOnePass) {
  release.spec.strategy.canary->steps = {weightStep(20), pauseStep("0s"), weightStep(20)};
  pass();
  Plan p = pass();
  // weight 20, the zero pause and the second weight 20 all pass; promotion then scales the canary.
  EXPECT_EQ(p.status.currentStepIndex, 3);
  EXPECT_EQ(p.status.phase, api::Phase::Progressing);
  EXPECT_EQ(actionsOf<SetTraffic>(p).size(), 1u);
  EXPECT_EQ(actionsOf<ScaleDeployment>(p), (std::vector<ScaleDeployment>{{"7", 4}}));
  EXPECT_NE(p.status.message.find("before promotion"), std::string::npos) << p.status.message;
}

TEST_F(CanaryTest, BackgroundAnalysisStartsWithTheRolloutAndCanFailIt) {
  release.spec.strategy.canary->backgroundAnalysis = api::AnalysisStep{{"error-rate"}};
  Plan p = pass();
  auto starts = actionsOf<StartAnalysis>(p);
  ASSERT_EQ(starts.size(), 1u);
  EXPECT_EQ(starts[0].stage, "7/background");
  EXPECT_EQ(starts[0].canaryVersion, "7");
  EXPECT_EQ(starts[0].baselineVersion, "6");
  pass();
  verdict("7/background", AnalysisPhase::Fail, "error-rate 0.2 > 0.01");
  Plan failed = pass();
  EXPECT_EQ(failed.status.phase, api::Phase::RolledBack);
  EXPECT_EQ(condition(failed.status, "Degraded")->reason, "AnalysisFailed");
}

class RatioCanaryTest : public PlannerTest {
 protected:
  void SetUp() override {
    release = canaryRelease({weightStep(25), pauseStep(std::nullopt)}, /*ratio=*/true);
    promotedAt("6");
  }
};

TEST_F(RatioCanaryTest, PodsAreTheSplit) {
  pass();
  Plan p = pass();
  EXPECT_EQ(observed.deployments["7"].desiredReplicas, 1);
  EXPECT_EQ(observed.deployments["6"].desiredReplicas, 3);
  EXPECT_EQ(p.status.canaryWeight, 25);
}

// Towards the canary a failed scale-up must stop the scale-down after it: one write at a time.
TEST_F(RatioCanaryTest, WritesTowardsTheCanaryGoOneByOne) {
  Plan first = pass();
  ASSERT_GE(indexOf<EnsureDeployment>(first), 0) << describeAll(first);
  EXPECT_LT(indexOf<EnsureDeployment>(first), indexOf<ScaleDeployment>(first)) << describeAll(first);
  EXPECT_FALSE(first.trafficLeavesCanary);
}

TEST_F(RatioCanaryTest, OldStableScaledToZeroAtPromotionThenDeleted) {
  pass();
  pass();
  request(RequestKind::Promote, "r1", "promote");
  settle();
  ASSERT_EQ(release.status.phase, api::Phase::Promoted);
  EXPECT_EQ(observed.deployments["6"].desiredReplicas, 0);  // with the ratio, warm pods would serve
  EXPECT_EQ(observed.deployments["7"].desiredReplicas, 4);
  clock.advance(seconds(30));
  EXPECT_EQ(actionsOf<DeleteDeployment>(pass()), (std::vector<DeleteDeployment>{{"6"}}));
}

}  // namespace
}  // namespace aviary::release::testing
