#include "cli/approval_request.h"

#include <algorithm>

#include "aviary/approval/approval_object.h"

namespace aviary::cli {

namespace {

// All of them, unless there are more than the CRD allows: then the step's own groups come first.
std::vector<std::string> groupsToSend(const std::vector<std::string>& userGroups, const api::ApprovalStep& step) {
  std::vector<std::string> groups;
  for (const auto& group : userGroups) {
    if (std::find(step.groups.begin(), step.groups.end(), group) != step.groups.end()) groups.push_back(group);
  }
  for (const auto& group : userGroups) {
    if (std::find(groups.begin(), groups.end(), group) == groups.end()) groups.push_back(group);
  }
  if (groups.size() > kMaxApprovalGroups) groups.resize(kMaxApprovalGroups);
  return groups;
}

}  // namespace

Result<nlohmann::json> buildApproval(const api::ModelRelease& release, const approval::Identity& who,
                                     const std::string& decision, const std::string& comment) {
  const auto& meta = release.metadata;
  const api::ApprovalStep* step = approval::pendingApprovalStep(release);
  if (!step) {
    std::string why = std::string("phase ") + api::phaseName(release.status.phase);
    if (!release.status.message.empty()) why += ": " + release.status.message;
    return makeError(ErrorCode::InvalidSpec, "modelrelease \"" + meta.name + "\" is not waiting for an approval (" + why + ")");
  }
  if (comment.size() > kMaxApprovalComment) {
    return makeError(ErrorCode::InvalidSpec, "--comment is " + std::to_string(comment.size()) + " bytes; at most " +
                                                 std::to_string(kMaxApprovalComment) + " fit in a ReleaseApproval");
  }
  const approval::Identity sent{who.username, groupsToSend(who.groups, *step)};
  return approval::approvalObject(approval::approvalFor(release, sent, decision, comment));
}

std::optional<api::ApprovalRecord> judgementOf(const api::ModelRelease& release, const std::string& approvalName) {
  for (const auto& record : release.status.approvals) {
    if (record.name == approvalName) return record;
  }
  return std::nullopt;
}

}  // namespace aviary::cli
