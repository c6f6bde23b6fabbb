// Resolving a release's routing objects into version shares (see routing_state.h): pure JSON walking.

#include "aviary/simulator/routing_state.h"

#include <algorithm>
#include <map>

#include "aviary/api/model_release.h"
#include "aviary/workload/names.h"

namespace aviary::simulator {
namespace {

// A weighted reference from the route to a Service.
struct ServiceWeight {
  std::string service;
  double weight = 0;
};

std::string stringAt(const Json& object, const Json::json_pointer& pointer) {
  return object.contains(pointer) && object[pointer].is_string() ? object[pointer].get<std::string>() : "";
}

double numberOr(const Json& object, const char* key, double fallback) {
  auto it = object.find(key);
  return it != object.end() && it->is_number() ? it->get<double>() : fallback;
}

const Json& memberOrNull(const Json& object, const char* key) {
  static const Json kNull;
  auto it = object.find(key);
  return it == object.end() ? kNull : *it;
}

// "svc", "svc.ns", "svc.ns.svc.cluster.local" → "svc".
std::string serviceOfHost(const std::string& host) { return host.substr(0, host.find('.')); }

// The first rule with at least one backendRef: that is where matching requests go.
std::vector<ServiceWeight> httpRouteBackends(const Json& route) {
  for (const Json& rule : memberOrNull(memberOrNull(route, "spec"), "rules")) {
    std::vector<ServiceWeight> backends;
    for (const Json& ref : memberOrNull(rule, "backendRefs")) {
      std::string kind = ref.value("kind", "Service");
      if (kind != "Service") continue;
      backends.push_back({ref.value("name", ""), numberOr(ref, "weight", 1)});
    }
    if (!backends.empty()) return backends;
  }
  return {};
}

// The first HTTP route (among `names`, when given) with destinations. Istio's weights are percent;
// a route without any weight splits evenly.
std::vector<ServiceWeight> virtualServiceBackends(const Json& vs, const std::vector<std::string>& names) {
  for (const Json& http : memberOrNull(memberOrNull(vs, "spec"), "http")) {
    if (!names.empty() && std::find(names.begin(), names.end(), http.value("name", "")) == names.end()) continue;
    const Json& destinations = memberOrNull(http, "route");
    if (!destinations.is_array() || destinations.empty()) continue;
    bool anyWeight = false;
    for (const Json& d : destinations) anyWeight = anyWeight || d.contains("weight");
    std::vector<ServiceWeight> backends;
    for (const Json& d : destinations) {
      double weight = anyWeight ? numberOr(d, "weight", 0) : 100.0 / destinations.size();
      backends.push_back({serviceOfHost(stringAt(d, "/destination/host"_json_pointer)), weight});
    }
    return backends;
  }
  return {};
}

bool selects(const Json& selector, const Json& labels) {
  if (!selector.is_object() || selector.empty()) return false;  // a selector-less Service has no pods
  for (const auto& [key, value] : selector.items()) {
    auto it = labels.find(key);
    if (it == labels.end() || *it != value) return false;
  }
  return true;
}

const Json& templateLabels(const Json& deployment) {
  static const Json kNone = Json::object();
  const auto pointer = "/spec/template/metadata/labels"_json_pointer;
  return deployment.contains(pointer) ? deployment[pointer] : kNone;
}

// The pods' aviary.dev/model-version label (the Deployment's own when the template has none).
std::string versionOf(const Json& deployment) {
  std::string version = templateLabels(deployment).value(api::kVersionLabel, "");
  return version.empty() ? stringAt(deployment, "/metadata/labels/aviary.dev~1model-version"_json_pointer) : version;
}

// Version → fraction of the Service's requests, by ready replicas of the pods it selects.
std::map<std::string, double> serviceVersionShares(const Json& service, const std::vector<Json>& deployments) {
  const Json& selector = memberOrNull(memberOrNull(service, "spec"), "selector");
  std::map<std::string, double> ready;
  double total = 0;
  for (const Json& d : deployments) {
    double replicas = numberOr(memberOrNull(d, "status"), "readyReplicas", 0);
    std::string version = versionOf(d);
    if (replicas <= 0 || version.empty() || !selects(selector, templateLabels(d))) continue;
    ready[version] += replicas;
    total += replicas;
  }
  for (auto& [version, count] : ready) count /= total;
  return ready;
}

}  // namespace

std::optional<RouteRef> routeRefOf(const Json& modelRelease) {
  const auto routing = "/spec/strategy/canary/trafficRouting"_json_pointer;
  if (!modelRelease.contains(routing)) return std::nullopt;
  const Json& r = modelRelease[routing];
  if (std::string name = stringAt(r, "/gatewayAPI/httpRoute"_json_pointer); !name.empty()) {
    return RouteRef{RouteRef::Kind::HttpRoute, name, {}};
  }
  if (std::string name = stringAt(r, "/istio/virtualService"_json_pointer); !name.empty()) {
    std::vector<std::string> routes;
    for (const Json& n : memberOrNull(r["istio"], "routes")) {
      if (n.is_string()) routes.push_back(n.get<std::string>());
    }
    return RouteRef{RouteRef::Kind::VirtualService, name, routes};
  }
  return std::nullopt;
}

ReleaseRouting resolveRouting(const ReleaseObjects& objects) {
  ReleaseRouting out;
  out.ns = stringAt(objects.release, "/metadata/namespace"_json_pointer);
  out.release = stringAt(objects.release, "/metadata/name"_json_pointer);

  std::vector<ServiceWeight> backends;
  std::optional<RouteRef> ref = routeRefOf(objects.release);
  if (!ref) {
    backends.push_back({workload::rootServiceName(out.release), 1});
  } else if (!objects.route) {
    out.note = (ref->kind == RouteRef::Kind::HttpRoute ? "HTTPRoute " : "VirtualService ") + ref->name + " not found";
    return out;
  } else {
    backends = ref->kind == RouteRef::Kind::HttpRoute ? httpRouteBackends(*objects.route)
                                                      : virtualServiceBackends(*objects.route, ref->istioRoutes);
  }

  double totalWeight = 0;
  for (const ServiceWeight& b : backends) totalWeight += b.weight;
  if (totalWeight <= 0) {
    out.note = "the route sends no traffic to any Service";
    return out;
  }
  std::map<std::string, double> shares;
  for (const ServiceWeight& b : backends) {
    if (b.weight <= 0) continue;
    auto service = objects.services.find(b.service);
    auto versions = service == objects.services.end() ? std::map<std::string, double>{}
                                                       : serviceVersionShares(service->second, objects.deployments);
    if (versions.empty()) {
      out.note += (out.note.empty() ? "" : "; ") + std::string("Service ") + b.service +
                  (service == objects.services.end() ? " not found" : " has no ready pods");
      continue;
    }
    for (const auto& [version, share] : versions) shares[version] += b.weight / totalWeight * share;
  }
  for (const auto& [version, share] : shares) out.versions.push_back({version, share});
  return out;
}

Json routingToJson(const RoutingState& state) {
  Json out = Json::array();
  for (const ReleaseRouting& r : state) {
    Json versions = Json::array();
    for (const VersionShare& v : r.versions) versions.push_back({{"version", v.version}, {"share", v.share}});
    out.push_back({{"namespace", r.ns}, {"release", r.release}, {"versions", versions}, {"note", r.note}});
  }
  return out;
}

}  // namespace aviary::simulator
