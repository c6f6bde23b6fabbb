#include "dashboard/release_actions.h"

#include <gtest/gtest.h>

#include "unit/approval/awaiting_approval.h"

namespace aviary::dashboard {
namespace {

using Actions = std::vector<std::string>;

const approval::Identity kAlice{"alice", {"release-managers", "system:authenticated"}};

TEST(ReleaseActionsTest, AtAnApprovalStepTheRightsDecideTheButtons) {
  const auto release = aviary::testing::releaseAwaitingApproval();
  auto withCanary = release;
  withCanary.status.canaryVersion = "2";
  EXPECT_EQ(allowedActions(withCanary, kAlice, {true, true}),
            (Actions{"approve", "reject", "promote", "promote-full", "abort"}));
  EXPECT_EQ(allowedActions(withCanary, kAlice, {true, false}), (Actions{"approve", "reject"}));
  EXPECT_EQ(allowedActions(withCanary, kAlice, {false, true}), (Actions{"promote", "promote-full", "abort"}));
  EXPECT_EQ(allowedActions(withCanary, kAlice, {false, false}), Actions{}) << "a read-only user gets no button";
}

TEST(ReleaseActionsTest, TheStepsOwnApproversNarrowRbac) {
  api::ApprovalStep onlyCarol;
  onlyCarol.users = {"carol"};
  EXPECT_EQ(allowedActions(aviary::testing::releaseAwaitingApproval(onlyCarol), kAlice, {true, false}), Actions{});
  api::ApprovalStep managers;
  managers.groups = {"release-managers"};
  EXPECT_EQ(allowedActions(aviary::testing::releaseAwaitingApproval(managers), kAlice, {true, false}),
            (Actions{"approve", "reject"}));
}

TEST(ReleaseActionsTest, OnlyWhatAppliesInTheReleasesStateIsOffered) {
  auto release = aviary::testing::releaseAwaitingApproval();
  release.status.canaryVersion = "2";
  release.status.phase = api::Phase::Progressing;
  EXPECT_EQ(allowedActions(release, kAlice, {true, true}), (Actions{"promote", "promote-full", "abort"}))
      << "not waiting for an approval: no approve";

  release.status.phase = api::Phase::Promoted;
  release.status.canaryVersion.clear();
  EXPECT_EQ(allowedActions(release, kAlice, {true, true}), Actions{});

  release.status.phase = api::Phase::RolledBack;
  release.spec.model.version = "2";
  release.status.rolledBackVersion = "2";
  EXPECT_EQ(allowedActions(release, kAlice, {true, true}), Actions{"retry"});
  EXPECT_EQ(allowedActions(release, kAlice, {true, false}), Actions{});
  release.spec.model.version = "3";  // the spec moved on: a new rollout starts by itself
  EXPECT_EQ(allowedActions(release, kAlice, {true, true}), Actions{});
}

}  // namespace
}  // namespace aviary::dashboard
