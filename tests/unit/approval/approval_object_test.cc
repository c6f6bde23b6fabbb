#include "aviary/approval/approval_object.h"

#include <gtest/gtest.h>

#include "unit/approval/awaiting_approval.h"

namespace aviary::approval {
namespace {

using nlohmann::json;

api::ModelRelease waitingRelease() { return testing::releaseAwaitingApproval(api::ApprovalStep{{"release-managers"}, {}}); }

TEST(ApprovalObject, BindsTheDecisionToTheGenerationAndStepWaitedAt) {
  auto release = waitingRelease();
  auto approval = approvalFor(release, Identity{"alice", {"release-managers", "system:authenticated"}}, "approve", "ok");
  EXPECT_EQ(approval.spec.revision, 4);
  EXPECT_EQ(approval.spec.step, 1);
  EXPECT_TRUE(evaluate(approval, release, true, "").accepted) << "what approvalFor builds passes the reconcile's checks";
  EXPECT_EQ(approvalObject(approval),
            json({{"apiVersion", "aviary.dev/v1alpha1"},
                  {"kind", "ReleaseApproval"},
                  {"metadata", {{"generateName", "fraud-approve-"}, {"namespace", "ml"}}},
                  {"spec",
                   {{"release", "fraud"}, {"decision", "approve"}, {"approvedBy", "alice"},
                    {"groups", {"release-managers", "system:authenticated"}}, {"comment", "ok"}, {"revision", 4},
                    {"step", 1}}}}));
}

TEST(ApprovalObject, LeavesOutWhatIsEmpty) {
  auto object = approvalObject(approvalFor(waitingRelease(), Identity{"bob", {}}, "reject", ""));
  EXPECT_EQ(object["metadata"]["generateName"], "fraud-reject-");
  EXPECT_FALSE(object["spec"].contains("groups"));
  EXPECT_FALSE(object["spec"].contains("comment"));
}

}  // namespace
}  // namespace aviary::approval
