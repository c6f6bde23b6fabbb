#pragma once
// One description per way aviary splits a canary's traffic: which member of
// spec.strategy.canary.trafficRouting selects it, the route object it rewrites, and the words users
// read. The planner, the route index, the operator's route caches, `aviary status` and the traffic
// simulator all read these, so adding a router describes it here once (docs/routers.md, "Adding a
// router"). Immutable after static initialisation: safe from any thread.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "aviary/api/model_release.h"
#include "aviary/k8s/resource.h"

namespace aviary::api {

struct RouterDescriptor {
  RouterKind kind;
  std::string_view specField;          // member of trafficRouting selecting it; "" = none set
  std::string_view routeNameField;     // member of specField naming the route object
  const k8s::ResourceType* routeType;  // what the router rewrites; nullptr = the pods are the split
  std::string_view wording;            // "Gateway API HTTPRoute", "replica ratio"

  bool podsAreTheSplit() const { return routeType == nullptr; }
};

// Every router; the one used when trafficRouting sets nothing (the replica ratio) is last.
const std::vector<RouterDescriptor>& routerDescriptors();
const RouterDescriptor& routerDescriptor(RouterKind kind);
const RouterDescriptor& routerOf(const TrafficRouting& routing);

// The route object a release's trafficRouting names; nullopt when the pods are the split.
struct NamedRoute {
  const RouterDescriptor* router;
  std::string name;
};
std::optional<NamedRoute> namedRoute(const TrafficRouting& routing);
// The same from the raw object (spec.strategy.canary.trafficRouting), for readers of unchecked JSON.
std::optional<NamedRoute> namedRoute(const nlohmann::json& trafficRouting);

// A canary whose replica counts are the split (no mesh route): its root Service fronts every version.
bool splitsByReplicas(const ModelReleaseSpec& spec);

}  // namespace aviary::api
