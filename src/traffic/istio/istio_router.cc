#include "traffic/istio/istio_router.h"

#include "traffic/istio/virtual_service_rules.h"

#include <algorithm>

#include "aviary/workload/names.h"
#include "traffic/route_object.h"
#include "traffic/weighted_backends.h"

namespace aviary::traffic {
namespace {

std::string describe(const Json& vs, const workload::ReleaseRef& release) {
  return "VirtualService " + release.namespace_ + "/" + vs["metadata"].value("name", "");
}

// The managed http routes (indexes into spec.http) with a route[] list, or InvalidSpec naming a
// configured route that is missing. aviary's own header routes are never managed.
Result<std::vector<size_t>> managedRoutes(const Json& vs, const workload::ReleaseRef& release,
                                          const api::IstioRouting& routing) {
  std::vector<size_t> managed;
  std::vector<std::string> missing = routing.routes;
  if (vs.contains("spec") && vs["spec"].contains("http")) {
    const Json& http = vs["spec"]["http"];
    for (size_t i = 0; i < http.size(); ++i) {
      const std::string name = http[i].value("name", "");
      const bool named = std::find(routing.routes.begin(), routing.routes.end(), name) != routing.routes.end();
      if ((!routing.routes.empty() && !named) || isHeaderRoute(http[i], release)) continue;
      missing.erase(std::remove(missing.begin(), missing.end(), name), missing.end());
      if (http[i].contains("route")) managed.push_back(i);
    }
  }
  if (!missing.empty()) {
    return makeError(ErrorCode::InvalidSpec, describe(vs, release) + " has no http route named " + missing.front());
  }
  return managed;
}

template <typename JsonRef, typename List>
List routeLists(JsonRef& vs, const std::vector<size_t>& managed) {
  List lists;
  for (size_t i : managed) lists.push_back(&vs["spec"]["http"][i]["route"]);
  return lists;
}

std::string noRouteMessage(const Json& vs, const workload::ReleaseRef& release) {
  return describe(vs, release) + " has no http route to host " + workload::stableServiceName(release.name) +
         " or " + workload::canaryServiceName(release.name);
}

class IstioRouter final : public Router {
 public:
  explicit IstioRouter(k8s::Client& client) : client_(client) {}

  Result<RouteState> getRoutes(const RouteTarget& target) override {
    auto live = readRouteObject(client_, k8s::resources::kVirtualServices, target.release.namespace_,
                                istio(target).virtualService);
    if (!live) return live.error();
    return virtualServiceWeights(*live, target.release, istio(target));
  }

  Result<WriteOutcome> setRoutes(const RouteTarget& target, const TrafficSplit& split) override {
    if (auto valid = validateSplit(split); !valid) return valid.error();
    return rewriteRouteObject(
        client_, k8s::resources::kVirtualServices, target.release.namespace_, istio(target).virtualService,
        [&](Json live) { return desiredVirtualService(live, target.release, istio(target), split); });
  }

 private:
  static const api::IstioRouting& istio(const RouteTarget& target) {
    static const api::IstioRouting kNone;
    return target.routing.istio ? *target.routing.istio : kNone;
  }

  k8s::Client& client_;
};

}  // namespace

Result<Json> desiredVirtualService(const Json& live, const workload::ReleaseRef& release,
                                   const api::IstioRouting& routing, const TrafficSplit& split) {
  Json vs = live;
  auto managed = managedRoutes(vs, release, routing);
  if (!managed) return managed.error();
  auto lists = routeLists<Json, std::vector<Json*>>(vs, *managed);
  if (auto set = setWeights(lists, istioDestinations(release), split.canaryWeight, noRouteMessage(live, release)); !set) {
    return set.error();
  }
  if (auto set = setCanaryRoutes(vs, *managed, release, split); !set) return set.error();
  return vs;
}

Result<RouteState> virtualServiceWeights(const Json& live, const workload::ReleaseRef& release,
                                         const api::IstioRouting& routing) {
  auto managed = managedRoutes(live, release, routing);
  if (!managed) return managed.error();
  const BackendKind kind = istioDestinations(release);
  auto state = readWeights(routeLists<const Json, std::vector<const Json*>>(live, *managed), kind,
                           noRouteMessage(live, release));
  if (!state) return state.error();
  for (size_t i : *managed) {
    const Json& route = live["spec"]["http"][i]["route"];
    if (std::any_of(route.begin(), route.end(), [&](const Json& d) { return kind.roleOf(d) != BackendRole::Other; })) {
      readCanaryRoutes(live, i, release, *state);
      break;
    }
  }
  return state;
}

RouterPtr makeIstioRouter(k8s::Client& client) { return std::make_unique<IstioRouter>(client); }

}  // namespace aviary::traffic
