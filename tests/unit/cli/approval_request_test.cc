#include "cli/approval_request.h"

#include <gtest/gtest.h>

#include "cli_fixtures.h"

namespace aviary::cli {
namespace {

const approval::Identity kAlice{"alice", {"system:authenticated", "release-managers"}};

TEST(ApprovalRequestTest, BindsTheApprovalToTheWaitingStepAndGeneration) {
  auto approval = buildApproval(testing::fixtureRelease("canary_awaiting_approval.json"), kAlice, "approve", "ship it");
  ASSERT_TRUE(approval.ok()) << approval.error().message;
  const auto& object = *approval;
  EXPECT_EQ(object["apiVersion"], "aviary.dev/v1alpha1");
  EXPECT_EQ(object["kind"], "ReleaseApproval");
  EXPECT_EQ(object["metadata"]["namespace"], "ml");
  EXPECT_EQ(object["metadata"]["generateName"].get<std::string>().rfind("fraud-", 0), 0u) << object.dump();
  const auto& spec = object["spec"];
  EXPECT_EQ(spec["release"], "fraud");
  EXPECT_EQ(spec["decision"], "approve");
  EXPECT_EQ(spec["approvedBy"], "alice");
  EXPECT_EQ(spec["comment"], "ship it");
  EXPECT_EQ(spec["revision"], 3);
  EXPECT_EQ(spec["step"], 4);
  EXPECT_EQ(spec["groups"], nlohmann::json({"release-managers", "system:authenticated"})) << "the step's groups first";
}

TEST(ApprovalRequestTest, NoCommentNoCommentField) {
  auto approval = buildApproval(testing::fixtureRelease("canary_awaiting_approval.json"), kAlice, "reject", "");
  ASSERT_TRUE(approval.ok());
  EXPECT_EQ((*approval)["spec"]["decision"], "reject");
  EXPECT_FALSE((*approval)["spec"].contains("comment"));
}

TEST(ApprovalRequestTest, ARelaseNotWaitingForApprovalIsRefusedWithItsPhase) {
  auto approval = buildApproval(testing::fixtureRelease("canary_analysing.json"), kAlice, "approve", "");
  ASSERT_FALSE(approval.ok());
  EXPECT_EQ(approval.error().message,
            "modelrelease \"fraud\" is not waiting for an approval (phase Progressing: step 3/6: analysis error-rate running)");
}

TEST(ApprovalRequestTest, GroupsAreCappedAtTheCrdLimitKeepingTheStepsGroup) {
  approval::Identity many{"alice", {}};
  for (int i = 0; i < 100; ++i) many.groups.push_back("team-" + std::to_string(i));
  many.groups.push_back("release-managers");
  auto approval = buildApproval(testing::fixtureRelease("canary_awaiting_approval.json"), many, "approve", "");
  ASSERT_TRUE(approval.ok());
  const auto& groups = (*approval)["spec"]["groups"];
  EXPECT_EQ(groups.size(), kMaxApprovalGroups);
  EXPECT_EQ(groups[0], "release-managers");
}

TEST(ApprovalRequestTest, TooLongACommentIsRefused) {
  auto approval = buildApproval(testing::fixtureRelease("canary_awaiting_approval.json"), kAlice, "approve",
                                std::string(kMaxApprovalComment + 1, 'x'));
  ASSERT_FALSE(approval.ok());
  EXPECT_EQ(approval.error().message, "--comment is 4097 bytes; at most 4096 fit in a ReleaseApproval");
}

TEST(ApprovalRequestTest, JudgementIsFoundByApprovalName) {
  auto release = testing::fixtureRelease("canary_awaiting_approval.json");
  auto judged = judgementOf(release, "fraud-approve-x7k2q");
  ASSERT_TRUE(judged);
  EXPECT_FALSE(judged->accepted);
  EXPECT_EQ(judged->message, "bob may not approve modelreleases/fraud: no RBAC rule grants it");
  EXPECT_FALSE(judgementOf(release, "fraud-approve-other"));
}

}  // namespace
}  // namespace aviary::cli
