#pragma once
// Internal to the Istio router: which destinations of a VirtualService are the release's, and the
// canary's routes besides the weights (header routes, the mirror).

#include <string>

#include <nlohmann/json.hpp>

#include "aviary/common/result.h"
#include "aviary/traffic/router.h"
#include "traffic/weighted_backends.h"

namespace aviary::traffic {

// A destination without a weight takes all traffic when it is alone, none otherwise.
BackendKind istioDestinations(const workload::ReleaseRef& release);

// aviary's header routes are http routes named "aviary-<release>-<route name>" whose destinations are
// all the canary.
bool isHeaderRoute(const Json& http, const workload::ReleaseRef& release);

// On the managed http routes that reference the release (given by index into spec.http): the mirror
// (mirror + mirrorPercentage to the canary host) and, before each, one http route per header route
// with its matches, each with the route's header conditions added, and the canary as destination.
// InvalidSpec when a route to mirror already mirrors elsewhere (Istio mirrors to one host).
Status setCanaryRoutes(Json& vs, const std::vector<size_t>& managed, const workload::ReleaseRef& release,
                       const TrafficSplit& split);
// The mirror and header routes in effect around the first managed http route.
void readCanaryRoutes(const Json& vs, size_t managed, const workload::ReleaseRef& release, RouteState& state);

}  // namespace aviary::traffic
