#pragma once
// Where the traffic simulator sends each release's requests: it plays the data plane, so it reads the
// routing objects the operator writes and resolves them the way a mesh and kube-proxy would.
//
//   ModelRelease (spec.strategy.*.trafficRouting)
//     gatewayAPI → the HTTPRoute's backendRefs to Services, by weight (absent weight = 1); header
//                  matches and the RequestMirror filter (percent, fraction; none = all) per rule
//     istio      → the VirtualService's route destinations to Services, by weight (absent = 100/n);
//                  header matches, mirror and mirrorPercentage per http route
//     neither    → the root Service <release>, all requests
//   Service (spec.selector) → the release's Deployments whose pod template it selects, in proportion to
//   their ready replicas; a Deployment's version is its aviary.dev/model-version label.
//
// So a canary at 10% through an HTTPRoute, a replica-ratio split (root Service over every version)
// and a blue-green switch (root Service selector) all come out of the same resolution. The share
// routed to a Service without ready pods (or to one that does not exist) is not generated at all.
//
// Thread-safety: resolveRouting is pure; a RoutingReader is used from one thread.

#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "aviary/api/model_release.h"
#include "aviary/common/result.h"
#include "aviary/k8s/client.h"

namespace aviary::simulator {

using Json = nlohmann::json;

struct VersionShare {
  std::string version;
  double share = 0;  // fraction of the release's requests, 0..1

  bool operator==(const VersionShare&) const = default;
};

// One header condition a rule requires (exact, or a regex matched against the whole value, as Envoy
// does; a Gateway API / Istio prefix is turned into one).
struct HeaderCondition {
  std::string name;  // lower case
  std::string exact;
  std::string regex;
  bool isRegex = false;

  bool operator==(const HeaderCondition&) const = default;
};

// Where the requests a rule matches go, and where their mirrored copies go.
struct RuleRouting {
  std::vector<HeaderCondition> headers;  // all must match; empty = every request
  std::vector<VersionShare> versions;    // shares of the requests this rule takes; sum to at most 1
  std::vector<VersionShare> mirrored;    // a copy of this share of them goes to each version

  bool operator==(const RuleRouting&) const = default;
};

struct ReleaseRouting {
  std::string ns;
  std::string release;
  std::vector<VersionShare> versions;  // requests without headers: by version name; sum to at most 1
  std::string note;                    // why some or all traffic has nowhere to go; "" when none
  std::vector<VersionShare> mirrored;  // copies of the requests without headers (mirror), per version
  std::vector<RuleRouting> rules;      // in precedence order (the first that matches a request takes it)
};

// Whether a request with these headers (names lower case) meets every condition.
bool matchesHeaders(const std::vector<HeaderCondition>& conditions, const std::map<std::string, std::string>& headers);
// The rule a request with these headers takes: the first that matches; nullptr when none does.
const RuleRouting* ruleFor(const ReleaseRouting& routing, const std::map<std::string, std::string>& headers);

using RoutingState = std::vector<ReleaseRouting>;

// What resolveRouting reads for one release, as fetched from the API server.
struct ReleaseObjects {
  Json release;                        // the ModelRelease
  std::optional<Json> route;           // the HTTPRoute or VirtualService it names, when it exists
  std::map<std::string, Json> services;  // by name: whichever of the release's Services exist
  std::vector<Json> deployments;       // labelled aviary.dev/release=<release>
};

// The route object a release's spec names (api/router_kinds.h), if any.
struct RouteRef {
  api::RouterKind kind;
  const k8s::ResourceType* type;
  std::string name;
  std::vector<std::string> istioRoutes;  // VirtualService http route names to read; empty = all
};
std::optional<RouteRef> routeRefOf(const Json& modelRelease);

// The release's version shares from its objects. Never fails: what cannot be resolved yields no
// traffic, with the reason in ReleaseRouting::note.
ReleaseRouting resolveRouting(const ReleaseObjects& objects);

// Reads every ModelRelease and the objects it routes through, from the API server.
class RoutingReader {
 public:
  explicit RoutingReader(k8s::Client& client) : client_(client) {}
  // The whole state, or the first API error (the caller keeps its previous state then).
  Result<RoutingState> read();

 private:
  k8s::Client& client_;
};

// For GET /routing: [{"namespace","release","versions":[{"version","share"}],"note"}].
Json routingToJson(const RoutingState& state);

}  // namespace aviary::simulator
