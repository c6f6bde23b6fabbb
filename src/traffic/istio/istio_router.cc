#include "traffic/istio/istio_router.h"

#include <algorithm>

#include "aviary/workload/names.h"
#include "traffic/route_object.h"
#include "traffic/weighted_backends.h"

namespace aviary::traffic {
namespace {

// The suffix that turns a Service name into host, when host is one of the names Kubernetes DNS gives
// that Service ("", ".ml", ".ml.svc", ".ml.svc.cluster.local"); nullopt otherwise.
std::optional<std::string> hostSuffix(const std::string& host, const std::string& service, const std::string& ns) {
  if (host.rfind(service, 0) != 0) return std::nullopt;
  const std::string suffix = host.substr(service.size());
  for (const std::string& form : {std::string(), "." + ns, "." + ns + ".svc", "." + ns + ".svc.cluster.local"}) {
    if (suffix == form) return suffix;
  }
  return std::nullopt;
}

std::string hostOf(const Json& destination) {
  return destination.contains("destination") ? destination["destination"].value("host", "") : "";
}

// A destination without a weight takes all traffic when it is alone, none otherwise.
BackendKind destinations(const workload::ReleaseRef& release) {
  const std::string stable = workload::stableServiceName(release.name);
  const std::string canary = workload::canaryServiceName(release.name);
  const std::string ns = release.namespace_;
  return BackendKind{
      [=](const Json& destination) {
        const std::string host = hostOf(destination);
        if (hostSuffix(host, stable, ns)) return BackendRole::Stable;
        if (hostSuffix(host, canary, ns)) return BackendRole::Canary;
        return BackendRole::Other;
      },
      [=](const Json& destination, BackendRole role) {
        const std::string host = hostOf(destination);
        const bool toCanary = role == BackendRole::Canary;
        const auto suffix = hostSuffix(host, toCanary ? stable : canary, ns);
        Json copy = destination;
        copy["destination"]["host"] = (toCanary ? canary : stable) + suffix.value_or("");
        return copy;
      },
      [](std::size_t entries) { return entries == 1 ? 100 : 0; },
  };
}

std::string describe(const Json& vs, const workload::ReleaseRef& release) {
  return "VirtualService " + release.namespace_ + "/" + vs["metadata"].value("name", "");
}

// The route[] lists of the managed http routes, or InvalidSpec naming a configured route that is missing.
template <typename JsonRef, typename List>
Result<List> managedRoutes(JsonRef& vs, const workload::ReleaseRef& release, const api::IstioRouting& routing) {
  List lists;
  std::vector<std::string> missing = routing.routes;
  if (vs.contains("spec") && vs["spec"].contains("http")) {
    for (auto& http : vs["spec"]["http"]) {
      const std::string name = http.value("name", "");
      const bool named = std::find(routing.routes.begin(), routing.routes.end(), name) != routing.routes.end();
      if (!routing.routes.empty() && !named) continue;
      missing.erase(std::remove(missing.begin(), missing.end(), name), missing.end());
      if (http.contains("route")) lists.push_back(&http["route"]);
    }
  }
  if (!missing.empty()) {
    return makeError(ErrorCode::InvalidSpec, describe(vs, release) + " has no http route named " + missing.front());
  }
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
        [&](Json live) { return desiredVirtualService(live, target.release, istio(target), split.canaryWeight); });
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
                                   const api::IstioRouting& routing, int32_t canaryWeight) {
  Json vs = live;
  auto lists = managedRoutes<Json, std::vector<Json*>>(vs, release, routing);
  if (!lists) return lists.error();
  if (auto set = setWeights(*lists, destinations(release), canaryWeight, noRouteMessage(live, release)); !set) {
    return set.error();
  }
  return vs;
}

Result<RouteState> virtualServiceWeights(const Json& live, const workload::ReleaseRef& release,
                                         const api::IstioRouting& routing) {
  auto lists = managedRoutes<const Json, std::vector<const Json*>>(live, release, routing);
  if (!lists) return lists.error();
  return readWeights(*lists, destinations(release), noRouteMessage(live, release));
}

RouterPtr makeIstioRouter(k8s::Client& client) { return std::make_unique<IstioRouter>(client); }

}  // namespace aviary::traffic
