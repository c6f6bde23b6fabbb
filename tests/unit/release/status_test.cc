// Status bookkeeping: Invalid, zero writes when idle, conditions, events, history, resuming from
// status alone, registry record keys.

#include "planner_fixture.h"
#include "release/plan_context.h"

namespace aviary::release::testing {
namespace {

using std::chrono::seconds;

class InvalidTest : public PlannerTest {
 protected:
  void SetUp() override {
    promotedAt("6");
    observed.specErrors = {{"spec.strategy.canary.steps[1].pause.duration", "invalid duration \"2x\""},
                           {"spec.replicas", "must be at least 1"}};
  }
};

TEST_F(InvalidTest, NoActionsAtAll) {
  Plan p = run();
  EXPECT_TRUE(p.actions.empty()) << describeAll(p);
  EXPECT_FALSE(p.requeueAfter.has_value());
  EXPECT_EQ(p.status.phase, api::Phase::Invalid);
}

TEST_F(InvalidTest, ReadyFalseNamesTheFieldPaths) {
  Plan p = run();
  const api::Condition* ready = condition(p.status, "Ready");
  EXPECT_EQ(ready->status, "False");
  EXPECT_EQ(ready->reason, "InvalidSpec");
  EXPECT_NE(ready->message.find("spec.strategy.canary.steps[1].pause.duration"), std::string::npos);
  EXPECT_NE(ready->message.find("spec.replicas"), std::string::npos);
  EXPECT_EQ(p.status.observedGeneration, release.metadata.generation);
}

TEST_F(InvalidTest, NothingChangesEvenMidRollout) {
  observed.specErrors.clear();
  pass();
  pass();  // 7 at 20%
  observed.specErrors = {{"spec.replicas", "must be at least 1"}};
  Plan p = run();
  EXPECT_TRUE(p.actions.empty());
  EXPECT_EQ(p.status.canaryVersion, "7");
  EXPECT_EQ(p.status.canaryWeight, 20);
}

TEST_F(InvalidTest, FixedSpecResumesWhereItWas) {
  observed.specErrors.clear();
  pass();
  pass();  // 7 at 20%, paused 2m
  observed.specErrors = {{"spec.replicas", "must be at least 1"}};
  pass();
  observed.specErrors.clear();
  Plan p = pass();
  EXPECT_EQ(p.status.phase, api::Phase::Paused);
  EXPECT_EQ(p.status.canaryVersion, "7");
  EXPECT_EQ(condition(p.status, "Ready")->status, "True");
  EXPECT_TRUE(actionsOf<SetTraffic>(p).empty());
}

class IdleTest : public PlannerTest {
 protected:
  void SetUp() override { promotedAt("6", "6"); }
};

TEST_F(IdleTest, SettledReleaseYieldsNoActionsAndTheSameStatus) {
  Plan first = pass();
  clock.advance(std::chrono::hours(3));
  Plan second = run();
  EXPECT_TRUE(first.actions.empty()) << describeAll(first);
  EXPECT_TRUE(second.actions.empty()) << describeAll(second);
  EXPECT_EQ(dump(second.status), dump(release.status));
  EXPECT_FALSE(second.requeueAfter.has_value());
}

TEST_F(IdleTest, RolledBackReleaseIsIdleToo) {
  release.spec.model.version = "7";
  release.metadata.generation += 1;
  pass();
  request(RequestKind::Abort, "r1", "abort");
  pass();
  pass();
  clock.advance(std::chrono::hours(1));
  Plan p = run();
  EXPECT_TRUE(p.actions.empty()) << describeAll(p);
  EXPECT_EQ(dump(p.status), dump(release.status));
}

TEST_F(IdleTest, DeletedDeploymentIsRecreated) {
  observed.deployments.erase("6");
  EXPECT_EQ(actionsOf<EnsureDeployment>(run()), (std::vector<EnsureDeployment>{{"6", 4}}));
}

TEST_F(IdleTest, OutdatedDeploymentIsUpdated) {
  observed.deployments["6"].upToDate = false;
  EXPECT_EQ(actionsOf<EnsureDeployment>(run()), (std::vector<EnsureDeployment>{{"6", 4}}));
}

TEST_F(IdleTest, ReplicasChangeScalesStable) {
  release.spec.replicas = 6;
  release.metadata.generation += 1;
  Plan p = run();
  EXPECT_EQ(actionsOf<ScaleDeployment>(p), (std::vector<ScaleDeployment>{{"6", 6}}));
  EXPECT_EQ(p.status.observedGeneration, release.metadata.generation);
}

TEST_F(IdleTest, StrayDeploymentIsDeleted) {
  observed.deployments["3"] = DeploymentState{true, true, 1, 1, 1, false};
  EXPECT_EQ(actionsOf<DeleteDeployment>(run()), (std::vector<DeleteDeployment>{{"3"}}));
}

TEST_F(IdleTest, ServicesDriftIsRepaired) {
  observed.services = ServiceState{"5", ""};
  EXPECT_EQ(actionsOf<EnsureServices>(run()), (std::vector<EnsureServices>{{"6", ""}}));
}

TEST_F(IdleTest, EditedServicesAreRepairedForTheVersionsTheyServe) {
  pass();
  observed.services = ServiceState{"6", "", false};  // same versions in status, but one was edited or deleted
  Plan p = run();
  EXPECT_EQ(describeAll(p), describe(EnsureServices{"6", ""}) + "\n");
  EXPECT_EQ(dump(p.status), dump(release.status));
}

TEST_F(IdleTest, EditedServicesDuringAnIndefinitePauseAreRepairedWithoutMovingOn) {
  release.spec.strategy.canary->steps = {weightStep(30), pauseStep(std::nullopt), weightStep(100)};
  release.spec.model.version = "7";
  release.metadata.generation += 1;
  settle();
  ASSERT_EQ(release.status.phase, api::Phase::Paused);
  observed.services->upToDate = false;
  Plan p = run();
  EXPECT_EQ(describeAll(p), describe(EnsureServices{"6", "7"}) + "\n");
  EXPECT_EQ(p.status.phase, api::Phase::Paused);
  EXPECT_EQ(p.status.canaryWeight, 30);
}

TEST(ConditionsTest, LastTransitionTimeMovesOnlyWithStatus) {
  std::vector<api::Condition> conditions;
  setCondition(conditions, "Ready", "True", "Promoted", "a", 1, "2026-01-01T00:00:00Z");
  setCondition(conditions, "Ready", "True", "StableServing", "b", 2, "2026-01-01T00:05:00Z");
  ASSERT_EQ(conditions.size(), 1u);
  EXPECT_EQ(conditions[0].lastTransitionTime, "2026-01-01T00:00:00Z");
  EXPECT_EQ(conditions[0].reason, "StableServing");
  EXPECT_EQ(conditions[0].observedGeneration, 2);
  setCondition(conditions, "Ready", "False", "InvalidSpec", "c", 3, "2026-01-01T00:09:00Z");
  EXPECT_EQ(conditions[0].lastTransitionTime, "2026-01-01T00:09:00Z");
}

class StatusTest : public PlannerTest {
 protected:
  void SetUp() override { promotedAt("6"); }
};

TEST_F(StatusTest, ConditionsFollowTheRollout) {
  Plan started = pass();
  const api::Condition* progressing = condition(started.status, "Progressing");
  EXPECT_EQ(progressing->status, "True");
  EXPECT_EQ(progressing->reason, "RolloutInProgress");
  EXPECT_EQ(progressing->lastTransitionTime, formatRfc3339(clock.now()));
  EXPECT_EQ(condition(started.status, "Ready")->status, "True");
  const std::string readySince = condition(started.status, "Ready")->lastTransitionTime;
  clock.advance(seconds(10));
  Plan paused = pass();
  EXPECT_EQ(condition(paused.status, "Progressing")->reason, "RolloutPaused");
  EXPECT_EQ(condition(paused.status, "Progressing")->lastTransitionTime, progressing->lastTransitionTime);
  EXPECT_EQ(condition(paused.status, "Ready")->lastTransitionTime, readySince);
  for (const auto& c : paused.status.conditions) EXPECT_EQ(c.observedGeneration, release.metadata.generation);
}

TEST_F(StatusTest, EveryPhaseTransitionRecordsAnEvent) {
  Plan started = pass();
  EXPECT_TRUE(hasEvent(started, "Progressing"));
  Plan paused = pass();
  EXPECT_TRUE(hasEvent(paused, "Paused"));
  clock.advance(std::chrono::minutes(2));
  Plan resumed = pass();
  EXPECT_TRUE(hasEvent(resumed, "Progressing"));
  Plan same = pass();  // still Progressing: no new event
  EXPECT_FALSE(hasEvent(same, "Progressing"));
}

TEST_F(StatusTest, HistoryIsBoundedToTen) {
  release.spec.strategy.canary->steps = {weightStep(100)};
  for (int version = 7; version < 20; ++version) {
    release.spec.model.version = std::to_string(version);
    release.metadata.generation += 1;
    settle();
    clock.advance(std::chrono::minutes(1));
  }
  EXPECT_EQ(release.status.history.size(), kMaxHistory);
  EXPECT_EQ(release.status.history.back().version, "19");
}

TEST_F(StatusTest, ResumingFromStatusGivesTheSamePlan) {
  pass();
  pass();
  Plan before = run();
  // A restarted operator: nothing but the release (with its status) and what it observes.
  api::ModelRelease reread = release;
  Plan after = plan(reread, observed, clock.now());
  EXPECT_EQ(describeAll(before), describeAll(after));
  EXPECT_EQ(dump(before.status), dump(after.status));
}

TEST_F(StatusTest, ReplanningAfterAFailedWriteQueuesNoRecordTwice) {
  Plan started = run();  // acted, but the status write failed: the outbox already holds the record
  release.status.registrySync = started.status.registrySync;
  Plan again = run();
  size_t startedRecords = 0;
  for (const auto& r : again.status.registrySync) startedRecords += r.event == "started";
  EXPECT_EQ(startedRecords, 1u);
  EXPECT_TRUE(queuedRecords(again).empty());
}

TEST_F(StatusTest, PromotionAlreadyInHistoryIsNotQueuedAgain) {
  release.spec.strategy.canary->steps = {weightStep(100)};
  settle();
  ASSERT_EQ(release.status.phase, api::Phase::Promoted);
  // The outbox drained; a stale pass replans the promotion from the status before it.
  api::ModelReleaseStatus promoted = release.status;
  promoted.registrySync.clear();
  api::ModelRelease stale = release;
  stale.status = promoted;
  stale.status.phase = api::Phase::Progressing;
  stale.status.canaryVersion = "7";
  stale.status.stableVersion = "6";
  stale.status.canaryWeight = 100;
  Plan p = plan(stale, observed, clock.now());
  EXPECT_EQ(p.status.phase, api::Phase::Promoted);
  EXPECT_TRUE(p.status.registrySync.empty()) << dump(p.status);
}

TEST_F(StatusTest, RegistryKeyIsUidGenerationEvent) {
  Plan p = pass();
  ASSERT_EQ(p.status.registrySync.size(), 2u);  // the first release's, and this rollout's
  const api::RegistryRecord& record = p.status.registrySync.back();
  EXPECT_EQ(record.key.rfind("uid-1/2/started-7-", 0), 0u) << record.key;
  EXPECT_EQ(record.tags.at("aviary.release"), "ml/fraud-scorer");
  EXPECT_EQ(record.tags.at("aviary.stable_version"), "6");
}

TEST(ActionText, DescribesEachAction) {
  EXPECT_EQ(describe(SetTraffic{"6", "7", 10}), "SetTraffic(stable=6 canary=7 weight=10)");
  EXPECT_EQ(describe(EnsureDeployment{"7", 2}), "EnsureDeployment(7 replicas=2)");
  EXPECT_EQ(stepStage("7", 2), "7/step-2");
  EXPECT_EQ(prePromotionStage("7"), "7/pre-promotion");
}

}  // namespace
}  // namespace aviary::release::testing
