#pragma once
// Reading the planner's Observed inputs out of cached objects. Pure functions over JSON.

#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "aviary/api/model_release.h"
#include "aviary/release/observed.h"

namespace aviary::controller {

// A Deployment's state as the planner needs it; upToDate compares the spec-hash annotation with the
// hash of what aviary would build now (expectedHash; "" skips the comparison).
release::DeploymentState deploymentState(const nlohmann::json& deployment, const std::string& expectedHash);

// The release's Deployments by model version (label aviary.dev/model-version).
std::map<std::string, release::DeploymentState> deploymentsByVersion(const std::vector<nlohmann::json>& deployments,
                                                                     const api::ModelRelease& release);

}  // namespace aviary::controller
