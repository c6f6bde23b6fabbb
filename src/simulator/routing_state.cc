// Resolving a release's routing objects into version shares (see routing_state.h): pure JSON walking.

#include "aviary/simulator/routing_state.h"

#include <algorithm>
#include <cctype>
#include <map>
#include <regex>

#include "aviary/api/model_release.h"
#include "aviary/api/router_kinds.h"
#include "aviary/api/header_match.h"
#include "aviary/common/json_member.h"
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

// "svc", "svc.ns", "svc.ns.svc.cluster.local" → "svc".
std::string serviceOfHost(const std::string& host) { return host.substr(0, host.find('.')); }

// A rule of the route as the simulator needs it: conditions, weighted Services and the mirror.
struct RawRule {
  std::vector<HeaderCondition> headers;
  std::vector<ServiceWeight> backends;
  std::string mirrorService;
  double mirrorShare = 0;  // 0..1
};

std::string lower(std::string text) {
  for (char& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return text;
}

// The header conditions of the rule's first match: the simulator's requests differ only by headers.
std::vector<HeaderCondition> gatewayHeaders(const Json& rule) {
  std::vector<HeaderCondition> out;
  for (const Json& h : firstMatchHeaders(rule, "matches")) {
    const bool regex = h.value("type", "Exact") == "RegularExpression";
    out.push_back({lower(h.value("name", "")), regex ? "" : h.value("value", ""), regex ? h.value("value", "") : "", regex});
  }
  return out;
}

// Gateway API: a RequestMirror filter's percent, fraction, or all requests.
double mirrorShareOf(const Json& mirror) {
  if (mirror.contains("percent")) return numberOr(mirror, "percent", 100) / 100.0;
  if (mirror.contains("fraction")) {
    const Json& f = mirror["fraction"];
    double denominator = numberOr(f, "denominator", 100);
    return denominator > 0 ? numberOr(f, "numerator", 0) / denominator : 0;
  }
  return 1;
}

// Every rule with a backendRef. Gateway API gives precedence to more header matches; the rest keep
// their order.
std::vector<RawRule> httpRouteRules(const Json& route) {
  std::vector<RawRule> rules;
  for (const Json& rule : memberOrNull(memberOrNull(route, "spec"), "rules")) {
    RawRule raw;
    for (const Json& ref : memberOrNull(rule, "backendRefs")) {
      std::string kind = ref.value("kind", "Service");
      if (kind != "Service") continue;
      raw.backends.push_back({ref.value("name", ""), numberOr(ref, "weight", 1)});
    }
    if (raw.backends.empty()) continue;
    raw.headers = gatewayHeaders(rule);
    for (const Json& f : memberOrNull(rule, "filters")) {
      if (f.value("type", "") != "RequestMirror") continue;
      const Json& mirror = memberOrNull(f, "requestMirror");
      raw.mirrorService = stringAt(mirror, "/backendRef/name"_json_pointer);
      raw.mirrorShare = mirrorShareOf(mirror);
    }
    rules.push_back(std::move(raw));
  }
  std::stable_sort(rules.begin(), rules.end(),
                   [](const RawRule& a, const RawRule& b) { return a.headers.size() > b.headers.size(); });
  return rules;
}

std::vector<HeaderCondition> istioHeaders(const Json& http) {
  std::vector<HeaderCondition> out;
  const Json& headers = firstMatchHeaders(http, "match");
  if (!headers.is_object()) return out;
  for (const auto& [name, condition] : headers.items()) {
    if (condition.contains("exact")) out.push_back({lower(name), condition.value("exact", ""), "", false});
    if (condition.contains("prefix")) out.push_back({lower(name), "", api::prefixRegex(condition.value("prefix", "")), true});
    if (condition.contains("regex")) out.push_back({lower(name), "", condition.value("regex", ""), true});
  }
  return out;
}

// The HTTP routes (among `names`, when given) with destinations, in order. Istio's weights are
// percent; a route without any weight splits evenly.
std::vector<RawRule> virtualServiceRules(const Json& vs, const std::vector<std::string>& names) {
  std::vector<RawRule> rules;
  for (const Json& http : memberOrNull(memberOrNull(vs, "spec"), "http")) {
    const std::string name = http.value("name", "");
    // aviary's header routes sit before the routes they were made from, with names of their own.
    const bool aviarys = name.rfind("aviary-", 0) == 0;
    if (!names.empty() && !aviarys && std::find(names.begin(), names.end(), name) == names.end()) continue;
    const Json& destinations = memberOrNull(http, "route");
    if (!destinations.is_array() || destinations.empty()) continue;
    bool anyWeight = false;
    for (const Json& d : destinations) anyWeight = anyWeight || d.contains("weight");
    RawRule raw;
    for (const Json& d : destinations) {
      double weight = anyWeight ? numberOr(d, "weight", 0) : 100.0 / destinations.size();
      raw.backends.push_back({serviceOfHost(stringAt(d, "/destination/host"_json_pointer)), weight});
    }
    raw.headers = istioHeaders(http);
    if (http.contains("mirror")) {
      raw.mirrorService = serviceOfHost(stringAt(http, "/mirror/host"_json_pointer));
      raw.mirrorShare = numberOr(memberOrNull(http, "mirrorPercentage"), "value", 100) / 100.0;
    }
    rules.push_back(std::move(raw));
  }
  return rules;
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
  auto named = api::namedRoute(r);
  if (!named) return std::nullopt;
  RouteRef ref{named->router->kind, named->router->routeType, named->name, {}};
  if (ref.kind == api::RouterKind::Istio) {
    for (const Json& n : memberOrNull(r["istio"], "routes")) {
      if (n.is_string()) ref.istioRoutes.push_back(n.get<std::string>());
    }
  }
  return ref;
}

namespace {

// Version shares of weighted Services; what has nowhere to go is explained in note.
std::vector<VersionShare> versionShares(const std::vector<ServiceWeight>& backends, const ReleaseObjects& objects,
                                        std::string& note) {
  double totalWeight = 0;
  for (const ServiceWeight& b : backends) totalWeight += b.weight;
  if (totalWeight <= 0) {
    note = "the route sends no traffic to any Service";
    return {};
  }
  std::map<std::string, double> shares;
  for (const ServiceWeight& b : backends) {
    if (b.weight <= 0) continue;
    auto service = objects.services.find(b.service);
    auto versions = service == objects.services.end() ? std::map<std::string, double>{}
                                                       : serviceVersionShares(service->second, objects.deployments);
    if (versions.empty()) {
      note += (note.empty() ? "" : "; ") + std::string("Service ") + b.service +
              (service == objects.services.end() ? " not found" : " has no ready pods");
      continue;
    }
    for (const auto& [version, share] : versions) shares[version] += b.weight / totalWeight * share;
  }
  std::vector<VersionShare> out;
  for (const auto& [version, share] : shares) out.push_back({version, share});
  return out;
}

}  // namespace

bool matchesHeaders(const std::vector<HeaderCondition>& conditions, const std::map<std::string, std::string>& headers) {
  for (const HeaderCondition& c : conditions) {
    auto it = headers.find(c.name);
    if (it == headers.end()) return false;
    if (!c.isRegex && it->second != c.exact) return false;
    if (c.isRegex) {
      try {
        if (!std::regex_match(it->second, std::regex(c.regex))) return false;
      } catch (const std::regex_error&) {
        return false;  // a regex the simulator cannot read matches nothing
      }
    }
  }
  return true;
}

const RuleRouting* ruleFor(const ReleaseRouting& routing, const std::map<std::string, std::string>& headers) {
  for (const RuleRouting& rule : routing.rules) {
    if (matchesHeaders(rule.headers, headers)) return &rule;
  }
  return nullptr;
}

ReleaseRouting resolveRouting(const ReleaseObjects& objects) {
  ReleaseRouting out;
  out.ns = stringAt(objects.release, "/metadata/namespace"_json_pointer);
  out.release = stringAt(objects.release, "/metadata/name"_json_pointer);

  std::vector<RawRule> raw;
  std::optional<RouteRef> ref = routeRefOf(objects.release);
  if (!ref) {
    raw.push_back(RawRule{{}, {{workload::rootServiceName(out.release), 1}}, "", 0});
  } else if (!objects.route) {
    out.note = ref->type->kind + " " + ref->name + " not found";
    return out;
  } else {
    raw = ref->kind == api::RouterKind::Istio ? virtualServiceRules(*objects.route, ref->istioRoutes)
                                              : httpRouteRules(*objects.route);
  }
  if (raw.empty()) {
    out.note = "the route sends no traffic to any Service";
    return out;
  }
  bool plainSeen = false;
  for (const RawRule& r : raw) {
    RuleRouting rule;
    rule.headers = r.headers;
    std::string note;
    rule.versions = versionShares(r.backends, objects, note);
    if (!r.mirrorService.empty() && r.mirrorShare > 0) {
      std::string ignored;  // a mirror without pods drops its copies, as a mesh does
      rule.mirrored = versionShares({{r.mirrorService, 1}}, objects, ignored);
      for (VersionShare& v : rule.mirrored) v.share *= std::min(1.0, r.mirrorShare);
    }
    if (r.headers.empty() && !plainSeen) {
      plainSeen = true;
      out.versions = rule.versions;
      out.mirrored = rule.mirrored;
      out.note = note;
    }
    out.rules.push_back(std::move(rule));
  }
  return out;
}

Json routingToJson(const RoutingState& state) {
  Json out = Json::array();
  for (const ReleaseRouting& r : state) {
    Json versions = Json::array();
    for (const VersionShare& v : r.versions) versions.push_back({{"version", v.version}, {"share", v.share}});
    Json mirrored = Json::array();
    for (const VersionShare& v : r.mirrored) mirrored.push_back({{"version", v.version}, {"share", v.share}});
    Json rules = Json::array();
    for (const RuleRouting& rule : r.rules) {
      Json headers = Json::array();
      for (const HeaderCondition& h : rule.headers) {
        headers.push_back({{"name", h.name}, {h.isRegex ? "regex" : "exact", h.isRegex ? h.regex : h.exact}});
      }
      Json shares = Json::array();
      for (const VersionShare& v : rule.versions) shares.push_back({{"version", v.version}, {"share", v.share}});
      rules.push_back({{"headers", headers}, {"versions", shares}});
    }
    out.push_back({{"namespace", r.ns},
                   {"release", r.release},
                   {"versions", versions},
                   {"mirrored", mirrored},
                   {"rules", rules},
                   {"note", r.note}});
  }
  return out;
}

}  // namespace aviary::simulator
