#include "dashboard/release_actions.h"

#include "aviary/approval/approval_object.h"

namespace aviary::dashboard {

namespace {

bool rollingOut(const api::ModelReleaseStatus& status) {
  switch (status.phase) {
    case api::Phase::Progressing:
    case api::Phase::Paused:
    case api::Phase::AwaitingApproval: return !status.canaryVersion.empty();
    default: return false;
  }
}

bool retryable(const api::ModelRelease& release) {
  const auto& status = release.status;
  return status.phase == api::Phase::RolledBack && status.canaryVersion.empty() && !status.rolledBackVersion.empty() &&
         status.rolledBackVersion == release.spec.model.version;
}

// The step's own narrowing (users, groups), judged as the API and the reconcile judge it.
bool admittedApprover(const api::ModelRelease& release, const approval::Identity& who) {
  if (!approval::pendingApprovalStep(release)) return false;
  return approval::evaluate(approval::approvalFor(release, who, "approve", ""), release, true, "").accepted;
}

}  // namespace

std::vector<std::string> allowedActions(const api::ModelRelease& release, const approval::Identity& who,
                                        const Permissions& permissions) {
  std::vector<std::string> actions;
  if (permissions.approve && admittedApprover(release, who)) {
    actions.insert(actions.end(), {"approve", "reject"});
  }
  if (permissions.patch && rollingOut(release.status)) {
    actions.insert(actions.end(), {"promote", "promote-full", "abort"});
  }
  if (permissions.patch && retryable(release)) actions.push_back("retry");
  return actions;
}

}  // namespace aviary::dashboard
