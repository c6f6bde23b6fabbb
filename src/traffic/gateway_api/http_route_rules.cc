#include "traffic/gateway_api/http_route_rules.h"

#include <algorithm>

#include "aviary/api/header_match.h"
#include "aviary/common/json_member.h"
#include "aviary/workload/names.h"

namespace aviary::traffic {
namespace {

bool isWeightedRule(const Json& rule, const BackendKind& kind) {
  for (const Json& ref : memberOrNull(rule, "backendRefs")) {
    if (kind.roleOf(ref) != BackendRole::Other) return true;
  }
  return false;
}

// The filter index of the RequestMirror to the canary Service, or -1.
int mirrorFilter(const Json& rule, const BackendKind& kind) {
  const Json& filters = memberOrNull(rule, "filters");
  for (size_t i = 0; i < filters.size(); ++i) {
    const Json& f = filters[i];
    if (f.value("type", "") != "RequestMirror" || !f.contains("requestMirror")) continue;
    if (kind.roleOf(memberOrNull(f["requestMirror"], "backendRef")) == BackendRole::Canary) {
      return static_cast<int>(i);
    }
  }
  return -1;
}

// The first of the release's backendRefs in a weighted rule, pointed at the canary.
Json canaryRef(const Json& rule, const BackendKind& kind) {
  for (const Json& ref : rule["backendRefs"]) {
    if (kind.roleOf(ref) == BackendRole::Other) continue;
    return kind.retarget(ref, BackendRole::Canary);
  }
  return Json::object();  // unreachable for a weighted rule
}

// The API server defaults group and kind of a BackendObjectReference: written explicitly, the object
// reads back the same and is not rewritten on the next pass.
Json mirrorFilterFor(const Json& rule, const BackendKind& kind, int32_t percent) {
  Json ref = canaryRef(rule, kind);
  Json backend = {{"group", ref.value("group", "")}, {"kind", ref.value("kind", "Service")}, {"name", ref["name"]}};
  if (ref.contains("namespace")) backend["namespace"] = ref["namespace"];
  if (ref.contains("port")) backend["port"] = ref["port"];
  Json mirror = {{"backendRef", backend}};
  // Without percent every request is mirrored, which every Gateway API version understands.
  if (percent < 100) mirror["percent"] = percent;
  return {{"type", "RequestMirror"}, {"requestMirror", mirror}};
}

void setMirror(Json& rule, const BackendKind& kind, int32_t percent) {
  const int index = mirrorFilter(rule, kind);
  if (percent > 0) {
    Json filter = mirrorFilterFor(rule, kind, percent);
    if (index >= 0) {
      rule["filters"][static_cast<size_t>(index)] = std::move(filter);
    } else {
      rule["filters"].push_back(std::move(filter));
    }
  } else if (index >= 0) {
    rule["filters"].erase(static_cast<size_t>(index));
    if (rule["filters"].empty()) rule.erase("filters");
  }
}

Json headerCondition(const api::HeaderMatch& match) {
  // Gateway API has Exact and RegularExpression header matches; a prefix is a regex.
  if (match.exact) return {{"type", "Exact"}, {"name", match.header}, {"value", *match.exact}};
  const std::string regex = match.regex ? *match.regex : api::prefixRegex(match.prefix.value_or(""));
  return {{"type", "RegularExpression"}, {"name", match.header}, {"value", regex}};
}

// The weighted rule's matches (the route's default, every path, when it has none), each with the
// route's header conditions added; its filters but the canary mirror, plus the marker header; the
// canary as the only backend.
Json headerRule(const Json& weighted, const BackendKind& kind, const api::HeaderRoute& route) {
  Json rule = weighted;
  rule.erase("name");
  Json matches = memberOrNull(weighted, "matches");
  if (matches.empty()) matches.push_back({{"path", {{"type", "PathPrefix"}, {"value", "/"}}}});
  for (Json& m : matches) {
    for (const auto& condition : route.match) m["headers"].push_back(headerCondition(condition));
  }
  rule["matches"] = std::move(matches);
  Json ref = canaryRef(weighted, kind);
  ref["weight"] = 1;
  rule["backendRefs"] = Json::array();
  rule["backendRefs"].push_back(std::move(ref));
  if (int index = mirrorFilter(rule, kind); index >= 0) rule["filters"].erase(static_cast<size_t>(index));
  const Json marker = {{"name", kRouteMarkerHeader}, {"value", route.name}};
  bool marked = false;
  for (Json& f : rule["filters"]) {
    if (f.value("type", "") != "RequestHeaderModifier") continue;
    f["requestHeaderModifier"]["set"].push_back(marker);  // one modifier per rule is allowed
    marked = true;
  }
  if (!marked) {
    Json modifier = Json::object();
    modifier["set"] = Json::array();
    modifier["set"].push_back(marker);
    rule["filters"].push_back({{"type", "RequestHeaderModifier"}, {"requestHeaderModifier", modifier}});
  }
  return rule;
}

int32_t mirrorPercentOf(const Json& filter) {
  const Json& mirror = filter["requestMirror"];
  if (mirror.contains("percent")) return mirror["percent"].get<int32_t>();
  if (mirror.contains("fraction")) {
    const Json& f = mirror["fraction"];
    const double denominator = f.value("denominator", 100.0);
    return denominator > 0 ? static_cast<int32_t>(100.0 * f.value("numerator", 0.0) / denominator + 0.5) : 0;
  }
  return 100;
}

std::vector<api::HeaderMatch> matchesOf(const Json& rule, const Json& weighted) {
  const Json& own = firstMatchHeaders(rule, "matches");
  const Json& base = firstMatchHeaders(weighted, "matches");
  std::vector<api::HeaderMatch> out;
  for (size_t i = base.size(); i < own.size(); ++i) {
    api::HeaderMatch m;
    m.header = own[i].value("name", "");
    if (own[i].value("type", "Exact") == "Exact") {
      m.exact = own[i].value("value", "");
    } else {
      m.regex = own[i].value("value", "");
    }
    out.push_back(std::move(m));
  }
  return out;
}

}  // namespace

BackendKind httpRouteBackends(const workload::ReleaseRef& release) {
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

bool isHeaderRule(const Json& rule, const workload::ReleaseRef& release) {
  const BackendKind kind = httpRouteBackends(release);
  const Json& refs = memberOrNull(rule, "backendRefs");
  if (refs.empty() || !std::all_of(refs.begin(), refs.end(), [&](const Json& r) { return kind.roleOf(r) == BackendRole::Canary; })) {
    return false;
  }
  for (const Json& f : memberOrNull(rule, "filters")) {
    if (f.value("type", "") != "RequestHeaderModifier" || !f.contains("requestHeaderModifier")) continue;
    for (const Json& set : memberOrNull(f["requestHeaderModifier"], "set")) {
      if (set.value("name", "") == kRouteMarkerHeader) return true;
    }
  }
  return false;
}

void setCanaryRules(Json& route, const workload::ReleaseRef& release, const TrafficSplit& split) {
  if (!route.contains("spec") || !route["spec"].contains("rules")) return;
  const BackendKind kind = httpRouteBackends(release);
  Json rules = Json::array();
  for (Json& rule : route["spec"]["rules"]) {
    if (isHeaderRule(rule, release)) continue;  // rebuilt below from the weighted rule they precede
    if (isWeightedRule(rule, kind)) {
      for (const auto& header : split.headerRoutes) rules.push_back(headerRule(rule, kind, header));
      setMirror(rule, kind, split.mirrorPercent);
    }
    rules.push_back(std::move(rule));
  }
  route["spec"]["rules"] = std::move(rules);
}

void readCanaryRules(const Json& route, const workload::ReleaseRef& release, RouteState& state) {
  const BackendKind kind = httpRouteBackends(release);
  const Json& rules = memberOrNull(memberOrNull(route, "spec"), "rules");
  std::vector<const Json*> headerRules;
  for (const Json& rule : rules) {
    if (isHeaderRule(rule, release)) {
      headerRules.push_back(&rule);
      continue;
    }
    if (!isWeightedRule(rule, kind)) continue;
    const int index = mirrorFilter(rule, kind);
    state.mirrorPercent = index < 0 ? 0 : mirrorPercentOf(rule["filters"][static_cast<size_t>(index)]);
    for (const Json* header : headerRules) state.headerMatches.push_back(matchesOf(*header, rule));
    return;
  }
}

}  // namespace aviary::traffic
