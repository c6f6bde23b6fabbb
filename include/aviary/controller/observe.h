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
#include "aviary/runtime/informer.h"

namespace aviary::controller {

// A Deployment's replica counts and progress as the planner needs them (upToDate is left true).
release::DeploymentState deploymentState(const nlohmann::json& deployment);

// The model URI aviary sets on a version's Deployment (MODEL_URI), when the registry knows it.
using ModelUriOf = std::function<std::optional<std::string>(const std::string& version)>;

// The release's Deployments by model version (label aviary.dev/model-version); upToDate says whether
// each still is what buildDeployment makes for that version and its model URI (workload::deploymentMatches:
// a changed spec, or a hand edit of the Deployment, is not up to date).
std::map<std::string, release::DeploymentState> deploymentsByVersion(const std::vector<nlohmann::json>& deployments,
                                                                     const api::ModelRelease& release,
                                                                     const ModelUriOf& uriOf);

// A cached object by "namespace/name" (runtime::Informer::get).
using CacheLookup = std::function<runtime::CachedObject(const std::string& key)>;

// The release's three Services as the last plan left them: the versions status names, and whether each
// Service is still what buildServices makes for them (deleted or edited by hand: upToDate=false).
// nullopt when nothing runs yet, or when the cache has not caught up with our own last write to one of
// them (trust status; the watch event of that write brings another pass).
std::optional<release::ServiceState> observeServices(const api::ModelRelease& release, const CacheLookup& cached);

}  // namespace aviary::controller
