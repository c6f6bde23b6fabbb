#include "aviary/approval/approval_policy.h"

#include <gtest/gtest.h>

#include <functional>

#include "unit/approval/awaiting_approval.h"

namespace aviary::approval {
namespace {

// A release waiting at an approval step for release-managers, and alice's approval of it.
struct Scenario {
  Scenario() : release(testing::releaseAwaitingApproval(api::ApprovalStep{{"release-managers"}, {}})) {
    approval.spec.release = "fraud";
    approval.spec.decision = "approve";
    approval.spec.approvedBy = "alice";
    approval.spec.groups = {"release-managers", "system:authenticated"};
  }
  Decision decide(bool rbac = true) const { return evaluate(approval, release, rbac, "no rule"); }

  api::ModelRelease release;
  api::ReleaseApproval approval;
};

class ApprovalPolicyTest : public ::testing::Test, public Scenario {};

TEST_F(ApprovalPolicyTest, AReleaseManagerApprovesTheWaitingStep) {
  auto d = decide();
  EXPECT_TRUE(d.accepted) << d.reason;
}

TEST_F(ApprovalPolicyTest, IgnoredWithAReason) {
  struct Case {
    const char* name;
    std::function<void(Scenario&)> change;
    bool rbac;
    const char* reasonContains;
  };
  const Case cases[] = {
      {"no RBAC right", [](auto&) {}, false, "may not approve modelreleases/fraud: no rule"},
      {"not in the step's groups", [](auto& t) { t.approval.spec.groups = {"data-scientists"}; }, true, "not among the step's approvers"},
      {"stale generation", [](auto& t) { t.approval.spec.revision = 3; }, true, "stale: approves generation 3"},
      {"wrong step", [](auto& t) { t.approval.spec.step = 0; }, true, "stale: approves step 0"},
      {"not waiting", [](auto& t) { t.release.status.phase = api::Phase::Progressing; }, true, "not waiting for an approval"},
      {"other release", [](auto& t) { t.approval.spec.release = "other"; }, true, "for release other"},
      {"bad decision", [](auto& t) { t.approval.spec.decision = "maybe"; }, true, "approve or reject"},
  };
  for (const auto& c : cases) {
    Scenario fresh;
    c.change(fresh);
    auto d = fresh.decide(c.rbac);
    EXPECT_FALSE(d.accepted) << c.name;
    EXPECT_NE(d.reason.find(c.reasonContains), std::string::npos) << c.name << ": " << d.reason;
  }
}

TEST_F(ApprovalPolicyTest, StepUsersAdmitNamedPeopleAndEmptyListsNarrowNothing) {
  release.spec.strategy.canary->steps[1].approval = api::ApprovalStep{{}, {"alice"}};
  approval.spec.groups = {};
  EXPECT_TRUE(decide().accepted);
  release.spec.strategy.canary->steps[1].approval = api::ApprovalStep{};
  EXPECT_TRUE(decide().accepted);
  approval.spec.revision = 4;
  approval.spec.step = 1;
  EXPECT_TRUE(decide().accepted) << "matching revision and step";
}

TEST(SubjectAccessReview, AsksForTheApproveVerbOnTheRelease) {
  auto sar = subjectAccessReview({"alice", {"release-managers"}}, "ml", "fraud");
  EXPECT_EQ(sar["spec"]["user"], "alice");
  EXPECT_EQ(sar["spec"]["resourceAttributes"]["verb"], "approve");
  EXPECT_EQ(sar["spec"]["resourceAttributes"]["resource"], "modelreleases");
  EXPECT_EQ(sar["spec"]["resourceAttributes"]["group"], "aviary.dev");
  EXPECT_EQ(sar["spec"]["resourceAttributes"]["name"], "fraud");
  std::string reason;
  EXPECT_TRUE(accessAllowed({{"status", {{"allowed", true}}}}, reason));
  EXPECT_FALSE(accessAllowed({{"status", {{"allowed", false}, {"reason", "RBAC: denied"}}}}, reason));
  EXPECT_EQ(reason, "RBAC: denied");
}

}  // namespace
}  // namespace aviary::approval
