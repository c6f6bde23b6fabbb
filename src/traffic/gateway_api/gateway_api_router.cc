#include "traffic/gateway_api/gateway_api_router.h"

#include "traffic/gateway_api/http_route_rules.h"

#include "aviary/workload/names.h"
#include "traffic/route_object.h"
#include "traffic/weighted_backends.h"

namespace aviary::traffic {
namespace {

std::string noRuleMessage(const Json& route, const workload::ReleaseRef& release) {
  return "HTTPRoute " + release.namespace_ + "/" + route["metadata"].value("name", "") +
         " has no rule with a backendRef to Service " + workload::stableServiceName(release.name) + " or " +
         workload::canaryServiceName(release.name);
}

// aviary's header rules route to the canary only; their weights are not the split.
template <typename JsonRef, typename List>
List ruleBackends(JsonRef& route, const workload::ReleaseRef& release) {
  List lists;
  if (!route.contains("spec") || !route["spec"].contains("rules")) return lists;
  for (auto& rule : route["spec"]["rules"]) {
    if (rule.contains("backendRefs") && !isHeaderRule(rule, release)) lists.push_back(&rule["backendRefs"]);
  }
  return lists;
}

class GatewayApiRouter final : public Router {
 public:
  explicit GatewayApiRouter(k8s::Client& client) : client_(client) {}

  Result<RouteState> getRoutes(const RouteTarget& target) override {
    auto live = readRouteObject(client_, k8s::resources::kHttpRoutes, target.release.namespace_, routeName(target));
    if (!live) return live.error();
    return httpRouteWeights(*live, target.release);
  }

  Result<WriteOutcome> setRoutes(const RouteTarget& target, const TrafficSplit& split) override {
    if (auto valid = validateSplit(split); !valid) return valid.error();
    return rewriteRouteObject(client_, k8s::resources::kHttpRoutes, target.release.namespace_, routeName(target),
                              [&](Json live) { return desiredHttpRoute(live, target.release, split); });
  }

 private:
  static std::string routeName(const RouteTarget& target) {
    return target.routing.gatewayAPI ? target.routing.gatewayAPI->httpRoute : "";
  }

  k8s::Client& client_;
};

}  // namespace

Result<Json> desiredHttpRoute(const Json& live, const workload::ReleaseRef& release, const TrafficSplit& split) {
  Json route = live;
  auto lists = ruleBackends<Json, std::vector<Json*>>(route, release);
  if (auto set = setWeights(lists, httpRouteBackends(release), split.canaryWeight, noRuleMessage(live, release)); !set) {
    return set.error();
  }
  setCanaryRules(route, release, split);
  return route;
}

Result<RouteState> httpRouteWeights(const Json& live, const workload::ReleaseRef& release) {
  auto state = readWeights(ruleBackends<const Json, std::vector<const Json*>>(live, release),
                           httpRouteBackends(release), noRuleMessage(live, release));
  if (state) readCanaryRules(live, release, *state);
  return state;
}

RouterPtr makeGatewayApiRouter(k8s::Client& client) { return std::make_unique<GatewayApiRouter>(client); }

}  // namespace aviary::traffic
