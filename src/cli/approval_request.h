#pragma once
// The ReleaseApproval `aviary approve|reject` creates, and reading the operator's judgement of it back
// from the release's status. Pure.
//
// Groups: the approval carries all of the user's groups (as SelfSubjectReview reported them, the step's
// own groups first, at most the CRD's 64). The admission policy accepts exactly those, and the operator
// asks its SubjectAccessReview with them, so RBAC granted to a group (the usual
// `--group release-managers` RoleBinding) and the step's `groups` both see the user's membership.

#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "aviary/api/model_release.h"
#include "aviary/approval/approval_policy.h"
#include "aviary/common/result.h"

namespace aviary::cli {

inline constexpr size_t kMaxApprovalGroups = 64;  // crds/releaseapprovals.aviary.dev.yaml spec.groups
inline constexpr size_t kMaxApprovalComment = 4096;

// The ReleaseApproval by `who` for the approval step the release waits at (approval::approvalObject:
// generateName "<release>-<decision>-", pinned to the release's generation and step so it cannot
// approve a later rollout). InvalidSpec when the release is not waiting for an approval or the comment
// is too long.
Result<nlohmann::json> buildApproval(const api::ModelRelease& release, const approval::Identity& who,
                                     const std::string& decision, const std::string& comment);

// The operator's record of the approval named `approvalName` (status.approvals), once it judged it.
std::optional<api::ApprovalRecord> judgementOf(const api::ModelRelease& release, const std::string& approvalName);

}  // namespace aviary::cli
