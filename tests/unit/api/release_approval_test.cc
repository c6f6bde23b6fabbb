#include "api_test_support.h"

namespace aviary::api::testing {
namespace {

Json approval() {
  return parseOne(R"(
apiVersion: aviary.dev/v1alpha1
kind: ReleaseApproval
metadata: {name: fraud-scorer-approve-1, namespace: ml}
spec: {release: fraud-scorer, decision: approve, approvedBy: alice, groups: [release-managers], comment: ok, revision: 3, step: 4}
status: {phase: Accepted, message: applied to step 4}
)");
}

TEST(DecodeReleaseApproval, ReadsEveryField) {
  ReleaseApproval decoded;
  const FieldErrors errors = check(approval(), decoded);
  ASSERT_TRUE(errors.empty()) << describeAll(errors);
  EXPECT_EQ(decoded.metadata.name, "fraud-scorer-approve-1");
  EXPECT_EQ(decoded.spec.release, "fraud-scorer");
  EXPECT_EQ(decoded.spec.decision, "approve");
  EXPECT_EQ(decoded.spec.approvedBy, "alice");
  EXPECT_EQ(decoded.spec.groups, std::vector<std::string>{"release-managers"});
  EXPECT_EQ(decoded.spec.comment, "ok");
  EXPECT_EQ(decoded.spec.revision, 3);
  EXPECT_EQ(decoded.spec.step, 4);
  EXPECT_EQ(decoded.status.phase, "Accepted");
}

struct ApprovalCase {
  const char* name;
  std::vector<Edit> edits;
  const char* path;
  const char* message;
};
void PrintTo(const ApprovalCase& c, std::ostream* os) { *os << c.name; }

class ApprovalRules : public ::testing::TestWithParam<ApprovalCase> {};

TEST_P(ApprovalRules, ReportTheFieldPath) {
  const ApprovalCase& c = GetParam();
  ReleaseApproval decoded;
  const FieldErrors errors = check(edited(approval(), c.edits), decoded);
  ASSERT_EQ(errors.size(), 1u) << describeAll(errors);
  EXPECT_EQ(errors[0].path, c.path);
  EXPECT_EQ(errors[0].message, c.message);
}

INSTANTIATE_TEST_SUITE_P(
    Table, ApprovalRules,
    ::testing::Values(
        ApprovalCase{"WrongKind", {set("/kind", "ModelRelease")}, "kind", "must be ReleaseApproval, got string \"ModelRelease\""},
        ApprovalCase{"ReleaseMissing", {remove("/spec/release")}, "spec.release", "required field is missing"},
        ApprovalCase{"ReleaseNotDns", {set("/spec/release", "Fraud")}, "spec.release",
                     "\"Fraud\" is not a valid name (DNS-1123 label): must consist of lower case letters, digits and '-'"},
        ApprovalCase{"DecisionMissing", {remove("/spec/decision")}, "spec.decision", "required field is missing"},
        ApprovalCase{"DecisionUnknown", {set("/spec/decision", "maybe")}, "spec.decision", "must be one of approve, reject; got string \"maybe\""},
        ApprovalCase{"ApprovedByMissing", {remove("/spec/approvedBy")}, "spec.approvedBy", "required field is missing"},
        ApprovalCase{"ApprovedByEmpty", {set("/spec/approvedBy", "")}, "spec.approvedBy", "must not be empty"},
        ApprovalCase{"RevisionZero", {set("/spec/revision", 0)}, "spec.revision", "must be at least 1, got 0"},
        ApprovalCase{"StepNegative", {set("/spec/step", -1)}, "spec.step", "must be at least 0, got -1"},
        ApprovalCase{"UnknownField", {set("/spec/approver", "bob")}, "spec.approver", "unknown field"},
        ApprovalCase{"NameNotDns", {set("/metadata/name", "A")}, "metadata.name",
                     "\"A\" is not a valid name (DNS-1123 subdomain): must consist of lower case letters, digits and '-'"}),
    [](const auto& info) { return std::string(info.param.name); });

TEST(ValidateReleaseApproval, AllowsGenerateName) {
  ReleaseApproval decoded;
  const FieldErrors errors = check(edited(approval(), {remove("/metadata/name"), set("/metadata/generateName", "fraud-")}), decoded);
  EXPECT_TRUE(errors.empty()) << describeAll(errors);
}

TEST(ValidateReleaseApproval, RejectIsADecision) {
  ReleaseApproval decoded;
  EXPECT_TRUE(check(edited(approval(), {set("/spec/decision", "reject")}), decoded).empty());
  EXPECT_EQ(decoded.spec.decision, "reject");
}

}  // namespace
}  // namespace aviary::api::testing
