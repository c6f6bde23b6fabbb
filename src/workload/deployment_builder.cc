#include <set>

#include "aviary/workload/names.h"
#include "aviary/workload/objects.h"
#include "workload/fnv_hash.h"
#include "workload/ownership.h"

namespace aviary::workload {
namespace {

using EnvVars = std::vector<std::pair<std::string, std::string>>;

// Ours go first so the user's own variables can still refer to them as $(MODEL_VERSION).
void setEnv(Json& container, const EnvVars& vars) {
  std::set<std::string> names;
  Json env = Json::array();
  for (const auto& [name, value] : vars) {
    env.push_back({{"name", name}, {"value", value}});
    names.insert(name);
  }
  for (const auto& var : container.value("env", Json::array())) {
    if (!names.count(var.value("name", ""))) env.push_back(var);
  }
  container["env"] = std::move(env);
}

void setEnvOnAll(Json& podSpec, const char* field, const EnvVars& vars) {
  if (!podSpec.contains(field) || !podSpec[field].is_array()) return;
  for (auto& container : podSpec[field]) setEnv(container, vars);
}

}  // namespace

Json ownerReference(const api::ModelRelease& release) {
  return {{"apiVersion", api::kApiVersion},  {"kind", "ModelRelease"},
          {"name", release.metadata.name},   {"uid", release.metadata.uid},
          {"controller", true},              {"blockOwnerDeletion", true}};
}

Json buildDeployment(const api::ModelRelease& release, const std::string& version, int32_t replicas,
                     const std::optional<std::string>& modelUri) {
  const Json labels = releaseLabels(release.metadata.name, version);

  Json podTemplate = release.spec.template_.is_object() ? release.spec.template_ : Json::object();
  Json& podLabels = podTemplate["metadata"]["labels"];
  if (!podLabels.is_object()) podLabels = Json::object();
  podLabels.update(labels);  // ours win: the selector depends on them

  EnvVars env = {{kModelNameEnv, release.spec.model.name}, {kModelVersionEnv, version}};
  if (modelUri) env.emplace_back(kModelUriEnv, *modelUri);
  Json& podSpec = podTemplate["spec"];
  setEnvOnAll(podSpec, "containers", env);
  setEnvOnAll(podSpec, "initContainers", env);

  Json deployment = {
      {"apiVersion", "apps/v1"},
      {"kind", "Deployment"},
      {"metadata",
       {{"name", deploymentName(release.metadata.name, version)},
        {"namespace", release.metadata.namespace_},
        {"labels", labels},
        {"ownerReferences", Json::array({ownerReference(release)})}}},
      {"spec", {{"selector", {{"matchLabels", labels}}}, {"template", std::move(podTemplate)}}},
  };
  // Hash before replicas are set: scaling is not a spec change.
  deployment["metadata"]["annotations"][kSpecHashAnnotation] = fnvHex(deployment.dump());
  deployment["spec"]["replicas"] = replicas;
  return deployment;
}

}  // namespace aviary::workload
