#include "aviary/controller/approval_intake.h"

#include <algorithm>
#include <optional>

#include "aviary/api/validate.h"
#include "aviary/approval/approval_policy.h"

namespace aviary::controller {

namespace {

// Answered on the object itself (status.phase), which outlives the rollout whose start cleared
// status.approvals: an approval of an earlier rollout is never judged again (nor its Accepted turned
// into Ignored).
bool answered(const nlohmann::json& object) {
  return !object.value("status", nlohmann::json::object()).value("phase", std::string()).empty();
}

// Judged in an earlier pass whose answer on the object was not written (the patch failed).
const api::ApprovalRecord* judgedBefore(const api::ModelRelease& release, const std::string& name) {
  const auto& records = release.status.approvals;
  auto found = std::find_if(records.begin(), records.end(), [&](const api::ApprovalRecord& r) { return r.name == name; });
  return found == records.end() ? nullptr : &*found;
}

// An approval created before the rollout in progress began cannot be about it (one left unanswered by
// an outage of the SubjectAccessReview, or written for an earlier version).
bool predatesRollout(const api::ModelRelease& release, std::optional<TimePoint> created) {
  TimePoint started;
  return created && parseRfc3339(release.status.rolloutStartedAt, started) && *created < started;
}

// The SubjectAccessReview verdict, or the reason it could not be asked.
bool rbacAllows(k8s::Client& client, const api::ReleaseApproval& approval, const api::ModelRelease& release,
                std::string& reason) {
  auto answer = client.review(k8s::resources::kSubjectAccessReviews,
                              approval::subjectAccessReview({approval.spec.approvedBy, approval.spec.groups},
                                                            release.metadata.namespace_, release.metadata.name));
  if (!answer.ok()) {
    reason = "SubjectAccessReview failed: " + answer.error().message;
    return false;
  }
  return approval::accessAllowed(*answer, reason);
}

}  // namespace

Status acknowledgeApproval(k8s::Client& client, const std::string& ns, const api::ApprovalRecord& record) {
  nlohmann::json status = {{"status", {{"phase", record.accepted ? "Accepted" : "Ignored"}, {"message", record.message}}}};
  auto patched = client.patch(k8s::resources::kReleaseApprovals, ns, record.name, k8s::PatchType::Merge, status, "status");
  if (!patched.ok()) return patched.error();
  return okStatus();
}

runtime::IndexFunc approvalReleaseIndex() {
  return [](const nlohmann::json& object) -> std::vector<std::string> {
    const std::string release = object.value("spec", nlohmann::json::object()).value("release", std::string());
    if (release.empty()) return {};
    return {object["metadata"].value("namespace", std::string()) + "/" + release};
  };
}

ApprovalIntake takeApprovals(const api::ModelRelease& release, const std::vector<runtime::ObjectPtr>& approvals,
                             k8s::Client& client, TimePoint now) {
  ApprovalIntake intake;
  for (const auto& object : approvals) {
    const std::string name = (*object)["metadata"].value("name", std::string());
    if ((*object).value("spec", nlohmann::json::object()).value("release", std::string()) != release.metadata.name ||
        answered(*object)) {
      continue;
    }
    if (const auto* record = judgedBefore(release, name)) {
      intake.unanswered.push_back(*record);
      continue;
    }
    api::ReleaseApproval approval;
    auto errors = api::check(*object, approval);
    // The decision was taken when the approver created the object, not when the operator saw it.
    std::optional<TimePoint> created;
    if (TimePoint at; parseRfc3339((*object)["metadata"].value("creationTimestamp", std::string()), at)) created = at;
    const TimePoint decidedAt = created.value_or(now);
    api::ApprovalRecord record;
    record.name = name;
    record.approvedBy = approval.spec.approvedBy;
    record.decision = approval.spec.decision;
    record.comment = approval.spec.comment;
    record.step = release.status.currentStepIndex;
    record.time = formatRfc3339(decidedAt);
    if (!errors.empty()) {
      record.message = "invalid approval: " + errors.front().describe();
    } else if (predatesRollout(release, created)) {
      record.message = "made before this rollout began (" + release.status.rolloutStartedAt + ")";
    } else {
      std::string rbacReason;
      const bool allowed = rbacAllows(client, approval, release, rbacReason);
      auto decision = approval::evaluate(approval, release, allowed, rbacReason);
      record.accepted = decision.accepted;
      record.message = decision.accepted ? "accepted" : decision.reason;
      // A failed SubjectAccessReview is an outage, not a verdict: judge the approval again next time.
      if (!decision.accepted && rbacReason.starts_with("SubjectAccessReview failed")) {
        intake.reviewFailure = rbacReason;
        continue;
      }
      if (decision.accepted) {
        intake.decisions.push_back({name, approval.spec.decision == "approve", approval.spec.approvedBy,
                                    approval.spec.comment, decidedAt});
      }
    }
    intake.records.push_back(std::move(record));
  }
  return intake;
}

}  // namespace aviary::controller
