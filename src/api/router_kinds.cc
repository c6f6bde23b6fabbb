#include "aviary/api/router_kinds.h"

namespace aviary::api {

const std::vector<RouterDescriptor>& routerDescriptors() {
  static const std::vector<RouterDescriptor> descriptors = {
      {RouterKind::GatewayApi, "gatewayAPI", "httpRoute", &k8s::resources::kHttpRoutes, "Gateway API HTTPRoute"},
      {RouterKind::Istio, "istio", "virtualService", &k8s::resources::kVirtualServices, "Istio VirtualService"},
      {RouterKind::ReplicaRatio, "", "", nullptr, "replica ratio"},
  };
  return descriptors;
}

const RouterDescriptor& routerDescriptor(RouterKind kind) {
  for (const auto& d : routerDescriptors()) {
    if (d.kind == kind) return d;
  }
  return routerDescriptors().back();  // unreachable: every RouterKind is described
}

RouterKind routerKind(const TrafficRouting& routing) {
  if (routing.gatewayAPI) return RouterKind::GatewayApi;
  if (routing.istio) return RouterKind::Istio;
  return RouterKind::ReplicaRatio;
}

const RouterDescriptor& routerOf(const TrafficRouting& routing) { return routerDescriptor(routerKind(routing)); }

std::optional<NamedRoute> namedRoute(const TrafficRouting& routing) {
  const RouterDescriptor& router = routerOf(routing);
  switch (router.kind) {
    case RouterKind::GatewayApi: return NamedRoute{&router, routing.gatewayAPI->httpRoute};
    case RouterKind::Istio: return NamedRoute{&router, routing.istio->virtualService};
    case RouterKind::ReplicaRatio: break;
  }
  return std::nullopt;
}

std::optional<NamedRoute> namedRoute(const nlohmann::json& trafficRouting) {
  if (!trafficRouting.is_object()) return std::nullopt;
  for (const auto& router : routerDescriptors()) {
    if (router.podsAreTheSplit()) continue;
    auto field = trafficRouting.find(std::string(router.specField));
    if (field == trafficRouting.end() || !field->is_object()) continue;
    auto name = field->find(std::string(router.routeNameField));
    if (name != field->end() && name->is_string() && !name->get<std::string>().empty()) {
      return NamedRoute{&router, name->get<std::string>()};
    }
  }
  return std::nullopt;
}

bool splitsByReplicas(const ModelReleaseSpec& spec) {
  return spec.strategy.canary && routerOf(spec.strategy.canary->trafficRouting).podsAreTheSplit();
}

}  // namespace aviary::api
