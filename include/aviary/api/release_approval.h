#pragma once
// The ReleaseApproval resource: what `aviary approve|reject` creates. The API server (admission
// policy) guarantees approvedBy is the creating user; the operator authorizes them with a
// SubjectAccessReview before acting.

#include <optional>
#include <string>

#include "aviary/api/model_release.h"

namespace aviary::api {

struct ReleaseApprovalSpec {
  std::string release;               // ModelRelease name in the same namespace
  std::string decision;              // approve | reject
  std::string approvedBy;            // username; must equal the requesting user (admission policy)
  std::vector<std::string> groups;   // the approver's groups, as SelfSubjectReview reported them
  std::string comment;
  std::optional<int64_t> revision;   // metadata.generation of the release it approves (stale otherwise)
  std::optional<int32_t> step;       // step index it approves; absent = the current one
};

struct ReleaseApprovalStatus {
  std::string phase;  // "" | Accepted | Ignored
  std::string message;
};

struct ReleaseApproval {
  ObjectMeta metadata;
  ReleaseApprovalSpec spec;
  ReleaseApprovalStatus status;
};

}  // namespace aviary::api
