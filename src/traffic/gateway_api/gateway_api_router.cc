#include "traffic/gateway_api/gateway_api_router.h"

#include "aviary/workload/names.h"
#include "traffic/route_object.h"
#include "traffic/weighted_backends.h"

namespace aviary::traffic {
namespace {

// A backendRef is a Service in the route's namespace unless it says otherwise; unset weight is 1.
BackendKind backendRefs(const workload::ReleaseRef& release) {
  const std::string stable = workload::stableServiceName(release.name);
  const std::string canary = workload::canaryServiceName(release.name);
  return BackendKind{
      [=](const Json& ref) {
        if (ref.value("group", "") != "" || ref.value("kind", "Service") != "Service" ||
            ref.value("namespace", release.namespace_) != release.namespace_) {
          return BackendRole::Other;
        }
        const std::string name = ref.value("name", "");
        if (name == stable) return BackendRole::Stable;
        if (name == canary) return BackendRole::Canary;
        return BackendRole::Other;
      },
      [=](const Json& ref, BackendRole role) {
        Json copy = ref;
        copy["name"] = role == BackendRole::Canary ? canary : stable;
        return copy;
      },
      [](std::size_t) { return 1; },
  };
}

std::string noRuleMessage(const Json& route, const workload::ReleaseRef& release) {
  return "HTTPRoute " + release.namespace_ + "/" + route["metadata"].value("name", "") +
         " has no rule with a backendRef to Service " + workload::stableServiceName(release.name) + " or " +
         workload::canaryServiceName(release.name);
}

template <typename JsonRef, typename List>
List ruleBackends(JsonRef& route) {
  List lists;
  if (!route.contains("spec") || !route["spec"].contains("rules")) return lists;
  for (auto& rule : route["spec"]["rules"]) {
    if (rule.contains("backendRefs")) lists.push_back(&rule["backendRefs"]);
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
                              [&](Json live) { return desiredHttpRoute(live, target.release, split.canaryWeight); });
  }

 private:
  static std::string routeName(const RouteTarget& target) {
    return target.routing.gatewayAPI ? target.routing.gatewayAPI->httpRoute : "";
  }

  k8s::Client& client_;
};

}  // namespace

Result<Json> desiredHttpRoute(const Json& live, const workload::ReleaseRef& release, int32_t canaryWeight) {
  Json route = live;
  auto lists = ruleBackends<Json, std::vector<Json*>>(route);
  if (auto set = setWeights(lists, backendRefs(release), canaryWeight, noRuleMessage(live, release)); !set) {
    return set.error();
  }
  return route;
}

Result<RouteState> httpRouteWeights(const Json& live, const workload::ReleaseRef& release) {
  return readWeights(ruleBackends<const Json, std::vector<const Json*>>(live), backendRefs(release),
                     noRuleMessage(live, release));
}

RouterPtr makeGatewayApiRouter(k8s::Client& client) { return std::make_unique<GatewayApiRouter>(client); }

}  // namespace aviary::traffic
