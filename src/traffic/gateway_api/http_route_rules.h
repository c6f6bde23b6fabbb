#pragma once
// Internal to the Gateway API router: which backendRefs of an HTTPRoute are the release's, and the
// canary's rules besides the weights (header routes, the mirror filter).

#include <nlohmann/json.hpp>

#include "aviary/common/result.h"
#include "aviary/traffic/router.h"
#include "traffic/weighted_backends.h"

namespace aviary::traffic {

// The request header that marks aviary's header rules (and tells the model server which route it came by).
inline constexpr const char* kRouteMarkerHeader = "x-aviary-route";

// A backendRef is a Service in the route's namespace unless it says otherwise; unset weight is 1.
BackendKind httpRouteBackends(const workload::ReleaseRef& release);

// Header routes: for each weighted rule (one with a backendRef to the release) and each route in
// split.headerRoutes, a rule placed just before it with the weighted rule's matches, each with the
// route's header conditions added, and the canary as its only backendRef. Marked as aviary's by the
// request header x-aviary-route: <route name> it sets (so they are found again; Gateway API v1.3 has no
// rule names). The mirror: a RequestMirror filter to the canary Service on each weighted rule, with
// percent below 100. Everything else stays as it was.
// Whether a rule is one of aviary's header rules for the release.
bool isHeaderRule(const Json& rule, const workload::ReleaseRef& release);
void setCanaryRules(Json& route, const workload::ReleaseRef& release, const TrafficSplit& split);
// The mirror percent and header routes in effect, from the first weighted rule.
void readCanaryRules(const Json& route, const workload::ReleaseRef& release, RouteState& state);

}  // namespace aviary::traffic
