#pragma once
// Whether an identity may do something to a ModelRelease, as Kubernetes RBAC says (a
// SubjectAccessReview, authorization.k8s.io/v1): the HTTP API's authorization. The verbs it asks about:
// the custom verb `approve` (approve and reject, as for ReleaseApprovals) and `patch` (promote and
// abort, which the API writes as annotations on the release).
//
// Thread-safety: review may be called from several threads at once. Ownership: the Kubernetes client
// handed to makeKubeAccessReviewer must outlive the reviewer.

#include <memory>
#include <string>

#include "aviary/approval/approval_policy.h"
#include "aviary/common/result.h"
#include "aviary/k8s/client.h"

namespace aviary::approval {

// `verb` on modelreleases/`release` in `namespace_` (API group aviary.dev).
struct ReleaseAccess {
  std::string verb;
  std::string namespace_;
  std::string release;
};

struct AccessVerdict {
  bool allowed = false;
  std::string reason;  // why not (the authorizer's reason, or that no rule grants it)
};

class AccessReviewer {
 public:
  virtual ~AccessReviewer() = default;
  // An Error means the review could not be made: an outage, not a denial.
  virtual Result<AccessVerdict> review(const Identity& who, const ReleaseAccess& access) = 0;
};
using AccessReviewerPtr = std::unique_ptr<AccessReviewer>;

// A SubjectAccessReview per call, created with `client` (the operator's credentials).
AccessReviewerPtr makeKubeAccessReviewer(k8s::Client& client);

// The SubjectAccessReview asking about `access`: pure, for the adapter and its tests.
nlohmann::json subjectAccessReview(const Identity& who, const ReleaseAccess& access);

}  // namespace aviary::approval
