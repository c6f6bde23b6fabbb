// The setMirror and setHeaderRoute steps: a shadow stage, header routes, their state in status, and
// that promotion, abort, rollback and a restart leave nothing behind.

#include "planner_fixture.h"

namespace aviary::release::testing {
namespace {

using std::chrono::minutes;

api::CanaryStep mirrorStep(int32_t percent) {
  api::CanaryStep step;
  step.setMirror = api::MirrorStep{percent};
  return step;
}

api::HeaderRoute testers(bool withMatch = true) {
  api::HeaderRoute route{"testers", {}};
  if (withMatch) route.match.push_back(api::HeaderMatch{"x-cohort", std::string("testers"), std::nullopt, std::nullopt});
  return route;
}

api::CanaryStep headerStep(api::HeaderRoute route) {
  api::CanaryStep step;
  step.setHeaderRoute = std::move(route);
  return step;
}

class ShadowTest : public PlannerTest {
 protected:
  void SetUp() override {
    release = canaryRelease({mirrorStep(100), analysisStep({"agreement"}), headerStep(testers()), analysisStep(),
                             mirrorStep(0), weightStep(20), weightStep(100)});
    promotedAt("6");
  }

  // A mesh router that reports what the last SetTraffic wrote.
  Plan routedPass() {
    Plan p = pass();
    for (const auto& t : actionsOf<SetTraffic>(p)) {
      observed.router.canaryWeight = t.canaryWeight;
      observed.router.mirrorPercent = t.mirrorPercent;
      std::vector<std::vector<api::HeaderMatch>> matches;
      for (const auto& r : t.headerRoutes) matches.push_back(r.match);
      observed.router.headerMatches = matches;
    }
    return p;
  }

