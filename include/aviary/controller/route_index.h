#pragma once
// Which releases route through a given HTTPRoute or VirtualService, so a change to the route (someone
// edits its weights, the route appears after the release) reconciles those releases at once instead
// of at their next timed pass. The route types are informers of their own (operator_command.cc).

#include <string>

#include <nlohmann/json.hpp>

#include "aviary/k8s/resource.h"
#include "aviary/runtime/object_store.h"

namespace aviary::controller {

// The name of the index on the ModelRelease informer.
inline constexpr const char* kRouteIndex = "route";

// "<namespace>/<Kind>/<name>" of the route a ModelRelease names in
// spec.strategy.canary.trafficRouting (gatewayAPI.httpRoute → HTTPRoute, istio.virtualService →
// VirtualService); none for the replica ratio and blue-green.
runtime::IndexFunc releaseRouteIndex();

// The same key for a route object of the given type.
std::string routeIndexKey(const k8s::ResourceType& type, const nlohmann::json& route);

}  // namespace aviary::controller
