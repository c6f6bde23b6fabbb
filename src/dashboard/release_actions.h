#pragma once
// Which action buttons a user gets on a release: those their RBAC grants (the server's
// SubjectAccessReviews for `approve` and `patch`, release_api.h's verbs) AND that apply in the
// release's state, so the UI offers nothing the API would refuse. The API checks again on every POST:
// this decides only what is shown. Pure.

#include <string>
#include <vector>

#include "aviary/api/model_release.h"
#include "aviary/approval/approval_policy.h"

namespace aviary::dashboard {

struct Permissions {
  bool approve = false;  // verb approve on the release: approve, reject
  bool patch = false;    // verb patch: promote, promote-full, abort, retry
};

// In this order, a subset of: approve, reject, promote, promote-full, abort, retry.
//   approve/reject: waiting at an approval step whose users/groups admit `who`;
//   promote/promote-full/abort: a canary is rolling out (Progressing, Paused, AwaitingApproval);
//   retry: rolled back, and the spec still names the rolled back version.
std::vector<std::string> allowedActions(const api::ModelRelease& release, const approval::Identity& who,
                                        const Permissions& permissions);

}  // namespace aviary::dashboard
