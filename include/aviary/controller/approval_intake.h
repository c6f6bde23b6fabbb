#pragma once
// Turning ReleaseApproval objects into the planner's approval decisions: each approval is judged once
// (approval::evaluate after a SubjectAccessReview for the `approve` verb) and recorded in
// status.approvals[] with the reason when ignored, and answered on the object's own status, so it is
// never judged twice — not even after a new rollout clears status.approvals. An approval created
// before the rollout in progress began is ignored: it cannot be about it.

#include <string>
#include <vector>

#include "aviary/api/model_release.h"
#include "aviary/k8s/client.h"
#include "aviary/release/observed.h"
#include "aviary/runtime/object_store.h"

namespace aviary::controller {

struct ApprovalIntake {
  std::vector<release::ApprovalDecision> decisions;  // accepted, for the planner
  std::vector<api::ApprovalRecord> records;           // every newly judged approval, for status
  std::vector<api::ApprovalRecord> unanswered;        // judged before, the object's answer not yet written
  // Why an approval was left unjudged: its SubjectAccessReview could not be asked (an outage, not a
  // verdict). Non-empty, the pass must come back for it, as no watch event will.
  std::string reviewFailure;
};

// How soon a pass that left an approval unjudged (a SubjectAccessReview outage) or unanswered (its
// status patch failed) tries again.
inline constexpr Duration kApprovalReviewRetryDelay{5'000};

// approvals: the cached ReleaseApprovals of the release's namespace. client: for SubjectAccessReviews.
ApprovalIntake takeApprovals(const api::ModelRelease& release, const std::vector<runtime::ObjectPtr>& approvals,
                             k8s::Client& client, TimePoint now);

// Writes the verdict on a ReleaseApproval back to its status (phase Accepted | Ignored, message), so
// `kubectl get releaseapprovals` answers the approver. The release's status.approvals stays the record
// the operator acts on; a failure here is retried while that record is kept (ApprovalIntake::unanswered).
Status acknowledgeApproval(k8s::Client& client, const std::string& ns, const api::ApprovalRecord& record);

// "<namespace>/<spec.release>" of a ReleaseApproval: the index (release_reconciler.h kReleaseIndex)
// the approvals informer carries so a release finds its approvals without a scan.
runtime::IndexFunc approvalReleaseIndex();

// status.approvals keeps the most recent entries only.
inline constexpr size_t kMaxApprovalRecords = 50;

}  // namespace aviary::controller
