#pragma once
// Who may approve what. Identity is settled before this point: the API server's admission policy
// guarantees a ReleaseApproval's approvedBy/groups are the creating user's (crds/), and the HTTP API
// authenticates callers with TokenReview. Here we decide whether that identity may move this release:
//   1. Kubernetes RBAC, through a SubjectAccessReview for the custom verb `approve` on the release
//      (the ClusterRole aviary-release-manager grants it);
//   2. the approval step's own narrowing (`users`, `groups`);
//   3. freshness: the approval must target the release's current generation (when it names one) and
//      the step that is waiting (when it names one), while the release awaits approval.
// Pure functions; the SubjectAccessReview call itself is made by the caller with the k8s client.

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "aviary/api/model_release.h"
#include "aviary/api/release_approval.h"

namespace aviary::approval {

struct Identity {
  std::string username;
  std::vector<std::string> groups;
};

// The SubjectAccessReview (authorization.k8s.io/v1) asking whether `who` may `approve` the release.
nlohmann::json subjectAccessReview(const Identity& who, const std::string& namespace_, const std::string& release);
// Reads status.allowed (and the reason when denied) from the API server's answer.
bool accessAllowed(const nlohmann::json& review, std::string& reason);

struct Decision {
  bool accepted = false;
  std::string reason;  // why it was ignored (for the Event and status.approvals[].message)
};

// Whether an authenticated approval applies to the release now. `rbacAllowed`/`rbacReason` come from
// the SubjectAccessReview.
Decision evaluate(const api::ReleaseApproval& approval, const api::ModelRelease& release, bool rbacAllowed,
                  const std::string& rbacReason);

// The approval step the release is waiting at, or null.
const api::ApprovalStep* pendingApprovalStep(const api::ModelRelease& release);

}  // namespace aviary::approval
