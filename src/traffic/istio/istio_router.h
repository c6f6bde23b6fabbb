#pragma once
// Istio router: weights on the destinations of a user's VirtualService (networking.istio.io/v1). In the
// http routes it manages (all, or those named in istio.routes) whose route[] has a destination host of
// <release>-stable or <release>-canary — short name or <svc>.<ns>[.svc[.cluster.local]] — stable gets
// 100 − w and canary w; a route with only one of them gets the other added (same port, same host form).
// The canary's mirror and header routes go on and before those routes (virtual_service_rules.h).
// Other http routes, matches, retries, headers and other destinations are left as they were.

#include <string>

#include <nlohmann/json.hpp>

#include "aviary/common/result.h"
#include "aviary/traffic/router.h"

namespace aviary::traffic {

// The VirtualService with the split applied (pure). InvalidSpec when a route named in routing.routes
// does not exist or no managed route references the release.
Result<nlohmann::json> desiredVirtualService(const nlohmann::json& live, const workload::ReleaseRef& release,
                                             const api::IstioRouting& routing, const TrafficSplit& split);
// The split of the first managed route that references the release.
Result<RouteState> virtualServiceWeights(const nlohmann::json& live, const workload::ReleaseRef& release,
                                         const api::IstioRouting& routing);

RouterPtr makeIstioRouter(k8s::Client& client);

}  // namespace aviary::traffic
