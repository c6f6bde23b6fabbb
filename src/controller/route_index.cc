#include "aviary/controller/route_index.h"

#include "aviary/api/router_kinds.h"
#include "aviary/k8s/resource.h"

namespace aviary::controller {
namespace {

std::string key(const std::string& ns, const std::string& kind, const std::string& name) {
  return ns + "/" + kind + "/" + name;
}

const nlohmann::json& member(const nlohmann::json& object, const char* name) {
  static const nlohmann::json kNone = nlohmann::json::object();
  if (!object.is_object()) return kNone;
  auto it = object.find(name);
  return it != object.end() && it->is_object() ? *it : kNone;
}

}  // namespace

runtime::IndexFunc releaseRouteIndex() {
  return [](const nlohmann::json& release) -> std::vector<std::string> {
    const std::string ns = member(release, "metadata").value("namespace", std::string());
    const auto& routing = member(member(member(member(release, "spec"), "strategy"), "canary"), "trafficRouting");
    auto route = api::namedRoute(routing);
    if (!route) return {};
    return {key(ns, route->router->routeType->kind, route->name)};
  };
}

std::string routeIndexKey(const k8s::ResourceType& type, const nlohmann::json& route) {
  const auto& metadata = member(route, "metadata");
  return key(metadata.value("namespace", std::string()), type.kind, metadata.value("name", std::string()));
}

}  // namespace aviary::controller