  void startShadow() {
    observed.router = RouterState{true, "", 0, 0, std::vector<std::vector<api::HeaderMatch>>{}};
    routedPass();  // canary created
    Plan mirrored = routedPass();
    ASSERT_EQ(actionsOf<SetTraffic>(mirrored), (std::vector<SetTraffic>{{"6", "7", 0, 100, {}}})) << describeAll(mirrored);
    Plan measuring = routedPass();  // the route carries the mirror: the analysis starts
    ASSERT_EQ(actionsOf<StartAnalysis>(measuring).size(), 1u) << describeAll(measuring);
    ASSERT_EQ(release.status.currentStepIndex, 1);
  }
};

TEST_F(ShadowTest, MirrorSizesTheCanaryForTheMirroredShareAndSaysShadow) {
  Plan created = pass();
  EXPECT_EQ(actionsOf<EnsureDeployment>(created), (std::vector<EnsureDeployment>{{"7", 4}}));  // 100% of 4 replicas
  Plan mirrored = pass();
  EXPECT_EQ(actionsOf<SetTraffic>(mirrored), (std::vector<SetTraffic>{{"6", "7", 0, 100, {}}})) << describeAll(mirrored);
  EXPECT_EQ(mirrored.status.mirrorPercent, 100);
  EXPECT_EQ(mirrored.status.canaryWeight, 0);
  EXPECT_NE(mirrored.status.message.find("shadow: 100% of the stable traffic mirrored to version 7"), std::string::npos)
      << mirrored.status.message;
}

TEST_F(ShadowTest, AnalysisWaitsUntilTheRouteCarriesTheMirror) {
  observed.router = RouterState{true, "", 0, 0, std::vector<std::vector<api::HeaderMatch>>{}};
  pass();  // canary created; this router does not take the write yet
  Plan waiting = pass();
  EXPECT_TRUE(actionsOf<StartAnalysis>(waiting).empty()) << describeAll(waiting);
  EXPECT_EQ(waiting.requeueAfter, kRouteSettleDelay);
  EXPECT_NE(waiting.status.message.find("mirroring 100% of the stable traffic to the canary"), std::string::npos);
  observed.router.mirrorPercent = 100;
  Plan measuring = pass();
  EXPECT_EQ(actionsOf<StartAnalysis>(measuring).size(), 1u);
  EXPECT_TRUE(actionsOf<SetTraffic>(measuring).empty());
}

TEST_F(ShadowTest, FailedShadowAnalysisRollsBackWithOneRouteWriteFirst) {
  startShadow();
  verdict("7/step-1", AnalysisPhase::Fail, "prediction psi 0.61 > 0.2");
  Plan p = routedPass();
  ASSERT_EQ(actionsOf<SetTraffic>(p), (std::vector<SetTraffic>{{"6", "", 0}})) << describeAll(p);
  EXPECT_EQ(indexOf<SetTraffic>(p), 0) << describeAll(p);  // before the Services and the Deployment
  EXPECT_LT(indexOf<SetTraffic>(p), indexOf<DeleteDeployment>(p));
  EXPECT_EQ(p.status.phase, api::Phase::RolledBack);
  EXPECT_EQ(p.status.mirrorPercent, 0);
  EXPECT_TRUE(p.status.headerRoutes.empty());
  EXPECT_TRUE(routedPass().actions.empty());  // settled: nothing left to write
}

TEST_F(ShadowTest, AbortMidShadowRemovesTheMirrorAndTheHeaderRoute) {
  startShadow();
  verdict("7/step-1", AnalysisPhase::Pass);
  Plan header = routedPass();
  EXPECT_EQ(actionsOf<SetTraffic>(header), (std::vector<SetTraffic>{{"6", "7", 0, 100, {testers()}}})) << describeAll(header);
  EXPECT_EQ(header.status.headerRoutes, (std::vector<api::HeaderRoute>{testers()}));
  routedPass();
  ASSERT_EQ(release.status.currentStepIndex, 3);
  request(RequestKind::Abort, "r1", "abort");
  Plan p = routedPass();
  ASSERT_EQ(actionsOf<SetTraffic>(p), (std::vector<SetTraffic>{{"6", "", 0}})) << describeAll(p);
  EXPECT_EQ(indexOf<SetTraffic>(p), 0) << describeAll(p);
  EXPECT_EQ(p.status.phase, api::Phase::RolledBack);
  EXPECT_EQ(p.status.mirrorPercent, 0);
  EXPECT_TRUE(p.status.headerRoutes.empty());
}

TEST_F(ShadowTest, RouterDownMidShadowHoldsTheRollbackUntilTheMirrorCanGo) {
  startShadow();
  observed.router = RouterState{false, "HTTPRoute ml/fraud-scorer not found", std::nullopt, std::nullopt, std::nullopt};
  verdict("7/step-1", AnalysisPhase::Fail, "agreement 0.41 < 0.95");
  Plan held = pass();
  EXPECT_EQ(held.status.phase, api::Phase::RollingBack);
  EXPECT_TRUE(actionsOf<DeleteDeployment>(held).empty()) << describeAll(held);
  EXPECT_EQ(held.status.canaryVersion, "7");
  observed.router = RouterState{true, "", 0, 100, std::vector<std::vector<api::HeaderMatch>>{}};
  Plan done = pass();
  EXPECT_EQ(actionsOf<SetTraffic>(done), (std::vector<SetTraffic>{{"6", "", 0}}));
  EXPECT_EQ(done.status.phase, api::Phase::RolledBack);
}

TEST_F(ShadowTest, ARestartedOperatorResumesFromStatus) {
  startShadow();
  // A new process: nothing in memory, the router reads the live route, the status carries the rest.
  Observed fresh;
  fresh.deployments = observed.deployments;
  fresh.router = RouterState{true, "", 0, 100, std::vector<std::vector<api::HeaderMatch>>{}};
  fresh.analyses["7/step-1"] = {AnalysisPhase::Running, ""};
  observed = fresh;
  Plan resumed = pass();
  EXPECT_TRUE(actionsOf<SetTraffic>(resumed).empty()) << describeAll(resumed);
  EXPECT_EQ(resumed.status.mirrorPercent, 100);
  EXPECT_EQ(resumed.status.currentStepIndex, 1);
  // Someone removed the mirror by hand meanwhile: it is put back.
  observed.router.mirrorPercent = 0;
  EXPECT_EQ(actionsOf<SetTraffic>(run()), (std::vector<SetTraffic>{{"6", "7", 0, 100, {}}}));
}

TEST_F(ShadowTest, HeaderRouteWithoutMatchRemovesItAndPromotionClearsEverything) {
  release = canaryRelease({mirrorStep(50), headerStep(testers()), pauseStep("1m"), headerStep(testers(false)),
                           weightStep(100)});
  promotedAt("6");
  observed.router = RouterState{true, "", 0, 0, std::vector<std::vector<api::HeaderMatch>>{}};
  routedPass();
  Plan both = routedPass();  // the mirror and the header route in one write: no judged step between them
  EXPECT_EQ(actionsOf<SetTraffic>(both), (std::vector<SetTraffic>{{"6", "7", 0, 50, {testers()}}})) << describeAll(both);
  EXPECT_EQ(routedPass().status.phase, api::Phase::Paused);  // the route carries both: the pause starts
  clock.advance(minutes(2));
  std::vector<SetTraffic> writes;
  for (int i = 0; i < 5 && release.status.phase != api::Phase::Promoted; ++i) {
    for (const auto& t : actionsOf<SetTraffic>(routedPass())) writes.push_back(t);
  }
  EXPECT_EQ(release.status.phase, api::Phase::Promoted) << release.status.message;
  ASSERT_FALSE(writes.empty());
  EXPECT_EQ(writes.back(), (SetTraffic{"7", "", 0}));
  for (const auto& t : writes) EXPECT_TRUE(t.headerRoutes.empty()) << "the header route went before the weights";
  EXPECT_EQ(release.status.mirrorPercent, 0);
  EXPECT_TRUE(release.status.headerRoutes.empty());
}

TEST_F(ShadowTest, PromoteDoesNotSkipARouteStep) {
  observed.router = RouterState{true, "", 0, 0, std::vector<std::vector<api::HeaderMatch>>{}};
  pass();
  podsBecomeReady = false;
  observed.deployments["7"].availableReplicas = 0;
  request(RequestKind::Promote, "r1", "promote");
  Plan p = pass();
  EXPECT_EQ(p.status.currentStepIndex, 0);
  EXPECT_EQ(p.status.mirrorPercent, 0);
}

}  // namespace
}  // namespace aviary::release::testing
