#include "traffic/istio/virtual_service_rules.h"

#include <cmath>
#include <optional>
#include <set>

#include "aviary/common/json_member.h"
#include "aviary/workload/names.h"

namespace aviary::traffic {
namespace {

std::string headerRouteName(const workload::ReleaseRef& release, const std::string& route) {
  return "aviary-" + release.name + "-" + route;
}

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

// The canary's destination (host form and port of the first of the release's destinations).
Json canaryDestination(const Json& http, const BackendKind& kind) {
  for (const Json& d : memberOrNull(http, "route")) {
    if (kind.roleOf(d) != BackendRole::Other) return kind.retarget(d, BackendRole::Canary)["destination"];
  }
  return Json::object();
}

Json headerCondition(const api::HeaderMatch& match) {
  if (match.exact) return {{"exact", *match.exact}};
  if (match.prefix) return {{"prefix", *match.prefix}};
  return {{"regex", match.regex.value_or("")}};
}

Json headerRoute(const Json& managed, const BackendKind& kind, const workload::ReleaseRef& release,
                 const api::HeaderRoute& route) {
  Json http = managed;
  for (const char* key : {"mirror", "mirrorPercentage", "mirrors", "mirror_percent"}) http.erase(key);
  http["name"] = headerRouteName(release, route.name);
  Json matches = memberOrNull(managed, "match");
  if (matches.empty()) matches.push_back(Json::object());
  for (Json& m : matches) {
    for (const auto& condition : route.match) m["headers"][condition.header] = headerCondition(condition);
  }
  http["match"] = std::move(matches);
  Json destination = Json::object();
  destination["destination"] = canaryDestination(managed, kind);
  http["route"] = Json::array();
  http["route"].push_back(std::move(destination));
  return http;
}

Status setMirror(Json& http, const BackendKind& kind, const std::string& describe, int32_t percent) {
  const bool mirrors = http.contains("mirror");
  const bool ours = mirrors && kind.roleOf(Json{{"destination", http["mirror"]}}) == BackendRole::Canary;
  if (percent == 0) {
    if (ours) {
      http.erase("mirror");
      http.erase("mirrorPercentage");
    }
    return okStatus();
  }
  if (mirrors && !ours) {
    return makeError(ErrorCode::InvalidSpec, describe + " http route " + http.value("name", "") +
                                                 " already mirrors to " + http["mirror"].value("host", "") +
                                                 ": Istio mirrors to one host");
  }
  http["mirror"] = canaryDestination(http, kind);
  // Istio reads a missing mirrorPercentage as 100%; written always, so the value is what we asked.
  http["mirrorPercentage"] = {{"value", percent}};
  return okStatus();
}

std::vector<api::HeaderMatch> matchesOf(const Json& http, const Json& managed) {
  const Json& own = firstMatchHeaders(http, "match");
  const Json& base = firstMatchHeaders(managed, "match");
  std::vector<api::HeaderMatch> out;
  if (!own.is_object()) return out;
  for (const auto& [name, condition] : own.items()) {
    if (base.is_object() && base.contains(name)) continue;
    api::HeaderMatch m;
    m.header = name;
    if (condition.contains("exact")) m.exact = condition["exact"].get<std::string>();
    if (condition.contains("prefix")) m.prefix = condition["prefix"].get<std::string>();
    if (condition.contains("regex")) m.regex = condition["regex"].get<std::string>();
    out.push_back(std::move(m));
  }
  return out;
}

}  // namespace

BackendKind istioDestinations(const workload::ReleaseRef& release) {
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

bool isHeaderRoute(const Json& http, const workload::ReleaseRef& release) {
  if (http.value("name", "").rfind(headerRouteName(release, ""), 0) != 0) return false;
  const BackendKind kind = istioDestinations(release);
  const Json& route = memberOrNull(http, "route");
  if (route.empty()) return false;
  for (const Json& d : route) {
    if (kind.roleOf(d) != BackendRole::Canary) return false;
  }
  return true;
}

Status setCanaryRoutes(Json& vs, const std::vector<size_t>& managed, const workload::ReleaseRef& release,
                       const TrafficSplit& split) {
  const BackendKind kind = istioDestinations(release);
  const std::string describe = "VirtualService " + release.namespace_ + "/" + vs["metadata"].value("name", "");
  const std::set<size_t> weighted(managed.begin(), managed.end());
  Json http = Json::array();
  for (size_t i = 0; i < vs["spec"]["http"].size(); ++i) {
    Json& route = vs["spec"]["http"][i];
    if (isHeaderRoute(route, release)) continue;  // rebuilt below, before the route they came from
    if (weighted.count(i) && canaryDestination(route, kind) != Json::object()) {
      for (const auto& header : split.headerRoutes) http.push_back(headerRoute(route, kind, release, header));
      if (auto set = setMirror(route, kind, describe, split.mirrorPercent); !set) return set.error();
    }
    http.push_back(std::move(route));
  }
  vs["spec"]["http"] = std::move(http);
  return okStatus();
}

void readCanaryRoutes(const Json& vs, size_t managed, const workload::ReleaseRef& release, RouteState& state) {
  const BackendKind kind = istioDestinations(release);
  const Json& http = vs["spec"]["http"];
  const Json& route = http[managed];
  state.mirrorPercent = 0;
  if (route.contains("mirror") && kind.roleOf(Json{{"destination", route["mirror"]}}) == BackendRole::Canary) {
    const Json& percentage = memberOrNull(route, "mirrorPercentage");
    state.mirrorPercent = percentage.is_object() ? static_cast<int32_t>(std::lround(percentage.value("value", 100.0))) : 100;
  }
  state.headerMatches.clear();
  for (size_t i = managed; i-- > 0;) {
    if (!isHeaderRoute(http[i], release)) break;
    state.headerMatches.insert(state.headerMatches.begin(), matchesOf(http[i], route));
  }
}

}  // namespace aviary::traffic
