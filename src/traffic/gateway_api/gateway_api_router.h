#pragma once
// Gateway API router: weights on the backendRefs of a user's HTTPRoute (gateway.networking.k8s.io/v1).
// In every rule with a backendRef to <release>-stable or <release>-canary, stable gets 100 − w and
// canary w; a rule with only one of them gets the other added (same port). The canary's mirror and
// header routes are a RequestMirror filter on those rules and rules of aviary's placed before them
// (http_route_rules.h). Other rules, matches, filters and backendRefs to other Services are left as
// they were.

#include <string>

#include <nlohmann/json.hpp>

#include "aviary/common/result.h"
#include "aviary/traffic/router.h"

namespace aviary::traffic {

// The HTTPRoute with the split applied (pure). InvalidSpec when no rule references the release.
Result<nlohmann::json> desiredHttpRoute(const nlohmann::json& live, const workload::ReleaseRef& release,
                                        const TrafficSplit& split);
// The split of the first rule that references the release, with its mirror and the header routes.
Result<RouteState> httpRouteWeights(const nlohmann::json& live, const workload::ReleaseRef& release);

RouterPtr makeGatewayApiRouter(k8s::Client& client);

}  // namespace aviary::traffic
