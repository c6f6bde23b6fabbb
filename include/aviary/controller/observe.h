#pragma once
// Reading the planner's Observed inputs out of cached objects. Pure functions over JSON.

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "aviary/api/model_release.h"
#include "aviary/release/observed.h"

namespace aviary::controller {

// A Deployment's state as the planner needs it; upToDate compares the spec-hash annotation with the
// hash of what aviary would build now (expectedHash; "" skips the comparison).
release::DeploymentState deploymentState(const nlohmann::json& deployment, const std::string& expectedHash);

// The model URI aviary sets on a version's Deployment (MODEL_URI), when the registry knows it.
using ModelUriOf = std::function<std::optional<std::string>(const std::string& version)>;

// The release's Deployments by model version (label aviary.dev/model-version); upToDate compares each
// with what buildDeployment makes for that version and its model URI.
std::map<std::string, release::DeploymentState> deploymentsByVersion(const std::vector<nlohmann::json>& deployments,
                                                                     const api::ModelRelease& release,
                                                                     const ModelUriOf& uriOf);

}  // namespace aviary::controller
