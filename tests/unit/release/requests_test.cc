// aviary.dev/request: each id acted upon once, and what each request does in each state.

#include "planner_fixture.h"

namespace aviary::release::testing {
namespace {

using std::chrono::seconds;

TEST(RequestFromAnnotations, ReadsKindAndId) {
  api::ObjectMeta meta;
  EXPECT_FALSE(requestFromAnnotations(meta).has_value());
  meta.annotations[api::kRequestAnnotation] = "promote-full";
  meta.annotations[api::kRequestIdAnnotation] = "abc";
  auto request = requestFromAnnotations(meta);
  ASSERT_TRUE(request.has_value());
  EXPECT_EQ(request->kind, RequestKind::PromoteFull);
  EXPECT_EQ(request->id, "abc");
  EXPECT_EQ(request->requestedBy, "") << "no aviary.dev/requested-by: unverified";
  meta.annotations[api::kRequestedByAnnotation] = "alice";
  EXPECT_EQ(requestFromAnnotations(meta)->requestedBy, "alice");
  meta.annotations[api::kRequestAnnotation] = "explode";
  EXPECT_EQ(requestFromAnnotations(meta)->kind, RequestKind::Unknown);
}

class RequestTest : public PlannerTest {
 protected:
  void SetUp() override {
    release = canaryRelease({weightStep(20), pauseStep(std::nullopt), weightStep(60)});
    promotedAt("6");
  }
  void toPause() {
    pass();
    pass();
    ASSERT_EQ(release.status.phase, api::Phase::Paused);
  }
};

TEST_F(RequestTest, HandledIdIsRecordedAndNotRepeated) {
  toPause();
  request(RequestKind::Promote, "r1", "promote");
  Plan p = pass();
  EXPECT_EQ(p.status.lastHandledRequest, "r1");
  EXPECT_EQ(actionsOf<MarkRequestHandled>(p), (std::vector<MarkRequestHandled>{{"r1"}}));
  Plan again = pass();
  EXPECT_TRUE(actionsOf<MarkRequestHandled>(again).empty());
  EXPECT_FALSE(hasEvent(again, "StepSkipped"));
}

TEST_F(RequestTest, AHandledRequestStillAnnotatedIsClearedAgainButNotRepeated) {
  toPause();
  request(RequestKind::Promote, "r1", "promote");
  run();
  release.status = run().status;  // acted, status written, but the annotation could not be cleared
  Plan again = run();
  EXPECT_EQ(actionsOf<MarkRequestHandled>(again), (std::vector<MarkRequestHandled>{{"r1"}}));
  EXPECT_FALSE(hasEvent(again, "StepSkipped"));
  EXPECT_FALSE(hasEvent(again, "RequestIgnored"));
  EXPECT_EQ(again.status.currentStepIndex, release.status.currentStepIndex);
}

TEST_F(RequestTest, RequestWithoutIdIsIgnoredSilently) {
  toPause();
  request(RequestKind::Promote, "", "promote");
  Plan p = pass();
  EXPECT_EQ(p.status.phase, api::Phase::Paused);
  EXPECT_TRUE(p.actions.empty()) << describeAll(p);
}

TEST_F(RequestTest, UnknownRequestIsAWarning) {
  toPause();
  request(RequestKind::Unknown, "r1", "explode");
  Plan p = pass();
  EXPECT_TRUE(hasEvent(p, "RequestIgnored"));
  EXPECT_EQ(p.status.lastHandledRequest, "r1");
  EXPECT_EQ(p.status.phase, api::Phase::Paused);
}

TEST_F(RequestTest, PromoteDoesNotSkipAWeightStep) {
  podsBecomeReady = false;
  pass();  // waiting for pods at setWeight 20
  request(RequestKind::Promote, "r1", "promote");
  Plan p = pass();
  EXPECT_EQ(p.status.currentStepIndex, 0);
  EXPECT_TRUE(hasEvent(p, "RequestIgnored"));
}


TEST_F(RequestTest, PromoteFullJumpsToPromotion) {
  toPause();
  request(RequestKind::PromoteFull, "r1", "promote-full");
  Plan p = pass();
  EXPECT_EQ(p.status.currentStepIndex, 3);
  EXPECT_EQ(actionsOf<ScaleDeployment>(p), (std::vector<ScaleDeployment>{{"7", 4}}));
  EXPECT_EQ(pass().status.phase, api::Phase::Promoted);
}

class ApprovalRequestTest : public PlannerTest {
 protected:
  void SetUp() override {
    release = canaryRelease({weightStep(20), pauseStep(std::nullopt), approvalStep(), weightStep(60)});
    promotedAt("6");
    pass();
    pass();
    ASSERT_EQ(release.status.phase, api::Phase::Paused);
  }
};

TEST_F(ApprovalRequestTest, PromoteFullStopsAtTheNextApprovalStep) {
  request(RequestKind::PromoteFull, "r1", "promote-full");
  Plan p = pass();
  EXPECT_EQ(p.status.currentStepIndex, 2);
  EXPECT_TRUE(hasEvent(p, "PromoteFull"));
  EXPECT_EQ(pass().status.phase, api::Phase::AwaitingApproval);
}

TEST_F(ApprovalRequestTest, NoRequestSkipsAnApprovalStep) {
  request(RequestKind::Promote, "r1", "promote");
  ASSERT_EQ(pass().status.currentStepIndex, 2);  // the pause is skipped
  ASSERT_EQ(pass().status.phase, api::Phase::AwaitingApproval);
  for (auto [kind, text] : {std::pair{RequestKind::Promote, "promote"}, std::pair{RequestKind::PromoteFull, "promote-full"}}) {
    request(kind, std::string("again-") + text, text);
    Plan p = pass();
    EXPECT_EQ(p.status.currentStepIndex, 2) << text;
    EXPECT_EQ(p.status.phase, api::Phase::AwaitingApproval) << text;
    EXPECT_TRUE(hasEvent(p, "RequestIgnored")) << text;
    EXPECT_EQ(p.status.lastHandledRequest, std::string("again-") + text);
  }
}

TEST_F(RequestTest, AbortRollsBackFast) {
  toPause();
  request(RequestKind::Abort, "r1", "abort");
  Plan p = pass();
  EXPECT_EQ(p.status.phase, api::Phase::RolledBack);
  EXPECT_EQ(p.status.rolledBackVersion, "7");
  EXPECT_EQ(p.status.canaryVersion, "");
  EXPECT_EQ(p.status.history.back().outcome, "Aborted");
  EXPECT_EQ(condition(p.status, "Degraded")->reason, "Aborted");
  EXPECT_EQ(actionsOf<SetTraffic>(p).size(), 1u);
  EXPECT_EQ(recordEvents(p), (std::vector<std::string>{"rolledBack"}));
}


TEST_F(RequestTest, RollbackMidRolloutIsAnAbort) {
  toPause();
  request(RequestKind::Rollback, "r1", "rollback");
  EXPECT_EQ(pass().status.phase, api::Phase::RolledBack);
}

TEST_F(RequestTest, RetryRestartsTheRolledBackVersion) {
  toPause();
  request(RequestKind::Abort, "r1", "abort");
  pass();
  clock.advance(seconds(60));
  ASSERT_EQ(pass().status.phase, api::Phase::RolledBack);  // no restart by itself
  request(RequestKind::Retry, "r2", "retry");
  Plan p = pass();
  EXPECT_EQ(p.status.phase, api::Phase::Progressing);
  EXPECT_EQ(p.status.canaryVersion, "7");
  EXPECT_EQ(p.status.currentStepIndex, 0);
  EXPECT_EQ(p.status.rolledBackVersion, "");
  auto records = queuedRecords(p);
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(records[0].event, "started");
  std::vector<std::string> startedKeys;
  for (const auto& r : release.status.registrySync) {
    if (r.event == "started") startedKeys.push_back(r.key);
  }
  ASSERT_EQ(startedKeys.size(), 2u);  // the first attempt's record is still in the outbox
  EXPECT_NE(startedKeys[0], startedKeys[1]);
}

TEST_F(RequestTest, RetryWhenNotRolledBackIsIgnored) {
  toPause();
  request(RequestKind::Retry, "r1", "retry");
  Plan p = pass();
  EXPECT_TRUE(hasEvent(p, "RequestIgnored"));
  EXPECT_EQ(p.status.phase, api::Phase::Paused);
}

struct SettledCase {
  RequestKind kind;
  const char* text;
};

class SettledRequestTest : public RequestTest, public ::testing::WithParamInterface<SettledCase> {};

// A release with nothing in flight (and no older version) has nothing these requests could act on.
TEST_P(SettledRequestTest, IsIgnoredWithAWarning) {
  release.spec.model.version = "6";
  request(GetParam().kind, "r1", GetParam().text);
  Plan p = pass();
  EXPECT_TRUE(hasEvent(p, "RequestIgnored")) << describeAll(p);
  EXPECT_EQ(p.status.phase, api::Phase::Promoted);
  EXPECT_EQ(p.status.lastHandledRequest, "r1");
  EXPECT_TRUE(actionsOf<SetTraffic>(p).empty());
}

INSTANTIATE_TEST_SUITE_P(Kinds, SettledRequestTest,
                         ::testing::Values(SettledCase{RequestKind::Promote, "promote"},
                                           SettledCase{RequestKind::PromoteFull, "promote-full"},
                                           SettledCase{RequestKind::Abort, "abort"},
                                           SettledCase{RequestKind::Rollback, "rollback"},
                                           SettledCase{RequestKind::Retry, "retry"}),
                         [](const auto& info) {
                           std::string name = info.param.text;
                           std::erase(name, '-');
                           return name;
                         });

class ManualRollbackTest : public PlannerTest {
 protected:
  void SetUp() override {
    release = canaryRelease({weightStep(100)});
    promotedAt("6");
    settle();  // 7 promoted; 6 warm until scaleDownAt
    ASSERT_EQ(release.status.stableVersion, "7");
  }
};

TEST_F(ManualRollbackTest, WarmPreviousStableBecomesStableAtOnce) {
  request(RequestKind::Rollback, "r1", "rollback");
  Plan p = pass();
  EXPECT_EQ(p.status.phase, api::Phase::RolledBack);
  EXPECT_EQ(p.status.stableVersion, "6");
  EXPECT_EQ(p.status.rolledBackVersion, "7");
  EXPECT_EQ(actionsOf<SetTraffic>(p), (std::vector<SetTraffic>{{"6", "", 0}}));
  EXPECT_EQ(actionsOf<DeleteDeployment>(p), (std::vector<DeleteDeployment>{{"7"}}));
  EXPECT_EQ(condition(p.status, "Degraded")->reason, "RollbackRequested");
  EXPECT_EQ(recordEvents(p), (std::vector<std::string>{"rolledBack", "promoted"}));
  // spec still names 7: it stays rolled back
  clock.advance(std::chrono::minutes(10));
  Plan later = pass();
  EXPECT_EQ(later.status.phase, api::Phase::RolledBack);
  EXPECT_TRUE(later.actions.empty()) << describeAll(later);
}

TEST_F(ManualRollbackTest, ColdPreviousStableIsBroughtBackFirst) {
  clock.advance(seconds(31));
  pass();  // 6 deleted after scaleDownAt
  ASSERT_EQ(observed.deployments.count("6"), 0u);
  podsBecomeReady = false;
  request(RequestKind::Rollback, "r1", "rollback");
  Plan p = pass();
  EXPECT_EQ(p.status.phase, api::Phase::RollingBack);
  EXPECT_EQ(p.status.stableVersion, "7");
  EXPECT_EQ(actionsOf<EnsureDeployment>(p), (std::vector<EnsureDeployment>{{"6", 4}}));
  EXPECT_TRUE(actionsOf<SetTraffic>(p).empty());
  podsBecomeReady = true;
  scale("6", 4);
  Plan done = pass();
  EXPECT_EQ(done.status.phase, api::Phase::RolledBack);
  EXPECT_EQ(done.status.stableVersion, "6");
  EXPECT_EQ(actionsOf<SetTraffic>(done), (std::vector<SetTraffic>{{"6", "", 0}}));
}

TEST_F(ManualRollbackTest, WithoutPreviousStableIsIgnored) {
  release.status.previousStableVersion.clear();
  request(RequestKind::Rollback, "r1", "rollback");
  Plan p = pass();
  EXPECT_TRUE(hasEvent(p, "RequestIgnored"));
  EXPECT_EQ(p.status.stableVersion, "7");
}

TEST_F(ManualRollbackTest, ASpecEditAfterwardsRestartsTheVersion) {
  request(RequestKind::Rollback, "r1", "rollback");
  pass();
  release.metadata.generation += 1;  // e.g. the user fixed the template
  Plan p = pass();
  EXPECT_EQ(p.status.phase, api::Phase::Progressing);
  EXPECT_EQ(p.status.canaryVersion, "7");
}

}  // namespace
}  // namespace aviary::release::testing
