// The first release: no stable version yet, so the spec's version becomes stable at once.

#include "planner_fixture.h"

namespace aviary::release::testing {
namespace {

class FirstReleaseTest : public PlannerTest {};

TEST_F(FirstReleaseTest, CreatesTheStableVersionAndWaitsForIt) {
  podsBecomeReady = false;
  Plan p = pass();
  EXPECT_EQ(p.status.phase, api::Phase::Pending);
  EXPECT_EQ(p.status.stableVersion, "6");
  EXPECT_EQ(p.status.canaryVersion, "");
  EXPECT_EQ(actionsOf<EnsureDeployment>(p), (std::vector<EnsureDeployment>{{"6", 4}}));
  EXPECT_EQ(actionsOf<EnsureServices>(p), (std::vector<EnsureServices>{{"6", ""}}));
  EXPECT_EQ(actionsOf<SetTraffic>(p), (std::vector<SetTraffic>{{"6", "", 0}}));
  EXPECT_EQ(condition(p.status, "Ready")->status, "False");
  EXPECT_EQ(p.requeueAfter, Duration(std::chrono::seconds(600)));  // the progress deadline
}

TEST_F(FirstReleaseTest, PromotedAndReadyOnceAvailable) {
  pass();
  Plan p = pass();
  EXPECT_EQ(p.status.phase, api::Phase::Promoted);
  EXPECT_EQ(condition(p.status, "Ready")->status, "True");
  EXPECT_EQ(condition(p.status, "Progressing")->status, "False");
  EXPECT_EQ(condition(p.status, "Degraded")->status, "False");
  ASSERT_EQ(p.status.history.size(), 1u);
  EXPECT_EQ(p.status.history[0].outcome, "Promoted");
  ASSERT_EQ(p.status.registrySync.size(), 1u);
  EXPECT_EQ(p.status.registrySync[0].event, "promoted");
  EXPECT_EQ(p.status.registrySync[0].alias, "champion");
  EXPECT_TRUE(hasEvent(p, "Promoted"));
}

TEST_F(FirstReleaseTest, DeadlineExceededIsDegradedWithoutRollback) {
  podsBecomeReady = false;
  pass();
  clock.advance(std::chrono::seconds(601));
  Plan p = pass();
  EXPECT_EQ(p.status.phase, api::Phase::Pending);
  EXPECT_EQ(condition(p.status, "Degraded")->status, "True");
  EXPECT_EQ(condition(p.status, "Degraded")->reason, "ProgressDeadlineExceeded");
  EXPECT_TRUE(actionsOf<SetTraffic>(p).size() <= 1u);
  EXPECT_EQ(p.status.rolledBackVersion, "");
}

TEST_F(FirstReleaseTest, DeploymentReportingDeadlineExceededIsDegraded) {
  podsBecomeReady = false;
  pass();
  observed.deployments["6"].progressDeadlineExceeded = true;
  Plan p = pass();
  EXPECT_EQ(condition(p.status, "Degraded")->reason, "ProgressDeadlineExceeded");
}

TEST_F(FirstReleaseTest, MissingRouteKeepsItPendingAndDegradedUntilTheRouteAppears) {
  observed.router = RouterState{false, "HTTPRoute ml/fraud-scorer not found", std::nullopt, std::nullopt, std::nullopt};
  pass();
  Plan p = pass();  // pods are available by now; traffic still cannot reach them
  EXPECT_EQ(p.status.phase, api::Phase::Pending);
  EXPECT_EQ(condition(p.status, "Degraded")->status, "True");
  EXPECT_EQ(condition(p.status, "Degraded")->reason, "TrafficRoutingFailed");
  EXPECT_NE(condition(p.status, "Degraded")->message.find("not found"), std::string::npos);
  EXPECT_TRUE(p.status.history.empty());
  EXPECT_EQ(p.requeueAfter, kRouterRetryDelay);

  observed.router = RouterState{};
  p = pass();
  EXPECT_EQ(p.status.phase, api::Phase::Promoted);
  EXPECT_EQ(condition(p.status, "Degraded")->status, "False");
}

struct RegistryCase {
  RegistryReadiness readiness;
  bool starts;
  std::optional<std::string> degradedReason;
};

class FirstReleaseRegistryTest : public PlannerTest, public ::testing::WithParamInterface<RegistryCase> {};

TEST_P(FirstReleaseRegistryTest, RegistryReadinessGatesTheStart) {
  observed.registry = GetParam().readiness;
  Plan p = pass();
  EXPECT_EQ(!actionsOf<EnsureDeployment>(p).empty(), GetParam().starts) << describeAll(p);
  EXPECT_EQ(p.status.stableVersion.empty(), !GetParam().starts);
  if (GetParam().degradedReason) {
    EXPECT_EQ(condition(p.status, "Degraded")->reason, *GetParam().degradedReason);
  } else {
    EXPECT_EQ(condition(p.status, "Degraded")->status, "False");
  }
  if (!GetParam().starts) {
    EXPECT_EQ(p.requeueAfter, kRegistryRetryDelay);
  }
}

INSTANTIATE_TEST_SUITE_P(Readiness, FirstReleaseRegistryTest,
                         ::testing::Values(RegistryCase{RegistryReadiness::Ready, true, std::nullopt},
                                           RegistryCase{RegistryReadiness::Unknown, true, std::nullopt},
                                           RegistryCase{RegistryReadiness::Unavailable, true, std::nullopt},
                                           RegistryCase{RegistryReadiness::NotReady, false, std::nullopt},
                                           RegistryCase{RegistryReadiness::NotFound, false,
                                                        std::string("ModelVersionNotFound")}));

TEST_F(FirstReleaseTest, VersionChangedBeforeAvailableReplacesIt) {
  podsBecomeReady = false;
  pass();
  release.spec.model.version = "7";
  release.metadata.generation = 2;
  Plan p = pass();
  EXPECT_EQ(p.status.stableVersion, "7");
  EXPECT_EQ(p.status.phase, api::Phase::Pending);
  EXPECT_EQ(actionsOf<DeleteDeployment>(p), (std::vector<DeleteDeployment>{{"6"}}));
  EXPECT_EQ(actionsOf<EnsureDeployment>(p), (std::vector<EnsureDeployment>{{"7", 4}}));
}

}  // namespace
}  // namespace aviary::release::testing
