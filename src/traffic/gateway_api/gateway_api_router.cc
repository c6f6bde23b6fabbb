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
    Json stored;
    auto written = write(target, split, &stored);
    if (!written || written->count() == 0 || !partialMirrorDropped(stored, target.release, split.mirrorPercent)) {
      return written;
    }
    // The installed CRD pruned requestMirror.percent: the route now mirrors every request, not the
    // share asked for. Take the mirror off again and say why.
    TrafficSplit unmirrored = split;
    unmirrored.mirrorPercent = 0;
    if (auto undone = write(target, unmirrored, nullptr); !undone) return undone.error();
    return makeError(ErrorCode::InvalidSpec,
                     "HTTPRoute " + target.release.namespace_ + "/" + routeName(target) + ": mirroring " +
                         std::to_string(split.mirrorPercent) +
                         "% of requests needs requestMirror.percent, which the installed Gateway API CRD does not "
                         "have (Gateway API v1.2 or later, GEP-3171); upgrade the CRD or mirror 100%");
  }

 private:
  Result<WriteOutcome> write(const RouteTarget& target, const TrafficSplit& split, Json* stored) {
    return rewriteRouteObject(client_, k8s::resources::kHttpRoutes, target.release.namespace_, routeName(target),
                              [&](Json live) { return desiredHttpRoute(live, target.release, split); }, stored);
  }

  // A partial mirror was written and the stored route mirrors every request: the CRD dropped percent.
  static bool partialMirrorDropped(const Json& stored, const workload::ReleaseRef& release, int32_t percent) {
    if (percent <= 0 || percent >= 100) return false;
    RouteState state;
    readCanaryRules(stored, release, state);
    return state.mirrorPercent == 100;
  }

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
