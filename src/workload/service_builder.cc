#include "aviary/api/router_kinds.h"
#include "aviary/workload/names.h"
#include "aviary/workload/objects.h"
#include "workload/ownership.h"

namespace aviary::workload {
namespace {

Json buildService(const api::ModelRelease& release, const std::string& name, Json selector) {
  const auto& svc = release.spec.service;
  return {
      {"apiVersion", "v1"},
      {"kind", "Service"},
      {"metadata",
       {{"name", name},
        {"namespace", release.metadata.namespace_},
        {"labels", releaseLabels(release.metadata.name)},
        {"ownerReferences", Json::array({ownerReference(release)})}}},
      {"spec",
       {{"selector", std::move(selector)},
        {"ports", Json::array({{{"name", "http"},
                                {"protocol", "TCP"},
                                {"port", svc.port},
                                {"targetPort", svc.targetPort.value_or(svc.port)}}})}}},
  };
}

}  // namespace

ServiceSet buildServices(const api::ModelRelease& release, const std::string& stableVersion,
                         const std::string& canaryVersion) {
  const std::string& name = release.metadata.name;
  const std::string& canary = canaryVersion.empty() ? stableVersion : canaryVersion;
  return ServiceSet{
      buildService(release, stableServiceName(name), releaseLabels(name, stableVersion)),
      buildService(release, canaryServiceName(name), releaseLabels(name, canary)),
      buildService(release, rootServiceName(name),
                   api::splitsByReplicas(release.spec) ? releaseLabels(name) : releaseLabels(name, stableVersion)),
  };
}

}  // namespace aviary::workload
