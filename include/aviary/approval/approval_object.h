#pragma once
// The ReleaseApproval a user gives to the step a release waits at, and the object that records it:
// what the HTTP API creates with the caller's token (and what any other client creating approvals
// can reuse). Pure functions.

#include <string>

#include <nlohmann/json.hpp>

#include "aviary/api/model_release.h"
#include "aviary/api/release_approval.h"
#include "aviary/approval/approval_policy.h"

namespace aviary::approval {

// `who`'s decision ("approve" | "reject") on `release` as it is now: bound to its generation and the
// step it waits at (so a later rollout is not approved by it), under the user's name and groups, which
// the admission policy checks against the user that creates the object.
api::ReleaseApproval approvalFor(const api::ModelRelease& release, const Identity& who, const std::string& decision,
                                 const std::string& comment);

// The ReleaseApproval object to create; the API server generates its name from the release's and the
// decision ("scorer-approve-x7k2q").
nlohmann::json approvalObject(const api::ReleaseApproval& approval);

}  // namespace aviary::approval
