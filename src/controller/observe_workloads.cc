#include "aviary/controller/observe.h"
#include "aviary/workload/names.h"
#include "aviary/workload/objects.h"

namespace aviary::controller {

using Json = nlohmann::json;

release::DeploymentState deploymentState(const Json& d) {
  release::DeploymentState s;
  s.exists = true;
  const Json spec = d.value("spec", Json::object()), status = d.value("status", Json::object());
  s.desiredReplicas = spec.value("replicas", 1);
  s.updatedReplicas = status.value("updatedReplicas", 0);
  s.availableReplicas = status.value("availableReplicas", 0);
  // A Deployment whose controller has not yet seen its latest spec has no trustworthy status.
  const int64_t generation = d["metadata"].value("generation", int64_t{0});
  if (status.value("observedGeneration", int64_t{0}) < generation) {
    s.updatedReplicas = 0;
    s.availableReplicas = std::min(s.availableReplicas, s.desiredReplicas);
  }
  for (const auto& c : status.value("conditions", Json::array())) {
    if (c.value("type", "") == "Progressing" && c.value("status", "") == "False" &&
        c.value("reason", "") == "ProgressDeadlineExceeded") {
      s.progressDeadlineExceeded = true;
    }
  }
  return s;
}

std::map<std::string, release::DeploymentState> deploymentsByVersion(const std::vector<Json>& deployments,
                                                                     const api::ModelRelease& release,
                                                                     const ModelUriOf& uriOf) {
  // Version labels are sanitised (workload::labelValue); map them back to the versions the release knows.
  std::map<std::string, std::string> versionOfLabel;
  const auto& st = release.status;
  for (const std::string& v : {release.spec.model.version, st.stableVersion, st.canaryVersion, st.previousStableVersion,
                               st.rolledBackVersion}) {
    if (!v.empty()) versionOfLabel[workload::labelValue(v)] = v;
  }
  std::map<std::string, release::DeploymentState> byVersion;
  for (const auto& d : deployments) {
    const Json labels = d["metadata"].value("labels", Json::object());
    std::string version = labels.value(api::kVersionLabel, std::string());
    if (version.empty()) continue;
    if (auto known = versionOfLabel.find(version); known != versionOfLabel.end()) version = known->second;
    release::DeploymentState state = deploymentState(d);
    // Built at the live replica count: replicas are the planner's to compare, the rest is drift.
    state.upToDate = workload::deploymentMatches(d, workload::buildDeployment(release, version, state.desiredReplicas, uriOf(version)));
    byVersion[version] = state;
  }
  return byVersion;
}

std::optional<release::ServiceState> observeServices(const api::ModelRelease& release, const CacheLookup& cached) {
  const auto& st = release.status;
  if (st.stableVersion.empty()) return std::nullopt;
  release::ServiceState state{st.stableVersion, st.canaryVersion, true};
  const workload::ServiceSet built = workload::buildServices(release, st.stableVersion, st.canaryVersion);
  for (const Json* desired : {&built.stable, &built.canary, &built.root}) {
    auto live = cached(release.metadata.namespace_ + "/" + (*desired)["metadata"].value("name", std::string()));
    if (!live.upToDate) return std::nullopt;
    if (!live.object || !workload::serviceMatches(*live.object, *desired)) state.upToDate = false;
  }
  return state;
}

}  // namespace aviary::controller
