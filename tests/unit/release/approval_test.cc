// Approval steps: AwaitingApproval, approve advances and records, reject rolls back.

#include "planner_fixture.h"

namespace aviary::release::testing {
namespace {

class ApprovalTest : public PlannerTest {
 protected:
  void SetUp() override {
    release = canaryRelease({weightStep(20), approvalStep(), weightStep(60)});
    promotedAt("6");
    pass();
    pass();  // weight 20, now at the approval step
  }

  void decide(bool approve, const std::string& who, const std::string& name = "approval-1") {
    observed.approvals.push_back(ApprovalDecision{name, approve, who, "looks fine", clock.now()});
  }
};

TEST_F(ApprovalTest, WaitsInAwaitingApproval) {
  Plan p = pass();
  EXPECT_EQ(p.status.phase, api::Phase::AwaitingApproval);
  EXPECT_EQ(condition(p.status, "Progressing")->reason, "AwaitingApproval");
  EXPECT_NE(p.status.message.find("release-managers"), std::string::npos);
  EXPECT_FALSE(p.requeueAfter.has_value());  // approvals arrive through the watch
  EXPECT_TRUE(p.actions.empty()) << describeAll(p);
}

TEST_F(ApprovalTest, ApproveAdvancesAndQueuesARegistryRecord) {
  decide(true, "alice");
  Plan p = pass();
  EXPECT_EQ(p.status.currentStepIndex, 2);
  auto records = queuedRecords(p);
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(records[0].event, "approved");
  EXPECT_EQ(records[0].tags.at("aviary.approved_by"), "alice");
  EXPECT_EQ(records[0].tags.at("aviary.decision"), "approve");
  EXPECT_EQ(records[0].tags.at("aviary.step"), "1");
  ASSERT_EQ(p.status.approvals.size(), 1u);
  EXPECT_EQ(records[0].tags.at("aviary.approved_at"), p.status.approvals[0].time);
  EXPECT_EQ(p.status.approvals[0].approvedBy, "alice");
  EXPECT_EQ(p.status.approvals[0].decision, "approve");
  EXPECT_EQ(p.status.approvals[0].step, 1);
  EXPECT_TRUE(hasEvent(p, "Approved"));
}

TEST_F(ApprovalTest, RecordsTheTimeOfTheDecisionNotOfThePass) {
  const TimePoint decidedAt = clock.now();
  decide(true, "alice");
  clock.advance(std::chrono::minutes(3));  // the operator was down when alice approved
  Plan p = pass();
  auto records = queuedRecords(p);
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(records[0].tags.at("aviary.approved_at"), formatRfc3339(decidedAt));
}

TEST_F(ApprovalTest, RejectRollsBackWithARejectedRecord) {
  decide(false, "bob");
  Plan p = pass();
  EXPECT_EQ(p.status.phase, api::Phase::RolledBack);
  EXPECT_EQ(p.status.rolledBackVersion, "7");
  EXPECT_EQ(recordEvents(p), (std::vector<std::string>{"rejected", "rolledBack"}));
  EXPECT_EQ(condition(p.status, "Degraded")->reason, "Rejected");
  EXPECT_NE(condition(p.status, "Degraded")->message.find("bob"), std::string::npos);
  EXPECT_EQ(actionsOf<SetTraffic>(p), (std::vector<SetTraffic>{{"6", "", 0}}));
}

TEST_F(ApprovalTest, ARejectionOutweighsApprovals) {
  decide(true, "alice", "a1");
  decide(false, "bob", "a2");
  decide(true, "carol", "a3");
  EXPECT_EQ(pass().status.phase, api::Phase::RolledBack);
}

TEST_F(ApprovalTest, RequiredRegistryHoldsPromotionUntilApprovalsAreRecorded) {
  release.spec.registry.required = true;
  release.spec.strategy.canary->steps = {weightStep(20), approvalStep()};
  decide(true, "alice");
  pass();  // approved; promotion scales the canary first
  Plan held = pass();
  EXPECT_NE(held.status.phase, api::Phase::Promoted);
  EXPECT_EQ(held.requeueAfter, kRegistryRetryDelay);
  EXPECT_NE(held.status.message.find("registry"), std::string::npos);
  // the registry drains the outbox
  std::erase_if(release.status.registrySync, [](const api::RegistryRecord& r) { return r.event == "approved"; });
  EXPECT_EQ(pass().status.phase, api::Phase::Promoted);
}

}  // namespace
}  // namespace aviary::release::testing

namespace aviary::release::testing {
namespace {

class ConsecutiveApprovalsTest : public PlannerTest {};

TEST_F(ConsecutiveApprovalsTest, AnApprovalCountsForOneStepOnly) {
  release = canaryRelease({weightStep(20), approvalStep(), approvalStep()});
  promotedAt("6");
  pass();
  pass();
  observed.approvals.push_back(ApprovalDecision{"a1", true, "alice", "", clock.now()});
  Plan p = pass();
  EXPECT_EQ(p.status.currentStepIndex, 2);
  EXPECT_EQ(p.status.phase, api::Phase::AwaitingApproval);
}

}  // namespace
}  // namespace aviary::release::testing
