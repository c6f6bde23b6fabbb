#pragma once
// Router: puts a traffic split between the stable and the canary version of a release into effect —
// by rewriting weights in a mesh route (Gateway API HTTPRoute, Istio VirtualService) or, without a
// mesh, by replica counts. Routers build the desired object from the live one, write only when the two
// differ, and leave everything they do not own (other rules, matches, filters, annotations) as it was.
// The operator's act layer calls setRoutes for the planner's SetTraffic action and getRoutes to report
// the effective weights in status.
//
// Thread-safety: a Router may be called concurrently for different releases. Routers hold a reference
// to the client they were made with; it must outlive them.

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "aviary/api/model_release.h"
#include "aviary/common/result.h"
#include "aviary/k8s/client.h"
#include "aviary/workload/applier.h"
#include "aviary/workload/write_outcome.h"

namespace aviary::traffic {

using workload::WriteOutcome;

// What a router routes for: the release, its routing spec and what is deployed now.
struct RouteTarget {
  workload::ReleaseRef release;
  api::TrafficRouting routing;
  int32_t replicas = 1;       // spec.replicas: what the replica-ratio router divides
  std::string stableVersion;  // deployed now (status): the replica-ratio router's getRoutes reads
  std::string canaryVersion;  // these Deployments; "" = no canary
};

// From the release's spec and status.
RouteTarget routeTarget(const api::ModelRelease& release);

// The split to put into effect. The mesh routers route to the <release>-stable / <release>-canary
// Services (which select the versions, see workload::buildServices); the replica-ratio router scales
// the versions' Deployments.
struct TrafficSplit {
  std::string stableVersion;
  std::string canaryVersion;  // "" = no canary: canaryWeight and mirrorPercent must be 0, no header route
  int32_t canaryWeight = 0;   // percent, 0..100
  int32_t mirrorPercent = 0;  // percent of the stable traffic copied to the canary (answers discarded)
  std::vector<api::HeaderRoute> headerRoutes;  // requests matching one of them go to the canary
};

// InvalidSpec when the weight or mirror is out of 0..100, or canary traffic is asked for without a
// canary version.
Status validateSplit(const TrafficSplit& split);

// The effective split, in percent of requests (stable + canary = 100), and the canary's other routes.
struct RouteState {
  int32_t stableWeight = 100;
  int32_t canaryWeight = 0;
  int32_t mirrorPercent = 0;
  std::vector<std::vector<api::HeaderMatch>> headerMatches;  // of the header routes to the canary, in order
};

class Router {
 public:
  virtual ~Router() = default;

  // The split in effect now. NotFound when the route object (or the stable Deployment) is missing.
  virtual Result<RouteState> getRoutes(const RouteTarget& target) = 0;

  // Puts split into effect; no write when it already is. Errors: NotFound (route object missing, the
  // message names it: "HTTPRoute ml/fraud-scorer not found"), InvalidSpec (the route has nothing that
  // points at the release's Services), Conflict (the object kept changing under us), API errors.
  virtual Result<WriteOutcome> setRoutes(const RouteTarget& target, const TrafficSplit& split) = 0;
};

using RouterPtr = std::unique_ptr<Router>;
using RouterFactory = std::function<RouterPtr(k8s::Client&)>;

// Which router serves which api::RouterKind. Filled by registerBuiltinRouters (one line per router);
// read-only afterwards, so concurrent make() calls are safe.
class RouterRegistry {
 public:
  void add(api::RouterKind kind, RouterFactory factory);
  // InvalidSpec for a kind nothing registered: never a silent fallback to another router.
  Result<RouterPtr> make(api::RouterKind kind, k8s::Client& client) const;

 private:
  std::vector<std::pair<api::RouterKind, RouterFactory>> factories_;
};

void registerBuiltinRouters(RouterRegistry& registry);

// A router of the built-in kinds.
Result<RouterPtr> makeRouter(api::RouterKind kind, k8s::Client& client);

}  // namespace aviary::traffic
